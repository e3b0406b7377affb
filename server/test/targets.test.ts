import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKpiCommand } from '../src/cli/kpi-command';
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

// April 2026 revenue in the KPI fixture (Asia/Shanghai): repA1 2,000,000 (d2), repA2 3,000,000
// (d3), repB1 500,000 (d6) — team A 5,000,000, team B 500,000, company 5,500,000. April 2025:
// repA1 2,000,000 (d7), nobody else.
describe('targets: decomposition, roll-up, attainment and visibility', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let managerA: Client;
  let managerB: Client;
  let repA1: Client;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    const fixture = await buildKpiFixture(database);
    org = fixture.org;
    await receivables(database, org, fixture.id);
    admin = await clientFor(app, org.users.admin);
    managerA = await clientFor(app, org.users.managerA);
    managerB = await clientFor(app, org.users.managerB);
    repA1 = await clientFor(app, org.users.repA1);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const ok = async (p: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) => {
    const res = await p;
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const sum = (xs: Array<{ value: number }>) => xs.reduce((s, x) => s + x.value, 0);

  it('sets a company target and decomposes it down to reps; every level sums back to its parent', async () => {
    const company = await ok(
      admin.post('/api/targets', {
        metric: 'revenue',
        period: '2026-04',
        level: 'company',
        value: 11_000_001,
        milestones: [{ date: '2026-04-15', value: 3_000_000 }],
      }),
      201,
    );
    ids.company = company.id;
    expect(company).toMatchObject({
      value: 11_000_001,
      actual: 5_500_000,
      attainment: 0.5,
      from: '2026-04-01',
    });
    // Up to 04-15 local: d6 500,000 + d2 2,000,000.
    expect(company.currentMilestone).toEqual({
      date: '2026-04-15',
      value: 3_000_000,
      actual: 2_500_000,
      attainment: 0.8333,
    });

    // Default children of the company: its one region.
    const byRegion = await ok(admin.post(`/api/targets/${company.id}/decompose`, { method: 'even' }));
    expect(byRegion.children).toHaveLength(1);
    expect(byRegion.children[0]).toMatchObject({
      level: 'region',
      subjectId: org.units.region.id,
      value: 11_000_001,
    });
    expect(byRegion.rollUp).toEqual({ childrenSum: 11_000_001, gap: 0 });
    ids.region = byRegion.children[0].id;

    // Region → its two teams evenly: the odd 分 goes to the first team.
    const byTeam = await ok(admin.post(`/api/targets/${ids.region}/decompose`, { method: 'even' }));
    const teams = Object.fromEntries(byTeam.children.map((c: any) => [c.subjectId, c]));
    expect(sum(byTeam.children)).toBe(11_000_001);
    expect(byTeam.children.map((c: any) => c.value).sort()).toEqual([5_500_000, 5_500_001]);
    ids.teamA = teams[org.units.teamA.id].id;
    ids.teamB = teams[org.units.teamB.id].id;
    expect(teams[org.units.teamA.id]).toMatchObject({ actual: 5_000_000, ownerId: org.users.managerA.id });

    // Team A → reps by weights 2 : 1, done by the team's own manager.
    const teamA = await ok(managerA.get(`/api/targets/${ids.teamA}`));
    const byRep = await ok(
      managerA.post(`/api/targets/${ids.teamA}/decompose`, {
        method: 'weights',
        children: [
          { userId: org.users.repA1.id, weight: 2 },
          { userId: org.users.repA2.id, weight: 1 },
        ],
      }),
    );
    const reps = Object.fromEntries(byRep.children.map((c: any) => [c.subjectId, c]));
    expect(sum(byRep.children)).toBe(teamA.value);
    if (teamA.value === 5_500_001) {
      // 3,666,667.33 and 1,833,333.67: the spare 分 to the larger remainder.
      expect(reps[org.users.repA1.id].value).toBe(3_666_667);
      expect(reps[org.users.repA2.id].value).toBe(1_833_334);
    } else {
      expect(reps[org.users.repA1.id].value).toBe(3_666_667);
      expect(reps[org.users.repA2.id].value).toBe(1_833_333);
    }
    expect(reps[org.users.repA1.id]).toMatchObject({ actual: 2_000_000, level: 'rep', method: 'weights' });
    expect(reps[org.users.repA2.id].actual).toBe(3_000_000);
    ids.repA1 = reps[org.users.repA1.id].id;
    ids.repA2 = reps[org.users.repA2.id].id;
  });

  it("decomposes by last year's shares, updating the existing children in place", async () => {
    const teamA = await ok(admin.get(`/api/targets/${ids.teamA}`));
    // April 2025: repA1 2,000,000, repA2 nothing → all to repA1.
    const out = await ok(admin.post(`/api/targets/${ids.teamA}/decompose`, { method: 'last_year' }));
    const reps = Object.fromEntries(out.children.map((c: any) => [c.subjectId, c]));
    expect(reps[org.users.repA1.id]).toMatchObject({
      id: ids.repA1,
      value: teamA.value,
      weight: 2_000_000,
      method: 'last_year',
    });
    expect(reps[org.users.repA2.id]).toMatchObject({ id: ids.repA2, value: 0, weight: 0 });
    expect(out.rollUp.gap).toBe(0);
  });

  it('shows the gap when a child is changed bottom-up', async () => {
    const teamB = await ok(admin.get(`/api/targets/${ids.teamB}`));
    const changed = await ok(
      admin.request({
        method: 'PATCH',
        url: `/api/targets/${ids.teamB}`,
        payload: { value: teamB.value + 500_000 },
        ifMatch: teamB.version,
      }),
    );
    expect(changed).toMatchObject({ value: teamB.value + 500_000, method: 'manual', actual: 500_000 });
    const region = await ok(admin.get(`/api/targets/${ids.region}`));
    expect(region.rollUp).toEqual({ childrenSum: 11_500_001, gap: -500_000 });
    // A stale version is refused.
    const stale = await admin.request({
      method: 'PATCH',
      url: `/api/targets/${ids.teamB}`,
      payload: { value: 1 },
      ifMatch: teamB.version,
    });
    expect(stale.statusCode).toBe(412);
  });

  it('shows a rep only their own target and a manager only their team', async () => {
    const mine = await ok(repA1.get('/api/targets?period=2026-04'));
    expect(mine.items.map((t: any) => t.id)).toEqual([ids.repA1]);
    expect(mine.items[0].actual).toBe(2_000_000);
    expect((await repA1.get(`/api/targets/${ids.company}`)).statusCode).toBe(404);
    expect((await repA1.get(`/api/targets/${ids.repA2}`)).statusCode).toBe(404);

    const team = await ok(managerA.get('/api/targets?metric=revenue&period=2026-04'));
    expect(team.items.map((t: any) => t.id).sort()).toEqual([ids.teamA, ids.repA1, ids.repA2].sort());
    expect((await managerB.get(`/api/targets/${ids.repA1}`)).statusCode).toBe(404);
    // Another team's target cannot be decomposed, a top-level one cannot be set by a manager.
    expect((await managerB.post(`/api/targets/${ids.teamA}/decompose`, { method: 'even' })).statusCode).toBe(
      404,
    );
    const top = await managerA.post('/api/targets', {
      metric: 'leads',
      period: '2026-04',
      level: 'company',
      value: 10,
    });
    expect(top.statusCode).toBe(403);
  });

  it('serves target_attainment as a KPI: actual ÷ target, sliced by rep within visibility', async () => {
    const lib = await ok(admin.get('/api/kpis'));
    expect(lib.items.find((k: any) => k.key === 'target_attainment')).toMatchObject({ available: true });

    const all = await ok(admin.get('/api/kpis/target_attainment?period=2026-04&by=rep'));
    expect(all.total).toEqual({ value: 0.5, count: 1, numerator: 5_500_000, denominator: 11_000_001 });
    expect(all.groups.map((g: any) => g.key).sort()).toEqual([org.users.repA1.id, org.users.repA2.id].sort());
    const a2 = all.groups.find((g: any) => g.key === org.users.repA2.id);
    expect(a2).toMatchObject({ numerator: 3_000_000, denominator: 0, value: null });

    const own = await ok(repA1.get('/api/kpis/target_attainment?period=2026-04&by=rep'));
    expect(own.level).toBe('rep');
    expect(own.groups.map((g: any) => g.key)).toEqual([org.users.repA1.id]);
    expect(own.total.numerator).toBe(2_000_000);

    const team = await ok(managerA.get('/api/kpis/target_attainment?period=2026-04&by=team'));
    expect(team).toMatchObject({ level: 'team', subjectId: org.units.teamA.id });
    expect(team.total.numerator).toBe(5_000_000);
    expect(team.groups.map((g: any) => g.key)).toEqual([org.units.teamA.id]);
  });

  it('computes target_attainment through the KPI library: API, CLI, by region, team and rep', async () => {
    // The same answer from the targets route, the library's from..to and the CLI.
    const byPeriod = await ok(admin.get('/api/kpis/target_attainment?period=2026-04&by=region'));
    const byRange = await ok(
      admin.get('/api/kpis/target_attainment?from=2026-04-01&to=2026-04-30&by=region'),
    );
    expect(byRange).toEqual(byPeriod);
    // The region target is 11,000,001 (the company's, copied by the even split over one region).
    expect(byPeriod.groups).toEqual([
      {
        key: org.units.region.id,
        label: org.units.region.name,
        value: 0.5,
        count: 1,
        numerator: 5_500_000,
        denominator: 11_000_001,
      },
    ]);
    const cli = await runKpiCommand(database, {
      key: 'target_attainment',
      by: 'rep',
      from: '2026-04-01',
      to: '2026-04-30',
      tenant: org.tenant.id,
      json: true,
    });
    expect(JSON.parse(cli)).toEqual(await ok(admin.get('/api/kpis/target_attainment?period=2026-04&by=rep')));
    const text = await runKpiCommand(database, {
      key: 'target_attainment',
      from: '2026-04-01',
      to: '2026-04-30',
      tenant: org.tenant.id,
    });
    expect(text).toMatch(/^total\s+0\.5\s+1\s+5500000\s+11000001\s*$/m);
    // Before/after over two periods: no revenue target in March.
    const cmp = await ok(
      admin.get(
        '/api/kpis/target_attainment/compare?aFrom=2026-03-01&aTo=2026-03-31&bFrom=2026-04-01&bTo=2026-04-30',
      ),
    );
    expect([cmp.a.value, cmp.b.value, cmp.b.numerator]).toEqual([null, 0.5, 5_500_000]);
    // Targets are per month, quarter or year; other ranges and other dimensions are refused.
    const half = await admin.get('/api/kpis/target_attainment?from=2026-04-01&to=2026-04-15');
    expect([half.statusCode, half.json().field]).toEqual([400, 'to']);
    await expect(
      runKpiCommand(database, { key: 'target_attainment', by: 'month', tenant: org.tenant.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'by' });
    await expect(
      runKpiCommand(database, { key: 'revenue', metric: 'won_deals', tenant: org.tenant.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'metric' });
  });

  it('sets targets on ratio and days KPIs: attainment by direction, copied down instead of split', async () => {
    // April win rate (closed deals): company 3 of 4 = 0.75; team A d2, d3 won = 1; team B d6 won,
    // d4 lost = 0.5. Target 0.8 → 0.75 ÷ 0.8 = 0.9375.
    const company = await ok(
      admin.post('/api/targets', { metric: 'win_rate', period: '2026-04', level: 'company', value: 0.8 }),
      201,
    );
    expect(company).toMatchObject({ value: 0.8, actual: 0.75, attainment: 0.9375, gapToTarget: 0.05 });
    const region = await ok(admin.post(`/api/targets/${company.id}/decompose`, { method: 'even' }));
    expect(region.children).toEqual([expect.objectContaining({ value: 0.8, method: 'copy', weight: null })]);
    expect(region.rollUp).toEqual({ childrenSum: null, gap: null });
    // Weights do not split a rate either: both teams aim at 0.8.
    const teams = await ok(
      admin.post(`/api/targets/${region.children[0].id}/decompose`, {
        method: 'weights',
        children: [
          { unitId: org.units.teamA.id, weight: 3 },
          { unitId: org.units.teamB.id, weight: 1 },
        ],
      }),
    );
    const byTeam = Object.fromEntries(teams.children.map((c: any) => [c.subjectId, c]));
    expect(byTeam[org.units.teamA.id]).toMatchObject({ value: 0.8, actual: 1, attainment: 1.25 });
    expect(byTeam[org.units.teamB.id]).toMatchObject({ value: 0.8, actual: 0.5, attainment: 0.625 });
    const kpi = await ok(admin.get('/api/kpis/target_attainment?metric=win_rate&period=2026-04&by=team'));
    expect(kpi.total).toEqual({ value: 0.9375, count: 1, numerator: 0.75, denominator: 0.8 });
    expect(kpi.groups.map((g: any) => [g.key, g.value])).toEqual(
      expect.arrayContaining([
        [org.units.teamA.id, 1.25],
        [org.units.teamB.id, 0.625],
      ]),
    );

    // Deal cycle, lower is better: target 20 days against 32.88 (d2 20, d3 20, d6 58.63) →
    // 20 ÷ 32.88 = 0.6083; team A's cycle is 20 days → 1.
    const cycle = await ok(
      admin.post('/api/targets', {
        metric: 'deal_cycle_days',
        period: '2026-04',
        level: 'company',
        value: 20,
      }),
      201,
    );
    expect(cycle).toMatchObject({ value: 20, actual: 32.88, attainment: 0.6083, gapToTarget: -12.88 });
    const cycleRegion = await ok(admin.post(`/api/targets/${cycle.id}/decompose`, { method: 'even' }));
    await ok(admin.post(`/api/targets/${cycleRegion.children[0].id}/decompose`, { method: 'even' }));
    const cycleKpi = await ok(
      admin.get(
        `/api/kpis/target_attainment?metric=deal_cycle_days&period=2026-04&unitId=${org.units.teamA.id}`,
      ),
    );
    expect(cycleKpi.total).toEqual({ value: 1, count: 1, numerator: 20, denominator: 20 });
    // Team B: d6 only, 58.63 days → 20 ÷ 58.63 = 0.3411.
    const cycleB = await ok(
      admin.get(
        `/api/kpis/target_attainment?metric=deal_cycle_days&period=2026-04&unitId=${org.units.teamB.id}`,
      ),
    );
    expect(cycleB.total).toMatchObject({ value: 0.3411, numerator: 58.63 });
    // A money target still has to be whole 分.
    const frac = await admin.post('/api/targets', {
      metric: 'won_deals',
      period: '2026-04',
      level: 'company',
      value: 2.5,
    });
    expect([frac.statusCode, frac.json().field]).toEqual([400, 'value']);
  });

  it('sets collection targets (回款) measured by the receipts booked in the period', async () => {
    // repA1 booked 300,000 on 2026-03-10 (against contract c1); nobody else booked anything.
    const rep = await ok(
      admin.post('/api/targets', {
        metric: 'collection',
        period: '2026-03',
        level: 'rep',
        userId: org.users.repA1.id,
        value: 1_000_000,
      }),
      201,
    );
    expect(rep).toMatchObject({ actual: 300_000, attainment: 0.3 });
    const teamB = await ok(
      admin.post('/api/targets', {
        metric: 'collection',
        period: '2026-Q1',
        level: 'team',
        unitId: org.units.teamB.id,
        value: 100,
      }),
      201,
    );
    expect(teamB).toMatchObject({ actual: 0, attainment: 0 });
    const mine = await ok(repA1.get('/api/kpis/target_attainment?metric=collection&period=2026-03'));
    expect(mine.total).toEqual({ value: 0.3, count: 1, numerator: 300_000, denominator: 1_000_000 });
    // April: nothing received yet.
    const april = await ok(repA1.get('/api/kpis/target_attainment?metric=collection&period=2026-04'));
    expect(april.total).toEqual({ value: null, count: 0, numerator: 0 });
  });

  it('rejects bad input with a code and the field', async () => {
    const base = { metric: 'revenue', period: '2026-05', level: 'company', value: 100 };
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ metric: 'target_attainment' }, 422, 'TARGET_INVALID', 'metric'],
      [
        { metric: 'win_rate', value: 0.5, milestones: [{ date: '2026-05-15', value: 0 }] },
        422,
        'TARGET_INVALID',
        'milestones',
      ],
      [{ metric: 'nope' }, 404, 'KPI_NOT_FOUND', 'metric'],
      [{ period: '2026-13' }, 400, 'VALIDATION_FAILED', 'period'],
      [{ value: -1 }, 400, 'VALIDATION_FAILED', 'value'],
      [{ value: 1.5 }, 400, 'VALIDATION_FAILED', 'value'],
      [{ level: 'team', unitId: org.units.region.id }, 400, 'VALIDATION_FAILED', 'level'],
      [{ level: 'rep', userId: 'usr_nobody' }, 422, 'REFERENCE_NOT_FOUND', 'userId'],
      [{ milestones: [{ date: '2026-04-30', value: 10 }] }, 422, 'TARGET_INVALID', 'milestones.0'],
      [{ milestones: [{ date: '2026-05-30', value: 101 }] }, 422, 'TARGET_INVALID', 'milestones.0'],
      [{ period: '2026-04' }, 409, 'ALREADY_EXISTS', 'period'],
    ];
    for (const [patch, status, code, field] of cases) {
      const res = await admin.post('/api/targets', { ...base, ...patch });
      expect([res.statusCode, res.json().code, res.json().field], JSON.stringify(patch)).toEqual([
        status,
        code,
        field,
      ]);
    }
    const noWeight = await admin.post(`/api/targets/${ids.teamA}/decompose`, {
      method: 'weights',
      children: [{ userId: org.users.repA1.id }],
    });
    expect([noWeight.statusCode, noWeight.json().field]).toEqual([400, 'children.0.weight']);
    const outside = await admin.post(`/api/targets/${ids.teamA}/decompose`, {
      method: 'even',
      children: [{ userId: org.users.repB1.id }],
    });
    expect([outside.statusCode, outside.json().code]).toEqual([422, 'TARGET_INVALID']);
    const leaf = await admin.post(`/api/targets/${ids.repA1}/decompose`, { method: 'even' });
    expect([leaf.statusCode, leaf.json().field]).toEqual([422, 'children']);
  });
});
