import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('loads maven-crm-sales-opportunities with the README counts and KPIs an independent sum agrees with', async () => {
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

    // Loading the same preset twice into the same tenant is refused.
    await expect(
      loadPreset(database.db, 'maven-crm-sales-opportunities', { tenant: 'Maven 测试' }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('loads olist-marketing-funnel: every MQL a lead, every closed deal a converted lead, customer and won deal', async () => {
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
  });

  it('refuses an unknown preset and says why the payments preset cannot load yet', async () => {
    await expect(loadPreset(database.db, 'nope')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'preset',
    });
    await expect(loadPreset(database.db, 'olist-ecommerce')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(
      loadPreset(database.db, 'olist-marketing-funnel', { from: '/nonexistent' }),
    ).rejects.toMatchObject({ code: 'REFERENCE_NOT_FOUND' });
  });
});
