import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type Client,
  clientFor,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';
import { buildKpiFixture } from './kpi-fixture';

// On top of the KPI fixture (Q2 2026 won so far: April 5,500,000; d5 repA2 negotiation
// 4,000,000 expected 2026-06-30, running under the fixture's deal playbook) we add:
//   e1 repA1 contract       1,000,000 expected 2026-05-15, no SOP run (default table: 85 %)
//   e2 repA1 initial_contact      333 expected 2026-04-20 (10 %)
//   e3 repB1 solution       2,000,000 expected 2026-07-01 (Q3: not in the Q2 pipeline)
// and give the playbook's negotiation stage a probability of 70 % (the default table says 65).
describe('forecast: weighted pipeline, categories, trend and target', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let id: (k: string) => string;
  let admin: Client;
  let managerA: Client;
  let managerB: Client;
  let repA1: Client;
  let repA2: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org, id } = await buildKpiFixture(database));
    const { db } = database;
    const t = org.tenant.id;
    const version = await db
      .selectFrom('playbookVersions')
      .select(['id', 'definition'])
      .where('id', '=', id('pbv_deal'))
      .executeTakeFirstOrThrow();
    const pb = JSON.parse(version.definition);
    for (const s of pb.stages) if (s.key === 'negotiation') s.probability = 70;
    await db
      .updateTable('playbookVersions')
      .set({ definition: JSON.stringify(pb) })
      .where('id', '=', version.id)
      .execute();
    const at = '2026-04-10T02:00:00.000Z';
    const deal = (k: string, ownerId: string, stage: string, amount: number, expectedCloseDate: string) => ({
      id: id(k),
      tenantId: t,
      createdAt: at,
      updatedAt: at,
      createdBy: null,
      deletedAt: null,
      accountId: id('accA'),
      contactId: null,
      leadId: null,
      name: `商机 ${k}`,
      searchText: k,
      amount,
      currency: 'CNY',
      expectedCloseDate,
      stage,
      probability: 50,
      status: 'open',
      source: null,
      productIds: '[]',
      lostReason: null,
      closedAt: null,
      stageEnteredAt: at,
      notes: null,
      ownerId,
    });
    await db
      .insertInto('deals')
      .values([
        deal('e1', org.users.repA1.id, 'contract', 1_000_000, '2026-05-15'),
        deal('e2', org.users.repA1.id, 'initial_contact', 333, '2026-04-20'),
        deal('e3', org.users.repB1.id, 'solution', 2_000_000, '2026-07-01'),
      ])
      .execute();
    admin = await clientFor(app, org.users.admin);
    managerA = await clientFor(app, org.users.managerA);
    managerB = await clientFor(app, org.users.managerB);
    repA1 = await clientFor(app, org.users.repA1);
    repA2 = await clientFor(app, org.users.repA2);
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
  const put = (c: Client, deal: string, category: string | null) =>
    c.request({ method: 'PUT', url: `/api/deals/${id(deal)}/forecast-category`, payload: { category } });

  it('reps set their own category, a manager overrides it, and the override stays in force', async () => {
    expect(await ok(put(repA1, 'e2', 'commit'))).toMatchObject({
      repCategory: 'commit',
      managerCategory: null,
      category: 'commit',
    });
    expect(await ok(put(repA2, 'd5', 'commit'))).toMatchObject({ category: 'commit' });
    expect(await ok(put(managerA, 'd5', 'best_case'))).toMatchObject({
      repCategory: 'commit',
      managerCategory: 'best_case',
      category: 'best_case',
    });
    // The rep changing their mind later does not undo the manager's override.
    expect(await ok(put(repA2, 'd5', 'pipeline'))).toMatchObject({
      repCategory: 'pipeline',
      category: 'best_case',
    });
    const audit = await database.db
      .selectFrom('auditEvents')
      .select(['actorId', 'changes'])
      .where('entity', '=', 'deal')
      .where('entityId', '=', id('d5'))
      .orderBy('createdAt')
      .execute();
    expect(audit.map((a) => a.actorId)).toEqual([
      org.users.repA2.id,
      org.users.managerA.id,
      org.users.repA2.id,
    ]);
    expect(JSON.parse(audit[1]!.changes)).toMatchObject({
      note: 'forecast category override',
      after: { managerCategory: 'best_case' },
    });
  });

  it('refuses categories on deals out of reach, on closed deals and bad values', async () => {
    expect((await put(repA1, 'd5', 'commit')).statusCode).toBe(404);
    expect((await put(managerB, 'e1', 'commit')).statusCode).toBe(404);
    const closed = await put(repA1, 'd2', 'commit');
    expect([closed.statusCode, closed.json().code]).toEqual([409, 'INVALID_STATE']);
    const bad = await put(repA1, 'e1', 'maybe');
    expect([bad.statusCode, bad.json().field]).toEqual([400, 'category']);
    const period = await admin.get('/api/forecast?period=2026-Q5');
    expect([period.statusCode, period.json().field]).toEqual([400, 'period']);
  });

  it('computes the Q2 forecast as worked out by hand', async () => {
    await ok(
      admin.post('/api/targets', {
        metric: 'revenue',
        period: '2026-Q2',
        level: 'company',
        value: 12_000_000,
      }),
      201,
    );
    const f = await ok(admin.get('/api/forecast?period=2026-Q2'));
    expect(f).toMatchObject({
      period: '2026-Q2',
      from: '2026-04-01',
      to: '2026-06-30',
      level: 'company',
      won: 5_500_000,
    });
    const deals = Object.fromEntries(f.deals.map((d: any) => [d.id, d]));
    expect(Object.keys(deals).sort()).toEqual([id('d5'), id('e1'), id('e2')].sort());
    // d5: 70 % from its playbook version → 2,800,000; e1: 85 % → 850,000; e2: 10 % of 333 = 33.3 → 33.
    expect(deals[id('d5')]).toMatchObject({ probability: 70, weighted: 2_800_000, category: 'best_case' });
    expect(deals[id('e1')]).toMatchObject({ probability: 85, weighted: 850_000, category: 'commit' });
    expect(deals[id('e2')]).toMatchObject({ probability: 10, weighted: 33, category: 'commit' });
    expect(f.pipeline).toEqual({
      deals: 3,
      pipeline: 5_000_333,
      weighted: 3_650_033,
      commit: 1_000_333,
      bestCase: 5_000_333,
    });
    expect(f.forecast).toEqual({ commit: 6_500_333, bestCase: 10_500_333, weighted: 9_150_033 });
    expect(f.target).toMatchObject({ value: 12_000_000, gap: 5_499_667 });
    // History 2025-04 … 2026-03: 2,000,000 in 2025-04 (x = 0), 1,000,000 in 2026-03 (x = 11).
    // Least squares: slope = Σ(x − 5.5)·y ÷ 143 = (−11,000,000 + 5,500,000) ÷ 143 = −38,461.54;
    // intercept = 250,000 + 38,461.54 × 5.5 = 461,538.46; x = 12, 13, 14 fall to 0.
    expect(f.trend.history).toHaveLength(12);
    expect(f.trend.history[0]).toEqual({ month: '2025-04', value: 2_000_000 });
    expect(f.trend.history[11]).toEqual({ month: '2026-03', value: 1_000_000 });
    expect(f.trend).toMatchObject({
      slope: -38_461.54,
      intercept: 461_538.46,
      total: 0,
      movingAverage3: 333_333,
    });
    expect(f.trend.months).toEqual([
      { month: '2026-04', value: 0 },
      { month: '2026-05', value: 0 },
      { month: '2026-06', value: 0 },
    ]);
  });

  it('a rep forecasts only their own deals; a manager their team; an omitted deal drops out', async () => {
    const mine = await ok(repA1.get('/api/forecast?period=2026-Q2'));
    expect(mine).toMatchObject({ level: 'rep', subjectId: org.users.repA1.id, won: 2_000_000 });
    expect(mine.deals.map((d: any) => d.id).sort()).toEqual([id('e1'), id('e2')].sort());
    expect(mine.pipeline).toEqual({
      deals: 2,
      pipeline: 1_000_333,
      weighted: 850_033,
      commit: 1_000_333,
      bestCase: 1_000_333,
    });
    await ok(put(managerA, 'e2', 'omitted'));
    const team = await ok(managerA.get('/api/forecast?period=2026-Q2'));
    expect(team).toMatchObject({ level: 'team', won: 5_000_000 });
    expect(team.pipeline).toEqual({
      deals: 2,
      pipeline: 5_000_000,
      weighted: 3_650_000,
      commit: 1_000_000,
      bestCase: 5_000_000,
    });
    const other = await ok(managerB.get('/api/forecast?period=2026-Q3'));
    expect(other.deals.map((d: any) => d.id)).toEqual([id('e3')]);
    expect(other.deals[0]).toMatchObject({ probability: 45, weighted: 900_000, category: 'best_case' });
  });
});
