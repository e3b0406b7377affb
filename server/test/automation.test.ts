import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOMATION_RECORD_TYPES, SETTABLE_FIELDS } from '../src/domain/automation/rule';
import { definitionOf } from '../src/modules/automation/automation.definitions';
import { runScheduledRules } from '../src/modules/automation/automation.schedule';
import { sweepClocks } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeLeadInput,
  makeOrg,
  openTestDatabase,
  type TestDatabase,
} from './harness';

const HOUR = 3_600_000;

describe('the set_field whitelist', () => {
  it('names only fields each record type’s update schema accepts', () => {
    for (const type of AUTOMATION_RECORD_TYPES) {
      const accepted = Object.keys(definitionOf(type).updateSchema.shape);
      for (const field of SETTABLE_FIELDS[type]) expect(accepted, `${type}.${field}`).toContain(field);
    }
  });
});

describe('automation rules', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  /** A fresh tenant per case: rules are per tenant, so cases never see each other's rules. */
  async function setup() {
    const org = await makeOrg(database.db);
    const ops = await clientFor(app, org.users.ops);
    const rep = await clientFor(app, org.users.repA1);
    return { org, ops, rep };
  }

  async function createRule(client: Client, body: Record<string, unknown>) {
    const res = await client.post('/api/automation-rules', { status: 'active', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; version: number; nextRunAt: string | null };
  }

  function runsOf(ruleId: string) {
    return database.db
      .selectFrom('automationRuns')
      .selectAll()
      .where('ruleId', '=', ruleId)
      .orderBy('id')
      .execute();
  }

  it('record.created: a task is made for the owner, due in the duration, only when the condition holds', async () => {
    const { org, ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: '展会线索 2 小时内回访',
      trigger: { event: 'record.created', recordType: 'lead' },
      condition: 'record.source == "exhibition"',
      actions: [{ type: 'create_task', title: '回访 {record.name}', due: { value: 2, unit: 'hours' } }],
    });
    const hit = (await rep.post('/api/leads', makeLeadInput({ source: 'exhibition' }))).json();
    const miss = (await rep.post('/api/leads', makeLeadInput({ source: 'website' }))).json();
    const tasks = await database.db
      .selectFrom('tasks')
      .selectAll()
      .where('tenantId', '=', org.tenant.id)
      .execute();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      title: `回访 ${hit.name}`,
      ownerId: org.users.repA1.id,
      leadId: hit.id,
      createdBy: 'automation',
      status: 'open',
    });
    expect(Date.parse(tasks[0]!.dueAt) - Date.parse(tasks[0]!.createdAt)).toBe(2 * HOUR);
    const runs = await runsOf(rule.id);
    expect(runs.map((r) => [r.recordId, r.status, r.event, r.depth])).toEqual([
      [hit.id, 'done', 'record.created', 0],
      [miss.id, 'skipped', 'record.created', 0],
    ]);
    // The task is visible to its owner like any other.
    expect((await rep.get(`/api/tasks/${tasks[0]!.id}`)).statusCode).toBe(200);
  });

  it('record.updated: set_field writes through the record service, audited as automation, only for the named fields', async () => {
    const { org, ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: '金额上调则提高赢率',
      trigger: { event: 'record.updated', recordType: 'deal', fields: ['amount'] },
      condition: 'record.amount > previous.amount',
      actions: [{ type: 'set_field', field: 'probability', value: 80 }],
    });
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id, { amount: 100_000 }))).json();
    // A change to another field does not fire the rule at all.
    const renamed = await rep.patch(`/api/deals/${deal.id}`, { notes: '客户预算待确认' }, deal.version);
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await runsOf(rule.id)).toHaveLength(0);
    const lower = await rep.patch(`/api/deals/${deal.id}`, { amount: 50_000 }, renamed.json().version);
    expect(lower.statusCode).toBe(200);
    expect(lower.json().probability).not.toBe(80);
    const higher = await rep.patch(`/api/deals/${deal.id}`, { amount: 900_000 }, lower.json().version);
    expect(higher.statusCode, higher.body).toBe(200);
    const after = (await rep.get(`/api/deals/${deal.id}`)).json();
    expect(after.probability).toBe(80);
    expect(after.amount).toBe(900_000);
    expect((await runsOf(rule.id)).map((r) => r.status)).toEqual(['skipped', 'done']);
    const history = (await rep.get(`/api/deals/${deal.id}/history`)).json();
    const byAutomation = history.events.filter((e: { actorId: string | null }) => e.actorId === 'automation');
    expect(byAutomation).toHaveLength(1);
    expect(byAutomation[0].changes.after).toEqual({ probability: 80 });
    expect(org.tenant.id).toBeTruthy();
  });

  it('assign: a new customer in an industry goes to the named rep, kept in the transfer history', async () => {
    const { org, ops } = await setup();
    await createRule(ops, {
      name: '能源行业客户归王五',
      trigger: { event: 'record.created', recordType: 'account' },
      condition: 'record.industry == "能源"',
      actions: [{ type: 'assign', to: { userId: org.users.repB1.id } }],
    });
    const energy = (await ops.post('/api/accounts', makeAccountInput({ industry: '能源' }))).json();
    const other = (await ops.post('/api/accounts', makeAccountInput({ industry: '制造业' }))).json();
    expect((await ops.get(`/api/accounts/${energy.id}`)).json().ownerId).toBe(org.users.repB1.id);
    expect((await ops.get(`/api/accounts/${other.id}`)).json().ownerId).toBe(org.users.ops.id);
    const transfers = await database.db
      .selectFrom('ownerTransfers')
      .selectAll()
      .where('entityId', '=', energy.id)
      .execute();
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ toOwnerId: org.users.repB1.id, actorId: 'automation' });
  });

  it('assign to routing: a pool lead is routed by the lead routing rules', async () => {
    const { org, ops } = await setup();
    const routing = await ops.post('/api/assignment-rules', {
      name: '华东线索',
      priority: 1,
      conditions: {},
      method: 'round_robin',
      targetUserIds: [org.users.repA2.id],
    });
    expect(routing.statusCode, routing.body).toBe(201);
    await createRule(ops, {
      name: '公海线索自动分配',
      trigger: { event: 'record.created', recordType: 'lead' },
      condition: 'record.ownerId == null',
      actions: [{ type: 'assign', to: 'routing' }],
    });
    const lead = (await ops.post('/api/leads', makeLeadInput({ ownerId: null }))).json();
    expect((await ops.get(`/api/leads/${lead.id}`)).json().ownerId).toBe(org.users.repA2.id);
  });

  it('stage.entered: notify the owner and the owner’s manager, with the record name in the title', async () => {
    const { org, ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: '新商机提醒',
      trigger: { event: 'stage.entered', recordType: 'deal', stageKey: 'initial_contact' },
      actions: [
        {
          type: 'notify',
          to: { owner: true, ownerManager: true, roles: ['finance'] },
          title: { 'zh-CN': '新商机：{record.name}', 'en-US': 'New opportunity: {record.name}' },
        },
      ],
    });
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const inbox = await database.db
      .selectFrom('notifications')
      .selectAll()
      .where('tenantId', '=', org.tenant.id)
      .where('kind', '=', 'automation')
      .orderBy('userId')
      .execute();
    expect(inbox.map((n) => n.userId).sort()).toEqual(
      [org.users.managerA.id, org.users.repA1.id, org.users.finance.id].sort(),
    );
    expect(inbox[0]).toMatchObject({
      titleZh: `新商机：${deal.name}`,
      titleEn: `New opportunity: ${deal.name}`,
      recordType: 'deal',
      recordId: deal.id,
    });
    const runs = await runsOf(rule.id);
    expect(runs.map((r) => [r.event, r.status])).toEqual([['stage.entered', 'done']]);
  });

  it('clock.warning and clock.breached: the SLA sweep fires them once, a webhook lands in the outbox', async () => {
    const { org, ops, rep } = await setup();
    const warned = await createRule(ops, {
      name: '首次触达预警',
      trigger: { event: 'clock.warning', recordType: 'lead' },
      actions: [{ type: 'notify', to: { owner: true }, title: '请尽快联系 {record.name}' }],
    });
    const breached = await createRule(ops, {
      name: '首次触达超时推送',
      trigger: { event: 'clock.breached', recordType: 'lead', stageKey: 'new_lead' },
      actions: [{ type: 'webhook', url: 'https://hooks.example.test/sla', secret: 'shh-very-secret' }],
    });
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', lead.id)
      .executeTakeFirstOrThrow();
    await sweepClocks(database, new Date(Date.parse(clock.warnAt!) + 60_000));
    await sweepClocks(database, new Date(Date.parse(clock.dueAt) + 60_000));
    await sweepClocks(database, new Date(Date.parse(clock.dueAt) + 120_000));
    expect((await runsOf(warned.id)).map((r) => [r.event, r.status, r.recordId])).toEqual([
      ['clock.warning', 'done', lead.id],
    ]);
    expect((await runsOf(breached.id)).map((r) => [r.event, r.status])).toEqual([['clock.breached', 'done']]);
    const inbox = await database.db
      .selectFrom('notifications')
      .selectAll()
      .where('tenantId', '=', org.tenant.id)
      .where('kind', '=', 'automation')
      .execute();
    expect(inbox.map((n) => [n.userId, n.titleZh])).toEqual([
      [org.users.repA1.id, `请尽快联系 ${lead.name}`],
    ]);
    const outbox = await database.db
      .selectFrom('notificationOutbox')
      .selectAll()
      .where('tenantId', '=', org.tenant.id)
      .where('channelKind', '=', 'webhook')
      .execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.event).toBe('automation.clock.breached');
    expect(outbox[0]!.secret).toBe('shh-very-secret');
    const payload = JSON.parse(outbox[0]!.payload);
    expect(payload.url).toBe('https://hooks.example.test/sla');
    expect(payload.data.record.id).toBe(lead.id);
    expect(payload.data.rule.id).toBe(breached.id);
  });

  it('loop protection: a rule whose set_field fires itself stops with loop_stopped', async () => {
    const { ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: '改了就标注',
      trigger: { event: 'record.updated', recordType: 'lead' },
      actions: [{ type: 'set_field', field: 'notes', value: '已自动标注' }],
    });
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    const res = await rep.patch(`/api/leads/${lead.id}`, { grade: 'A' }, lead.version);
    expect(res.statusCode, res.body).toBe(200);
    expect((await rep.get(`/api/leads/${lead.id}`)).json()).toMatchObject({
      grade: 'A',
      notes: '已自动标注',
    });
    // The inner run is logged first: the outer one is written when its actions have finished.
    const runs = (await runsOf(rule.id)).sort((x, y) => x.depth - y.depth);
    expect(runs.map((r) => [r.status, r.depth])).toEqual([
      ['done', 0],
      ['loop_stopped', 1],
    ]);
    expect(JSON.parse(runs[1]!.detail!)).toEqual({ reason: 'repeat' });
  });

  it('loop protection: a chain of different rules stops at depth 3', async () => {
    const { ops, rep } = await setup();
    const step = (from: string, field: string, value: string) =>
      createRule(ops, {
        name: `${from} → ${field}`,
        trigger: { event: 'record.updated', recordType: 'lead', fields: [from] },
        actions: [{ type: 'set_field', field, value }],
      });
    const a = await step('grade', 'notes', '一');
    const b = await step('notes', 'region', '华南');
    const c = await step('region', 'industry', '能源');
    const d = await step('industry', 'title', '采购经理');
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    expect((await rep.patch(`/api/leads/${lead.id}`, { grade: 'B' }, lead.version)).statusCode).toBe(200);
    const now = (await rep.get(`/api/leads/${lead.id}`)).json();
    expect(now).toMatchObject({ grade: 'B', notes: '一', region: '华南', industry: '能源' });
    expect(now.title).not.toBe('采购经理');
    expect((await runsOf(a.id)).map((r) => [r.status, r.depth])).toEqual([['done', 0]]);
    expect((await runsOf(b.id)).map((r) => [r.status, r.depth])).toEqual([['done', 1]]);
    expect((await runsOf(c.id)).map((r) => [r.status, r.depth])).toEqual([['done', 2]]);
    const stopped = await runsOf(d.id);
    expect(stopped.map((r) => [r.status, r.depth])).toEqual([['loop_stopped', 3]]);
    expect(JSON.parse(stopped[0]!.detail!)).toEqual({ reason: 'depth' });
  });

  it('a failing action is logged and rolls back the rule’s earlier actions; the user’s request succeeds', async () => {
    const { org, ops } = await setup();
    const rule = await createRule(ops, {
      name: '标注并建任务',
      trigger: { event: 'record.created', recordType: 'lead' },
      actions: [
        { type: 'set_field', field: 'notes', value: '自动标注' },
        // A pool lead has no owner to give the task to: this action fails at run time.
        { type: 'create_task', title: '跟进', due: { value: 1, unit: 'days' }, assignee: 'owner' },
      ],
    });
    const res = await ops.post('/api/leads', makeLeadInput({ ownerId: null }));
    expect(res.statusCode, res.body).toBe(201);
    const lead = (await ops.get(`/api/leads/${res.json().id}`)).json();
    expect(lead.notes).toBeNull();
    expect(lead.version).toBe(1);
    const tasks = await database.db
      .selectFrom('tasks')
      .select('id')
      .where('tenantId', '=', org.tenant.id)
      .execute();
    expect(tasks).toHaveLength(0);
    const runs = await runsOf(rule.id);
    expect(runs.map((r) => r.status)).toEqual(['failed']);
    expect(JSON.parse(runs[0]!.detail!)).toMatchObject({ action: 1, type: 'create_task' });
    expect(JSON.parse(runs[0]!.detail!).error).toMatch(/INVALID_STATE/);
  });

  it('a condition that errors at run time is logged as failed; the write goes on', async () => {
    const { ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: '除零',
      trigger: { event: 'record.created', recordType: 'lead' },
      condition: '1 / (size(record.name) - size(record.name)) == 1',
      actions: [{ type: 'set_field', field: 'notes', value: 'x' }],
    });
    const res = await rep.post('/api/leads', makeLeadInput());
    expect(res.statusCode, res.body).toBe(201);
    const runs = await runsOf(rule.id);
    expect(runs.map((r) => r.status)).toEqual(['failed']);
    expect(JSON.parse(runs[0]!.detail!).error).toMatch(/^condition: /);
  });

  it('schedule: each slot runs exactly once even when two sweeps race, over the matching records', async () => {
    const { org, ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: '每日把逾期任务升为紧急',
      trigger: { event: 'schedule', recordType: 'task', schedule: { every: 'day', at: '09:00' } },
      condition: 'record.status == "open" && record.priority != "urgent"',
      actions: [{ type: 'set_field', field: 'priority', value: 'urgent' }],
    });
    expect(rule.nextRunAt).not.toBeNull();
    // 09:00 in Asia/Shanghai is 01:00 UTC.
    expect(new Date(rule.nextRunAt!).getUTCHours()).toBe(1);
    const due = '2026-12-01T10:00:00+08:00';
    const open1 = (await rep.post('/api/tasks', { title: '回访一', dueAt: due })).json();
    const open2 = (await rep.post('/api/tasks', { title: '回访二', dueAt: due })).json();
    const done = (await rep.post('/api/tasks', { title: '已完成', dueAt: due, status: 'done' })).json();
    const slot = new Date(Date.parse(rule.nextRunAt!) + 60_000);
    const [x, y] = await Promise.all([runScheduledRules(database, slot), runScheduledRules(database, slot)]);
    const mine = [...x, ...y].filter((o) => o.ruleId === rule.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.done).toBe(2);
    expect((await runScheduledRules(database, slot)).filter((o) => o.ruleId === rule.id)).toHaveLength(0);
    const runs = await runsOf(rule.id);
    expect(runs.map((r) => r.recordId).sort()).toEqual([open1.id, open2.id].sort());
    expect(runs.every((r) => r.event === 'schedule' && r.status === 'done')).toBe(true);
    expect((await rep.get(`/api/tasks/${open1.id}`)).json().priority).toBe('urgent');
    expect((await rep.get(`/api/tasks/${done.id}`)).json().priority).toBe('normal');
    const stored = await database.db
      .selectFrom('automationRules')
      .select('nextRunAt')
      .where('id', '=', rule.id)
      .executeTakeFirstOrThrow();
    expect(Date.parse(stored.nextRunAt!) - Date.parse(rule.nextRunAt!)).toBe(24 * HOUR);
    expect(org.tenant.id).toBeTruthy();
  });

  it('refuses invalid rules whole, naming each problem by its path', async () => {
    const { ops } = await setup();
    const bad = async (body: Record<string, unknown>) => {
      const res = await ops.post('/api/automation-rules', {
        name: '坏规则',
        trigger: { event: 'record.created', recordType: 'lead' },
        actions: [{ type: 'notify', to: { owner: true }, title: 'x' }],
        ...body,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      return (res.json().issues as Array<{ field: string; code: string }>).map((i) => [i.field, i.code]);
    };
    expect(await bad({ condition: 'record.source ==' })).toEqual([['condition', 'invalid_expression']]);
    expect(await bad({ condition: 'record.budget > 1' })).toEqual([['condition', 'unknown_field']]);
    const named = await ops.post('/api/automation-rules', {
      name: '坏规则',
      trigger: { event: 'record.created', recordType: 'lead' },
      condition: 'record.budget > 1',
      actions: [{ type: 'notify', to: { owner: true }, title: 'x' }],
    });
    expect(named.json().details.issues[0].params).toEqual({ name: 'record.budget' });
    expect(await bad({ condition: 'customer.name == "x"' })).toEqual([['condition', 'unknown_variable']]);
    // `previous` exists only for updates.
    expect(await bad({ condition: 'previous.grade == "A"' })).toEqual([['condition', 'unknown_variable']]);
    expect(await bad({ actions: [{ type: 'send_sms', to: '13800000000' }] })).toEqual([
      ['actions.0.type', 'invalid'],
    ]);
    expect(await bad({ actions: [{ type: 'set_field', field: 'ownerId', value: 'x' }] })).toEqual([
      ['actions.0.field', 'unknown_field'],
    ]);
    expect(await bad({ actions: [{ type: 'set_field', field: 'grade', value: 'Z' }] })).toEqual([
      ['actions.0.value', 'invalid_value'],
    ]);
    expect(
      await bad({
        actions: [{ type: 'assign', to: { userId: 'usr_nobody' } }],
        condition: 'record.grade == "A"',
      }),
    ).toEqual([['actions.0.to.userId', 'invalid_value']]);
    expect(
      await bad({ trigger: { event: 'record.updated', recordType: 'lead', fields: ['grade', 'budget'] } }),
    ).toEqual([['trigger.fields.1', 'unknown_field']]);
    expect(await bad({ trigger: { event: 'stage.entered', recordType: 'task' } })).toEqual([
      ['trigger.recordType', 'invalid_value'],
    ]);
    expect(
      await bad({ trigger: { event: 'stage.entered', recordType: 'deal', stageKey: 'nowhere' } }),
    ).toEqual([['trigger.stageKey', 'invalid_value']]);
    expect(await bad({ trigger: { event: 'schedule', recordType: 'task' } })).toEqual([
      ['trigger.schedule', 'required'],
    ]);
    expect(await bad({ actions: [] })).toEqual([['actions', 'too_small']]);
    const none = await database.db
      .selectFrom('automationRules')
      .select('id')
      .where('name', '=', '坏规则')
      .execute();
    expect(none).toHaveLength(0);
  });

  it('versions, If-Match, dry run, run log pages, export/import as JSON', async () => {
    const { ops, rep } = await setup();
    const rule = await createRule(ops, {
      name: 'A 级线索提醒',
      trigger: { event: 'record.created', recordType: 'lead' },
      condition: 'record.grade == "A"',
      actions: [
        { type: 'set_field', field: 'notes', value: '重点跟进' },
        { type: 'create_task', title: '联系 {record.name}', due: { value: 1, unit: 'working_days' } },
      ],
    });
    const noMatch = await ops.patch(`/api/automation-rules/${rule.id}`, { name: '改名' });
    expect(noMatch.statusCode).toBe(428);
    const stale = await ops.patch(`/api/automation-rules/${rule.id}`, { name: '改名' }, rule.version + 1);
    expect(stale.statusCode).toBe(412);
    const renamed = await ops.patch(
      `/api/automation-rules/${rule.id}`,
      { name: 'A 级线索重点跟进' },
      rule.version,
    );
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'A 级线索重点跟进', version: 2 });
    expect(renamed.headers.etag).toBe('"v2"');

    for (let i = 0; i < 3; i++) await rep.post('/api/leads', makeLeadInput({ grade: 'A' }));
    const lead = (await rep.post('/api/leads', makeLeadInput({ grade: 'B' }))).json();
    const tasksBefore = await database.db.selectFrom('tasks').select('id').execute();
    const runsBefore = (await runsOf(rule.id)).length;
    const dry = await ops.post(`/api/automation-rules/${rule.id}/test`, { recordId: lead.id });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().wouldRun).toBe(false);
    expect(dry.json().condition).toEqual({ ok: true, value: false });
    expect(dry.json().actions[0]).toMatchObject({
      type: 'set_field',
      ok: true,
      field: 'notes',
      to: '重点跟进',
    });
    expect(dry.json().actions[1]).toMatchObject({
      type: 'create_task',
      ok: true,
      title: `联系 ${lead.name}`,
    });
    expect(await database.db.selectFrom('tasks').select('id').execute()).toHaveLength(tasksBefore.length);
    expect(await runsOf(rule.id)).toHaveLength(runsBefore);
    expect((await rep.get(`/api/leads/${lead.id}`)).json().notes).toBeNull();

    const page1 = (await ops.get(`/api/automation-rules/${rule.id}/runs?limit=3`)).json();
    expect(page1.items.map((r: { status: string }) => r.status)).toEqual(['skipped', 'done', 'done']);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (
      await ops.get(`/api/automation-rules/${rule.id}/runs?limit=3&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2.items.map((r: { status: string }) => r.status)).toEqual(['done']);
    expect(page2.nextCursor).toBeNull();
    expect(page2.items[0].detail.actions).toHaveLength(2);
    expect((await ops.get(`/api/automation-rules/${rule.id}/runs?limit=0`)).statusCode).toBe(400);

    // The exported JSON imports as a new rule.
    const exported = (await ops.get(`/api/automation-rules/${rule.id}`)).json();
    const imported = await ops.post('/api/automation-rules', {
      ...exported,
      name: '导入的规则',
      status: 'paused',
    });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json().id).not.toBe(rule.id);
    expect(imported.json()).toMatchObject({
      actions: exported.actions,
      trigger: exported.trigger,
      version: 1,
    });

    expect((await ops.delete(`/api/automation-rules/${rule.id}`)).statusCode).toBe(428);
    expect((await ops.delete(`/api/automation-rules/${rule.id}`, 2)).statusCode).toBe(204);
    expect((await ops.get(`/api/automation-rules/${rule.id}`)).statusCode).toBe(404);
  });

  it('only admin and sales ops write; managers read; others are refused; other tenants get 404', async () => {
    const { org, ops, rep } = await setup();
    const body = {
      name: '提醒',
      trigger: { event: 'record.created', recordType: 'lead' },
      actions: [{ type: 'notify', to: { owner: true }, title: 'x' }],
    };
    const rule = await createRule(ops, body);
    const admin = await clientFor(app, org.users.admin);
    expect((await admin.post('/api/automation-rules', body)).statusCode).toBe(201);
    const manager = await clientFor(app, org.users.managerA);
    expect((await manager.get('/api/automation-rules')).statusCode).toBe(200);
    const hooked = await createRule(ops, {
      ...body,
      actions: [{ type: 'webhook', url: 'https://hooks.example.test/x', secret: 'top-secret-1' }],
    });
    // Managers read rules but not their webhook secrets; editors see them (export keeps them).
    expect((await manager.get(`/api/automation-rules/${hooked.id}`)).json().actions[0].secret).toBe(
      '********',
    );
    expect((await ops.get(`/api/automation-rules/${hooked.id}`)).json().actions[0].secret).toBe(
      'top-secret-1',
    );
    expect((await manager.get(`/api/automation-rules/${rule.id}/runs`)).statusCode).toBe(200);
    expect((await manager.post('/api/automation-rules', body)).statusCode).toBe(403);
    expect((await manager.patch(`/api/automation-rules/${rule.id}`, { name: 'y' }, 1)).statusCode).toBe(403);
    expect((await manager.delete(`/api/automation-rules/${rule.id}`, 1)).statusCode).toBe(403);
    expect((await rep.post('/api/automation-rules', body)).statusCode).toBe(403);
    expect((await rep.get('/api/automation-rules')).statusCode).toBe(403);
    expect((await rep.get(`/api/automation-rules/${rule.id}`)).statusCode).toBe(403);

    const other = await setup();
    for (const res of [
      await other.ops.get(`/api/automation-rules/${rule.id}`),
      await other.ops.patch(`/api/automation-rules/${rule.id}`, { name: 'y' }, 1),
      await other.ops.delete(`/api/automation-rules/${rule.id}`, 1),
      await other.ops.get(`/api/automation-rules/${rule.id}/runs`),
      await other.ops.post(`/api/automation-rules/${rule.id}/test`, { recordId: 'lead_x' }),
    ]) {
      expect(res.statusCode, res.body).toBe(404);
    }
    expect((await other.ops.get('/api/automation-rules')).json().items).toEqual([]);
    // A record of another tenant cannot be dry-run against, even with a rule of one's own.
    const foreignLead = (await rep.post('/api/leads', makeLeadInput())).json();
    const own = await createRule(other.ops, body);
    expect(
      (await other.ops.post(`/api/automation-rules/${own.id}/test`, { recordId: foreignLead.id })).statusCode,
    ).toBe(404);
    // And a rule of one tenant never runs on another tenant's records.
    expect((await runsOf(own.id)).length).toBe(0);
  });
});
