import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedQuote, setUpQuoteToCash, TERMS } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The contract list for the web screen: search by number, title or customer name, sort, and the
// customer's name on each row.
describe('contract list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-ctl-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let rep: Client;
  let manager: Client;
  const made: Array<{ id: string; number: string; accountName: string; grossAmount: number }> = [];

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    const org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
    manager = await clientFor(app, org.users.managerA);
    const admin = await clientFor(app, org.users.admin);
    const q2c = await setUpQuoteToCash(app, database, org, admin);
    for (const quantity of [3, 7]) {
      const { quote, account } = await acceptedQuote(rep, manager, q2c.product.id, quantity);
      const c = (await rep.post('/api/contracts', { quoteId: quote.id, paymentTerms: TERMS })).json();
      made.push({ id: c.id, number: c.number, accountName: account.name, grossAmount: c.grossAmount });
    }
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds contracts by number or customer name and names the customer on each row', async () => {
    const byNumber = (await rep.get(`/api/contracts?q=${encodeURIComponent(made[1]!.number)}`)).json();
    expect(byNumber.items.map((c: { id: string }) => c.id)).toEqual([made[1]!.id]);
    expect(byNumber.items[0].accountName).toBe(made[1]!.accountName);
    const byName = (await rep.get(`/api/contracts?q=${encodeURIComponent(made[0]!.accountName)}`)).json();
    expect(byName.items.map((c: { id: string }) => c.id)).toContain(made[0]!.id);
    expect((await rep.get('/api/contracts?q=no-such-contract-xyz')).json().items).toEqual([]);
  });

  it('sorts by amount either way and refuses an unknown sort', async () => {
    const asc = (await rep.get('/api/contracts?sort=grossAmount')).json().items as Array<{
      grossAmount: number;
    }>;
    const desc = (await rep.get('/api/contracts?sort=-grossAmount')).json().items as Array<{
      grossAmount: number;
    }>;
    expect(asc.map((c) => c.grossAmount)).toEqual([...asc.map((c) => c.grossAmount)].sort((a, b) => a - b));
    expect(desc.map((c) => c.grossAmount)).toEqual(asc.map((c) => c.grossAmount).reverse());
    expect((await rep.get('/api/contracts?sort=title')).statusCode).toBe(400);
  });
});
