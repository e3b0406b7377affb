import type { Kysely } from 'kysely';
import type { Role } from '../../auth/roles';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';
import { type ChannelKind, type OutboxPayload, parseChannelConfig, parseKinds } from './notification.schemas';

export type LocalText = { 'zh-CN': string; 'en-US': string };

export interface NotificationInput {
  tenantId: string;
  /** Who is told: explicit users, every user of the tenant with one of the roles, the record owner's manager(s) (ownerManagerOf = the owner's user id). Resolved to users inside notify(). */
  to: { userIds?: string[]; roles?: Role[]; managersOf?: string[] };
  kind: string; // e.g. 'sla_warning' | 'sla_breach' | 'sla_escalation' | 'automation' | 'assignment'
  title: LocalText;
  body?: LocalText;
  recordType?: string;
  recordId?: string;
}

/**
 * The nearest manager above a user: the manager of the user's org unit, or — when that unit has
 * none or the user manages it — the manager of the parent unit, and so on up the tree.
 */
export async function managerOf(trx: Kysely<DB>, tenantId: string, userId: string): Promise<string | null> {
  const user = await trx
    .selectFrom('users')
    .select('orgUnitId')
    .where('tenantId', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  let unitId = user?.orgUnitId ?? null;
  const seen = new Set<string>();
  while (unitId && !seen.has(unitId)) {
    seen.add(unitId);
    const unit = await trx
      .selectFrom('orgUnits')
      .select(['parentId', 'managerId'])
      .where('tenantId', '=', tenantId)
      .where('id', '=', unitId)
      .executeTakeFirst();
    if (!unit) return null;
    if (unit.managerId && unit.managerId !== userId) return unit.managerId;
    unitId = unit.parentId;
  }
  return null;
}

/** Resolves the `to` of a notification to the tenant's active users, each once, in a stable order. */
export async function resolveRecipients(
  trx: Kysely<DB>,
  tenantId: string,
  to: NotificationInput['to'],
): Promise<string[]> {
  const wanted = new Set<string>(to.userIds ?? []);
  for (const owner of to.managersOf ?? []) {
    const m = await managerOf(trx, tenantId, owner);
    if (m) wanted.add(m);
  }
  const roles = to.roles ?? [];
  if (wanted.size === 0 && roles.length === 0) return [];
  let q = trx
    .selectFrom('users')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'active');
  const ids = [...wanted];
  q = q.where((eb) => {
    const ors = [];
    if (ids.length) ors.push(eb('id', 'in', ids));
    if (roles.length) ors.push(eb('role', 'in', roles));
    return eb.or(ors);
  });
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Inserts one outbox row, due at once. */
export async function insertOutbox(
  trx: Kysely<DB>,
  row: {
    tenantId: string;
    channelId: string | null;
    channelKind: ChannelKind;
    event: string;
    payload: OutboxPayload;
    secret?: string | null;
    at?: string;
  },
): Promise<string> {
  const id = newId('obx');
  const at = row.at ?? new Date().toISOString();
  await trx
    .insertInto('notificationOutbox')
    .values({
      id,
      tenantId: row.tenantId,
      channelId: row.channelId,
      channelKind: row.channelKind,
      event: row.event,
      payload: JSON.stringify(row.payload),
      secret: row.secret ?? null,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      leaseUntil: null,
      leaseId: null,
      lastError: null,
      deliveredAt: null,
      createdAt: at,
      updatedAt: at,
    })
    .execute();
  return id;
}

// Inbox ids sort newest first in the order written (the inbox pages by id): within one process
// two notifications never share the millisecond of their id.
let lastInboxMs = 0;
function inboxId(): string {
  lastInboxMs = Math.max(Date.now(), lastInboxMs + 1);
  return newId('ntf', lastInboxMs);
}

/** Writes the in-app inbox rows and the outbox rows for the tenant's enabled channels, in the caller's transaction. Never sends anything itself. */
export async function notify(trx: Kysely<DB>, input: NotificationInput): Promise<{ recipients: string[] }> {
  const at = new Date().toISOString();
  const recipients = await resolveRecipients(trx, input.tenantId, input.to);
  for (const userId of recipients) {
    await trx
      .insertInto('notifications')
      .values({
        id: inboxId(),
        tenantId: input.tenantId,
        userId,
        kind: input.kind,
        titleZh: input.title['zh-CN'],
        titleEn: input.title['en-US'],
        bodyZh: input.body?.['zh-CN'] ?? null,
        bodyEn: input.body?.['en-US'] ?? null,
        recordType: input.recordType ?? null,
        recordId: input.recordId ?? null,
        readAt: null,
        createdAt: at,
      })
      .execute();
  }
  if (recipients.length === 0) return { recipients };

  const channels = await trx
    .selectFrom('notificationChannels')
    .select(['id', 'kind', 'config', 'kinds'])
    .where('tenantId', '=', input.tenantId)
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  const message = {
    kind: input.kind,
    title: input.title,
    body: input.body ?? null,
    recordType: input.recordType ?? null,
    recordId: input.recordId ?? null,
  };
  for (const ch of channels) {
    const kinds = parseKinds(ch.kinds);
    if (kinds.length > 0 && !kinds.includes(input.kind)) continue;
    const kind = ch.kind as ChannelKind;
    const config = parseChannelConfig(kind, ch.config);
    if (!config) continue;
    if (kind === 'email') {
      const users = await trx
        .selectFrom('users')
        .select(['id', 'email', 'locale'])
        .where('tenantId', '=', input.tenantId)
        .where('id', 'in', recipients)
        .orderBy('id')
        .execute();
      for (const u of users) {
        if (!u.email) continue;
        await insertOutbox(trx, {
          tenantId: input.tenantId,
          channelId: ch.id,
          channelKind: kind,
          event: input.kind,
          payload: {
            type: 'message',
            ...message,
            to: u.email,
            locale: u.locale === 'en-US' ? 'en-US' : 'zh-CN',
          },
          at,
        });
      }
    } else {
      await insertOutbox(trx, {
        tenantId: input.tenantId,
        channelId: ch.id,
        channelKind: kind,
        event: input.kind,
        payload: { type: 'message', ...message, recipients },
        at,
      });
    }
  }
  return { recipients };
}

/** Queues a signed generic webhook call (HMAC-SHA256) in the outbox, in the caller's transaction. */
export async function enqueueWebhook(
  trx: Kysely<DB>,
  input: { tenantId: string; url: string; secret?: string | null; event: string; payload: unknown },
): Promise<{ outboxId: string }> {
  const outboxId = await insertOutbox(trx, {
    tenantId: input.tenantId,
    channelId: null,
    channelKind: 'webhook',
    event: input.event,
    payload: { type: 'webhook', url: input.url, data: input.payload ?? null },
    secret: input.secret ?? null,
  });
  return { outboxId };
}
