import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parentsBeforeChildren, restoreBackup, writeBackup } from '../src/db/backup';
import {
  buildTestApp,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  openTestDatabase,
  type TestDatabase,
} from './harness';

describe('backup and restore follow the foreign keys of every table', () => {
  it('orders parents before children, whatever the preferred order says', () => {
    const refs = new Map([
      ['quote_versions', new Set(['quotes'])],
      ['quotes', new Set(['deals'])],
      ['deals', new Set<string>()],
    ]);
    expect(parentsBeforeChildren(['quote_versions', 'quotes', 'deals'], refs)).toEqual([
      'deals',
      'quotes',
      'quote_versions',
    ]);
  });

  let source: TestDatabase;
  let target: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    source = await openTestDatabase();
    target = await openTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'salesops-backup-'));
  });
  afterAll(async () => {
    await source.drop();
    await target.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('restores quotes and their versions (which sort before their parent by name)', async () => {
    const app = await buildTestApp(source);
    const org = await makeOrg(source.db);
    const admin = await clientFor(app, org.users.admin);
    const rep = await clientFor(app, org.users.repA1);
    const product = (
      await admin.post('/api/products', { sku: 'B-1', name: '备份测试产品', listPrice: 1000 })
    ).json();
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const quote = await rep.post('/api/quotes', {
      dealId: deal.id,
      lines: [{ productId: product.id, quantity: 2 }],
      terms: { validUntil: '2099-12-31' },
    });
    expect(quote.statusCode, quote.body).toBe(201);
    await app.close();

    const file = join(dir, 'b.jsonl.gz');
    const written = await writeBackup(source, file, 'test');
    const restored = await restoreBackup(target, file);
    const nonEmpty = (c: Record<string, number>) =>
      Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));
    expect(nonEmpty(restored)).toEqual(nonEmpty(written));
    expect(restored.quote_versions).toBe(1);
    const back = await target.db.selectFrom('quotes').selectAll().executeTakeFirstOrThrow();
    expect([back.number, back.grossAmount]).toEqual([quote.json().number, 2000]);
  });
});
