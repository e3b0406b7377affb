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

// Sales orders: made from a signed contract only, hand-offs with owners and due dates,
// shipments that never ship zero or more than is left, acceptance, and who may see what.
describe('sales orders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-so-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let rep2: Client;
  let managerA: Client;
  let managerB: Client;
  let admin: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, rep2, managerA, managerB, admin] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.managerB),
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

  async function signedOrder() {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const contract = await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01');
    const res = await rep.post('/api/orders', { contractId: contract.id, deliveryDate: '2026-12-01' });
    expect(res.statusCode).toBe(201);
    return { contract, order: res.json() };
  }

  it('is made only from a signed contract the caller can reach, once', async () => {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const draft = (await rep.post('/api/contracts', { quoteId: quote.id, paymentTerms: TERMS })).json();
    const unsigned = await rep.post('/api/orders', { contractId: draft.id });
    expect([unsigned.statusCode, unsigned.json().code]).toEqual([409, 'INVALID_STATE']);
    const { contract, order } = await signedOrder();
    expect(order).toMatchObject({ status: 'open', deliveryDate: '2026-12-01', contractId: contract.id });
    expect(order.lines).toEqual([
      expect.objectContaining({ lineNo: 0, quantity: '10', remaining: '10', grossAmount: 103960 }),
    ]);
    const twice = await rep.post('/api/orders', { contractId: contract.id });
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'ALREADY_EXISTS']);
    const foreign = await rep2.post('/api/orders', { contractId: contract.id });
    expect(foreign.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'contractId' });
  });

  it.each([
    ['a zero quantity', 0, 'must_be_positive'],
    ['a negative quantity', '-2', 'must_be_positive'],
    ['more than ordered', 11, 'exceeds_remaining'],
    ['too many decimals', '1.00001', 'too_many_decimals'],
  ])('refuses a shipment of %s and writes nothing', async (_label, quantity, code) => {
    const { order } = await signedOrder();
    const res = await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
      carrier: '顺丰速运',
      trackingNumber: 'SF1',
      shippedOn: '2026-09-10',
      lines: [{ lineNo: 0, quantity }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'SHIPMENT_INVALID', field: 'lines.0.quantity' });
    expect(res.json().issues[0].code).toBe(code);
    const after = (await rep.get(`/api/orders/${order.id}`)).json();
    expect([after.shipments, after.status, after.version]).toEqual([[], 'open', order.version]);
  });

  it('refuses shipping more than is left after an earlier shipment, and an unknown line', async () => {
    const { order } = await signedOrder();
    const ship = (lines: unknown[]) =>
      q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
        carrier: '顺丰速运',
        trackingNumber: 'SF2',
        shippedOn: '2026-09-10',
        lines,
      });
    expect((await ship([{ lineNo: 0, quantity: '7.5' }])).json().status).toBe('partially_shipped');
    const more = await ship([{ lineNo: 0, quantity: 3 }]);
    expect(more.json().issues[0]).toMatchObject({ code: 'exceeds_remaining' });
    expect(more.json().message).toContain('2.5');
    const unknown = await ship([{ lineNo: 3, quantity: 1 }]);
    expect(unknown.json()).toMatchObject({ code: 'SHIPMENT_INVALID', field: 'lines.0.lineNo' });
    const missingCarrier = await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
      trackingNumber: 'x',
      shippedOn: '2026-09-10',
      lines: [{ lineNo: 0, quantity: 1 }],
    });
    expect([missingCarrier.statusCode, missingCarrier.json().field]).toEqual([400, 'carrier']);
  });

  it('hands off to departments with owners and due dates, and takes acceptance with its document', async () => {
    const { order } = await signedOrder();
    const unknown = await rep.post(`/api/orders/${order.id}/handoffs`, {
      department: 'qc',
      assigneeId: 'usr_nobody',
      dueOn: '2026-09-05',
    });
    expect(unknown.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'assigneeId' });
    const badDept = await rep.post(`/api/orders/${order.id}/handoffs`, {
      department: 'marketing',
      assigneeId: q2c.deliveryUser.id,
      dueOn: '2026-09-05',
    });
    expect([badDept.statusCode, badDept.json().field]).toEqual([400, 'department']);
    const handed = (
      await rep.post(`/api/orders/${order.id}/handoffs`, {
        department: 'production',
        assigneeId: q2c.deliveryUser.id,
        dueOn: '2026-09-05',
        note: '按合同规格排产',
      })
    ).json();
    expect(handed.status).toBe('in_fulfilment');
    expect(handed.handoffs[0]).toMatchObject({
      department: 'production',
      assigneeId: q2c.deliveryUser.id,
      dueOn: '2026-09-05',
      status: 'open',
    });
    const inbox = JSON.stringify((await q2c.delivery.get('/api/notifications')).json());
    expect(inbox).toContain(`订单 ${order.number} 交接生产`);
    // Another rep can neither see the order nor close its hand-off.
    const stranger = await rep2.post(`/api/orders/${order.id}/handoffs/${handed.handoffs[0].id}/done`);
    expect(stranger.statusCode).toBe(404);
    const done = (
      await q2c.delivery.post(`/api/orders/${order.id}/handoffs/${handed.handoffs[0].id}/done`)
    ).json();
    expect(done.handoffs[0].status).toBe('done');
    // Each hand-off is a task in the assignee's list, due at the end of its day (Shanghai).
    const task = (await q2c.delivery.get(`/api/tasks/${handed.handoffs[0].taskId}`)).json();
    expect(task).toMatchObject({
      title: `订单 ${order.number} 交接生产`,
      ownerId: q2c.deliveryUser.id,
      status: 'done',
      dueAt: '2026-09-05T15:59:00.000Z',
      dealId: order.dealId,
    });
    // Done from the task list: done on the order too.
    const qc = (
      await rep.post(`/api/orders/${order.id}/handoffs`, {
        department: 'qc',
        assigneeId: q2c.deliveryUser.id,
        dueOn: '2026-09-08',
      })
    ).json().handoffs[1];
    const qcTask = (await q2c.delivery.get(`/api/tasks/${qc.taskId}`)).json();
    const patched = await q2c.delivery.patch(`/api/tasks/${qc.taskId}`, { status: 'done' }, qcTask.version);
    expect(patched.statusCode).toBe(200);
    expect((await rep.get(`/api/orders/${order.id}`)).json().handoffs[1].status).toBe('done');

    const shipped = (
      await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
        carrier: '中通快运',
        trackingNumber: 'ZT556677',
        shippedOn: '2026-09-10',
        lines: [{ lineNo: 0, quantity: 10 }],
      })
    ).json();
    expect(shipped.status).toBe('shipped');
    const shipmentId = shipped.shipments[0].id;
    const accept = (body: Record<string, unknown>) =>
      q2c.delivery.post(`/api/orders/${order.id}/shipments/${shipmentId}/acceptance`, {
        kind: 'accepted',
        acceptedOn: '2026-09-12',
        document: 'YS-01',
        ...body,
      });
    const early = await accept({ acceptedOn: '2026-09-01' });
    expect([early.statusCode, early.json().field]).toEqual([400, 'acceptedOn']);
    // The owner's side files the signed acceptance report on the order.
    const report = await rep.request({
      method: 'POST',
      url: `/api/attachments?fileName=${encodeURIComponent('验收报告.pdf')}&recordType=order&recordId=${order.id}`,
      payload: PDF,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(report.statusCode).toBe(201);
    const wrong = await accept({ attachmentId: 'att_nope' });
    expect(wrong.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'attachmentId' });
    const accepted = (await accept({ attachmentId: report.json().id })).json();
    expect(accepted.status).toBe('accepted');
    expect(accepted.shipments[0]).toMatchObject({
      status: 'accepted',
      acceptanceKind: 'accepted',
      acceptanceDoc: 'YS-01',
      acceptanceAttachmentId: report.json().id,
    });
    expect((await accept({})).json().code).toBe('INVALID_STATE');
  });

  it('cancels an order nothing has shipped of, with a reason', async () => {
    const { order } = await signedOrder();
    const noReason = await rep.request({
      method: 'POST',
      url: `/api/orders/${order.id}/cancel`,
      payload: {},
      ifMatch: order.version,
    });
    expect([noReason.statusCode, noReason.json().field]).toEqual([400, 'reason']);
    const cancelled = await rep.request({
      method: 'POST',
      url: `/api/orders/${order.id}/cancel`,
      payload: { reason: '客户取消采购' },
      ifMatch: order.version,
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: '客户取消采购' });
    const ship = await q2c.delivery.post(`/api/orders/${order.id}/shipments`, {
      carrier: 'x',
      trackingNumber: 'y',
      shippedOn: '2026-09-10',
      lines: [{ lineNo: 0, quantity: 1 }],
    });
    expect(ship.json().code).toBe('INVALID_STATE');
  });

  it('shows an order to its owner side, delivery and the whole company roles only', async () => {
    const { order } = await signedOrder();
    expect((await managerA.get(`/api/orders/${order.id}`)).statusCode).toBe(200);
    expect((await q2c.delivery.get(`/api/orders/${order.id}`)).statusCode).toBe(200);
    expect((await rep2.get(`/api/orders/${order.id}`)).statusCode).toBe(404);
    expect((await managerB.get(`/api/orders/${order.id}`)).statusCode).toBe(404);
    expect((await managerB.get('/api/orders')).json().items).toEqual([]);
    const other = await makeOrg(database.db);
    const otherAdmin = await clientFor(app, other.users.admin);
    expect((await otherAdmin.get(`/api/orders/${order.id}`)).statusCode).toBe(404);
    const ids = (await rep.get('/api/orders')).json().items.map((o: { id: string }) => o.id);
    expect(ids).toContain(order.id);
  });
});
