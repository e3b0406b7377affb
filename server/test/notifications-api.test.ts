import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../src/modules/notifications/notification.service';
import { sweepClocks } from '../src/modules/sop/clock.service';
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

const HOUR = 3_600_000;

describe('notifications: inbox, channels, SLA wiring', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let other: Org;
  let admin: Client;
  let repA1: Client;
  let repA2: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    other = await makeOrg(database.db);
    admin = await clientFor(app, org.users.admin);
    repA1 = await clientFor(app, org.users.repA1);
    repA2 = await clientFor(app, org.users.repA2);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const send = (o: Org, to: Parameters<typeof notify>[1]['to'], kind = 'assignment', n = 1) =>
    database.db.transaction().execute((trx) =>
      notify(trx, {
        tenantId: o.tenant.id,
        to,
        kind,
        title: { 'zh-CN': `通知 ${n}`, 'en-US': `Notice ${n}` },
        body: { 'zh-CN': '正文', 'en-US': 'Body' },
        recordType: 'lead',
        recordId: `lead_${n}`,
      }),
    );

  it('resolves users, roles and managers to active users of the tenant, once each', async () => {
    const r = await send(org, {
      userIds: [org.users.repA1.id, org.users.repA1.id, other.users.repA1.id],
      roles: ['sales_ops'],
      managersOf: [org.users.repA1.id, org.users.managerA.id],
    });
    // repA1's manager is managerA (team A); managerA's own is the region manager above.
    expect(r.recipients.sort()).toEqual(
      [org.users.repA1.id, org.users.ops.id, org.users.managerA.id, org.users.regionManager.id].sort(),
    );
    expect(r.recipients).not.toContain(other.users.repA1.id);
    expect((await send(org, {})).recipients).toEqual([]);
  });

  it('lists my notifications newest first, counts unread, pages by cursor and marks read', async () => {
    const o = await makeOrg(database.db);
    const rep = await clientFor(app, o.users.repA1);
    const peer = await clientFor(app, o.users.repA2);
    for (let n = 1; n <= 5; n++) await send(o, { userIds: [o.users.repA1.id] }, 'assignment', n);
    await send(o, { userIds: [o.users.repA2.id] }, 'assignment', 99);

    const all = await rep.get('/api/notifications?limit=3');
    expect(all.statusCode, all.body).toBe(200);
    const page1 = all.json();
    expect(page1.items.map((i: { title: { 'en-US': string } }) => i.title['en-US'])).toEqual([
      'Notice 5',
      'Notice 4',
      'Notice 3',
    ]);
    expect(page1.items[0]).toMatchObject({
      kind: 'assignment',
      recordType: 'lead',
      recordId: 'lead_5',
      readAt: null,
    });
    expect(page1.items[0].title['zh-CN']).toBe('通知 5');
    expect(page1.unreadCount).toBe(5);
    const page2 = (await rep.get(`/api/notifications?limit=3&cursor=${page1.nextCursor}`)).json();
    expect(page2.items.map((i: { recordId: string }) => i.recordId)).toEqual(['lead_2', 'lead_1']);
    expect(page2.nextCursor).toBeNull();
    const byOffset = (await rep.get('/api/notifications?limit=2&offset=2')).json();
    expect(byOffset.items.map((i: { recordId: string }) => i.recordId)).toEqual(['lead_3', 'lead_2']);

    expect((await rep.get('/api/notifications/unread-count')).json()).toEqual({ count: 5 });
    const target = page1.items[1].id;
    const read = await rep.post(`/api/notifications/${target}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect((await rep.get('/api/notifications/unread-count')).json()).toEqual({ count: 4 });
    const unread = (await rep.get('/api/notifications?unread=true')).json();
    expect(unread.items).toHaveLength(4);
    expect(unread.items.map((i: { id: string }) => i.id)).not.toContain(target);

    // The peer's own notification is untouched by anything above.
    expect((await peer.get('/api/notifications/unread-count')).json()).toEqual({ count: 1 });
    const readAll = await rep.post('/api/notifications/read-all');
    expect(readAll.json()).toEqual({ updated: 4 });
    expect((await rep.get('/api/notifications/unread-count')).json()).toEqual({ count: 0 });
    expect((await peer.get('/api/notifications/unread-count')).json()).toEqual({ count: 1 });
  });

  it("never shows or marks another user's or tenant's notification (404)", async () => {
    await send(org, { userIds: [org.users.repA2.id] }, 'assignment', 7);
    const theirs = (await repA2.get('/api/notifications')).json().items[0];
    expect(theirs.recordId).toBe('lead_7');
    const mine = (await repA1.get('/api/notifications?limit=200')).json().items;
    expect(mine.map((i: { id: string }) => i.id)).not.toContain(theirs.id);
    expect((await repA1.post(`/api/notifications/${theirs.id}/read`)).statusCode).toBe(404);
    // Not even an admin of the same tenant marks it.
    expect((await admin.post(`/api/notifications/${theirs.id}/read`)).statusCode).toBe(404);
    const stranger = await clientFor(app, other.users.admin);
    const probe = await stranger.post(`/api/notifications/${theirs.id}/read`);
    expect(probe.statusCode).toBe(404);
    expect(probe.json().code).toBe('RECORD_NOT_FOUND');
    expect((await repA2.get('/api/notifications')).json().items[0].readAt).toBeNull();
  });

  it('rejects bad query input with a field', async () => {
    const r = await repA1.get('/api/notifications?limit=0');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' });
    const u = await repA1.get('/api/notifications?unread=maybe');
    expect(u.statusCode).toBe(400);
    expect(u.json().field).toBe('unread');
  });

  it('lets only admins and sales ops manage channels', async () => {
    const body = { kind: 'webhook', name: 'x', config: { url: 'https://example.test/h' } };
    for (const key of ['repA1', 'managerA', 'finance', 'viewer'] as const) {
      const c = await clientFor(app, org.users[key]);
      expect((await c.get('/api/notification-channels')).statusCode).toBe(403);
      expect((await c.post('/api/notification-channels', body)).statusCode).toBe(403);
      expect((await c.get('/api/outbox')).statusCode).toBe(403);
    }
    const ops = await clientFor(app, org.users.ops);
    const created = await ops.post('/api/notification-channels', body);
    expect(created.statusCode, created.body).toBe(201);
    const rep = await clientFor(app, org.users.repA1);
    expect(
      (await rep.patch(`/api/notification-channels/${created.json().id}`, { name: 'y' })).statusCode,
    ).toBe(403);
    expect((await rep.delete(`/api/notification-channels/${created.json().id}`)).statusCode).toBe(403);
    expect((await rep.post(`/api/notification-channels/${created.json().id}/test`)).statusCode).toBe(403);
  });

  it.each([
    [{ kind: 'sms', name: 'x', config: {} }, 'kind'],
    [{ kind: 'webhook', name: '', config: { url: 'https://a.test' } }, 'name'],
    [{ kind: 'webhook', name: 'x', config: {} }, 'config.url'],
    [{ kind: 'webhook', name: 'x', config: { url: 'ftp://a.test/x' } }, 'config.url'],
    [{ kind: 'dingtalk', name: 'x', config: { url: 'javascript:alert(1)' } }, 'config.url'],
    [{ kind: 'feishu', name: 'x', config: { url: 'not a url' } }, 'config.url'],
    [{ kind: 'feishu', name: 'x', config: { url: 'https://a.test', msgType: 'card' } }, 'config.msgType'],
    [{ kind: 'wecom', name: 'x', config: { url: 'https://a.test', secret: 's' } }, 'config.secret'],
    [{ kind: 'email', name: 'x', config: { port: 25, from: 'a@b.test' } }, 'config.host'],
    [
      { kind: 'email', name: 'x', config: { host: 'smtp.test', port: 70000, from: 'a@b.test' } },
      'config.port',
    ],
    [{ kind: 'email', name: 'x', config: { host: 'smtp.test', port: 25, from: 'nobody' } }, 'config.from'],
    [{ kind: 'webhook', name: 'x', kinds: ['Bad Kind'], config: { url: 'https://a.test' } }, 'kinds.0'],
  ])('refuses bad channel input %j at %s', async (body, field) => {
    const r = await admin.post('/api/notification-channels', body);
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('VALIDATION_FAILED');
    expect(r.json().field).toBe(field);
  });

  it('masks secrets, keeps a masked secret sent back, and validates changes', async () => {
    const created = await admin.post('/api/notification-channels', {
      kind: 'dingtalk',
      name: '钉钉',
      kinds: ['sla_breach'],
      config: {
        url: 'https://oapi.dingtalk.com/robot/send?access_token=abcdef123456',
        secret: 'SECsupersecret9876',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ch = created.json();
    expect(ch.config.secret).toBe('••••9876');
    expect(ch.config.url).not.toContain('abcdef123456');
    expect(created.body).not.toContain('SECsupersecret9876');
    const listed = await admin.get('/api/notification-channels');
    expect(listed.body).not.toContain('SECsupersecret9876');
    expect(listed.json().items.map((c: { id: string }) => c.id)).toContain(ch.id);

    // Send back what was shown, changing only the name: the real secret and URL stay.
    const renamed = await admin.patch(`/api/notification-channels/${ch.id}`, {
      name: '销售群',
      config: ch.config,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: '销售群', version: 2, kinds: ['sla_breach'] });
    const stored = await database.db
      .selectFrom('notificationChannels')
      .select('config')
      .where('id', '=', ch.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.config)).toMatchObject({
      secret: 'SECsupersecret9876',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=abcdef123456',
    });
    const bad = await admin.patch(`/api/notification-channels/${ch.id}`, {
      config: { url: 'file:///etc/passwd' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('config.url');
    expect(JSON.stringify(bad.json())).toContain('http/https');
    const stale = await admin.patch(`/api/notification-channels/${ch.id}`, { enabled: false }, 1);
    expect(stale.statusCode).toBe(412);

    // Another tenant's admin: 404 everywhere.
    const stranger = await clientFor(app, other.users.admin);
    expect((await stranger.patch(`/api/notification-channels/${ch.id}`, { name: 'z' })).statusCode).toBe(404);
    expect((await stranger.delete(`/api/notification-channels/${ch.id}`)).statusCode).toBe(404);
    expect((await stranger.post(`/api/notification-channels/${ch.id}/test`)).statusCode).toBe(404);
    expect((await stranger.get('/api/notification-channels')).json().items).toEqual([]);

    // A test message is queued for this channel only; deleting drops what is still queued.
    const test = await admin.post(`/api/notification-channels/${ch.id}/test`);
    expect(test.statusCode, test.body).toBe(202);
    const queued = (await admin.get(`/api/outbox?channelId=${ch.id}`)).json().items;
    expect(queued.map((q: { id: string; event: string }) => [q.id, q.event])).toEqual([
      [test.json().outboxId, 'test'],
    ]);
    const audit = await database.db
      .selectFrom('auditEvents')
      .select('action')
      .where('entityId', '=', ch.id)
      .orderBy('createdAt')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect((await admin.delete(`/api/notification-channels/${ch.id}`)).statusCode).toBe(204);
    const after = (await admin.get(`/api/outbox?channelId=${ch.id}`)).json().items;
    expect(after[0]).toMatchObject({ status: 'dead', lastError: 'channel deleted' });
    expect((await admin.get(`/api/notification-channels/${ch.id}`)).statusCode).toBe(404);
  });

  it("puts an SLA warning and breach in the owner's inbox and the escalation in the manager's, once", async () => {
    const o = await makeOrg(database.db);
    const rep = await clientFor(app, o.users.repA1);
    const oAdmin = await clientFor(app, o.users.admin);
    const hook = await oAdmin.post('/api/notification-channels', {
      kind: 'webhook',
      name: 'sla',
      kinds: ['sla_breach', 'sla_escalation'],
      config: { url: 'http://127.0.0.1:1/sla' },
    });
    expect(hook.statusCode).toBe(201);
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (
      await rep.post('/api/deals', makeDealInput(account.id, { name: '华东智能仓储项目' }))
    ).json();
    await rep.get(`/api/deals/${deal.id}/sop`);
    const entered = Date.parse(deal.stageEnteredAt);
    const at = (h: number) => new Date(entered + h * HOUR);
    const inbox = (userId: string) =>
      database.db
        .selectFrom('notifications')
        .selectAll()
        .where('userId', '=', userId)
        .where('recordId', '=', deal.id)
        .orderBy('id')
        .execute();

    await sweepClocks(database, at(45));
    await sweepClocks(database, at(45));
    let owner = await inbox(o.users.repA1.id);
    expect(owner.map((n) => n.kind)).toEqual(['sla_warning']);
    expect(owner[0]!.titleZh).toContain('华东智能仓储项目');
    expect(owner[0]!.titleZh).toContain('初步接触');
    expect(owner[0]!.titleEn).toContain('Untouched for 48 hours');

    await Promise.all([sweepClocks(database, at(49)), sweepClocks(database, at(49))]);
    await sweepClocks(database, at(49));
    await sweepClocks(database, at(300));
    owner = await inbox(o.users.repA1.id);
    expect(owner.map((n) => n.kind)).toEqual(['sla_warning', 'sla_breach']);
    const manager = await inbox(o.users.managerA.id);
    expect(manager.map((n) => n.kind)).toEqual(['sla_escalation']);
    expect(manager[0]!.titleEn).toContain('level 1');
    expect(await inbox(o.users.repA2.id)).toEqual([]);
    expect(await inbox(o.users.regionManager.id)).toEqual([]);

    // Through the API the manager sees it with a link to the deal.
    const mgr = await clientFor(app, o.users.managerA);
    const items = (await mgr.get('/api/notifications')).json().items;
    expect(items.filter((i: { recordId: string }) => i.recordId === deal.id)).toHaveLength(1);

    // The webhook channel carries the breach and the escalation, once each, not the warning.
    const rows = await database.db
      .selectFrom('notificationOutbox')
      .select('event')
      .where('tenantId', '=', o.tenant.id)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.event)).toEqual(['sla_breach', 'sla_escalation']);
  });
});
