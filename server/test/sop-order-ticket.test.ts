import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { checkMove } from '../src/domain/sop/gates';
import { sweepClocks } from '../src/modules/sop/clock.service';
import { enterStage, startRun } from '../src/modules/sop/run.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

const local = (s: string) => new Date(`${s}+08:00`);

describe('order and ticket playbooks', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('ship from the seeds: 订单执行 → 回款 → 售后, and 受理 → 处理 → 回访 → 关闭', () => {
    const order = loadDefaultPlaybooks().find((p) => p.process === 'order')!;
    expect(order.stages.map((s) => s.name['zh-CN'])).toEqual(['订单执行', '回款', '售后', '完成', '取消']);
    const execution = order.stages[0]!;
    expect(execution.checklist.filter((a) => a.required).map((a) => a.key)).toEqual([
      'order_entered',
      'handoff_production',
      'handoff_procurement',
      'qc_passed',
      'shipped',
    ]);
    const acceptance = execution.forms[0]!.fields.find((f) => f.key === 'acceptance')!;
    expect(acceptance.options!.map((o) => o.label['zh-CN'])).toEqual(['签收', '验收']);
    expect(order.stages[1]!.forms[0]!.name['zh-CN']).toBe('回款记录');
    expect(order.stages[2]!.checklist[0]!.name['zh-CN']).toBe('售后回访');
    const ticket = loadDefaultPlaybooks().find((p) => p.process === 'ticket')!;
    expect(ticket.stages.map((s) => s.name['zh-CN'])).toEqual(['受理', '处理', '回访', '关闭']);
    expect(ticket.stages[0]!.timeLimits[0]).toMatchObject({
      key: 'first_response',
      duration: { value: 2, unit: 'working_hours' },
    });
    expect(ticket.stages[3]!.requiredReasons!.map((r) => r.value)).toContain('resolved');
  });

  it('closes a ticket only with a reason, and as resolved only after the follow-up visit', () => {
    const ticket = loadDefaultPlaybooks().find((p) => p.process === 'ticket')!;
    const ctx = { record: {}, forms: {}, checklist: {} as Record<string, boolean> };
    const kinds = (r: ReturnType<typeof checkMove>) => (r.ok ? [] : r.violations.map((v) => v.kind));
    expect(kinds(checkMove(ticket, 'processing', 'closed', ctx))).toEqual(['reason']);
    expect(kinds(checkMove(ticket, 'processing', 'closed', { ...ctx, reason: 'resolved' }))).toEqual([
      'condition',
    ]);
    expect(kinds(checkMove(ticket, 'received', 'closed', { ...ctx, reason: 'duplicate' }))).toEqual([]);
    expect(
      kinds(
        checkMove(ticket, 'follow_up', 'closed', {
          ...ctx,
          reason: 'resolved',
          checklist: { customer_visit: true },
        }),
      ),
    ).toEqual([]);
    expect(kinds(checkMove(ticket, 'received', 'follow_up', ctx))).toEqual(['transition']);
  });

  it('are listed, exported, imported as drafts and published like the others', async () => {
    const list = (await ops.get('/api/playbooks')).json();
    expect(list.items.map((p: { process: string }) => p.process).sort()).toEqual([
      'deal',
      'lead',
      'order',
      'ticket',
    ]);
    for (const process of ['order', 'ticket']) {
      const pb = list.items.find((p: { process: string }) => p.process === process);
      expect(pb.versions.map((v: { number: number; status: string }) => [v.number, v.status])).toEqual([
        [1, 'published'],
      ]);
      const exported = (await ops.get(`/api/playbook-versions/${pb.publishedVersionId}`)).json();
      const changed = parse(exported.yaml);
      expect(changed.process).toBe(process);
      changed.stages[0].checklist.push({
        key: 'customer_notified',
        name: { 'zh-CN': '通知客户', 'en-US': 'Tell the customer' },
        required: false,
      });
      const draft = await ops.post(`/api/playbooks/${pb.id}/versions`, { yaml: stringify(changed) });
      expect(draft.statusCode, draft.body).toBe(201);
      expect(draft.json()).toMatchObject({ number: 2, status: 'draft' });
      const published = await ops.post(`/api/playbook-versions/${draft.json().id}/publish`, {
        openRecords: 'stay',
      });
      expect(published.statusCode, published.body).toBe(200);
    }
    const after = (await ops.get('/api/playbooks')).json();
    const order = after.items.find((p: { process: string }) => p.process === 'order');
    expect(order.versions.map((v: { number: number; status: string }) => [v.number, v.status])).toEqual([
      [2, 'published'],
      [1, 'retired'],
    ]);
    // A ticket playbook is no order playbook.
    const ticketYaml = (
      await ops.get(
        `/api/playbook-versions/${after.items.find((p: { process: string }) => p.process === 'ticket').publishedVersionId}`,
      )
    ).json().yaml;
    const wrong = await ops.post(`/api/playbooks/${order.id}/versions`, { yaml: ticketYaml });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().details.problems.map((p: { path: string }) => p.path)).toEqual(['process']);
    // A bad order playbook is refused whole with every problem and its path: the schema's (a
    // unit that does not exist) and the rest (a transition to nowhere, a stage it cuts off).
    const bad = parse(ticketYaml);
    bad.process = 'order';
    bad.stages[0].timeLimits[0].duration.unit = 'weeks';
    bad.stages[1].allowedNext = ['nowhere'];
    const refused = await ops.post(`/api/playbooks/${order.id}/versions`, { definition: bad });
    expect(refused.statusCode).toBe(422);
    expect(
      refused.json().details.problems.map((p: { path: string; code: string }) => [p.path, p.code]),
    ).toEqual([
      ['stages[0].timeLimits[0].duration.unit', 'invalid_value'],
      ['stages[1].allowedNext[0]', 'unknown_stage'],
      ['stages[2]', 'unreachable_stage'],
    ]);
  });

  it('runs a ticket by record type: the response limit in working time, breach, escalation ladder, stage event', async () => {
    const tenantId = org.tenant.id;
    const ownerId = org.users.repA1.id;
    // Friday 17:00: one working hour left that day, the second on Monday 09:00–10:00.
    const run = await database.db.transaction().execute((trx) =>
      startRun(trx, {
        tenantId,
        recordType: 'ticket',
        recordId: 'tkt_test_1',
        ownerId,
        at: local('2025-11-21T17:00:00').toISOString(),
      }),
    );
    expect(run).toMatchObject({ recordType: 'ticket', stageKey: 'received', status: 'open' });
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', 'tkt_test_1')
      .executeTakeFirstOrThrow();
    expect(clock.limitKey).toBe('first_response');
    expect(clock.dueAt).toBe(local('2025-11-24T10:00:00').toISOString());
    const kinds = async (at: string) =>
      (await sweepClocks(database, local(at))).filter((e) => e.recordId === 'tkt_test_1').map((e) => e.kind);
    expect(await kinds('2025-11-22T12:00:00')).toEqual([]);
    expect(await kinds('2025-11-24T09:40:00')).toEqual(['warn']);
    expect(await kinds('2025-11-24T10:00:30')).toEqual(['breach']);
    expect(await kinds('2025-11-24T10:01:30')).toEqual(['escalate']);
    // The second step: 4 working hours after the due time, over the lunch break: 15:30.
    expect(await kinds('2025-11-24T15:29:00')).toEqual([]);
    const step2 = (await sweepClocks(database, local('2025-11-24T15:31:00'))).filter(
      (e) => e.recordId === 'tkt_test_1',
    );
    expect(step2).toEqual([expect.objectContaining({ kind: 'escalate', step: 1, notify: ['sales_ops'] })]);
    expect(await kinds('2025-11-30T15:31:00')).toEqual([]);

    // Into 处理: a stage event with the version, the old clock stopped, the new one running.
    const ticket = loadDefaultPlaybooks().find((p) => p.process === 'ticket')!;
    const at = local('2025-11-24T16:00:00').toISOString();
    await database.db.transaction().execute((trx) =>
      enterStage(trx, run, {
        from: 'received',
        to: ticket.stages[1]!,
        at,
        actorId: ownerId,
      }),
    );
    const events = await database.db
      .selectFrom('stageEvents')
      .selectAll()
      .where('recordId', '=', 'tkt_test_1')
      .execute();
    expect(events).toEqual([
      expect.objectContaining({
        recordType: 'ticket',
        fromStage: 'received',
        toStage: 'processing',
        playbookVersionId: run.playbookVersionId,
        actorId: ownerId,
      }),
    ]);
    const clocks = await database.db
      .selectFrom('sopClocks')
      .select(['limitKey', 'status', 'stoppedAt'])
      .where('recordId', '=', 'tkt_test_1')
      .orderBy('startedAt')
      .execute();
    expect(clocks).toEqual([
      { limitKey: 'first_response', status: 'breached', stoppedAt: at },
      { limitKey: 'resolve_3wd', status: 'running', stoppedAt: null },
    ]);
  });

  it('runs an order by record type, its hand-off due the next working day', async () => {
    await database.db.transaction().execute((trx) =>
      startRun(trx, {
        tenantId: org.tenant.id,
        recordType: 'order',
        recordId: 'ord_test_1',
        ownerId: org.users.repA1.id,
        // Tuesday 30 Sep 2025, before the National Day holiday (1–8 Oct).
        at: local('2025-09-30T11:00:00').toISOString(),
      }),
    );
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', 'ord_test_1')
      .executeTakeFirstOrThrow();
    expect(clock).toMatchObject({ stageKey: 'order_execution', limitKey: 'handoff_1wd' });
    expect(clock.dueAt).toBe(local('2025-10-09T11:00:00').toISOString());
  });
});
