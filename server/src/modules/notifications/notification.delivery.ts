import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import {
  type ChannelKind,
  dingtalkBody,
  dingtalkUrl,
  emailContent,
  feishuBody,
  judgeResponse,
  type Locale,
  type Message,
  nextAttemptDelay,
  webhookHeaders,
  wecomBody,
} from '../../domain/notifications/formats';
import { newId, randomToken } from '../../shared/ids';
import {
  type EmailConfig,
  type OutboxPayload,
  parseChannelConfig,
  type RobotConfig,
} from './notification.schemas';

// The delivery worker: claims due outbox rows with a lease (a conditional update, so two server
// processes never send the same row at once), sends each, logs the attempt and schedules a retry
// with backoff, or gives up ("dead") after the last one. It never throws into its caller.

const LEASE_MS = 2 * 60_000;
const SEND_TIMEOUT_MS = 10_000;
const CONCURRENCY = 4;

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  failed: number;
  dead: number;
}

interface Attempt {
  ok: boolean;
  statusCode: number | null;
  response: string | null;
  error: string | null;
}

type OutboxRow = Awaited<ReturnType<typeof dueRows>>[number];

function dueRows(db: Kysely<DB>, at: string, limit: number) {
  return db
    .selectFrom('notificationOutbox')
    .selectAll()
    .where('status', 'in', ['pending', 'retrying'])
    .where('nextAttemptAt', '<=', at)
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<=', at)]))
    .orderBy('nextAttemptAt')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Takes a row for this run; false when another run holds it or it is no longer due. */
async function claim(db: Kysely<DB>, row: OutboxRow, leaseId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const r = await db
    .updateTable('notificationOutbox')
    .set({ leaseId, leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString() })
    .where('id', '=', row.id)
    .where('status', 'in', ['pending', 'retrying'])
    .where('attempts', '=', row.attempts)
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<=', at)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function httpPost(url: string, body: string, headers: Record<string, string>): Promise<Attempt> {
  try {
    const protocol = new URL(url).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      return { ok: false, statusCode: null, response: null, error: `unsupported address: ${protocol}` };
    }
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const text = await res.text().catch(() => '');
    return { ok: res.ok, statusCode: res.status, response: text.slice(0, 1000), error: null };
  } catch (err) {
    return { ok: false, statusCode: null, response: null, error: errorText(err) };
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.message}${detail}`.slice(0, 500);
  }
  return String(err).slice(0, 500);
}

async function sendRobot(kind: ChannelKind, config: RobotConfig, msg: Message, now: Date): Promise<Attempt> {
  const locale: Locale = config.locale ?? 'zh-CN';
  let url = config.url;
  let body: unknown;
  if (kind === 'dingtalk') {
    url = dingtalkUrl(config.url, config.secret, now.getTime());
    body = dingtalkBody(msg, locale, config.appUrl);
  } else if (kind === 'wecom') {
    body = wecomBody(msg, locale, config.appUrl);
  } else {
    body = feishuBody(msg, locale, {
      msgType: config.msgType,
      secret: config.secret,
      timestampSec: Math.floor(now.getTime() / 1000),
      appUrl: config.appUrl,
    });
  }
  const res = await httpPost(url, JSON.stringify(body), {
    'content-type': 'application/json; charset=utf-8',
  });
  if (res.statusCode === null) return res;
  const verdict = judgeResponse(kind, res.statusCode, res.response ?? '');
  return { ...res, ok: verdict.ok, error: verdict.error };
}

async function sendWebhook(
  row: OutboxRow,
  url: string,
  secret: string | null | undefined,
  data: unknown,
  now: Date,
): Promise<Attempt> {
  const body = JSON.stringify({
    id: row.id,
    event: row.event,
    tenantId: row.tenantId,
    occurredAt: row.createdAt,
    data,
  });
  const headers = webhookHeaders({
    event: row.event,
    deliveryId: row.id,
    body,
    secret,
    timestampSec: Math.floor(now.getTime() / 1000),
  });
  const res = await httpPost(url, body, headers);
  if (res.statusCode === null) return res;
  const verdict = judgeResponse('webhook', res.statusCode, res.response ?? '');
  return { ...res, ok: verdict.ok, error: verdict.error };
}

async function sendEmail(config: EmailConfig, to: string, msg: Message, locale: Locale): Promise<Attempt> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  try {
    const { subject, text } = emailContent(msg, locale, config.appUrl);
    const info = await transport.sendMail({ from: config.from, to, subject, text });
    const rejected = (info.rejected ?? []).length > 0;
    return {
      ok: !rejected,
      statusCode: null,
      response: String(info.response ?? '').slice(0, 1000),
      error: rejected ? `rejected: ${to}` : null,
    };
  } catch (err) {
    const response = (err as { response?: string }).response;
    return {
      ok: false,
      statusCode: null,
      response: response ? String(response).slice(0, 1000) : null,
      error: errorText(err),
    };
  } finally {
    transport.close();
  }
}

function messageOf(p: Extract<OutboxPayload, { type: 'message' }>): Message {
  return { kind: p.kind, title: p.title, body: p.body, recordType: p.recordType, recordId: p.recordId };
}

/** Sends one row once; never throws. */
async function attempt(db: Kysely<DB>, row: OutboxRow, now: Date): Promise<Attempt> {
  try {
    const payload = JSON.parse(row.payload) as OutboxPayload;
    if (payload.type === 'webhook') return await sendWebhook(row, payload.url, row.secret, payload.data, now);
    if (!row.channelId) return { ok: false, statusCode: null, response: null, error: 'no channel' };
    const channel = await db
      .selectFrom('notificationChannels')
      .select(['kind', 'config', 'enabled'])
      .where('tenantId', '=', row.tenantId)
      .where('id', '=', row.channelId)
      .executeTakeFirst();
    if (!channel || (channel.enabled !== 1 && row.event !== 'test')) {
      return { ok: false, statusCode: null, response: null, error: 'channel removed or disabled' };
    }
    const kind = channel.kind as ChannelKind;
    const config = parseChannelConfig(kind, channel.config);
    if (!config) return { ok: false, statusCode: null, response: null, error: 'channel config invalid' };
    const msg = messageOf(payload);
    if (kind === 'email') {
      if (!payload.to) return { ok: false, statusCode: null, response: null, error: 'no recipient address' };
      return await sendEmail(config as EmailConfig, payload.to, msg, payload.locale ?? 'zh-CN');
    }
    const robot = config as RobotConfig;
    if (kind === 'webhook') {
      const { type: _type, to: _to, locale: _locale, ...data } = payload;
      return await sendWebhook(row, robot.url, robot.secret, data, now);
    }
    return await sendRobot(kind, robot, msg, now);
  } catch (err) {
    return { ok: false, statusCode: null, response: null, error: errorText(err) };
  }
}

/** Records the attempt and moves the row on: delivered, retrying later, or dead. */
async function settle(
  db: Kysely<DB>,
  row: OutboxRow,
  leaseId: string,
  result: Attempt,
  now: Date,
  durationMs: number,
): Promise<'delivered' | 'retrying' | 'dead' | 'lost'> {
  const at = now.toISOString();
  const attempts = row.attempts + 1;
  const delay = result.ok ? null : nextAttemptDelay(attempts);
  const status = result.ok ? 'delivered' : delay === null ? 'dead' : 'retrying';
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('notificationOutbox')
      .set({
        status,
        attempts,
        nextAttemptAt: delay === null ? at : new Date(now.getTime() + delay).toISOString(),
        leaseId: null,
        leaseUntil: null,
        lastError: result.ok ? null : result.error,
        deliveredAt: result.ok ? at : null,
        updatedAt: at,
      })
      .where('id', '=', row.id)
      .where('leaseId', '=', leaseId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return 'lost';
    await trx
      .insertInto('notificationDeliveries')
      .values({
        id: newId('dlv', now.getTime()),
        tenantId: row.tenantId,
        outboxId: row.id,
        attempt: attempts,
        at,
        ok: result.ok ? 1 : 0,
        statusCode: result.statusCode,
        response: result.response,
        error: result.ok ? null : result.error,
        durationMs: Math.max(0, Math.round(durationMs)),
      })
      .execute();
    return status;
  });
}

/** Delivers what is due at `now`. Safe to run from several processes at once; never throws. */
export async function deliverOutbox(
  database: Database,
  now = new Date(),
  limit = 50,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { claimed: 0, delivered: 0, failed: 0, dead: 0 };
  const db = database.db;
  let rows: OutboxRow[];
  try {
    rows = await dueRows(db, now.toISOString(), limit);
  } catch {
    return report;
  }
  const leaseId = randomToken(12);
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      try {
        if (!(await claim(db, row, leaseId, now))) continue;
        report.claimed++;
        const started = performance.now();
        const result = await attempt(db, row, now);
        const outcome = await settle(db, row, leaseId, result, now, performance.now() - started);
        if (outcome === 'delivered') report.delivered++;
        else if (outcome === 'retrying') report.failed++;
        else if (outcome === 'dead') report.dead++;
      } catch {
        // A database hiccup leaves the lease to expire; the row is tried again later.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
  return report;
}
