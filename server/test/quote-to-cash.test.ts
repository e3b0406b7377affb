import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF, type Q2C, setUpQuoteToCash } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The whole chain on one deal, with every amount worked by hand:
// 10 × 100.00 元 at 8 % off, prices without tax: net 920.00, VAT 13 % 119.60, gross 1,039.60.
// Terms 30 / 60 / 10 % at 0 / 30 / 90 days after signing on 2026-08-01:
//   预付款 311.88 due 08-01, 到货款 623.76 due 08-31, 质保金 103.96 due 10-30 (the remainder).
describe('quote to cash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-q2c-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let managerA: Client;
  let finance: Client;
  let admin: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, managerA, finance, admin] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.finance),
      clientFor(app, org.users.admin),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes from a product to the last payment', async () => {
    // Deal and quote, approved by the manager (8 % off is over the rep's 5 %), accepted.
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const quote = (
      await rep.post('/api/quotes', {
        dealId: deal.id,
        taxMode: 'exclusive',
        lines: [{ productId: q2c.product.id, quantity: 10, discountPercent: 8, taxRatePercent: 13 }],
        terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
      })
    ).json();
    expect([quote.netAmount, quote.taxAmount, quote.grossAmount]).toEqual([92000, 11960, 103960]);
    const qSub = (
      await rep.post(`/api/quotes/${quote.id}/submit`, undefined, { ifMatch: quote.version })
    ).json();
    expect(qSub.status).toBe('pending_approval');
    await managerA.post(`/api/approvals/${qSub.approvalId}/decide`, { decision: 'approve' });
    const qApproved = (await rep.get(`/api/quotes/${quote.id}`)).json();
    expect(qApproved.status).toBe('approved');

    // A contract cannot be drafted before the customer accepts.
    const early = await rep.post('/api/contracts', { quoteId: quote.id });
    expect([early.statusCode, early.json().code]).toEqual([409, 'INVALID_STATE']);
    await rep.post(`/api/quotes/${quote.id}/accept`, {}, { ifMatch: qApproved.version });

    // The contract: clauses from a template, placeholders filled from the quote and customer.
    const template = (
      await admin.post('/api/contract-templates', {
        name: '标准销售合同',
        clauses: [
          { key: 'parties', title: '合同双方', body: '甲方：{customerName}；依据报价单 {quoteNumber}。' },
          {
            key: 'price',
            title: '合同金额',
            body: '含税总价 {grossAmount} 元（{currency}），{paymentSchedule}。',
          },
        ],
      })
    ).json();
    const draft = await rep.post('/api/contracts', {
      quoteId: quote.id,
      templateId: template.id,
      paymentTerms: [
        { name: '预付款', percent: 30, daysAfterSigning: 0 },
        { name: '到货款', percent: 60, daysAfterSigning: 30 },
        { name: '质保金', percent: 10, daysAfterSigning: 90 },
      ],
    });
    expect(draft.statusCode).toBe(201);
    const contract = draft.json();
    expect(contract).toMatchObject({
      status: 'draft',
      grossAmount: 103960,
      currency: 'CNY',
      currentVersion: 1,
    });
    expect(contract.number).toMatch(/^HT\d{8}-\d{3}$/);
    expect(contract.lines[0]).toMatchObject({ productId: q2c.product.id, quantity: '10', unitPrice: 10000 });
    expect(contract.clauses[0].body).toBe(`甲方：${account.name}；依据报价单 ${quote.number}。`);
    expect(contract.clauses[1].body).toBe(
      '含税总价 1,039.60 元（CNY），预付款 30%（签订后 0 天内）；到货款 60%（签订后 30 天内）；质保金 10%（签订后 90 天内）。',
    );

    // Approval: the manager, then legal; not the requester, not legal before the manager.
    const cSub = (
      await rep.post(`/api/contracts/${contract.id}/submit`, undefined, { ifMatch: contract.version })
    ).json();
    expect(cSub.status).toBe('pending_approval');
    const approval = (await rep.get(`/api/approvals/${cSub.approvalId}`)).json();
    expect(approval.steps.map((s: { levelKey: string }) => s.levelKey)).toEqual(['manager', 'legal']);
    const self = await rep.post(`/api/approvals/${cSub.approvalId}/decide`, { decision: 'approve' });
    expect([self.statusCode, self.json().code]).toEqual([403, 'APPROVAL_SELF']);
    const outOfTurn = await q2c.legal.post(`/api/approvals/${cSub.approvalId}/decide`, {
      decision: 'approve',
    });
    expect([outOfTurn.statusCode, outOfTurn.json().code]).toEqual([409, 'APPROVAL_OUT_OF_TURN']);
    await managerA.post(`/api/approvals/${cSub.approvalId}/decide`, { decision: 'approve' });
    expect((await rep.get(`/api/contracts/${contract.id}`)).json().status).toBe('pending_approval');
    await q2c.legal.post(`/api/approvals/${cSub.approvalId}/decide`, { decision: 'approve' });
    const approved = (await rep.get(`/api/contracts/${contract.id}`)).json();
    expect(approved.status).toBe('approved');

    // Signed, with the scanned copy attached to the contract.
    const scan = await rep.request({
      method: 'POST',
      url: `/api/attachments?fileName=${encodeURIComponent('合同扫描件.pdf')}&recordType=contract&recordId=${contract.id}`,
      payload: PDF,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(scan.statusCode).toBe(201);
    const signed = await rep.post(
      `/api/contracts/${contract.id}/sign`,
      {
        signedOn: '2026-08-01',
        signatories: [
          { party: 'customer', name: '王总', title: '总经理' },
          { party: 'company', name: '李经理' },
        ],
        scanAttachmentId: scan.json().id,
      },
      { ifMatch: approved.version },
    );
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({ status: 'signed', signedOn: '2026-08-01', signedVersion: 1 });
    expect(signed.json().scanAttachmentId).toBe(scan.json().id);
    const locked = await rep.patch(`/api/contracts/${contract.id}`, { title: '改名' }, signed.json().version);
    expect([locked.statusCode, locked.json().code]).toEqual([409, 'CONTRACT_SIGNED']);

    const plan = (await rep.get(`/api/contracts/${contract.id}/payment-plan`)).json();
    expect(
      plan.instalments.map((i: { name: string; dueDate: string; amount: number }) => [
        i.name,
        i.dueDate,
        i.amount,
      ]),
    ).toEqual([
      ['预付款', '2026-08-01', 31188],
      ['到货款', '2026-08-31', 62376],
      ['质保金', '2026-10-30', 10396],
    ]);

    // The order, its SOP run, hand-offs to the four departments.
    const order = (await q2c.delivery.post('/api/orders', { contractId: contract.id })).json();
    expect(order).toMatchObject({ status: 'open', grossAmount: 103960, ownerId: org.users.repA1.id });
    expect(order.number).toMatch(/^SO\d{8}-\d{3}$/);
    const run = await database.db
      .selectFrom('sopRuns')
      .select(['stageKey', 'status'])
      .where('recordType', '=', 'order')
      .where('recordId', '=', order.id)
      .executeTakeFirst();
    expect(run).toEqual({ stageKey: 'order_execution', status: 'open' });
    let o = order;
    for (const [department, dueOn] of [
      ['production', '2026-08-10'],
      ['procurement', '2026-08-05'],
      ['qc', '2026-08-12'],
      ['logistics', '2026-08-14'],
    ]) {
      const res = await q2c.delivery.post(`/api/orders/${order.id}/handoffs`, {
        department,
        assigneeId: q2c.deliveryUser.id,
        dueOn,
      });
      expect(res.statusCode).toBe(201);
      o = res.json();
    }
    expect(o.status).toBe('in_fulfilment');
    expect(o.handoffs.map((h: { department: string; status: string }) => [h.department, h.status])).toEqual([
      ['production', 'open'],
      ['procurement', 'open'],
      ['qc', 'open'],
      ['logistics', 'open'],
    ]);
    const done = (
      await q2c.delivery.post(`/api/orders/${order.id}/handoffs/${o.handoffs[0].id}/done`)
    ).json();
    expect(done.handoffs[0].status).toBe('done');

    // Shipped in two lots, each signed for / accepted by the customer.
    const first = (
      await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
        carrier: '顺丰速运',
        trackingNumber: 'SF1234567890',
        shippedOn: '2026-08-20',
        lines: [{ lineNo: 0, quantity: 4 }],
      })
    ).json();
    expect([first.status, first.lines[0].remaining]).toEqual(['partially_shipped', '6']);
    const second = (
      await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
        carrier: '德邦物流',
        trackingNumber: 'DB998877',
        shippedOn: '2026-08-25',
        lines: [{ lineNo: 0, quantity: '6' }],
      })
    ).json();
    expect(second.status).toBe('shipped');
    const a1 = (
      await q2c.delivery.post(`/api/orders/${order.id}/shipments/${second.shipments[0].id}/acceptance`, {
        kind: 'signed',
        acceptedOn: '2026-08-22',
        document: 'QS-001',
      })
    ).json();
    expect(a1.status).toBe('shipped');
    const a2 = (
      await q2c.delivery.post(`/api/orders/${order.id}/shipments/${second.shipments[1].id}/acceptance`, {
        kind: 'accepted',
        acceptedOn: '2026-08-28',
        document: 'YS-2026-08',
      })
    ).json();
    expect(a2.status).toBe('accepted');

    // Payments: the prepayment 4 days late, part of the delivery payment 15 days late.
    const pay = (body: Record<string, unknown>) =>
      finance.post('/api/receipts', { contractId: contract.id, ...body });
    expect((await pay({ amount: 31188, receivedOn: '2026-08-05' })).statusCode).toBe(201);
    const part = (await pay({ amount: 30000, receivedOn: '2026-09-15', reference: 'BANK-0915' })).json();
    expect(
      part.instalments.map((i: { received: number; outstanding: number }) => [i.received, i.outstanding]),
    ).toEqual([
      [31188, 0],
      [30000, 32376],
      [0, 10396],
    ]);
    expect(part.outstanding).toBe(42772);

    // Mid-way figures: ageing on 2026-10-15, and collection for instalments due in Aug–Sep.
    const mid = (await finance.get('/api/receivables/ageing?asOf=2026-10-15&groupBy=account')).json();
    expect(mid.totals.buckets).toEqual({ not_due: 10396, d0_30: 0, d31_60: 32376, d61_90: 0, d90_plus: 0 });
    expect(mid.items).toEqual([
      expect.objectContaining({ key: account.id, name: account.name, outstanding: 42772, overdue: 32376 }),
    ]);
    const midCollection = (
      await finance.get('/api/receivables/collection?from=2026-08-01&to=2026-09-30')
    ).json();
    // collected 311.88 + 300.00 of 935.64 due; days 311.88 × 4 + 300.00 × 15 over 611.88
    expect(midCollection.totals).toMatchObject({
      due: 93564,
      collected: 61188,
      rateBp: 6540,
      cycleDays: 9.4,
    });

    // The rest of the delivery payment, then the last payment (3 days after the retention fell due).
    await pay({ amount: 32376, receivedOn: '2026-10-20' });
    expect((await rep.get(`/api/orders/${order.id}`)).json().status).toBe('accepted');
    const last = (await pay({ amount: 10396, receivedOn: '2026-11-02', method: 'acceptance_bill' })).json();
    expect([last.outstanding, last.received, last.overpaid]).toEqual([0, 103960, 0]);
    expect(last.instalments.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    expect((await rep.get(`/api/orders/${order.id}`)).json().status).toBe('closed');

    const end = (await rep.get('/api/receivables/ageing?asOf=2026-11-10')).json();
    expect([end.items, end.totals.outstanding]).toEqual([[], 0]);
    const all = (
      await rep.get('/api/receivables/collection?from=2026-08-01&to=2026-11-10&groupBy=owner')
    ).json();
    // days: 311.88 × 4 + 300.00 × 15 + 323.76 × 50 + 103.96 × 3 = 2,224,740 分·days over 1,039.60
    expect(all.totals).toMatchObject({ due: 103960, collected: 103960, rateBp: 10000, cycleDays: 21.4 });
    expect(all.items).toEqual([
      expect.objectContaining({ key: org.users.repA1.id, due: 103960, collected: 103960, rateBp: 10000 }),
    ]);

    // The rep was told of each receipt.
    const inbox = JSON.stringify((await rep.get('/api/notifications')).json());
    expect(inbox).toContain('回款到账');
  });
});
