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

// Contracts: templates, payment terms, approval through the contract matrix (always the
// manager and legal), rejection and return, signing, read-only after signing, amendments as
// new versions with their own approval, archive, and who can see what.
describe('contracts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-ct-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let rep2: Client;
  let managerA: Client;
  let managerB: Client;
  let admin: Client;
  let finance: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, rep2, managerA, managerB, admin, finance] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.managerB),
      clientFor(app, org.users.admin),
      clientFor(app, org.users.finance),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const draftContract = async (body: Record<string, unknown> = {}) => {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    // 30 % on signing: the matrix asks the manager and legal only.
    const res = await rep.post('/api/contracts', { quoteId: quote.id, paymentTerms: TERMS, ...body });
    return { quote, res };
  };

  it('refuses templates with unknown placeholders, and only administrators and legal keep them', async () => {
    const bad = await admin.post('/api/contract-templates', {
      name: '错误模板',
      clauses: [{ key: 'a', title: '甲方', body: '甲方：{customerName}，地址 {customerAddres}' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'clauses.0.body' });
    expect(bad.json().issues[0]).toMatchObject({ code: 'unknown_variable' });
    const byRep = await rep.post('/api/contract-templates', {
      name: '销售自建',
      clauses: [{ key: 'a', title: 'x', body: 'y' }],
    });
    expect(byRep.statusCode).toBe(403);
    const byLegal = await q2c.legal.post('/api/contract-templates', {
      name: '法务模板',
      clauses: [{ key: 'a', title: '交货', body: '交货日期：{deliveryDate}' }],
    });
    expect(byLegal.statusCode).toBe(201);
    expect(
      (await rep.get('/api/contract-templates')).json().items.map((t: { name: string }) => t.name),
    ).toEqual(['法务模板']);
  });

  it('refuses payment terms that do not add up to 100 %, and a second contract for one quote', async () => {
    const { quote, res } = await draftContract({
      paymentTerms: [
        { name: '预付款', percent: 30, daysAfterSigning: 0 },
        { name: '尾款', percent: 60, daysAfterSigning: 30 },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'PAYMENT_TERMS_INVALID', field: 'paymentTerms' });
    expect(res.json().message).toContain('90');
    expect((await rep.get(`/api/contracts?quoteId=${quote.id}`)).json().items).toEqual([]);
    const zero = await rep.post('/api/contracts', {
      quoteId: quote.id,
      paymentTerms: [{ name: 'x', percent: 0, daysAfterSigning: 0 }],
    });
    expect(zero.statusCode).toBe(400);
    // Without terms: the whole amount due the quote's payment days (30) after signing.
    const ok = (await rep.post('/api/contracts', { quoteId: quote.id })).json();
    expect(ok.paymentTerms).toEqual([{ name: '合同款', percent: 100, daysAfterSigning: 30 }]);
    const again = await rep.post('/api/contracts', { quoteId: quote.id });
    expect([again.statusCode, again.json().code]).toEqual([409, 'ALREADY_EXISTS']);
  });

  it('is rejected with a comment, edited and approved on resubmission', async () => {
    const { res } = await draftContract();
    const c = res.json();
    const sub = (await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: c.version })).json();
    const frozen = await rep.patch(`/api/contracts/${c.id}`, { title: 'x' }, sub.version);
    expect([frozen.statusCode, frozen.json().code]).toEqual([409, 'INVALID_STATE']);
    const self = await rep.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    expect(self.json().code).toBe('APPROVAL_SELF');
    await managerA.post(`/api/approvals/${sub.approvalId}/decide`, {
      decision: 'reject',
      comment: '付款条件太宽松',
    });
    const rejected = (await rep.get(`/api/contracts/${c.id}`)).json();
    expect(rejected.status).toBe('rejected');
    const edited = await rep.patch(
      `/api/contracts/${c.id}`,
      {
        paymentTerms: [
          { name: '预付款', percent: 50, daysAfterSigning: 0 },
          { name: '尾款', percent: 50, daysAfterSigning: 30 },
        ],
      },
      rejected.version,
    );
    expect(edited.json()).toMatchObject({ status: 'draft', currentVersion: 1 });
    const resub = (
      await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: edited.json().version })
    ).json();
    expect(resub.approvalId).not.toBe(sub.approvalId);
    const approval = (await rep.get(`/api/approvals/${resub.approvalId}`)).json();
    expect(approval.facts).toMatchObject({ amount: 103960, prepaymentBp: 5000, paymentTermsDays: 30 });
    await managerA.post(`/api/approvals/${resub.approvalId}/decide`, { decision: 'approve' });
    await q2c.legal.post(`/api/approvals/${resub.approvalId}/decide`, { decision: 'approve' });
    expect((await rep.get(`/api/contracts/${c.id}`)).json().status).toBe('approved');
  });

  it('is returned by legal to the manager, then to the requester, who resubmits', async () => {
    const { res } = await draftContract();
    const c = res.json();
    const sub = (await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: c.version })).json();
    const id = sub.approvalId;
    await managerA.post(`/api/approvals/${id}/decide`, { decision: 'approve' });
    const back = (
      await q2c.legal.post(`/api/approvals/${id}/decide`, {
        decision: 'return',
        returnTo: 0,
        comment: '请经理复核',
      })
    ).json();
    expect([back.status, back.current]).toEqual(['pending', 0]);
    expect((await rep.get(`/api/contracts/${c.id}`)).json().status).toBe('pending_approval');
    await managerA.post(`/api/approvals/${id}/decide`, { decision: 'approve' });
    const toRep = (
      await q2c.legal.post(`/api/approvals/${id}/decide`, {
        decision: 'return',
        returnTo: -1,
        comment: '补充违约条款',
      })
    ).json();
    expect(toRep.status).toBe('returned');
    expect((await rep.get(`/api/contracts/${c.id}`)).json().status).toBe('returned');
    const again = (await rep.post(`/api/approvals/${id}/decide`, { decision: 'resubmit' })).json();
    expect([again.status, again.current]).toEqual(['pending', 0]);
    expect((await rep.get(`/api/contracts/${c.id}`)).json().status).toBe('pending_approval');
  });

  it('sends prepayment under 30 % to finance as well', async () => {
    const { res } = await draftContract({
      paymentTerms: [
        { name: '预付款', percent: 10, daysAfterSigning: 0 },
        { name: '尾款', percent: 90, daysAfterSigning: 60 },
      ],
    });
    const c = res.json();
    const sub = (await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: c.version })).json();
    const a = (await rep.get(`/api/approvals/${sub.approvalId}`)).json();
    expect(a.steps.map((s: { levelKey: string }) => s.levelKey)).toEqual(['manager', 'finance', 'legal']);
    await managerA.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    const early = await q2c.legal.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    expect(early.json().code).toBe('APPROVAL_OUT_OF_TURN');
    await finance.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    await q2c.legal.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    expect((await rep.get(`/api/contracts/${c.id}`)).json().status).toBe('approved');
  });

  it('signs only when approved, checks the scan, refuses edits once signed, and amends as a new version', async () => {
    const { res } = await draftContract();
    const c = res.json();
    const sign = (version: number, body: Record<string, unknown> = {}) =>
      rep.post(
        `/api/contracts/${c.id}/sign`,
        { signedOn: '2026-09-01', signatories: [{ party: 'customer', name: '王总' }], ...body },
        { ifMatch: version },
      );
    const unapproved = await sign(c.version);
    expect([unapproved.statusCode, unapproved.json().code]).toEqual([409, 'INVALID_STATE']);
    const sub = (await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: c.version })).json();
    await managerA.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    await q2c.legal.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    const approved = (await rep.get(`/api/contracts/${c.id}`)).json();

    // A file attached to another record is not this contract's scan.
    const { deal } = await acceptedQuote(rep, managerA, q2c.product.id);
    const elsewhere = await rep.request({
      method: 'POST',
      url: `/api/attachments?fileName=x.pdf&recordType=deal&recordId=${deal.id}`,
      payload: PDF,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const wrongScan = await sign(approved.version, { scanAttachmentId: elsewhere.json().id });
    expect(wrongScan.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'scanAttachmentId' });
    const future = await sign(approved.version, { signedOn: '2099-01-01' });
    expect(future.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'signedOn' });
    const signed = (await sign(approved.version)).json();
    expect([signed.status, signed.signedVersion]).toEqual(['signed', 1]);

    const edit = await rep.patch(`/api/contracts/${c.id}`, { title: '新标题' }, signed.version);
    expect([edit.statusCode, edit.json().code]).toEqual([409, 'CONTRACT_SIGNED']);
    const resubmit = await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: signed.version });
    expect(resubmit.json().code).toBe('CONTRACT_SIGNED');
    expect((await rep.get(`/api/contracts/${c.id}`)).json().title).toBe(c.title);

    // 补充协议: the payment terms change in version 2, approved and signed again.
    const amended = await rep.post(
      `/api/contracts/${c.id}/amendments`,
      {
        note: '客户要求分两期付款',
        paymentTerms: [
          { name: '首期', percent: 40, daysAfterSigning: 0 },
          { name: '二期', percent: 60, daysAfterSigning: 45 },
        ],
      },
      { ifMatch: signed.version },
    );
    expect(amended.statusCode).toBe(200);
    expect(amended.json()).toMatchObject({ status: 'draft', currentVersion: 2, signedVersion: 1 });
    // The signed version in force still rules the plan until the amendment is signed.
    const before = (await rep.get(`/api/contracts/${c.id}/payment-plan`)).json();
    expect(before.instalments.map((i: { amount: number }) => i.amount)).toEqual([31188, 62376, 10396]);
    const sub2 = (
      await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: amended.json().version })
    ).json();
    expect(sub2.approvalId).not.toBe(sub.approvalId);
    expect((await rep.get(`/api/approvals/${sub2.approvalId}`)).json().subjectVersion).toBe(2);
    await managerA.post(`/api/approvals/${sub2.approvalId}/decide`, { decision: 'approve' });
    await q2c.legal.post(`/api/approvals/${sub2.approvalId}/decide`, { decision: 'approve' });
    const v2 = (await rep.get(`/api/contracts/${c.id}`)).json();
    const signed2 = (
      await rep.post(
        `/api/contracts/${c.id}/sign`,
        { signedOn: '2026-10-01', signatories: [{ party: 'customer', name: '王总' }] },
        { ifMatch: v2.version },
      )
    ).json();
    expect([signed2.status, signed2.signedVersion, signed2.signedOn]).toEqual(['signed', 2, '2026-09-01']);
    const after = (await rep.get(`/api/contracts/${c.id}/payment-plan`)).json();
    // 40 % of 1,039.60 = 415.84 on the first signing day; the rest 45 days later.
    expect(after.instalments.map((i: { amount: number; dueDate: string }) => [i.amount, i.dueDate])).toEqual([
      [41584, '2026-09-01'],
      [62376, '2026-10-16'],
    ]);
    const versions = (await rep.get(`/api/contracts/${c.id}/versions`)).json().items;
    expect(versions.map((v: { number: number; signedOn: string }) => [v.number, v.signedOn])).toEqual([
      [1, '2026-09-01'],
      [2, '2026-10-01'],
    ]);
    expect(versions[1].note).toBe('客户要求分两期付款');

    const archived = (
      await q2c.legal.post(`/api/contracts/${c.id}/archive`, undefined, { ifMatch: signed2.version })
    ).json();
    expect(archived.status).toBe('archived');
    const amendArchived = await rep.post(
      `/api/contracts/${c.id}/amendments`,
      { note: 'x' },
      { ifMatch: archived.version },
    );
    expect(amendArchived.json().code).toBe('INVALID_STATE');
    const editArchived = await rep.patch(`/api/contracts/${c.id}`, { title: 'x' }, archived.version);
    expect(editArchived.json().code).toBe('CONTRACT_SIGNED');
  });

  it('shows a contract to its owner side only: rep, manager, other team, other tenant', async () => {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const c = await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01');
    expect((await managerA.get(`/api/contracts/${c.id}`)).statusCode).toBe(200);
    expect((await finance.get(`/api/contracts/${c.id}`)).statusCode).toBe(200);
    expect((await rep2.get(`/api/contracts/${c.id}`)).statusCode).toBe(404);
    expect((await managerB.get(`/api/contracts/${c.id}`)).statusCode).toBe(404);
    expect((await rep2.get(`/api/contracts/${c.id}/payment-plan`)).statusCode).toBe(404);
    expect((await rep2.get('/api/contracts')).json().items).toEqual([]);
    const stranger = await managerB.patch(`/api/contracts/${c.id}`, { title: 'x' }, c.version);
    expect(stranger.statusCode).toBe(404);
    // Someone else's quote cannot be made into a contract.
    const { quote: q2 } = await acceptedQuote(rep, managerA, q2c.product.id);
    const foreign = await rep2.post('/api/contracts', { quoteId: q2.id });
    expect(foreign.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'quoteId' });

    const other = await makeOrg(database.db);
    const otherAdmin = await clientFor(app, other.users.admin);
    expect((await otherAdmin.get(`/api/contracts/${c.id}`)).statusCode).toBe(404);
    expect((await otherAdmin.get('/api/contracts')).json().items).toEqual([]);
    expect((await otherAdmin.get('/api/receivables/ageing?asOf=2026-12-31')).json().items).toEqual([]);
  });
});
