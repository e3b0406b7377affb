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

// The KPI fixture runs d2..d5 under one deal playbook version (v1). Here d3 and d5 are moved to a
// second version (v2), runs and stage moves alike: v1 holds d2 (won 2,000,000) and d4 (lost);
// v2 holds d3 (won 3,000,000) and d5 (open).
describe('before/after: a KPI for two periods or two playbook versions', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let id: (k: string) => string;
  let admin: Client;
  let repA1: Client;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org, id } = await buildKpiFixture(database));
    const { db } = database;
    v1 = id('pbv_deal');
    v2 = `${v1}_2`;
    const base = await db
      .selectFrom('playbookVersions')
      .selectAll()
      .where('id', '=', v1)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('playbookVersions')
      .values({ ...base, id: v2, number: 2, version: 1 })
      .execute();
    for (const d of ['d3', 'd5']) {
      await db.updateTable('sopRuns').set({ playbookVersionId: v2 }).where('recordId', '=', id(d)).execute();
      await db
        .updateTable('stageEvents')
        .set({ playbookVersionId: v2 })
        .where('recordId', '=', id(d))
        .execute();
    }
    // Follow-ups about deals: a1 on d2 and a3 on d4 (v1), a2 on d3 (v2).
    for (const [a, d] of [
      ['a1', 'd2'],
      ['a2', 'd3'],
      ['a3', 'd4'],
    ] as const) {
      await db
        .updateTable('activities')
        .set({ dealId: id(d) })
        .where('id', '=', id(a))
        .execute();
    }
    admin = await clientFor(app, org.users.admin);
    repA1 = await clientFor(app, org.users.repA1);
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
  const MARCH_APRIL = 'aFrom=2026-03-01&aTo=2026-03-31&bFrom=2026-04-01&bTo=2026-04-30';

  it('compares two periods with counts and the change', async () => {
    // March: d1 1,000,000; April: 5,500,000 (d2, d3, d6) → +4,500,000, +450 %.
    const revenue = await get(admin, `/api/kpis/revenue/compare?${MARCH_APRIL}`);
    expect(revenue).toMatchObject({
      mode: 'periods',
      a: { from: '2026-03-01', to: '2026-03-31', value: 1_000_000, count: 1 },
      b: { from: '2026-04-01', to: '2026-04-30', value: 5_500_000, count: 3 },
      change: { absolute: 4_500_000, relative: 4.5 },
    });
    // Win rate: March 1 of 1; April 3 of 4 → −0.25, −25 %.
    const win = await get(admin, `/api/kpis/win_rate/compare?${MARCH_APRIL}`);
    expect(win.a).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
    expect(win.b).toMatchObject({ value: 0.75, numerator: 3, denominator: 4 });
    expect(win.change).toEqual({ absolute: -0.25, relative: -0.25 });
    // Cycle: March d1 10 days; April 32.88 days → +22.88, +228.8 %.
    const cycle = await get(admin, `/api/kpis/deal_cycle_days/compare?${MARCH_APRIL}`);
    expect(cycle.change).toEqual({ absolute: 22.88, relative: 2.288 });
  });

  it('compares the records that ran under two playbook versions', async () => {
    const qs = `playbookVersionA=${v1}&playbookVersionB=${v2}&from=2026-01-01&to=2026-12-31`;
    const win = await get(admin, `/api/kpis/win_rate/compare?${qs}`);
    expect(win).toMatchObject({
      mode: 'playbook_versions',
      from: '2026-01-01',
      to: '2026-12-31',
      a: { playbookVersionId: v1, number: 1, value: 0.5, numerator: 1, denominator: 2, count: 2 },
      b: { playbookVersionId: v2, number: 2, value: 1, numerator: 1, denominator: 1, count: 1 },
      change: { absolute: 0.5, relative: 1 },
    });
    const revenue = await get(admin, `/api/kpis/revenue/compare?${qs}`);
    expect([revenue.a.value, revenue.b.value, revenue.change.relative]).toEqual([2_000_000, 3_000_000, 0.5]);
    // Follow-ups count under the version of the deal they were about: v1 a1, a3; v2 a2.
    const activities = await get(admin, `/api/kpis/activities/compare?${qs}`);
    expect(activities.a).toMatchObject({ value: 2, count: 2 });
    expect(activities.b).toMatchObject({ value: 1, count: 1 });
    expect(activities.change).toEqual({ absolute: -1, relative: -0.5 });
    // Clocks by the record they ran for: v1 c8 (d4, breached) → 0 of 1; v2 c7 (d5, met) → 1 of 1.
    const sla = await get(admin, `/api/kpis/sla_on_time_rate/compare?${qs}`);
    expect([sla.a.value, sla.a.denominator, sla.b.value, sla.b.denominator]).toEqual([0, 1, 1, 1]);
    // Only what the caller can see: repA1 owns d2 (v1) and nothing under v2.
    const mine = await get(repA1, `/api/kpis/win_rate/compare?${qs}`);
    expect(mine.a).toMatchObject({ value: 1, count: 1 });
    expect(mine.b).toMatchObject({ value: null, count: 0 });
    expect(mine.change).toEqual({ absolute: null, relative: null });
  });

  it('rejects mixed, incomplete or unknown comparisons', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['/api/kpis/revenue/compare', 400, 'VALIDATION_FAILED', 'aFrom'],
      [
        `/api/kpis/revenue/compare?aFrom=2026-03-01&aTo=2026-03-31&bFrom=2026-04-01`,
        400,
        'VALIDATION_FAILED',
        'bTo',
      ],
      [
        `/api/kpis/revenue/compare?${MARCH_APRIL}&playbookVersionA=${v1}`,
        400,
        'VALIDATION_FAILED',
        'playbookVersionA',
      ],
      [
        `/api/kpis/revenue/compare?aFrom=2026-03-31&aTo=2026-03-01&bFrom=2026-04-01&bTo=2026-04-30`,
        400,
        'VALIDATION_FAILED',
        'aTo',
      ],
      [
        `/api/kpis/revenue/compare?aFrom=2026-02-30&aTo=2026-03-01&bFrom=2026-04-01&bTo=2026-04-30`,
        400,
        'VALIDATION_FAILED',
        'aFrom',
      ],
      [
        `/api/kpis/revenue/compare?playbookVersionA=${v1}&playbookVersionB=pbv_nope`,
        422,
        'REFERENCE_NOT_FOUND',
        'playbookVersionB',
      ],
      [`/api/kpis/nope/compare?${MARCH_APRIL}`, 404, 'KPI_NOT_FOUND', 'key'],
    ];
    for (const [url, status, code, field] of cases) {
      const res = await admin.get(url);
      expect([res.statusCode, res.json().code, res.json().field], url).toEqual([status, code, field]);
    }
  });
});
