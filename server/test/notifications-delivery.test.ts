import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOutbox } from '../src/modules/notifications/notification.delivery';
import { enqueueWebhook, notify } from '../src/modules/notifications/notification.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Real listeners on 127.0.0.1: an HTTP server standing in for DingTalk / WeCom / Feishu / a
// webhook receiver, and an SMTP server. The worker is driven with an explicit `now`.

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

class Receiver {
  readonly received: Received[] = [];
  /** Answers in order; the last one repeats. */
  answers: Array<{ status: number; body: string }> = [{ status: 200, body: '{}' }];
  private server!: Server;
  url = '';

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const a = this.answers.length > 1 ? this.answers.shift()! : this.answers[0]!;
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const MINUTE = 60_000;
const later = (ms: number) => new Date(Date.now() + ms);

describe('notification delivery over real listeners', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let receiver: Receiver;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    await app.close();
    await database.drop();
  });

  const outboxOf = (tenantId: string) =>
    database.db
      .selectFrom('notificationOutbox')
      .selectAll()
      .where('tenantId', '=', tenantId)
      .orderBy('id')
      .execute();
  const logOf = (outboxId: string) =>
    database.db
      .selectFrom('notificationDeliveries')
      .selectAll()
      .where('outboxId', '=', outboxId)
      .orderBy('attempt')
      .execute();

  const queueWebhook = (input: Parameters<typeof enqueueWebhook>[1]) =>
    database.db.transaction().execute((trx) => enqueueWebhook(trx, input));

  async function channel(admin: Client, body: Record<string, unknown>) {
    const res = await admin.post('/api/notification-channels', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  }

  async function tell(org: Org, kind = 'sla_breach') {
    return database.db.transaction().execute((trx) =>
      notify(trx, {
        tenantId: org.tenant.id,
        to: { userIds: [org.users.repA1.id] },
        kind,
        title: { 'zh-CN': '已超时：商机「华东项目」', 'en-US': 'SLA breached: Deal "East"' },
        body: { 'zh-CN': '请尽快处理', 'en-US': 'Please act' },
        recordType: 'deal',
        recordId: 'deal_x1',
      }),
    );
  }

  it('signs a webhook, retries a 500 after the backoff, then delivers; both attempts are logged', async () => {
    const org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    const secret = 'whsec_test_0123456789';
    await channel(admin, {
      kind: 'webhook',
      name: 'ERP',
      config: { url: `${receiver.url}/hooks/erp`, secret },
    });
    receiver.received.length = 0;
    receiver.answers = [
      { status: 500, body: 'down' },
      { status: 200, body: 'ok' },
    ];
    const told = await tell(org);
    expect(told.recipients).toEqual([org.users.repA1.id]);
    const [row] = await outboxOf(org.tenant.id);
    expect(row).toMatchObject({ channelKind: 'webhook', status: 'pending', attempts: 0 });

    const first = later(1000);
    await deliverOutbox(database, first);
    const mine = () => receiver.received.filter((r) => r.headers['x-salesops-delivery'] === row!.id);
    expect(mine()).toHaveLength(1);
    let now = (await outboxOf(org.tenant.id))[0]!;
    expect(now).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(now.lastError).toContain('500');
    expect(Date.parse(now.nextAttemptAt) - first.getTime()).toBe(MINUTE);

    // Not yet due: nothing is sent.
    await deliverOutbox(database, new Date(first.getTime() + 30_000));
    expect(mine()).toHaveLength(1);

    await deliverOutbox(database, new Date(first.getTime() + MINUTE));
    expect(mine()).toHaveLength(2);
    now = (await outboxOf(org.tenant.id))[0]!;
    expect(now).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });

    const log = await logOf(row!.id);
    expect(log.map((l) => [l.attempt, l.ok, l.statusCode])).toEqual([
      [1, 0, 500],
      [2, 1, 200],
    ]);

    // The receiver's own check of the signature, event and delivery id.
    const got = mine()[1]!;
    expect(got.path).toBe('/hooks/erp');
    expect(got.headers['x-salesops-event']).toBe('sla_breach');
    const sig = String(got.headers['x-salesops-signature']);
    const m = sig.match(/^t=(\d+),v1=([0-9a-f]{64})$/);
    expect(m).not.toBeNull();
    const expected = createHmac('sha256', secret).update(`${m![1]}.${got.body}`).digest('hex');
    expect(m![2]).toBe(expected);
    expect(createHmac('sha256', 'wrong').update(`${m![1]}.${got.body}`).digest('hex')).not.toBe(m![2]);
    const payload = JSON.parse(got.body);
    expect(payload).toMatchObject({
      id: row!.id,
      event: 'sla_breach',
      data: { kind: 'sla_breach', recordType: 'deal', recordId: 'deal_x1', recipients: [org.users.repA1.id] },
    });
    expect(payload.data.title['zh-CN']).toContain('华东项目');

    // The outbox API shows the attempts, and never the secret.
    const list = await admin.get('/api/outbox?status=delivered');
    expect(list.statusCode).toBe(200);
    const item = list.json().items.find((i: { id: string }) => i.id === row!.id);
    expect(item.deliveries.map((d: { statusCode: number }) => d.statusCode)).toEqual([500, 200]);
    expect(list.body).not.toContain(secret);
  });

  it('gives up after the last backoff; a dead delivery can be retried by an admin', async () => {
    const org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    receiver.answers = [{ status: 503, body: 'busy' }];
    const { outboxId } = await queueWebhook({
      tenantId: org.tenant.id,
      url: `${receiver.url}/auto`,
      secret: 's3',
      event: 'deal.won',
      payload: { n: 1 },
    });
    let at = later(1000).getTime();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await deliverOutbox(database, new Date(at));
      const row = (await outboxOf(org.tenant.id)).find((r) => r.id === outboxId)!;
      expect(row.attempts).toBe(i + 1);
      if (row.status === 'dead') break;
      delays.push(Date.parse(row.nextAttemptAt) - at);
      at = Date.parse(row.nextAttemptAt);
    }
    expect(delays).toEqual([1, 5, 30, 120, 720].map((m) => m * MINUTE));
    const dead = (await outboxOf(org.tenant.id)).find((r) => r.id === outboxId)!;
    expect(dead.status).toBe('dead');
    expect(await logOf(outboxId)).toHaveLength(6);
    const got = receiver.received.filter((r) => r.headers['x-salesops-delivery'] === outboxId);
    expect(got).toHaveLength(6);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ event: 'deal.won', data: { n: 1 } });

    // A rep may not retry; an admin may, once it is dead; a delivered or unknown one is refused.
    const rep = await clientFor(app, org.users.repA1);
    expect((await rep.post(`/api/outbox/${outboxId}/retry`)).statusCode).toBe(403);
    const retried = await admin.post(`/api/outbox/${outboxId}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json().status).toBe('retrying');
    expect((await admin.post(`/api/outbox/${outboxId}/retry`)).statusCode).toBe(409);
    expect((await admin.post('/api/outbox/obx_nope/retry')).statusCode).toBe(404);
    receiver.answers = [{ status: 200, body: 'ok' }];
    await deliverOutbox(database, later(2000));
    const done = (await outboxOf(org.tenant.id)).find((r) => r.id === outboxId)!;
    expect(done).toMatchObject({ status: 'delivered', attempts: 7 });

    // Another tenant's admin cannot see or retry it.
    const other = await makeOrg(database.db);
    const otherAdmin = await clientFor(app, other.users.admin);
    expect((await otherAdmin.post(`/api/outbox/${outboxId}/retry`)).statusCode).toBe(404);
    expect((await otherAdmin.get('/api/outbox')).json().items).toEqual([]);
  });

  it('sends DingTalk, WeCom and Feishu robots their own formats with a correct sign', async () => {
    const org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    const dingSecret = 'SECdingtalk0123456789';
    const feishuSecret = 'feishu-secret-xyz';
    await channel(admin, {
      kind: 'dingtalk',
      name: '销售群（钉钉）',
      config: { url: `${receiver.url}/robot/send?access_token=tok123`, secret: dingSecret },
    });
    await channel(admin, {
      kind: 'wecom',
      name: '企业微信群',
      config: { url: `${receiver.url}/cgi-bin/webhook/send?key=k1`, locale: 'en-US' },
    });
    await channel(admin, {
      kind: 'feishu',
      name: '飞书群',
      config: { url: `${receiver.url}/open-apis/bot/v2/hook/abc`, secret: feishuSecret, msgType: 'post' },
    });
    // Carries only other kinds: gets nothing.
    await channel(admin, {
      kind: 'wecom',
      name: 'other',
      kinds: ['assignment'],
      config: { url: `${receiver.url}/cgi-bin/webhook/send?key=k2` },
    });
    receiver.received.length = 0;
    receiver.answers = [{ status: 200, body: '{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}' }];
    await tell(org);
    const rows = await outboxOf(org.tenant.id);
    expect(rows.map((r) => r.channelKind).sort()).toEqual(['dingtalk', 'feishu', 'wecom']);
    const now = later(1000);
    await deliverOutbox(database, now);
    expect((await outboxOf(org.tenant.id)).map((r) => r.status)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);

    const ding = receiver.received.find((r) => r.path.startsWith('/robot/send'))!;
    const q = new URL(ding.path, receiver.url).searchParams;
    expect(q.get('access_token')).toBe('tok123');
    const ts = q.get('timestamp')!;
    expect(Number(ts)).toBe(now.getTime());
    const expectedSign = createHmac('sha256', dingSecret).update(`${ts}\n${dingSecret}`).digest('base64');
    expect(q.get('sign')).toBe(expectedSign); // searchParams decodes the url-encoding
    const dingBody = JSON.parse(ding.body);
    expect(dingBody.msgtype).toBe('markdown');
    expect(dingBody.markdown.title).toBe('已超时：商机「华东项目」');
    expect(dingBody.markdown.text).toContain('请尽快处理');

    const wecom = receiver.received.filter((r) => r.path.startsWith('/cgi-bin/webhook/send'));
    expect(wecom.map((r) => r.path)).toEqual(['/cgi-bin/webhook/send?key=k1']);
    const wecomBody = JSON.parse(wecom[0]!.body);
    expect(Object.keys(wecomBody).sort()).toEqual(['markdown', 'msgtype']);
    expect(wecomBody.markdown.content).toContain('SLA breached');

    const feishu = JSON.parse(receiver.received.find((r) => r.path.startsWith('/open-apis'))!.body);
    expect(feishu.msg_type).toBe('post');
    expect(feishu.timestamp).toBe(String(Math.floor(now.getTime() / 1000)));
    const feishuExpected = createHmac('sha256', `${feishu.timestamp}\n${feishuSecret}`)
      .update('')
      .digest('base64');
    expect(feishu.sign).toBe(feishuExpected);
    expect(feishu.content.post.zh_cn.title).toBe('已超时：商机「华东项目」');
  });

  it('counts a robot answer with errcode != 0 as a failure', async () => {
    const org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    await channel(admin, {
      kind: 'dingtalk',
      name: 'ding',
      config: { url: `${receiver.url}/robot/send?access_token=t2` },
    });
    receiver.answers = [{ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' }];
    await tell(org);
    await deliverOutbox(database, later(1000));
    const [row] = await outboxOf(org.tenant.id);
    expect(row).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(row!.lastError).toContain('310000');
    const [log] = await logOf(row!.id);
    expect(log).toMatchObject({ ok: 0, statusCode: 200 });
    expect(log!.response).toContain('keywords');
  });

  it('emails each recipient through the tenant SMTP server', async () => {
    const mails: Array<{ from: string; to: string[]; data: string }> = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const org = await makeOrg(database.db);
      const admin = await clientFor(app, org.users.admin);
      await channel(admin, {
        kind: 'email',
        name: '邮件',
        config: { host: '127.0.0.1', port, secure: false, from: 'salesops@example.test' },
      });
      await database.db.transaction().execute((trx) =>
        notify(trx, {
          tenantId: org.tenant.id,
          to: { userIds: [org.users.repA1.id, org.users.repA2.id] },
          kind: 'assignment',
          title: { 'zh-CN': '新线索已分配给你', 'en-US': 'A new lead is yours' },
          recordType: 'lead',
          recordId: 'lead_1',
        }),
      );
      const report = await deliverOutbox(database, later(1000));
      expect(report.delivered).toBeGreaterThanOrEqual(2);
      const rows = await outboxOf(org.tenant.id);
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
      const log = await logOf(rows[0]!.id);
      expect(log[0]!.response).toMatch(/^250/);
      const toRep1 = mails.find((m) => m.to.includes(org.users.repA1.email))!;
      expect(toRep1).toBeDefined();
      expect(toRep1.from).toBe('salesops@example.test');
      expect(mails.some((m) => m.to.includes(org.users.repA2.email))).toBe(true);
      // The subject is MIME-encoded (Chinese); decode the encoded words to check it.
      const subjectLine = toRep1.data.match(/^Subject: (.*(?:\r\n[ \t].*)*)/m)![1]!;
      const decoded = subjectLine
        .split(/\r\n[ \t]*/)
        .map((w) => {
          const e = w.trim().match(/^=\?utf-8\?([BQ])\?(.*)\?=$/i);
          if (!e) return w;
          return e[1]!.toUpperCase() === 'B'
            ? Buffer.from(e[2]!, 'base64').toString('utf8')
            : decodeURIComponent(e[2]!.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, '%$1'));
        })
        .join('');
      expect(decoded).toBe('[SalesOps] 新线索已分配给你');
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('sends each row once when two workers run at the same time', async () => {
    const org = await makeOrg(database.db);
    receiver.received.length = 0;
    receiver.answers = [{ status: 200, body: 'ok' }];
    const ids: string[] = [];
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 8; i++) {
        ids.push(
          (
            await enqueueWebhook(trx, {
              tenantId: org.tenant.id,
              url: `${receiver.url}/race`,
              event: 'race',
              payload: { i },
            })
          ).outboxId,
        );
      }
    });
    const now = later(1000);
    const [a, b] = await Promise.all([deliverOutbox(database, now), deliverOutbox(database, now)]);
    const sent = receiver.received
      .filter((r) => r.path === '/race')
      .map((r) => String(r.headers['x-salesops-delivery']));
    expect(sent.sort()).toEqual([...ids].sort());
    expect(a.delivered + b.delivered).toBeGreaterThanOrEqual(8);
    for (const id of ids) expect(await logOf(id)).toHaveLength(1);
    // Unsigned without a secret.
    expect(
      receiver.received.find((r) => r.path === '/race')!.headers['x-salesops-signature'],
    ).toBeUndefined();
  });

  it('never throws into its caller, and a failing endpoint never fails the action that queued it', async () => {
    const org = await makeOrg(database.db);
    const { outboxId } = await queueWebhook({
      tenantId: org.tenant.id,
      url: 'http://127.0.0.1:1/closed',
      event: 'x',
      payload: null,
    });
    const report = await deliverOutbox(database, later(1000));
    expect(report.failed).toBeGreaterThanOrEqual(1);
    const [log] = await logOf(outboxId);
    expect(log).toMatchObject({ ok: 0, statusCode: null });
    expect(log!.error).toBeTruthy();

    // An address that is not http(s) is never called.
    const { outboxId: odd } = await queueWebhook({
      tenantId: org.tenant.id,
      url: 'file:///etc/passwd',
      event: 'x',
      payload: null,
    });
    await deliverOutbox(database, later(2000));
    const [oddLog] = await logOf(odd);
    expect(oddLog!.error).toBe('unsupported address: file:');
  });
});
