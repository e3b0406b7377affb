import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivables } from './dashboards-receivables';
import {
  buildTestApp,
  type Client,
  clientFor,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';
import { buildKpiFixture } from './kpi-fixture';

// April 2026 of the KPI fixture, worked out by hand in test/kpi.test.ts and below.
describe('dashboards: panels from the KPI layer, visibility and Excel export', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let id: (k: string) => string;
  let admin: Client;
  let managerA: Client;
  let repA1: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org, id } = await buildKpiFixture(database));
    admin = await clientFor(app, org.users.admin);
    managerA = await clientFor(app, org.users.managerA);
    repA1 = await clientFor(app, org.users.repA1);
    await admin.post('/api/targets', {
      metric: 'revenue',
      period: '2026-04',
      level: 'company',
      value: 11_000_000,
    });
    await receivables(database, org, id);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const get = async (c: Client, url: string) => {
    const res = await c.get(url);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const summary = (d: any, key: string) => d.panels.summary.find((s: any) => s.kpi === key);

  it('the executive dashboard shows the company figures as worked out by hand', async () => {
    const d = await get(admin, '/api/dashboards/executive?period=2026-04');
    expect(d).toMatchObject({ kind: 'executive', level: 'company', from: '2026-04-01', to: '2026-04-30' });
    expect(summary(d, 'revenue')).toMatchObject({ value: 5_500_000, count: 3 });
    expect(summary(d, 'win_rate')).toMatchObject({ value: 0.75, numerator: 3, denominator: 4 });
    expect(summary(d, 'new_customers').value).toBe(2);
    expect(summary(d, 'leads').value).toBe(4);
    expect(summary(d, 'activities').value).toBe(2);

    // Funnel: initial_contact 3 entered, 2 went on (drop-off 1/3); negotiation 1 entered, none on.
    const funnel = Object.fromEntries(d.panels.funnel.stages.map((s: any) => [s.stage, s]));
    expect(funnel.initial_contact).toEqual({
      stage: 'initial_contact',
      entered: 3,
      advanced: 2,
      conversion: 0.6667,
      dropOff: 0.3333,
    });
    expect(funnel.needs_analysis).toMatchObject({ entered: 3, advanced: 3, dropOff: 0 });
    expect(funnel.negotiation).toMatchObject({ entered: 1, advanced: 0, dropOff: 1 });
    expect(funnel.contract).toMatchObject({ entered: 0, conversion: null, dropOff: null });
    expect(d.panels.funnel.overall).toEqual({ value: 0.3333, won: 1, entered: 3 });

    // Trend: 2025-05 … 2026-04; March 1,000,000 (d1), April 5,500,000.
    expect(d.panels.trend).toHaveLength(12);
    expect(d.panels.trend[0].month).toBe('2025-05');
    expect(d.panels.trend.slice(-2)).toEqual([
      { month: '2026-03', revenue: 1_000_000, wonDeals: 1 },
      { month: '2026-04', revenue: 5_500_000, wonDeals: 3 },
    ]);

    expect(d.panels.attainment).toEqual([
      expect.objectContaining({ level: 'company', target: 11_000_000, actual: 5_500_000, attainment: 0.5 }),
    ]);

    // Stays left in April: initial_contact 288, 48, 240, 24; needs_analysis 24, 432, 24; solution 168.
    const stays = Object.fromEntries(d.panels.stageDuration.map((s: any) => [s.stage, s]));
    expect(stays.initial_contact).toMatchObject({ count: 4, avgHours: 150, medianHours: 144 });
    expect(stays.initial_contact.buckets.map((b: any) => b.count)).toEqual([0, 2, 0, 2, 0]);
    expect(stays.needs_analysis.buckets.map((b: any) => b.count)).toEqual([0, 2, 0, 0, 1]);
    expect(stays.solution.buckets.map((b: any) => b.count)).toEqual([0, 0, 0, 1, 0]);

    // SLA heat map: repA1 new_lead 1 of 2 on time; repA2 new_lead 0/1, needs_analysis 1/1;
    // repB1 new_lead 0/1 (past due), initial_contact 0/1 (breached).
    const rows = Object.fromEntries(d.panels.slaHeatmap.rows.map((r: any) => [r.ownerId, r.cells]));
    expect(rows[org.users.repA1.id]).toEqual([{ stage: 'new_lead', onTime: 1, decided: 2, rate: 0.5 }]);
    expect(rows[org.users.repA2.id]).toEqual([
      { stage: 'needs_analysis', onTime: 1, decided: 1, rate: 1 },
      { stage: 'new_lead', onTime: 0, decided: 1, rate: 0 },
    ]);
    expect(rows[org.users.repB1.id]).toEqual([
      { stage: 'initial_contact', onTime: 0, decided: 1, rate: 0 },
      { stage: 'new_lead', onTime: 0, decided: 1, rate: 0 },
    ]);
    // Ageing as of 2026-04-30: c1 (repA1) 700,000 left of an instalment due 03-01 (60 days),
    // 500,000 due 04-20 (10 days), 200,000 due 05-31; c2 (repB1) 100,000 due 04-30 (due that day).
    expect(d.panels.collectionAgeing).toMatchObject({
      available: true,
      asOf: '2026-04-30',
      buckets: { not_due: 300_000, d0_30: 500_000, d31_60: 700_000, d61_90: 0, d90_plus: 0 },
      outstanding: 1_500_000,
      overdue: 1_200_000,
    });
  });

  it('equals the KPI API, number for number', async () => {
    const d = await get(admin, '/api/dashboards/executive?period=2026-04');
    for (const key of ['revenue', 'won_deals', 'win_rate', 'new_customers', 'leads', 'activities']) {
      const k = await get(admin, `/api/kpis/${key}?from=2026-04-01&to=2026-04-30`);
      expect(summary(d, key).value, key).toBe(k.total.value);
    }
  });

  it('a rep sees only self, a manager only the team', async () => {
    const mine = await get(repA1, '/api/dashboards/personal?period=2026-04');
    expect(mine).toMatchObject({ level: 'rep', subjectId: org.users.repA1.id });
    expect(summary(mine, 'revenue').value).toBe(2_000_000);
    expect(mine.panels.slaHeatmap.rows.map((r: any) => r.ownerId)).toEqual([org.users.repA1.id]);
    // Even the rep's "team" and "executive" dashboards hold only the rep's own records.
    const repExec = await get(repA1, '/api/dashboards/executive?period=2026-04');
    expect(summary(repExec, 'revenue').value).toBe(2_000_000);
    expect(repExec.panels.attainment).toEqual([]);
    expect(mine.panels.collectionAgeing).toMatchObject({ outstanding: 1_400_000, overdue: 1_200_000 });
    expect(repExec.panels.collectionAgeing.outstanding).toBe(1_400_000);

    const team = await get(managerA, '/api/dashboards/team?period=2026-04');
    expect(team).toMatchObject({ level: 'team', subjectId: org.units.teamA.id });
    expect(summary(team, 'revenue').value).toBe(5_000_000);
    expect(team.panels.collectionAgeing).toMatchObject({ outstanding: 1_400_000, groupBy: 'team' });
    expect(team.panels.slaHeatmap.rows.map((r: any) => r.ownerId).sort()).toEqual(
      [org.users.repA1.id, org.users.repA2.id].sort(),
    );
  });

  it('exports each dashboard to Excel with the same numbers', async () => {
    const d = await get(admin, '/api/dashboards/executive?period=2026-04');
    const res = await admin.request({
      method: 'GET',
      url: '/api/dashboards/executive/export.xlsx?period=2026-04',
      headers: { 'accept-language': 'en-US' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Summary',
      'Funnel',
      'Trend',
      'Attainment',
      'Stage duration',
      'SLA heat map',
      'Collection ageing',
    ]);
    const ageing = wb.getWorksheet('Collection ageing')!;
    expect(ageing.getRow(ageing.rowCount).values).toEqual([
      undefined,
      'Total',
      300_000,
      500_000,
      700_000,
      0,
      0,
      1_500_000,
      1_200_000,
    ]);
    const summarySheet = wb.getWorksheet('Summary')!;
    expect(summarySheet.getRow(1).getCell(3).value).toBe('Value');
    const revenueRow = summarySheet
      .getRows(2, summarySheet.rowCount - 1)!
      .find((r) => r.getCell(1).value === 'revenue')!;
    expect(revenueRow.getCell(3).value).toBe(summary(d, 'revenue').value);
    const trend = wb.getWorksheet('Trend')!;
    expect(trend.getRow(13).values).toEqual([undefined, '2026-04', 5_500_000, 3]);
    const funnel = wb.getWorksheet('Funnel')!;
    expect(funnel.getRow(2).values).toEqual([undefined, 'initial_contact', 3, 2, 0.6667, 0.3333]);

    const zh = await repA1.get('/api/dashboards/personal/export.xlsx?period=2026-04');
    expect(zh.statusCode).toBe(200);
    const wbZh = new ExcelJS.Workbook();
    await wbZh.xlsx.load(zh.rawPayload as unknown as ArrayBuffer);
    expect(wbZh.worksheets[0]!.name).toBe('概览');
  });

  it('counts every stay and clock in the duration buckets and the SLA heat map (more than 5,000)', async () => {
    // A second copy of the fixture; in June its deal d5 (repA2, in negotiation since 04-06) moves
    // 5,001 times, 6 minutes apart: negotiation → solution, then solution ⇄ needs_analysis. Stays
    // left in June: negotiation 1 (about 56 days), solution 2,500 and needs_analysis 2,500 (0.1 h
    // each) = 5,001. And 5,001 SLA clocks of d5 start in June: 1,000 breached, 4,001 met in time.
    const big = await buildKpiFixture(database);
    const t = big.org.tenant.id;
    const rep = big.org.users.repA2.id;
    const start = Date.parse('2026-06-01T00:00:00.000Z');
    const at = (k: number) => new Date(start + k * 360_000).toISOString();
    const events = Array.from({ length: 5_001 }, (_, k) => ({
      id: big.id(`big_ev${k}`),
      tenantId: t,
      recordType: 'deal',
      recordId: big.id('d5'),
      playbookVersionId: null,
      fromStage: k === 0 ? 'negotiation' : k % 2 ? 'solution' : 'needs_analysis',
      toStage: k === 0 ? 'solution' : k % 2 ? 'needs_analysis' : 'solution',
      actorId: rep,
      ownerId: rep,
      reason: null,
      at: at(k),
    }));
    const clocks = Array.from({ length: 5_001 }, (_, k) => ({
      id: big.id(`big_clk${k}`),
      tenantId: t,
      runId: big.id('run_d5'),
      recordType: 'deal',
      recordId: big.id('d5'),
      stageKey: 'solution',
      limitKey: 'solution_1h',
      ownerId: rep,
      startedAt: at(k),
      warnAt: null,
      dueAt: new Date(start + k * 360_000 + 3_600_000).toISOString(),
      status: k < 1_000 ? 'breached' : 'met',
      stoppedAt: k < 1_000 ? null : new Date(start + k * 360_000 + 60_000).toISOString(),
      nextCheckAt: null,
    }));
    for (let i = 0; i < events.length; i += 500) {
      await database.db
        .insertInto('stageEvents')
        .values(events.slice(i, i + 500))
        .execute();
      await database.db
        .insertInto('sopClocks')
        .values(clocks.slice(i, i + 500))
        .execute();
    }
    const bigAdmin = await clientFor(app, big.org.users.admin);
    const d = await get(bigAdmin, '/api/dashboards/executive?period=2026-06');
    const stays = Object.fromEntries(d.panels.stageDuration.map((s: any) => [s.stage, s]));
    expect(stays.negotiation.buckets.map((b: any) => b.count)).toEqual([0, 0, 0, 0, 1]);
    expect(stays.solution).toMatchObject({ count: 2_500, avgHours: 0.1 });
    expect(stays.solution.buckets.map((b: any) => b.count)).toEqual([2_500, 0, 0, 0, 0]);
    expect(stays.needs_analysis.buckets.map((b: any) => b.count)).toEqual([2_500, 0, 0, 0, 0]);
    for (const s of d.panels.stageDuration) {
      expect(
        s.buckets.reduce((n: number, b: any) => n + b.count, 0),
        s.stage,
      ).toBe(s.count);
    }
    expect(d.panels.slaHeatmap.rows).toEqual([
      {
        ownerId: rep,
        name: '李四',
        cells: [{ stage: 'solution', onTime: 4_001, decided: 5_001, rate: 0.8 }],
      },
    ]);
  });

  it('rejects an unknown dashboard, a bad period and a unit of another tenant', async () => {
    const kind = await admin.get('/api/dashboards/board?period=2026-04');
    expect([kind.statusCode, kind.json().field]).toEqual([400, 'kind']);
    const period = await admin.get('/api/dashboards/team?period=2026-4');
    expect([period.statusCode, period.json().field]).toEqual([400, 'period']);
    const unit = await admin.get('/api/dashboards/executive?period=2026-04&unitId=unit_nope');
    expect([unit.statusCode, unit.json().code]).toEqual([422, 'REFERENCE_NOT_FOUND']);
  });
});
