import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedQuote, PDF, type Q2C, setUpQuoteToCash, signedContract, TERMS } from './contracts-fixture';
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
  const remove = (client: Client, id: string) =>
    client.request({ method: 'DELETE', url: `/api/attachments/${id}` });
  const files = async (client: Client, type: string, id: string) =>
    (await client.get(`/api/attachments?recordType=${type}&recordId=${id}`))
      .json()
      .items.map((i: { id: string }) => i.id);

  /** A contract with a scan and a second file uploaded while approved, signed with the scan. */
  async function signedWithScan() {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const c = (await rep.post('/api/contracts', { quoteId: quote.id, paymentTerms: TERMS })).json();
    const sub = (await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: c.version })).json();
    await managerA.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    await q2c.legal.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    const scanId = (await upload(rep, 'contract', c.id)).json().id;
    const otherId = (await upload(rep, 'contract', c.id, '技术附件.pdf')).json().id;
    const approved = (await rep.get(`/api/contracts/${c.id}`)).json();
    const signed = await rep.post(
      `/api/contracts/${c.id}/sign`,
      {
        signedOn: '2026-09-01',
        signatories: [
          { party: 'customer', name: '客户代表' },
          { party: 'company', name: '销售总监' },
        ],
        scanAttachmentId: scanId,
      },
      { ifMatch: approved.version },
    );
    expect(signed.statusCode).toBe(200);
    return { contract: signed.json(), scanId, otherId };
  }

  it('keeps the files of a signed or archived contract: no delete, no upload, nothing changed', async () => {
    const { contract, scanId, otherId } = await signedWithScan();
    const history = async () =>
      (await database.db.selectFrom('auditEvents').select('id').where('entityId', '=', contract.id).execute())
        .length;
    const historyBefore = await history();
    for (const id of [scanId, otherId]) {
      const res = await remove(rep, id);
      expect([res.statusCode, res.json().code]).toEqual([409, 'CONTRACT_SIGNED']);
    }
    // Not even the manager, who may change the rep's records.
    expect((await remove(managerA, scanId)).json().code).toBe('CONTRACT_SIGNED');
    const added = await upload(rep, 'contract', contract.id, '补充.pdf');
    expect([added.statusCode, added.json().code]).toEqual([409, 'CONTRACT_SIGNED']);
    expect(await files(rep, 'contract', contract.id)).toEqual([scanId, otherId]);
    expect((await rep.get(`/api/attachments/${scanId}`)).statusCode).toBe(200);
    expect((await rep.get(`/api/contracts/${contract.id}`)).json().scanAttachmentId).toBe(scanId);
    expect(await history()).toBe(historyBefore);

    const archived = await q2c.legal.post(`/api/contracts/${contract.id}/archive`, undefined, {
      ifMatch: contract.version,
    });
    expect(archived.json().status).toBe('archived');
    expect((await remove(rep, otherId)).json().code).toBe('CONTRACT_SIGNED');
    expect((await upload(rep, 'contract', contract.id, '补充.pdf')).json().code).toBe('CONTRACT_SIGNED');
    expect(await files(rep, 'contract', contract.id)).toEqual([scanId, otherId]);
  });

  it('keeps the signed scan while an amendment is drafted; the amendment’s own files come and go', async () => {
    const { contract, scanId } = await signedWithScan();
    const amended = await rep.post(
      `/api/contracts/${contract.id}/amendments`,
      { note: '延长质保' },
      { ifMatch: contract.version },
    );
    expect(amended.json().status).toBe('draft');
    expect((await remove(rep, scanId)).json().code).toBe('CONTRACT_SIGNED');
    const draftFile = await upload(rep, 'contract', contract.id, '补充协议草稿.pdf');
    expect(draftFile.statusCode).toBe(201);
    expect((await remove(rep, draftFile.json().id)).statusCode).toBe(204);
    expect(await files(rep, 'contract', contract.id)).toContain(scanId);
  });

  it('keeps the acceptance document of an accepted shipment; other order files can go', async () => {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const contract = await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01');
    const order = (await rep.post('/api/orders', { contractId: contract.id })).json();
    const shipped = (
      await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
        carrier: '顺丰',
        trackingNumber: 'SF1',
        shippedOn: '2026-09-10',
        lines: [{ lineNo: 0, quantity: 10 }],
      })
    ).json();
    const reportId = (await upload(rep, 'order', order.id, '验收报告.pdf')).json().id;
    const spareId = (await upload(rep, 'order', order.id, '装箱单.pdf')).json().id;
    // Before the acceptance the report is an ordinary file: a wrong upload can be taken back.
    const draftReport = (await upload(rep, 'order', order.id, '验收报告-错.pdf')).json().id;
    expect((await remove(rep, draftReport)).statusCode).toBe(204);
    const accepted = await q2c.delivery.post(
      `/api/orders/${order.id}/shipments/${shipped.shipments[0].id}/acceptance`,
      { kind: 'accepted', acceptedOn: '2026-09-12', document: 'YS-01', attachmentId: reportId },
    );
    expect(accepted.json().status).toBe('accepted');
    const refused = await remove(rep, reportId);
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'SHIPMENT_ACCEPTED']);
    expect(await files(rep, 'order', order.id)).toEqual([reportId, spareId]);
    expect((await remove(rep, spareId)).statusCode).toBe(204);
    expect(await files(rep, 'order', order.id)).toEqual([reportId]);
  });
});
