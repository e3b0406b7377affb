import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { maskSecret } from '../../domain/notifications/formats';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { parseInput } from '../../shared/validation';
import { appendAuditEvent } from '../audit/audit.repository';
import {
  type ChannelRow,
  deliveriesOf,
  findChannel,
  findOutbox,
  listChannels,
  listOutbox,
  type OutboxRow,
} from './notification.repository';
import {
  type ChannelKind,
  CONFIG_SCHEMAS,
  type CreateChannelInput,
  type ListOutboxQuery,
  parseKinds,
  SECRET_FIELDS,
  type UpdateChannelInput,
} from './notification.schemas';
import { insertOutbox } from './notification.service';

// Channels and the outbox are the tenant's plumbing: admin and sales ops only.
export function assertManagesChannels(actor: Actor): void {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
}

const ROBOT_KINDS = new Set<ChannelKind>(['dingtalk', 'wecom', 'feishu']);

/** A robot's URL carries its access token (钉钉 access_token, 企业微信 key, 飞书 hook id): masked too. */
function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const [k, v] of [...u.searchParams]) u.searchParams.set(k, maskSecret(v));
    const parts = u.pathname.split('/');
    const hook = parts.indexOf('hook');
    if (hook >= 0 && parts[hook + 1]) parts[hook + 1] = maskSecret(parts[hook + 1]!);
    u.pathname = parts.join('/');
    return decodeURI(u.toString());
  } catch {
    return maskSecret(url);
  }
}

/** The config as shown: secrets (and robot tokens) masked, never returned in full. */
export function maskConfig(kind: ChannelKind, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const f of SECRET_FIELDS) {
    if (typeof out[f] === 'string' && out[f]) out[f] = maskSecret(out[f] as string);
  }
  if (ROBOT_KINDS.has(kind) && typeof out.url === 'string') out.url = maskUrl(out.url);
  return out;
}

export function channelToDto(row: ChannelRow) {
  const kind = row.kind as ChannelKind;
  return {
    id: row.id,
    kind,
    name: row.name,
    enabled: row.enabled === 1,
    kinds: parseKinds(row.kinds),
    config: maskConfig(kind, JSON.parse(row.config) as Record<string, unknown>),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function checkConfig(kind: ChannelKind, config: Record<string, unknown>): Record<string, unknown> {
  return parseInput(CONFIG_SCHEMAS[kind], config, 'config') as Record<string, unknown>;
}

async function getChannel(db: Kysely<DB>, actor: Actor, id: string): Promise<ChannelRow> {
  const row = await findChannel(db, actor.tenantId, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'notificationChannel' } });
  return row;
}

export async function listTenantChannels(database: Database, actor: Actor) {
  assertManagesChannels(actor);
  const rows = await listChannels(database.db, actor.tenantId);
  return { items: rows.map(channelToDto) };
}

export async function getTenantChannel(database: Database, actor: Actor, id: string) {
  assertManagesChannels(actor);
  return channelToDto(await getChannel(database.db, actor, id));
}

export async function createChannel(database: Database, actor: Actor, input: CreateChannelInput) {
  assertManagesChannels(actor);
  const config = checkConfig(input.kind, input.config);
  const at = new Date().toISOString();
  const row: ChannelRow = {
    id: newId('nch'),
    tenantId: actor.tenantId,
    kind: input.kind,
    name: input.name,
    config: JSON.stringify(config),
    enabled: input.enabled ? 1 : 0,
    kinds: JSON.stringify([...new Set(input.kinds)]),
    version: 1,
    createdBy: actor.userId,
    createdAt: at,
    updatedAt: at,
  };
  return database.db.transaction().execute(async (trx) => {
    await trx.insertInto('notificationChannels').values(row).execute();
    const dto = channelToDto(row);
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'notificationChannel',
      entityId: row.id,
      action: 'create',
      changes: {
        after: { kind: dto.kind, name: dto.name, enabled: dto.enabled, kinds: dto.kinds, config: dto.config },
      },
      at,
    });
    return dto;
  });
}

export async function updateChannel(
  database: Database,
  actor: Actor,
  id: string,
  input: UpdateChannelInput,
  expectedVersion?: number,
) {
  assertManagesChannels(actor);
  return database.db.transaction().execute(async (trx) => {
    const current = await getChannel(trx, actor, id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new AppError('VERSION_MISMATCH', { params: { current: current.version } });
    }
    const kind = current.kind as ChannelKind;
    const stored = JSON.parse(current.config) as Record<string, unknown>;
    let config = stored;
    if (input.config) {
      // A value sent back exactly as it was shown (masked) keeps the stored one.
      const shown = maskConfig(kind, stored);
      const merged: Record<string, unknown> = { ...stored };
      for (const [k, v] of Object.entries(input.config)) {
        if (v !== undefined && !(shown[k] !== stored[k] && v === shown[k])) merged[k] = v;
      }
      config = checkConfig(kind, merged);
    }
    const at = new Date().toISOString();
    const next = {
      name: input.name ?? current.name,
      enabled: input.enabled === undefined ? current.enabled : input.enabled ? 1 : 0,
      kinds: input.kinds ? JSON.stringify([...new Set(input.kinds)]) : current.kinds,
      config: JSON.stringify(config),
      version: current.version + 1,
      updatedAt: at,
    };
    const r = await trx
      .updateTable('notificationChannels')
      .set(next)
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new AppError('VERSION_MISMATCH', { params: { current: current.version } });
    const before = channelToDto(current);
    const after = channelToDto({ ...current, ...next });
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'notificationChannel',
      entityId: id,
      action: 'update',
      changes: {
        before: { name: before.name, enabled: before.enabled, kinds: before.kinds, config: before.config },
        after: { name: after.name, enabled: after.enabled, kinds: after.kinds, config: after.config },
      },
      at,
    });
    return after;
  });
}

export async function deleteChannel(database: Database, actor: Actor, id: string) {
  assertManagesChannels(actor);
  await database.db.transaction().execute(async (trx) => {
    const current = await getChannel(trx, actor, id);
    const at = new Date().toISOString();
    // What is still queued for the channel can no longer be sent.
    await trx
      .updateTable('notificationOutbox')
      .set({ status: 'dead', lastError: 'channel deleted', leaseId: null, leaseUntil: null, updatedAt: at })
      .where('tenantId', '=', actor.tenantId)
      .where('channelId', '=', id)
      .where('status', 'in', ['pending', 'retrying'])
      .execute();
    await trx
      .deleteFrom('notificationChannels')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    const dto = channelToDto(current);
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'notificationChannel',
      entityId: id,
      action: 'delete',
      changes: { before: { kind: dto.kind, name: dto.name, config: dto.config } },
      at,
    });
  });
}

/** Queues a test message on one channel (sent by the delivery worker, even if the channel is off). */
export async function testChannel(database: Database, actor: Actor, id: string) {
  assertManagesChannels(actor);
  return database.db.transaction().execute(async (trx) => {
    const channel = await getChannel(trx, actor, id);
    const kind = channel.kind as ChannelKind;
    const message = {
      type: 'message' as const,
      kind: 'test',
      title: {
        'zh-CN': `SalesOps 测试消息：${channel.name}`,
        'en-US': `SalesOps test message: ${channel.name}`,
      },
      body: {
        'zh-CN': '收到这条消息说明通知渠道配置正确。',
        'en-US': 'If you can read this, the notification channel works.',
      },
      recordType: null,
      recordId: null,
    };
    let to: string | undefined;
    if (kind === 'email') {
      const me = await trx
        .selectFrom('users')
        .select(['email'])
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', actor.userId)
        .executeTakeFirst();
      to = me?.email;
    }
    const outboxId = await insertOutbox(trx, {
      tenantId: actor.tenantId,
      channelId: channel.id,
      channelKind: kind,
      event: 'test',
      payload:
        kind === 'email'
          ? { ...message, to, locale: actor.locale }
          : { ...message, recipients: [actor.userId] },
    });
    return { outboxId };
  });
}

function outboxTarget(row: OutboxRow): string | null {
  try {
    const p = JSON.parse(row.payload) as { type: string; url?: string; to?: string };
    if (p.type === 'webhook' && p.url) return maskUrl(p.url);
    return p.to ?? null;
  } catch {
    return null;
  }
}

export function outboxToDto(row: OutboxRow) {
  return {
    id: row.id,
    channelId: row.channelId,
    channelKind: row.channelKind,
    event: row.event,
    target: outboxTarget(row),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'delivered' || row.status === 'dead' ? null : row.nextAttemptAt,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listTenantOutbox(database: Database, actor: Actor, query: ListOutboxQuery) {
  assertManagesChannels(actor);
  const { rows, total } = await listOutbox(database.db, actor.tenantId, query);
  const deliveries = await deliveriesOf(
    database.db,
    actor.tenantId,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      ...outboxToDto(r),
      deliveries: deliveries
        .filter((d) => d.outboxId === r.id)
        .map((d) => ({
          attempt: d.attempt,
          at: d.at,
          ok: d.ok === 1,
          statusCode: d.statusCode,
          response: d.response,
          error: d.error,
          durationMs: d.durationMs,
        })),
    })),
    total,
    hasMore: query.offset + rows.length < total,
  };
}

/** Gives a dead delivery one more attempt, now. */
export async function retryOutbox(database: Database, actor: Actor, id: string) {
  assertManagesChannels(actor);
  return database.db.transaction().execute(async (trx) => {
    const row = await findOutbox(trx, actor.tenantId, id);
    if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'outbox' } });
    if (row.status !== 'dead') throw new AppError('INVALID_STATE', { params: { status: row.status } });
    const at = new Date().toISOString();
    const r = await trx
      .updateTable('notificationOutbox')
      .set({ status: 'retrying', nextAttemptAt: at, leaseId: null, leaseUntil: null, updatedAt: at })
      .where('id', '=', id)
      .where('tenantId', '=', actor.tenantId)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new AppError('INVALID_STATE', { params: { status: row.status } });
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'notificationOutbox',
      entityId: id,
      action: 'update',
      changes: { note: 'retry dead delivery' },
      at,
    });
    return outboxToDto({ ...row, status: 'retrying', nextAttemptAt: at, updatedAt: at });
  });
}
