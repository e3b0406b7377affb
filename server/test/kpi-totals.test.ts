import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUserId } from '../src/auth/auth.service';
import { KPI_DEFINITIONS } from '../src/domain/kpi/definitions';
import { computeKpi, computeKpiFromFacts } from '../src/modules/kpi/kpi.service';
import { offsetPieces, totalsInSql } from '../src/modules/kpi/kpi-totals';
import { type Org, openTestDatabase, type TestDatabase } from './harness';
import { buildKpiFixture } from './kpi-fixture';

// The counted and summed KPIs are grouped and summed in SQL (kpi-totals.ts); every other KPI
// aggregates facts in memory. Both must give the same answer — for every such KPI, every
// dimension it can be sliced by, and callers who see all, a team or only their own records.

describe('KPI totals in SQL against the facts in memory', () => {
  let database: TestDatabase;
  let org: Org;
  beforeAll(async () => {
    database = await openTestDatabase();
    ({ org } = await buildKpiFixture(database));
  });
  afterAll(async () => {
    await database.drop();
  });

  const inSql = KPI_DEFINITIONS.filter(
    (d) => d.compute && totalsInSql(d.compute.facts, d.compute.aggregate, undefined),
  );

  it('covers the dashboard figures', () => {
    expect(inSql.map((d) => d.key)).toEqual(
      expect.arrayContaining(['revenue', 'won_deals', 'win_rate', 'activities', 'leads', 'new_customers']),
    );
  });

  for (const who of ['admin', 'managerA', 'repA1'] as const) {
    it(`gives the same totals and groups as the facts, as ${who}`, async () => {
      const actor = await actorForUserId(database.db, org.users[who].id, 'system');
      if (!actor) throw new Error('no actor');
      let compared = 0;
      for (const def of inSql) {
        for (const by of [undefined, ...def.dimensions]) {
          if (!totalsInSql(def.compute!.facts, def.compute!.aggregate, by)) continue;
          // A window with some of the fixture's history in it, and one around a year earlier.
          for (const [from, to] of [
            ['2026-03-01', '2026-05-31'],
            ['2025-01-01', '2026-12-31'],
          ]) {
            const query = { from, to, ...(by ? { by } : {}) };
            const fast = await computeKpi(database, actor, def.key, query);
            const slow = await computeKpiFromFacts(database, actor, def.key, query);
            expect(fast, `${def.key} by ${by ?? '-'} ${from}..${to}`).toEqual(slow);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(40);
    });
  }

  it('puts facts in the same local days and months in a zone with daylight saving', async () => {
    await database.db
      .updateTable('tenants')
      .set({ timeZone: 'Europe/Berlin' })
      .where('id', '=', org.tenant.id)
      .execute();
    try {
      const actor = await actorForUserId(database.db, org.users.admin.id, 'system');
      if (!actor) throw new Error('no actor');
      for (const key of ['revenue', 'won_deals', 'leads', 'activities']) {
        for (const by of ['day', 'week', 'month', 'quarter'] as const) {
          const query = { from: '2025-01-01', to: '2026-12-31', by };
          const fast = await computeKpi(database, actor, key, query);
          expect(fast.timeZone).toBe('Europe/Berlin');
          expect(fast, `${key} by ${by}`).toEqual(await computeKpiFromFacts(database, actor, key, query));
        }
      }
    } finally {
      await database.db
        .updateTable('tenants')
        .set({ timeZone: 'Asia/Shanghai' })
        .where('id', '=', org.tenant.id)
        .execute();
    }
  });

  it('finds a time zone’s daylight-saving changes in a window, to the minute', () => {
    // Europe/Berlin in 2026: CET → CEST on 29 March at 01:00Z, back on 25 October at 01:00Z.
    expect(offsetPieces('2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z', 'Europe/Berlin')).toEqual([
      { until: '2026-03-29T01:00:00.000Z', minutes: 60 },
      { until: '2026-10-25T01:00:00.000Z', minutes: 120 },
      { until: null, minutes: 60 },
    ]);
    expect(offsetPieces('2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z', 'Asia/Shanghai')).toEqual([
      { until: null, minutes: 480 },
    ]);
  });
});
