import type { Kysely, Selectable } from 'kysely';
import type {
  DB,
  NotificationChannelTable,
  NotificationOutboxTable,
  NotificationTable,
} from '../../db/schema';
import { containsText } from '../../shared/contains-text';
import { offsetPage } from '../../shared/offset-page';

// Queries of the inbox, channels and outbox. Every one is bounded by tenant (and, for the inbox,
// by user): a row of another tenant or user is simply not found.

export type NotificationRow = Selectable<NotificationTable>;
export type ChannelRow = Selectable<NotificationChannelTable>;
export type OutboxRow = Selectable<NotificationOutboxTable>;

export async function listNotifications(
  db: Kysely<DB>,
  tenantId: string,
  userId: string,
  opts: {
    unread: boolean;
    q?: string;
    kind?: string;
    sort?: string;
    limit: number;
    offset: number;
    cursor?: string;
  },
): Promise<{ rows: NotificationRow[]; hasMore: boolean; total: number }> {
  let q = db.selectFrom('notifications').where('tenantId', '=', tenantId).where('userId', '=', userId);
  if (opts.unread) q = q.where('readAt', 'is', null);
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  const term = opts.q;
  if (term)
    q = q.where((eb) =>
      eb.or([
        containsText('notifications.titleZh', term),
        containsText('notifications.titleEn', term),
        containsText('notifications.bodyZh', term),
        containsText('notifications.bodyEn', term),
      ]),
    );
  const counted = q;
  if (opts.cursor) q = q.where('id', '<', opts.cursor);
  // Ids sort by time, so "newest first" is id descending.
  const sort = opts.sort ?? '-createdAt';
  const desc = sort.startsWith('-');
  let ordered = q.selectAll();
  if (sort.endsWith('kind')) ordered = ordered.orderBy('kind', desc ? 'desc' : 'asc');
  const [rows, total] = await Promise.all([
    ordered
      .orderBy('id', sort === 'createdAt' ? 'asc' : 'desc')
      .limit(opts.limit + 1)
      .offset(opts.cursor ? 0 : opts.offset)
      .execute(),
    counted.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.slice(0, opts.limit), hasMore: rows.length > opts.limit, total: Number(total.n) };
}

export async function countUnread(db: Kysely<DB>, tenantId: string, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function findNotification(db: Kysely<DB>, tenantId: string, userId: string, id: string) {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function markRead(
  db: Kysely<DB>,
  tenantId: string,
  userId: string,
  id: string | null,
  at: string,
) {
  let q = db
    .updateTable('notifications')
    .set({ readAt: at })
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .where('readAt', 'is', null);
  if (id) q = q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function listChannels(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('notificationChannels')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export function findChannel(db: Kysely<DB>, tenantId: string, id: string) {
  return db
    .selectFrom('notificationChannels')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listOutbox(
  db: Kysely<DB>,
  tenantId: string,
  opts: { q?: string; status?: string; channelId?: string; sort?: string; limit: number; offset: number },
) {
  let q = db.selectFrom('notificationOutbox').where('tenantId', '=', tenantId);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.channelId) q = q.where('channelId', '=', opts.channelId);
  const text = opts.q;
  if (text)
    q = q.where((eb) =>
      eb.or([
        containsText('notificationOutbox.event', text),
        containsText('notificationOutbox.channelKind', text),
        containsText('notificationOutbox.lastError', text),
      ]),
    );
  const { rows, total } = await offsetPage<OutboxRow>(q, {
    ...opts,
    sort: opts.sort ?? '-createdAt',
  });
  return { rows, total };
}

export function findOutbox(db: Kysely<DB>, tenantId: string, id: string) {
  return db
    .selectFrom('notificationOutbox')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function deliveriesOf(db: Kysely<DB>, tenantId: string, outboxIds: string[]) {
  if (outboxIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('notificationDeliveries')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('outboxId', 'in', outboxIds)
    .orderBy('outboxId')
    .orderBy('attempt')
    .execute();
}
