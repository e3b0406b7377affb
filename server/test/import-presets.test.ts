import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKpiCommand } from '../src/cli/kpi-command';
import { DEFAULT_DATASETS_DIR, loadPreset } from '../src/modules/import/presets/presets';
import { openTestDatabase, type TestDatabase } from './harness';

// Counts from ../shared/datasets/README.md (the data sets' own documentation).
const README = {
  maven: {
    accounts: 85,
    products: 7,
    agents: 35,
    deals: 8800,
    won: 4238,
    lost: 2473,
    engaging: 1589,
    prospecting: 500,
    blankAccount: 1425,
  },
  olist: { mqls: 8000, closed: 842, blankOrigin: 60 },
};

/** '1234.5' → 123450 with integer arithmetic only (never a float). */
function cents(text: string): number {
  const [whole, frac = ''] = text.split('.');
  return Number(whole || 0) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
}

/** Ratios as the KPI library states them: four decimals. */
const ratio = (n: number, d: number) => Math.round((n / d) * 10_000) / 10_000;

type KpiAnswer = {
  total: { value: number | null; count: number; numerator?: number; denominator?: number };
  groups: Array<{
    key: string;
    label: string;
    value: number | null;
    count: number;
    numerator?: number;
    denominator?: number;
  }>;
};

const present = existsSync(DEFAULT_DATASETS_DIR);
if (!present) console.warn(`presets test skipped: no data sets at ${DEFAULT_DATASETS_DIR}`);

describe.skipIf(!present)('data-set presets', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  // KPI figures read through the product (the `salesops kpi` command: the KPI service the API
  // and the screens use), in the preset tenant.
  const kpi = async (tenant: string, key: string, from: string, to: string, by?: string) =>
    JSON.parse(
      await runKpiCommand(database, {
        key,
        from,
        to,
        tenant,
        json: true,
        ...(by ? { by: by as never } : {}),
      }),
    ) as KpiAnswer;

  const count = async (
    table: 'accounts' | 'products' | 'deals' | 'leads' | 'users',
    tenantId: string,
    where?: [string, string],
  ) => {
    let q = (database.db as any)
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .where('tenantId', '=', tenantId);
    if (where) q = q.where(where[0], '=', where[1]);
    return Number((await q.executeTakeFirst()).n);
  };

  it('loads maven-crm-sales-opportunities with the README counts and KPIs an independent sum agrees with', {
    timeout: 240_000,
  }, async () => {
    const r = await loadPreset(database.db, 'maven-crm-sales-opportunities', { tenant: 'Maven 测试' });
    const t = r.tenantId;
    const m = README.maven;
    expect(await count('accounts', t)).toBe(m.accounts + 1); // + the placeholder for blank accounts
    expect(await count('products', t)).toBe(m.products);
    expect(await count('deals', t)).toBe(m.deals);
    expect(await count('deals', t, ['stage', 'won'])).toBe(m.won);
    expect(await count('deals', t, ['stage', 'lost'])).toBe(m.lost);
    expect(await count('deals', t, ['stage', 'needs_analysis'])).toBe(m.engaging);
    expect(await count('deals', t, ['stage', 'initial_contact'])).toBe(m.prospecting);
    expect(await count('users', t, ['role', 'rep'])).toBe(m.agents);
    const placeholder = await database.db
      .selectFrom('accounts')
      .select('id')
      .where('tenantId', '=', t)
      .where('name', 'like', '未提供客户%')
      .executeTakeFirstOrThrow();
    expect(await count('deals', t, ['accountId', placeholder.id])).toBe(m.blankAccount);

    // Won revenue per agent, computed straight from the CSV, equals the database's.
    const csv = parse(
      readFileSync(join(DEFAULT_DATASETS_DIR, 'maven-crm-sales-opportunities/sales_pipeline.csv')),
      { columns: true },
    ) as Array<Record<string, string>>;
    const expected = new Map<string, number>();
    for (const o of csv)
      if (o.deal_stage === 'Won')
        expected.set(o.sales_agent!, (expected.get(o.sales_agent!) ?? 0) + Number(o.close_value) * 100);
    const rows = await database.db
      .selectFrom('deals')
      .innerJoin('users', 'users.id', 'deals.ownerId')
      .select(['users.name', sql<number>`sum(deals.amount)`.as('won')])
      .where('deals.tenantId', '=', t)
      .where('deals.status', '=', 'won')
      .groupBy('users.name')
      .execute();
    expect(new Map(rows.map((x) => [x.name, Number(x.won)]))).toEqual(expected);
    const closedIn2017 = await database.db
      .selectFrom('deals')
      .select(sql<string>`min(closed_at)`.as('first'))
      .where('tenantId', '=', t)
      .where('status', '=', 'won')
      .executeTakeFirstOrThrow();
    expect(String(closedIn2017.first).slice(0, 7)).toBe('2017-03');

    // KPIs through the product, against figures computed here straight from the CSV.
    const won = new Map<string, number>();
    const closed = new Map<string, number>();
    for (const o of csv) {
      if (o.deal_stage !== 'Won' && o.deal_stage !== 'Lost') continue;
      closed.set(o.sales_agent!, (closed.get(o.sales_agent!) ?? 0) + 1);
      if (o.deal_stage === 'Won') won.set(o.sales_agent!, (won.get(o.sales_agent!) ?? 0) + 1);
    }
    const revenue = await kpi(t, 'revenue', '2017-01-01', '2017-12-31', 'rep');
    expect(new Map(revenue.groups.map((g) => [g.label, g.value]))).toEqual(expected);
    expect(revenue.total.value).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(revenue.total.count).toBe(m.won);
    const winRate = await kpi(t, 'win_rate', '2017-01-01', '2017-12-31', 'rep');
    expect(winRate.total).toMatchObject({ numerator: m.won, denominator: m.won + m.lost });
    expect(new Map(winRate.groups.map((g) => [g.label, [g.numerator, g.denominator]]))).toEqual(
      new Map([...closed].map(([agent, n]) => [agent, [won.get(agent) ?? 0, n]])),
    );
    for (const g of winRate.groups)
      expect(g.value, g.label).toBe(ratio(won.get(g.label) ?? 0, closed.get(g.label)!));
    // By month of the close date (dates only in the data set: the same month in any time zone).
    const byMonth = new Map<string, number>();
    for (const o of csv)
      if (o.deal_stage === 'Won')
        byMonth.set(
          o.close_date!.slice(0, 7),
          (byMonth.get(o.close_date!.slice(0, 7)) ?? 0) + cents(o.close_value!),
        );
    const monthly = await kpi(t, 'revenue', '2017-01-01', '2017-12-31', 'month');
    expect(new Map(monthly.groups.map((g) => [g.key, g.value]))).toEqual(byMonth);

    // Loading the same preset twice into the same tenant is refused.
    await expect(
      loadPreset(database.db, 'maven-crm-sales-opportunities', { tenant: 'Maven 测试' }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('loads olist-marketing-funnel: every MQL a lead, every closed deal a converted lead, customer and won deal', {
    timeout: 240_000,
  }, async () => {
    const r = await loadPreset(database.db, 'olist-marketing-funnel', { tenant: 'Olist 测试' });
    const t = r.tenantId;
    const o = README.olist;
    expect(await count('leads', t)).toBe(o.mqls);
    expect(await count('leads', t, ['status', 'converted'])).toBe(o.closed);
    expect(await count('accounts', t)).toBe(o.closed);
    expect(await count('deals', t, ['status', 'won'])).toBe(o.closed);
    const blank = await database.db
      .selectFrom('leads')
      .select(sql<number>`count(*)`.as('n'))
      .where('tenantId', '=', t)
      .where('notes', 'like', '%origin=(blank)%')
      .executeTakeFirstOrThrow();
    expect(Number(blank.n)).toBe(o.blankOrigin);
    // The README's quirk: one deal won two days before its first contact.
    const early = await database.db
      .selectFrom('deals')
      .innerJoin('leads', 'leads.id', 'deals.leadId')
      .select(['deals.closedAt', 'leads.createdAt'])
      .where('deals.tenantId', '=', t)
      .where('leads.notes', 'like', 'mql_id=b91cf8812365f50ff4bda4bcd6206b05%')
      .executeTakeFirstOrThrow();
    expect(String(early.closedAt) < String(early.createdAt)).toBe(true);

    // The funnel's KPIs through the product, against figures computed from the CSV files.
    const dir = join(DEFAULT_DATASETS_DIR, 'olist-marketing-funnel');
    const read = (f: string) =>
      parse(readFileSync(join(dir, f)), { columns: true }) as Array<Record<string, string>>;
    const mqls = read('olist_marketing_qualified_leads_dataset.csv');
    const deals = read('olist_closed_deals_dataset.csv');
    const converted = new Set(deals.map((d) => d.mql_id));
    const conversion = await kpi(t, 'lead_conversion_rate', '2017-06-01', '2018-05-31');
    expect(conversion.total).toMatchObject({
      numerator: mqls.filter((q) => converted.has(q.mql_id)).length,
      denominator: mqls.length,
    });
    expect(conversion.total.value).toBe(ratio(o.closed, o.mqls));
    const perMonth = new Map<string, number>();
    for (const q of mqls)
      perMonth.set(
        q.first_contact_date!.slice(0, 7),
        (perMonth.get(q.first_contact_date!.slice(0, 7)) ?? 0) + 1,
      );
    const leadsByMonth = await kpi(t, 'leads', '2017-06-01', '2018-05-31', 'month');
    expect(new Map(leadsByMonth.groups.map((g) => [g.key, g.count]))).toEqual(perMonth);
    const wonDeals = await kpi(t, 'won_deals', '2017-01-01', '2019-12-31');
    expect(wonDeals.total.count).toBe(deals.length);
    const revenue = await kpi(t, 'revenue', '2017-01-01', '2019-12-31');
    expect(revenue.total.value).toBe(deals.reduce((s, d) => s + cents(d.declared_monthly_revenue!), 0));
  });

  it('refuses an unknown preset and a data-set folder that is not there', async () => {
    await expect(loadPreset(database.db, 'nope')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'preset',
    });
    // olist-ecommerce loads now (test/import-presets-payments.test.ts); a wrong folder is refused.
    await expect(loadPreset(database.db, 'olist-ecommerce', { from: '/nonexistent' })).rejects.toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
    });
    await expect(
      loadPreset(database.db, 'olist-marketing-funnel', { from: '/nonexistent' }),
    ).rejects.toMatchObject({ code: 'REFERENCE_NOT_FOUND' });
  });
});
