import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/auth/actor';
import { DEFAULT_DATASETS_DIR, loadPreset } from '../src/modules/import/presets/presets';
import { getPaymentPlan } from '../src/modules/payments/payment.service';
import { collection } from '../src/modules/payments/receivables.service';
import { openTestDatabase, type TestDatabase } from './harness';

// The olist-ecommerce preset (payments only) against its README and an independent sum: the
// receivables figures the product computes equal the totals computed here straight from the CSV.
const README = { payments: 103_886, orders: 99_440, zero: 9, notDefined: 3 };
const FILE = join(DEFAULT_DATASETS_DIR, 'olist-ecommerce/olist_order_payments_dataset.csv');

const present = existsSync(FILE);
if (!present) console.warn(`olist-ecommerce preset test skipped: no data set at ${FILE}`);

/** '99.33' → 9933 with integer arithmetic only (never a float). */
function centavos(text: string): number {
  const [whole, frac = ''] = text.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
}

describe.skipIf(!present)('olist-ecommerce preset: payments', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('loads every payment as a receipt, and the collection figures equal a sum computed from the CSV', {
    timeout: 300_000,
  }, async () => {
    const r = await loadPreset(database.db, 'olist-ecommerce', { tenant: 'Olist 回款测试' });
    const t = r.tenantId;
    expect(r.counts).toMatchObject({ receipts: README.payments, orders: README.orders, contracts: 1 });

    const csv = parse(readFileSync(FILE), { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(csv).toHaveLength(README.payments);
    const total = csv.reduce((s, p) => s + centavos(p.payment_value!), 0);
    const byType = new Map<string, { n: number; sum: number }>();
    for (const p of csv) {
      const e = byType.get(p.payment_type!) ?? { n: 0, sum: 0 };
      e.n++;
      e.sum += centavos(p.payment_value!);
      byType.set(p.payment_type!, e);
    }
    expect(csv.filter((p) => centavos(p.payment_value!) === 0)).toHaveLength(README.zero);
    expect(byType.get('not_defined')?.n).toBe(README.notDefined);

    const counted = await database.db
      .selectFrom('receipts')
      .select([sql<number>`count(*)`.as('n'), sql<number>`count(distinct reference)`.as('orders')])
      .where('tenantId', '=', t)
      .executeTakeFirstOrThrow();
    expect(Number(counted.n)).toBe(README.payments);
    expect(Number(counted.orders)).toBe(README.orders);

    // Through the product: the receivables service and the contract's payment plan.
    const admin = await database.db
      .selectFrom('users')
      .select(['id', 'name', 'orgUnitId'])
      .where('tenantId', '=', t)
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    const actor: Actor = {
      userId: admin.id,
      tenantId: t,
      role: 'admin',
      name: admin.name,
      orgUnitId: admin.orgUnitId,
      locale: 'en-US',
      readableOwners: 'all',
      writableOwners: 'all',
      via: 'system',
    };
    const figures = await collection(database.db, actor, {
      from: '2016-09-01',
      to: '2018-10-31',
      groupBy: 'account',
    });
    expect(figures.totals).toMatchObject({ due: total, collected: total, rateBp: 10000 });
    const contract = await database.db
      .selectFrom('contracts')
      .select('id')
      .where('tenantId', '=', t)
      .executeTakeFirstOrThrow();
    const plan = await getPaymentPlan(database.db, actor, contract.id);
    expect(plan).toMatchObject({ currency: 'BRL', amount: total, received: total, outstanding: 0 });
    expect(plan.receipts).toHaveLength(README.payments);
    // Per payment type (kept in each receipt's note), the receipts sum to the CSV's.
    for (const [type, e] of byType) {
      const mine = plan.receipts.filter((x) => x.note?.startsWith(`payment_type=${type};`));
      expect(mine.length, type).toBe(e.n);
      expect(
        mine.reduce((s, x) => s + Number(x.amount), 0),
        type,
      ).toBe(e.sum);
    }
  });
});
