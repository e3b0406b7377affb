import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as fixStoredDefaults } from '../src/db/migrations/20261205_0020_sop_orders';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { sweepClocks } from '../src/modules/sop/clock.service';
import { publishedPlaybook } from '../src/modules/sop/run.service';
import { acceptedQuote, type Q2C, setUpQuoteToCash, signedContract } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Orders run through the order playbook (订单执行 → 回款 → 售后 → 完成 / 取消) like deals and leads:
// their SOP panel, checklist, forms and gated moves; the hand-off limit met by a hand-off; the
// sweep reading orders; cancelling stops the clocks; compliance and automation take orders.
describe('orders through the SOP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-sop-orders-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let rep2: Client;
  let managerA: Client;
  let admin: Client;
  let ops: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, rep2, managerA, admin, ops] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.admin),
      clientFor(app, org.users.ops),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newOrder() {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const contract = await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01');
    const res = await rep.post('/api/orders', { contractId: contract.id });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number };
  }

  const clocksOf = (recordId: string) =>
    database.db
      .selectFrom('sopClocks')
      .select(['stageKey', 'limitKey', 'status'])
      .where('recordId', '=', recordId)
      .orderBy('startedAt')
      .execute();

  const REQUIRED_ACTIONS = [
    'order_entered',
    'handoff_production',
    'handoff_procurement',
    'qc_passed',
    'shipped',
  ];
  const ACCEPTANCE = {
    carrier: '顺丰',
    tracking_number: 'SF123',
    shipped_on: '2026-09-10',
    acceptance: 'signed',
    acceptance_doc: 'QS-001',
    accepted_on: '2026-09-12',
  };

  it('shows the SOP panel, takes checklist and forms, and gates the move to 回款', async () => {
    const order = await newOrder();
    const panel = await rep.get(`/api/orders/${order.id}/sop`);
    expect(panel.statusCode, panel.body).toBe(200);
    expect(panel.json()).toMatchObject({ stage: { key: 'order_execution' } });
    expect(panel.json().clocks).toEqual([
      expect.objectContaining({ limitKey: 'handoff_1wd', status: 'running' }),
    ]);
    expect(panel.json().next.map((n: { stage: string }) => n.stage)).toEqual(['payment', 'cancelled']);
    // Another rep's order is not theirs to see.
    expect((await rep2.get(`/api/orders/${order.id}/sop`)).statusCode).toBe(404);

    const refused = await rep.post(`/api/orders/${order.id}/move`, { toStage: 'payment' }, { ifMatch: 1 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('STAGE_GATE_UNMET');
    const unmet = refused
      .json()
      .details.violations.map((v: { actionKey?: string; formKey?: string }) => v.actionKey ?? v.formKey);
    for (const a of REQUIRED_ACTIONS) expect(unmet).toContain(a);
    expect(unmet).toContain('delivery_acceptance');

    for (const a of REQUIRED_ACTIONS) {
      const r = await rep.request({
        method: 'PUT',
        url: `/api/orders/${order.id}/sop/checklist/${a}`,
        payload: { done: true },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    // Delivery (交付) works every order's SOP.
    const form = await q2c.delivery.request({
      method: 'PUT',
      url: `/api/orders/${order.id}/sop/forms/delivery_acceptance`,
      payload: { values: ACCEPTANCE },
    });
    expect(form.statusCode, form.body).toBe(200);
    const current = (await rep.get(`/api/orders/${order.id}`)).json();
    const moved = await rep.post(
      `/api/orders/${order.id}/move`,
      { toStage: 'payment' },
      { ifMatch: current.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ id: order.id, version: current.version + 1 });
    // A stale If-Match is refused.
    const stale = await rep.post(
      `/api/orders/${order.id}/move`,
      { toStage: 'cancelled', reason: 'other' },
      { ifMatch: current.version },
    );
    expect(stale.statusCode).toBe(412);
    const events = await database.db
      .selectFrom('stageEvents')
      .select(['fromStage', 'toStage', 'actorId'])
      .where('recordType', '=', 'order')
      .where('recordId', '=', order.id)
      .execute();
    expect(events).toEqual([
      { fromStage: 'order_execution', toStage: 'payment', actorId: org.users.repA1.id },
    ]);
    expect(await clocksOf(order.id)).toEqual([
      { stageKey: 'order_execution', limitKey: 'handoff_1wd', status: 'met' },
      { stageKey: 'payment', limitKey: 'payment_follow_up', status: 'running' },
    ]);
  });

  it('the hand-off limit is met by a hand-off; an order never handed off breaches it', async () => {
    const handed = await newOrder();
    const idle = await newOrder();
    const handoff = await rep.post(`/api/orders/${handed.id}/handoffs`, {
      department: 'production',
      assigneeId: q2c.deliveryUser.id,
      dueOn: '2026-09-20',
    });
    expect(handoff.statusCode, handoff.body).toBe(201);
    // Well past one working day (and any holiday after it): the sweep reads the orders.
    const later = new Date(Date.now() + 20 * 86_400_000);
    const first = await sweepClocks(database, later);
    expect(first.filter((e) => e.recordId === handed.id).map((e) => e.kind)).toEqual(['stopped']);
    expect(first.filter((e) => e.recordId === idle.id).map((e) => e.kind)).toEqual(['breach']);
    const second = await sweepClocks(database, later);
    expect(second.filter((e) => e.recordId === handed.id)).toEqual([]);
    expect(await clocksOf(handed.id)).toEqual([
      { stageKey: 'order_execution', limitKey: 'handoff_1wd', status: 'met' },
    ]);
    const breaches = await database.db
      .selectFrom('sopBreaches')
      .select(['recordId', 'ownerId'])
      .where('recordType', '=', 'order')
      .where('recordId', 'in', [handed.id, idle.id])
      .execute();
    expect(breaches).toEqual([{ recordId: idle.id, ownerId: org.users.repA1.id }]);
    // People see the order by its number: in the breach list, and in the owner's notification.
    const { number } = (await rep.get(`/api/orders/${idle.id}`)).json() as { number: string };
    const listed = (await rep.get(`/api/breaches?recordId=${idle.id}`)).json().items;
    expect(listed.map((b: { recordName: string }) => b.recordName)).toEqual([number]);
    const told = await database.db
      .selectFrom('notifications')
      .select('titleZh')
      .where('recordId', '=', idle.id)
      .execute();
    expect(told.length).toBeGreaterThan(0);
    expect(told.every((n) => n.titleZh.includes(number) && n.titleZh.includes('订单'))).toBe(true);
  });

  it('cancelling an order ends its run in 取消 and cancels its clocks', async () => {
    const order = await newOrder();
    const cancelled = await rep.post(
      `/api/orders/${order.id}/cancel`,
      { reason: '客户撤单' },
      { ifMatch: order.version },
    );
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await clocksOf(order.id)).toEqual([
      { stageKey: 'order_execution', limitKey: 'handoff_1wd', status: 'cancelled' },
    ]);
    const run = await database.db
      .selectFrom('sopRuns')
      .select(['stageKey', 'status'])
      .where('recordId', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ stageKey: 'cancelled', status: 'closed' });
    // Nothing left for the sweep.
    const events = await sweepClocks(database, new Date(Date.now() + 20 * 86_400_000));
    expect(events.filter((e) => e.recordId === order.id)).toEqual([]);
    // A cancelled order takes no more moves.
    const after = (await rep.get(`/api/orders/${order.id}`)).json();
    const move = await rep.post(
      `/api/orders/${order.id}/move`,
      { toStage: 'payment' },
      { ifMatch: after.version },
    );
    expect([move.statusCode, move.json().code]).toEqual([409, 'INVALID_STATE']);
  });

  it('a move into 取消 needs a reason and cancels the order', async () => {
    const order = await newOrder();
    const noReason = await rep.post(`/api/orders/${order.id}/move`, { toStage: 'cancelled' }, { ifMatch: 1 });
    expect(noReason.statusCode).toBe(422);
    const moved = await rep.post(
      `/api/orders/${order.id}/move`,
      { toStage: 'cancelled', reason: 'credit_risk' },
      { ifMatch: order.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ status: 'cancelled', cancelReason: '信用风险' });
    expect(await clocksOf(order.id)).toEqual([
      { stageKey: 'order_execution', limitKey: 'handoff_1wd', status: 'met' },
    ]);
  });

  it('refuses deliverable values that do not fit the form: dates, options, min, with their paths', async () => {
    const order = await newOrder();
    const bad = await rep.request({
      method: 'PUT',
      url: `/api/orders/${order.id}/sop/forms/payment_record`,
      payload: { values: { amount: 0, received_on: '2026-02-30', method: 'cash' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'values.amount' });
    expect(bad.json().issues.map((i: { field: string; code: string }) => [i.field, i.code])).toEqual([
      ['values.amount', 'too_small'],
      ['values.received_on', 'invalid_date'],
      ['values.method', 'invalid_value'],
    ]);
    const badDates = await rep.request({
      method: 'PUT',
      url: `/api/orders/${order.id}/sop/forms/delivery_acceptance`,
      payload: { values: { ...ACCEPTANCE, shipped_on: '10/09/2026', accepted_on: 20260912 } },
    });
    expect(badDates.statusCode).toBe(400);
    expect(badDates.json().issues.map((i: { field: string }) => i.field)).toEqual([
      'values.shipped_on',
      'values.accepted_on',
    ]);
    // Nothing was stored.
    const panel = (await rep.get(`/api/orders/${order.id}/sop`)).json();
    expect(panel.state.forms).toEqual({});
    const good = await rep.request({
      method: 'PUT',
      url: `/api/orders/${order.id}/sop/forms/payment_record`,
      payload: { values: { amount: 1, received_on: '2026-02-28', method: 'bank_transfer' } },
    });
    expect(good.statusCode, good.body).toBe(200);
  });

  it('compliance figures and automation rules take the order process', async () => {
    const figures = await ops.get('/api/compliance?process=order&by=stage');
    expect(figures.statusCode, figures.body).toBe(200);
    expect(figures.json()).toMatchObject({ process: 'order' });
    const stages = figures.json().groups.map((g: { key: string }) => g.key);
    expect(stages).toContain('order_execution');

    const rule = await ops.post('/api/automation-rules', {
      name: '订单进入回款提醒财务',
      status: 'active',
      trigger: { event: 'stage.entered', recordType: 'order', stageKey: 'payment' },
      actions: [{ type: 'notify', to: { roles: ['finance'] }, title: '订单 {record.number} 进入回款' }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const setField = await ops.post('/api/automation-rules', {
      name: 'bad',
      trigger: { event: 'record.updated', recordType: 'order' },
      actions: [{ type: 'set_field', field: 'status', value: 'closed' }],
    });
    expect(setField.statusCode).toBe(400);
    expect(setField.json().field).toBe('actions.0.field');

    const order = await newOrder();
    for (const a of REQUIRED_ACTIONS)
      await rep.request({
        method: 'PUT',
        url: `/api/orders/${order.id}/sop/checklist/${a}`,
        payload: { done: true },
      });
    await rep.request({
      method: 'PUT',
      url: `/api/orders/${order.id}/sop/forms/delivery_acceptance`,
      payload: { values: ACCEPTANCE },
    });
    const current = (await rep.get(`/api/orders/${order.id}`)).json();
    const moved = await rep.post(
      `/api/orders/${order.id}/move`,
      { toStage: 'payment' },
      { ifMatch: current.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    const runs = await database.db
      .selectFrom('automationRuns')
      .select(['status', 'recordId'])
      .where('ruleId', '=', rule.json().id)
      .execute();
    expect(runs).toEqual([{ status: 'done', recordId: order.id }]);
  });

  it('the migration gives stored default playbooks the hand-off stopWhen and the lead’s 48 hours', async () => {
    const other = await makeOrg(database.db);
    const stored = async (process: 'order' | 'lead') =>
      database.db.transaction().execute((trx) => publishedPlaybook(trx, other.tenant.id, process));
    // As the defaults were before: no stopWhen, no 48-hour limit on 初步接触.
    for (const process of ['order', 'lead'] as const) {
      const pb = structuredClone(loadDefaultPlaybooks().find((p) => p.process === process)!);
      for (const s of pb.stages) {
        s.timeLimits = s.timeLimits.filter((l) => l.key !== 'untouched_48h');
        for (const l of s.timeLimits) if (l.key === 'handoff_1wd') delete l.stopWhen;
      }
      const v = await stored(process);
      await database.db
        .updateTable('playbookVersions')
        .set({ definition: JSON.stringify(pb) })
        .where('id', '=', v.versionId)
        .execute();
    }
    await fixStoredDefaults(database.db);
    const order = (await stored('order')).playbook;
    expect(order.stages[0]!.timeLimits[0]!.stopWhen).toBe('record.handoffCount > 0');
    const lead = (await stored('lead')).playbook;
    expect(lead.stages.find((s) => s.key === 'contacted')!.timeLimits.map((l) => l.key)).toEqual([
      'untouched_48h',
    ]);
    expect(lead.stages[0]!.timeLimits[0]!.stopWhen).toBe('record.firstContactAt != null');
  });
});
