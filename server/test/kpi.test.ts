import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKpiCommand } from '../src/cli/kpi-command';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';
import { buildKpiFixture } from './kpi-fixture';

// Period April 2026 in Asia/Shanghai: [2026-03-31T16:00Z, 2026-04-30T16:00Z).
const APRIL = 'from=2026-04-01&to=2026-04-30';

describe('KPI library, slicing, drill-down and CLI on a hand-made history', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let id: (k: string) => string;
  let admin: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org, id } = await buildKpiFixture(database));
    admin = await clientFor(app, org.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const kpi = async (c: Client, key: string, qs = APRIL) => {
    const res = await c.get(`/api/kpis/${key}?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const group = (body: { groups: Array<{ key: string }> }, key: string) =>
    body.groups.find((g) => g.key === key) as Record<string, any> | undefined;

  it('lists the library with names, units, directions and dimensions', async () => {
    const res = await admin.get('/api/kpis');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, any>>;
    const keys = items.map((k) => k.key);
    for (const k of [
      'revenue',
      'revenue_growth_mom',
      'revenue_growth_yoy',
      'won_deals',
      'win_rate',
      'lead_conversion_rate',
      'stage_conversion',
      'deal_cycle_days',
      'time_in_stage_hours',
      'lead_response_on_time_rate',
      'sla_on_time_rate',
      'new_customers',
      'new_vs_existing_revenue',
      'per_capita_revenue',
      'repeat_purchase_rate',
      'activities',
      'leads',
      'collection_rate',
      'target_attainment',
    ])
      expect(keys).toContain(k);
    const revenue = items.find((k) => k.key === 'revenue')!;
    expect(revenue).toMatchObject({ unit: 'fen', direction: 'higher_is_better', available: true });
    expect(revenue.name['zh-CN']).toBe('销售额');
    expect(revenue.dimensions).toEqual(expect.arrayContaining(['month', 'rep', 'team', 'region', 'product']));
    expect(items.find((k) => k.key === 'deal_cycle_days')!.direction).toBe('lower_is_better');
    expect(items.find((k) => k.key === 'collection_rate')).toMatchObject({ available: true });
    expect(items.find((k) => k.key === 'customer_satisfaction')).toMatchObject({
      available: true,
      unit: 'score',
    });
  });

  it('computes each KPI for April as worked out by hand', async () => {
    // Won in April: d2 2,000,000 + d3 3,000,000 + d6 500,000 (closed 03-31T17Z = 04-01 local) = 5,500,000.
    const revenue = await kpi(admin, 'revenue');
    expect(revenue.total).toMatchObject({ value: 5_500_000, count: 3 });
    expect(revenue).toMatchObject({ from: '2026-04-01', to: '2026-04-30', timeZone: 'Asia/Shanghai' });
    expect((await kpi(admin, 'won_deals')).total.value).toBe(3);
    // Closed in April: won d2, d3, d6; lost d4 → 3 / 4.
    expect((await kpi(admin, 'win_rate')).total).toMatchObject({ value: 0.75, numerator: 3, denominator: 4 });
    // March (local): d1 1,000,000 → (5.5M − 1M) / 1M = 4.5.
    expect((await kpi(admin, 'revenue_growth_mom')).total).toMatchObject({
      value: 4.5,
      numerator: 5_500_000,
      previous: 1_000_000,
    });
    // April 2025: d7 2,000,000 → (5.5M − 2M) / 2M = 1.75.
    expect((await kpi(admin, 'revenue_growth_yoy')).total).toMatchObject({
      value: 1.75,
      previous: 2_000_000,
    });
    // Leads created in April: l1..l4, converted l1 and l4 → 2 / 4.
    expect((await kpi(admin, 'lead_conversion_rate')).total).toMatchObject({
      value: 0.5,
      numerator: 2,
      denominator: 4,
    });
    expect((await kpi(admin, 'leads')).total.value).toBe(4);
    // Cycle: d2 20 days, d3 20 days, d6 02-01T02 → 03-31T17 = 58 days 15 h = 58.625 → avg 32.875, median 20.
    expect((await kpi(admin, 'deal_cycle_days')).total).toMatchObject({ value: 32.88, median: 20, count: 3 });
    // First-contact clocks started in April: c1 on time; c2 breached, c3 met late, c4 past due; c6 cancelled → 1/4.
    expect((await kpi(admin, 'lead_response_on_time_rate')).total).toMatchObject({
      value: 0.25,
      numerator: 1,
      denominator: 4,
    });
    // All clocks: c1 and c7 on time, of c1 c2 c3 c4 c7 c8 → 2/6.
    expect((await kpi(admin, 'sla_on_time_rate')).total).toMatchObject({
      value: 0.3333,
      numerator: 2,
      denominator: 6,
    });
    // Customers created in April: accB, accC.
    expect((await kpi(admin, 'new_customers')).total.value).toBe(2);
    // d2 is accA's third won deal (after d7, d1): existing. d3 (accB) and d6 (accC) are first wins:
    // new = 3,500,000 of 5,500,000 = 0.6364.
    expect((await kpi(admin, 'new_vs_existing_revenue')).total).toMatchObject({
      value: 0.6364,
      numerator: 3_500_000,
      denominator: 5_500_000,
    });
    // Three active reps: 5,500,000 / 3 = 1,833,333.33 → 1,833,333.
    expect((await kpi(admin, 'per_capita_revenue')).total).toMatchObject({
      value: 1_833_333,
      denominator: 3,
    });
    // April: accA, accB, accC one win each → 0 / 3. March–April: accA has d1 and d2 → 1 / 3.
    expect((await kpi(admin, 'repeat_purchase_rate')).total).toMatchObject({ value: 0, denominator: 3 });
    expect((await kpi(admin, 'repeat_purchase_rate', 'from=2026-03-01&to=2026-04-30')).total).toMatchObject({
      value: 0.3333,
      numerator: 1,
      denominator: 3,
    });
    // Follow-ups: a1, a2 (a3 is 05-01 local).
    expect((await kpi(admin, 'activities')).total.value).toBe(2);
  });

  it('computes stage conversion and time in stage from the stage events', async () => {
    // Entries in April: initial_contact d3 d4 d5 (created there); advanced d3, d5 → 2/3.
    // needs_analysis d2 d3 d5, all later further → 3/3; solution d2 → 1/1; negotiation d5 → 0/1.
    // Overall: of d3 d4 d5 entering the first stage, d3 was won → 1/3.
    const conv = await kpi(admin, 'stage_conversion');
    expect(conv.total).toMatchObject({ value: 0.3333, numerator: 1, denominator: 3 });
    const stages = Object.fromEntries(conv.total.stages.map((s: any) => [s.stage, s]));
    expect(stages.initial_contact).toMatchObject({ count: 3, numerator: 2, value: 0.6667 });
    expect(stages.needs_analysis).toMatchObject({ count: 3, numerator: 3, value: 1 });
    expect(stages.solution).toMatchObject({ count: 1, value: 1 });
    expect(stages.negotiation).toMatchObject({ count: 1, value: 0 });
    expect(stages.contract).toMatchObject({ count: 0, value: null });
    // Stays left in April (hours): d2 288, 24, 168; d3 48, 432; d4 240; d5 24, 24.
    // Sum 1248 / 8 = 156; median of [24,24,24,48,168,240,288,432] = (48+168)/2 = 108.
    const tis = await kpi(admin, 'time_in_stage_hours');
    expect(tis.total).toMatchObject({ value: 156, median: 108, count: 8 });
    const tisStages = Object.fromEntries(tis.total.stages.map((s: any) => [s.stage, s]));
    // initial_contact [288, 48, 240, 24]: avg 150, median 144; needs_analysis [24, 432, 24]: avg 160, median 24.
    expect(tisStages.initial_contact).toMatchObject({ count: 4, value: 150, median: 144 });
    expect(tisStages.needs_analysis).toMatchObject({ count: 3, value: 160, median: 24 });
  });

  it('slices by rep, team, month (tenant time zone), region and product', async () => {
    const byRep = await kpi(admin, 'revenue', `${APRIL}&by=rep`);
    expect(byRep.groups.map((g: any) => [g.key, g.label, g.value])).toEqual(
      expect.arrayContaining([
        [org.users.repA1.id, '张三', 2_000_000],
        [org.users.repA2.id, '李四', 3_000_000],
        [org.users.repB1.id, '王五', 500_000],
      ]),
    );
    expect(byRep.groups).toHaveLength(3);
    const byTeam = await kpi(admin, 'revenue', `${APRIL}&by=team`);
    expect(group(byTeam, org.units.teamA.id)).toMatchObject({
      value: 5_000_000,
      label: org.units.teamA.name,
    });
    expect(group(byTeam, org.units.teamB.id)).toMatchObject({ value: 500_000 });
    // d6 closed 2026-03-31T17:00Z, which is April 1st in Shanghai.
    const byMonth = await kpi(admin, 'revenue', 'from=2026-03-01&to=2026-04-30&by=month');
    expect(byMonth.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['2026-03', 1_000_000],
      ['2026-04', 5_500_000],
    ]);
    // Growth per month: April 5.5M vs March 1M; March 1M vs February nothing → null.
    const momByMonth = await kpi(admin, 'revenue_growth_mom', 'from=2026-03-01&to=2026-04-30&by=month');
    expect(group(momByMonth, '2026-04')).toMatchObject({ value: 4.5, previous: 1_000_000 });
    expect(group(momByMonth, '2026-03')).toMatchObject({ value: null, previous: 0 });
    const byRegion = await kpi(admin, 'revenue', `${APRIL}&by=region`);
    expect(group(byRegion, '华东')?.value).toBe(2_500_000);
    expect(group(byRegion, '华南')?.value).toBe(3_000_000);
    // d2 references p1 and p2, d3 p2, d6 none: a deal counts in each of its products.
    const byProduct = await kpi(admin, 'revenue', `${APRIL}&by=product`);
    expect(group(byProduct, id('p1'))).toMatchObject({ value: 2_000_000, label: 'PLC 控制器' });
    expect(group(byProduct, id('p2'))?.value).toBe(5_000_000);
    expect(group(byProduct, '-')?.value).toBe(500_000);
    const convByRep = await kpi(admin, 'lead_conversion_rate', `${APRIL}&by=rep`);
    expect(group(convByRep, org.users.repA1.id)?.value).toBe(0.5);
    expect(group(convByRep, org.users.repA2.id)?.value).toBe(0);
    expect(group(convByRep, org.users.repB1.id)?.value).toBe(1);
    // Per capita by team: team A 5,000,000 / 2 reps; team B 500,000 / 1.
    const pcByTeam = await kpi(admin, 'per_capita_revenue', `${APRIL}&by=team`);
    expect(group(pcByTeam, org.units.teamA.id)?.value).toBe(2_500_000);
    expect(group(pcByTeam, org.units.teamB.id)?.value).toBe(500_000);
    // Filters: team A's subtree, or one owner.
    expect((await kpi(admin, 'revenue', `${APRIL}&unitId=${org.units.teamA.id}`)).total.value).toBe(
      5_000_000,
    );
    expect((await kpi(admin, 'revenue', `${APRIL}&ownerId=${org.users.repA2.id}`)).total.value).toBe(
      3_000_000,
    );
  });

  it('slices by industry, source, quarter and year as worked out by hand', async () => {
    // Industry of the deal's customer: 制造业 d2 2,000,000 (accA) + d6 500,000 (accC); 医疗 d3 3,000,000.
    const byIndustry = await kpi(admin, 'revenue', `${APRIL}&by=industry`);
    expect(byIndustry.groups.map((g: any) => [g.key, g.value, g.count])).toEqual([
      ['制造业', 2_500_000, 2],
      ['医疗', 3_000_000, 1],
    ]);
    // Closed in April by industry: 制造业 d2, d6 won and d4 (accC) lost → 2/3; 医疗 d3 → 1/1.
    const winByIndustry = await kpi(admin, 'win_rate', `${APRIL}&by=industry`);
    expect(group(winByIndustry, '制造业')).toMatchObject({ value: 0.6667, numerator: 2, denominator: 3 });
    expect(group(winByIndustry, '医疗')).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
    // Lead source: l1 website (converted), l2 exhibition, l3 website, l4 referral (converted).
    const convBySource = await kpi(admin, 'lead_conversion_rate', `${APRIL}&by=source`);
    expect(convBySource.groups.map((g: any) => [g.key, g.numerator, g.denominator, g.value])).toEqual([
      ['exhibition', 0, 1, 0],
      ['referral', 1, 1, 1],
      ['website', 1, 2, 0.5],
    ]);
    // Customers created in April by their source: accB referral, accC exhibition.
    const customersBySource = await kpi(admin, 'new_customers', `${APRIL}&by=source`);
    expect(customersBySource.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['exhibition', 1],
      ['referral', 1],
    ]);
    // Every deal of the fixture came from the website.
    expect((await kpi(admin, 'revenue', `${APRIL}&by=source`)).groups).toEqual([
      expect.objectContaining({ key: 'website', value: 5_500_000, count: 3 }),
    ]);
    // Quarters in local time: d7 2025-Q2; d1 (03-11) 2026-Q1; d6 closed 03-31T17:00Z = 04-01 in
    // Shanghai, so 2026-Q2 with d2 and d3.
    const byQuarter = await kpi(admin, 'revenue', 'from=2025-04-01&to=2026-06-30&by=quarter');
    expect(byQuarter.groups.map((g: any) => [g.key, g.value, g.count])).toEqual([
      ['2025-Q2', 2_000_000, 1],
      ['2026-Q1', 1_000_000, 1],
      ['2026-Q2', 5_500_000, 3],
    ]);
    const byYear = await kpi(admin, 'won_deals', 'from=2025-01-01&to=2026-12-31&by=year');
    expect(byYear.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['2025', 1],
      ['2026', 4],
    ]);
    const revenueByYear = await kpi(admin, 'revenue', 'from=2025-01-01&to=2026-12-31&by=year');
    expect(revenueByYear.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['2025', 2_000_000],
      ['2026', 6_500_000],
    ]);
  });

  it('drills down to exactly the records behind a number', async () => {
    const all = (await admin.get(`/api/kpis/revenue/records?${APRIL}`)).json();
    expect(all.items.map((r: any) => r.id).sort()).toEqual([id('d2'), id('d3'), id('d6')].sort());
    expect(all.items.reduce((s: number, r: any) => s + r.amount, 0)).toBe(5_500_000);
    const one = (
      await admin.get(`/api/kpis/revenue/records?${APRIL}&by=rep&group=${org.users.repA2.id}`)
    ).json();
    expect(one.items.map((r: any) => r.id)).toEqual([id('d3')]);
    const win = (await admin.get(`/api/kpis/win_rate/records?${APRIL}`)).json();
    expect(
      win.items.map((r: any) => [r.id, r.counted]).sort((a: any, b: any) => (a[0] < b[0] ? -1 : 1)),
    ).toEqual(
      [
        [id('d2'), true],
        [id('d3'), true],
        [id('d4'), false],
        [id('d6'), true],
      ].sort((a: any, b: any) => (a[0] < b[0] ? -1 : 1)),
    );
    const stage = (
      await admin.get(`/api/kpis/stage_conversion/records?${APRIL}&stage=initial_contact`)
    ).json();
    expect(stage.items.map((r: any) => r.id).sort()).toEqual([id('d3'), id('d4'), id('d5')].sort());
    const leads = (await admin.get(`/api/kpis/lead_conversion_rate/records?${APRIL}`)).json();
    expect(
      leads.items
        .filter((r: any) => r.counted)
        .map((r: any) => r.id)
        .sort(),
    ).toEqual([id('l1'), id('l4')].sort());
  });

  it('respects visibility: a rep sees self, a manager the team, another tenant nothing', async () => {
    const repA1 = await clientFor(app, org.users.repA1);
    const mine = await kpi(repA1, 'revenue', `${APRIL}&by=rep`);
    expect(mine.total.value).toBe(2_000_000);
    expect(mine.groups.map((g: any) => g.key)).toEqual([org.users.repA1.id]);
    // Asking for someone else's numbers answers nothing, not their numbers.
    expect((await kpi(repA1, 'revenue', `${APRIL}&ownerId=${org.users.repB1.id}`)).total.value).toBe(0);
    const records = (await repA1.get(`/api/kpis/revenue/records?${APRIL}`)).json();
    expect(records.items.map((r: any) => r.id)).toEqual([id('d2')]);
    // Per capita for a rep: own revenue over one rep.
    expect((await kpi(repA1, 'per_capita_revenue')).total).toMatchObject({
      value: 2_000_000,
      denominator: 1,
    });

    const managerA = await clientFor(app, org.users.managerA);
    const team = await kpi(managerA, 'revenue', `${APRIL}&by=rep`);
    expect(team.total.value).toBe(5_000_000);
    expect(team.groups.map((g: any) => g.key).sort()).toEqual(
      [org.users.repA1.id, org.users.repA2.id].sort(),
    );
    const managerB = await clientFor(app, org.users.managerB);
    expect((await kpi(managerB, 'revenue')).total.value).toBe(500_000);
    expect((await kpi(managerB, 'win_rate')).total).toMatchObject({ numerator: 1, denominator: 2 });
    const regionManager = await clientFor(app, org.users.regionManager);
    expect((await kpi(regionManager, 'revenue')).total.value).toBe(5_500_000);

    const other = await makeOrg(database.db);
    const stranger = await clientFor(app, other.users.admin);
    const none = await kpi(stranger, 'revenue', `${APRIL}&by=rep`);
    expect(none.total).toMatchObject({ value: 0, count: 0 });
    expect(none.groups).toEqual([]);
    expect((await stranger.get(`/api/kpis/revenue/records?${APRIL}`)).json().items).toEqual([]);
    // Another tenant's unit is not a reference this tenant can use.
    const foreignUnit = await stranger.get(`/api/kpis/revenue?${APRIL}&unitId=${org.units.teamA.id}`);
    expect(foreignUnit.statusCode).toBe(422);
    expect(foreignUnit.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'unitId' });
  });

  it('answers bad input with a code, a message and the field', async () => {
    const unknown = await admin.get('/api/kpis/no_such_kpi');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'KPI_NOT_FOUND', field: 'key' });
    expect(unknown.json().message).toContain('no_such_kpi');
    const badDim = await admin.get('/api/kpis/revenue?by=colour');
    expect(badDim.statusCode).toBe(400);
    expect(badDim.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'by' });
    const notAllowed = await admin.get('/api/kpis/activities?by=product');
    expect(notAllowed.statusCode).toBe(400);
    expect(notAllowed.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'by' });
    const badDate = await admin.get('/api/kpis/revenue?from=2026-13-01');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().field).toBe('from');
    const reversed = await admin.get('/api/kpis/revenue?from=2026-05-01&to=2026-04-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().field).toBe('to');
    const groupWithoutBy = await admin.get('/api/kpis/revenue/records?group=x');
    expect(groupWithoutBy.statusCode).toBe(400);
    expect(groupWithoutBy.json().field).toBe('by');
    expect((await app.inject({ method: 'GET', url: '/api/kpis/revenue' })).statusCode).toBe(401);
  });

  it('prints the same numbers in the CLI as the API answers', async () => {
    const qs = `${APRIL}&by=rep`;
    const api = await kpi(admin, 'win_rate', qs);
    const json = await runKpiCommand(database, {
      key: 'win_rate',
      by: 'rep',
      from: '2026-04-01',
      to: '2026-04-30',
      tenant: org.tenant.id,
      json: true,
    });
    expect(JSON.parse(json)).toEqual(api);
    const text = await runKpiCommand(database, {
      key: 'revenue',
      from: '2026-04-01',
      to: '2026-04-30',
      tenant: org.tenant.id,
    });
    expect(text).toMatch(/^total\s+5500000\s+3\s*$/m);
    await expect(
      runKpiCommand(database, { key: 'revenue', by: 'colour' as never, tenant: org.tenant.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'by' });
    await expect(
      runKpiCommand(database, { key: 'revenue', from: '2026-02-30', tenant: org.tenant.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'from' });
    await expect(runKpiCommand(database, { key: 'nope', tenant: org.tenant.id })).rejects.toMatchObject({
      code: 'KPI_NOT_FOUND',
    });
  });
});

describe('salesops kpi (the command itself)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'salesops-kpi-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const BIN = join(import.meta.dirname, '..', 'bin', 'salesops.mjs');
  const salesops = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--database-url', join(dir, 'kpi.db'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C.UTF-8' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('exits 2 with `error CODE: message (field)` on a bad key, dimension or date', () => {
    const badKey = salesops(['kpi', 'no_such_kpi']);
    expect(badKey.code).toBe(2);
    expect(badKey.err).toMatch(/^error KPI_NOT_FOUND: .*no_such_kpi.*\(key\)/m);
    const badDim = salesops(['kpi', 'revenue', '--by', 'colour']);
    expect(badDim.code).toBe(2);
    expect(badDim.err).toMatch(/^error VALIDATION_FAILED: .*\(by\)/m);
    // An empty database has no tenant to report on.
    const noTenant = salesops(['kpi', 'revenue', '--tenant', 'nope']);
    expect(noTenant.code).toBe(2);
    expect(noTenant.err).toMatch(/^error REFERENCE_NOT_FOUND: .*\(tenant\)/m);
    // Each call starts the CLI under tsx: seconds apiece on a busy machine.
  }, 180_000);
});

describe('KPIs over records written through the API', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('counts leads, conversions, new customers and revenue as the app records them', async () => {
    const org = await makeOrg(database.db);
    const rep = await clientFor(app, org.users.repA1);
    const admin = await clientFor(app, org.users.admin);
    const kept = (await rep.post('/api/leads', makeLeadInput())).json();
    const converted = (await rep.post('/api/leads', makeLeadInput())).json();
    expect(kept.id).toBeTruthy();
    const conv = await rep.post(
      `/api/leads/${converted.id}/convert`,
      { deal: { name: '转化商机', amount: 800_000, expectedCloseDate: '2027-03-31' } },
      { ifMatch: converted.version },
    );
    expect(conv.statusCode, conv.body).toBe(200);
    const account = (
      await admin.post('/api/accounts', makeAccountInput({ ownerId: org.users.repA1.id }))
    ).json();
    const won = await admin.post(
      '/api/deals',
      makeDealInput(account.id, { stage: 'won', amount: 1_234_500, ownerId: org.users.repA1.id }),
    );
    expect(won.statusCode, won.body).toBe(201);

    // Everything happened just now: a window from yesterday to tomorrow holds it all.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const qs = `from=${day(-1)}&to=${day(1)}`;
    const get = async (key: string) => (await rep.get(`/api/kpis/${key}?${qs}`)).json().total;
    // Two leads, one converted.
    expect(await get('leads')).toMatchObject({ value: 2 });
    expect(await get('lead_conversion_rate')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
    // The conversion's customer and the admin's one, both owned by the rep.
    expect(await get('new_customers')).toMatchObject({ value: 2 });
    // The won deal only; the converted deal is still open.
    expect(await get('revenue')).toMatchObject({ value: 1_234_500, count: 1 });
    expect(await get('win_rate')).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
    // The converted deal entered initial_contact now and has moved nowhere yet.
    const conversion = await get('stage_conversion');
    expect(conversion.stages.find((s: any) => s.stage === 'initial_contact')).toMatchObject({
      count: 1,
      value: 0,
    });
    // The rep's colleague in the same team sees none of it.
    const colleague = await clientFor(app, org.users.repA2);
    expect((await colleague.get(`/api/kpis/revenue?${qs}`)).json().total.value).toBe(0);
  });
});
