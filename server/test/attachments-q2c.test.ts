import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedQuote, PDF, type Q2C, setUpQuoteToCash } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Attachments on the quote-to-cash records: a quote and a contract, under the owner's reach.
describe('attachments on quotes and contracts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-q2c-att-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let repB: Client;
  let managerA: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    [rep, repB, managerA] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repB1),
      clientFor(app, org.users.managerA),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (client: Client, recordType: string, recordId: string, fileName = '盖章扫描件.pdf') =>
    client.request({
      method: 'POST',
      url: `/api/attachments?fileName=${encodeURIComponent(fileName)}&recordType=${recordType}&recordId=${recordId}`,
      payload: PDF,
      headers: { 'content-type': 'application/octet-stream' },
    });

  it('attaches to a quote and a draft contract; the team manager reads them, another rep gets 404', async () => {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const contract = (
      await rep.post('/api/contracts', {
        quoteId: quote.id,
        paymentTerms: [{ name: '全款', percent: 100, daysAfterSigning: 30 }],
      })
    ).json();
    expect(contract.id).toBeTruthy();

    for (const [type, id] of [
      ['quote', quote.id],
      ['contract', contract.id],
    ] as const) {
      const res = await upload(rep, type, id);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ recordType: type, recordId: id, contentType: 'application/pdf' });
      const list = await managerA.get(`/api/attachments?recordType=${type}&recordId=${id}`);
      expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([res.json().id]);
      expect((await upload(repB, type, id)).statusCode).toBe(404);
      expect((await repB.get(`/api/attachments/${res.json().id}`)).statusCode).toBe(404);
    }
  });
});
