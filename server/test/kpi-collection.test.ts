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

/**
 * Collection KPIs (回款率, 回款周期) and the channel dimension, on the KPI fixture plus its
 * receivables (test/dashboards-receivables.ts) and three more receipts:
 *
 *   c1 (repA1, accA, deal d2, quote on the distributor price list)
 *     pp1 1,000,000 due 03-01   rc1   300,000 on 03-10 named pp1        → pp1 300,000 at  9 days
 *     pp2   500,000 due 04-20   rc2   800,000 on 04-25 named pp2        → pp2 500,000 at  5 days,
 *     pp3   200,000 due 05-31                                             the rest to the oldest open
 *                                                                          one: pp1 300,000 at 55 days
 *   c2 (repB1, accC, deal d6, quote on the direct-sales price list (no channel))
 *     pp4   100,000 due 04-30   rc3   100,000 on 04-28                  → pp4 100,000 at −2 days
 *
 * March–April: due pp1 + pp2 + pp4 = 1,600,000; collected 600,000 + 500,000 + 100,000 =
 * 1,200,000 → rate 0.75. Weighted days 300,000×9 + 300,000×55 + 500,000×5 − 100,000×2 =
 * 21,500,000 ÷ 1,200,000 = 17.9167 → 17.92 days.
 */
describe('collection KPIs and the channel dimension', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let id: (k: string) => string;
  let admin: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org, id } = await buildKpiFixture(database));
    await receivables(database, org, id);
    const { db } = database;
    const t = org.tenant.id;
    const at = '2026-03-01T00:00:00.000Z';
    await db
      .insertInto('priceLists')
      .values([
        {
          id: id('pl_dist'),
          tenantId: t,
          name: '经销商价',
          channel: 'distributor',
          currency: 'CNY',
          status: 'active',
          createdAt: at,
          updatedAt: at,
        },
        {
          id: id('pl_direct'),
          tenantId: t,
          name: '直销价',
          channel: null,
          currency: 'CNY',
          status: 'active',
          createdAt: at,
          updatedAt: at,
        },
      ])
      .execute();
    await db
      .updateTable('quotes')
      .set({ priceListId: id('pl_dist') })
      .where('id', '=', id('q_c1'))
      .execute();
    await db
      .updateTable('quotes')
      .set({ priceListId: id('pl_direct') })
      .where('id', '=', id('q_c2'))
      .execute();
    const receipt = (
      k: string,
      c: string,
      acc: string,
      ownerId: string,
      amount: number,
      on: string,
      plan: string | null,
    ) => ({
      id: id(k),
      tenantId: t,
      contractId: id(c),
      accountId: id(acc),
      ownerId,
      planId: plan ? id(plan) : null,
      amount,
      currency: 'CNY',
      receivedOn: on,
      method: 'bank_transfer',
      reference: null,
      note: null,
      createdBy: null,
      createdAt: at,
    });
    await db
      .insertInto('receipts')
      .values([
        receipt('rc2', 'c1', 'accA', org.users.repA1.id, 800_000, '2026-04-25', 'pp2'),
        receipt('rc3', 'c2', 'accC', org.users.repB1.id, 100_000, '2026-04-28', null),
      ])
      .execute();
    admin = await clientFor(app, org.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const MARCH_APRIL = 'from=2026-03-01&to=2026-04-30';
  const kpi = async (c: Client, key: string, qs: string) => {
    const res = await c.get(`/api/kpis/${key}?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const group = (body: { groups: Array<{ key: string }> }, key: string) =>
    body.groups.find((g) => g.key === key) as Record<string, any> | undefined;

  it('computes collection rate and cycle as worked out by hand, the same as the receivables figures', async () => {
    const lib = (await admin.get('/api/kpis')).json().items as Array<Record<string, any>>;
    expect(lib.find((k) => k.key === 'collection_rate')).toMatchObject({ available: true, unit: 'ratio' });
    expect(lib.find((k) => k.key === 'collection_cycle_days')).toMatchObject({
      available: true,
      unit: 'days',
      direction: 'lower_is_better',
    });

    const rate = await kpi(admin, 'collection_rate', MARCH_APRIL);
    expect(rate.total).toEqual({ value: 0.75, count: 3, numerator: 1_200_000, denominator: 1_600_000 });
    const cycle = await kpi(admin, 'collection_cycle_days', MARCH_APRIL);
    expect(cycle.total).toEqual({ value: 17.92, count: 3, numerator: 21_500_000, denominator: 1_200_000 });

    // One rule behind both: /api/receivables/collection answers the same in its own units.
    const receivablesApi = (await admin.get(`/api/receivables/collection?${MARCH_APRIL}`)).json();
    expect(receivablesApi.totals).toMatchObject({
      due: 1_600_000,
      collected: 1_200_000,
      rateBp: 7500,
      cycleDays: 17.9,
    });
  });

  it('slices by rep, team, month, region, industry, source and channel', async () => {
    // repA1 (c1): 1,100,000 of 1,500,000 = 0.7333, (2.7M + 16.5M + 2.5M) ÷ 1.1M = 19.73 days;
    // repB1 (c2): 100,000 of 100,000, −2 days.
    const byRep = await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=rep`);
    expect(group(byRep, org.users.repA1.id)).toMatchObject({
      value: 0.7333,
      numerator: 1_100_000,
      denominator: 1_500_000,
      label: '张三',
    });
    expect(group(byRep, org.users.repB1.id)).toMatchObject({ value: 1, denominator: 100_000 });
    const cycleByTeam = await kpi(admin, 'collection_cycle_days', `${MARCH_APRIL}&by=team`);
    expect(group(cycleByTeam, org.units.teamA.id)?.value).toBe(19.73);
    expect(group(cycleByTeam, org.units.teamB.id)?.value).toBe(-2);
    // By due month (collected by the period's end): March pp1 600,000 of 1,000,000, (2.7M + 16.5M)
    // ÷ 600,000 = 32 days; April pp2 + pp4 600,000 of 600,000, (2.5M − 0.2M) ÷ 600,000 = 3.83 days.
    const byMonth = await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=month`);
    expect(byMonth.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['2026-03', 0.6],
      ['2026-04', 1],
    ]);
    const cycleByMonth = await kpi(admin, 'collection_cycle_days', `${MARCH_APRIL}&by=month`);
    expect(cycleByMonth.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['2026-03', 32],
      ['2026-04', 3.83],
    ]);
    // Both customers are 华东 / 制造业 and both deals came from the website.
    expect((await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=region`)).groups).toEqual([
      expect.objectContaining({ key: '华东', value: 0.75, count: 3 }),
    ]);
    expect((await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=industry`)).groups).toEqual([
      expect.objectContaining({ key: '制造业', value: 0.75 }),
    ]);
    expect((await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=source`)).groups).toEqual([
      expect.objectContaining({ key: 'website', value: 0.75 }),
    ]);
    // Channel from the contract's quote: c1 distributor, c2 the direct-sales list.
    const byChannel = await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=channel`);
    expect(byChannel.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['direct', 1],
      ['distributor', 0.7333],
    ]);
  });

  it('slices deal KPIs by channel: the price list of the deal’s quote', async () => {
    // April revenue: d2 (quoted on the distributor list) 2,000,000; d6 (direct list) 500,000;
    // d3 never quoted: none.
    const revenue = await kpi(admin, 'revenue', 'from=2026-04-01&to=2026-04-30&by=channel');
    expect(revenue.groups.map((g: any) => [g.key, g.value])).toEqual([
      ['-', 3_000_000],
      ['direct', 500_000],
      ['distributor', 2_000_000],
    ]);
    // Win rate by channel: d4 (lost) has no quote → '-' 1 of 2.
    const win = await kpi(admin, 'win_rate', 'from=2026-04-01&to=2026-04-30&by=channel');
    expect(group(win, '-')).toMatchObject({ numerator: 1, denominator: 2 });
    const records = (
      await admin.get('/api/kpis/revenue/records?from=2026-04-01&to=2026-04-30&by=channel&group=distributor')
    ).json();
    expect(records.items.map((r: any) => r.id)).toEqual([id('d2')]);
    // Lead KPIs have no deal, hence no channel.
    const leads = await admin.get('/api/kpis/leads?by=channel');
    expect([leads.statusCode, leads.json().field]).toEqual([400, 'by']);
  });

  it('drills down to the instalments, compares periods and respects visibility', async () => {
    const records = (await admin.get(`/api/kpis/collection_rate/records?${MARCH_APRIL}`)).json();
    expect(
      records.items
        .map((r: any) => [r.id, r.entity, r.amount, r.collected, r.counted])
        .sort((a: any, b: any) => (a[0] < b[0] ? -1 : 1)),
    ).toEqual(
      [
        [id('pp1'), 'instalment', 1_000_000, 600_000, false],
        [id('pp2'), 'instalment', 500_000, 500_000, true],
        [id('pp4'), 'instalment', 100_000, 100_000, true],
      ].sort((a: any, b: any) => (a[0] < b[0] ? -1 : 1)),
    );
    const teamB = (
      await admin.get(`/api/kpis/collection_rate/records?${MARCH_APRIL}&by=team&group=${org.units.teamB.id}`)
    ).json();
    expect(teamB.items.map((r: any) => r.id)).toEqual([id('pp4')]);

    // March alone: pp1, collected by 03-31 only rc1 300,000 → 0.3, 9 days. April: 1.0, 3.83 days.
    const cmp = (
      await admin.get(
        '/api/kpis/collection_rate/compare?aFrom=2026-03-01&aTo=2026-03-31&bFrom=2026-04-01&bTo=2026-04-30',
      )
    ).json();
    expect(cmp.a).toMatchObject({ value: 0.3, numerator: 300_000, denominator: 1_000_000 });
    expect(cmp.b).toMatchObject({ value: 1, numerator: 600_000, denominator: 600_000 });
    expect(cmp.change).toEqual({ absolute: 0.7, relative: 2.3333 });
    const cycleCmp = (
      await admin.get(
        '/api/kpis/collection_cycle_days/compare?aFrom=2026-03-01&aTo=2026-03-31&bFrom=2026-04-01&bTo=2026-04-30',
      )
    ).json();
    expect([cycleCmp.a.value, cycleCmp.b.value]).toEqual([9, 3.83]);

    const repA1 = await clientFor(app, org.users.repA1);
    expect((await kpi(repA1, 'collection_rate', MARCH_APRIL)).total).toMatchObject({
      value: 0.7333,
      count: 2,
    });
    const managerB = await clientFor(app, org.users.managerB);
    expect((await kpi(managerB, 'collection_cycle_days', MARCH_APRIL)).total.value).toBe(-2);
  });

  it('prints the collection KPIs in the CLI with the API’s numbers', async () => {
    const api = await kpi(admin, 'collection_rate', `${MARCH_APRIL}&by=rep`);
    const json = await runKpiCommand(database, {
      key: 'collection_rate',
      by: 'rep',
      from: '2026-03-01',
      to: '2026-04-30',
      tenant: org.tenant.id,
      json: true,
    });
    expect(JSON.parse(json)).toEqual(api);
    const text = await runKpiCommand(database, {
      key: 'collection_cycle_days',
      from: '2026-03-01',
      to: '2026-04-30',
      tenant: org.tenant.id,
    });
    expect(text).toMatch(/^total\s+17\.92\s+3\s+21500000\s+1200000\s*$/m);
  });
});
