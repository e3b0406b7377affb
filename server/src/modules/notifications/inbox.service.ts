import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { AppError } from '../../shared/errors';
import {
  countUnread,
  findNotification,
  listNotifications,
  markRead,
  type NotificationRow,
} from './notification.repository';

// The in-app inbox: every user sees and marks only their own notifications, whatever the role.
// Another user's (or tenant's) notification answers 404, like any record out of reach.

export function notificationToDto(row: NotificationRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: { 'zh-CN': row.titleZh, 'en-US': row.titleEn },
    body:
      row.bodyZh === null && row.bodyEn === null
        ? null
        : { 'zh-CN': row.bodyZh ?? '', 'en-US': row.bodyEn ?? '' },
    recordType: row.recordType,
    recordId: row.recordId,
    readAt: row.readAt,
    createdAt: row.createdAt,
  };
}

export async function listMyNotifications(
  database: Database,
  actor: Actor,
  query: {
    unread?: 'true' | 'false';
    q?: string;
    kind?: string;
    sort?: string;
    limit: number;
    offset: number;
    cursor?: string;
  },
) {
  // The cursor is the last id of the previous page: it pages the default order (newest first) only.
  if (query.cursor && query.sort && query.sort !== '-createdAt')
    throw new AppError('VALIDATION_FAILED', {
      field: 'cursor',
      issues: [{ field: 'cursor', code: 'invalid' }],
    });
  const { rows, hasMore, total } = await listNotifications(database.db, actor.tenantId, actor.userId, {
    unread: query.unread === 'true',
    q: query.q,
    kind: query.kind,
    sort: query.sort,
    limit: query.limit,
    offset: query.offset,
    cursor: query.cursor,
  });
  const last = rows[rows.length - 1];
  return {
    items: rows.map(notificationToDto),
    nextCursor: hasMore && last && (query.sort ?? '-createdAt') === '-createdAt' ? last.id : null,
    hasMore,
    total,
    unreadCount: await countUnread(database.db, actor.tenantId, actor.userId),
  };
}

export async function myUnreadCount(database: Database, actor: Actor) {
  return { count: await countUnread(database.db, actor.tenantId, actor.userId) };
}

export async function markMyNotificationRead(database: Database, actor: Actor, id: string) {
  const db = database.db;
  const row = await findNotification(db, actor.tenantId, actor.userId, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'notification' } });
  if (!row.readAt) await markRead(db, actor.tenantId, actor.userId, id, new Date().toISOString());
  const after = await findNotification(db, actor.tenantId, actor.userId, id);
  return notificationToDto(after ?? row);
}

export async function markAllMyNotificationsRead(database: Database, actor: Actor) {
  const updated = await markRead(database.db, actor.tenantId, actor.userId, null, new Date().toISOString());
  return { updated };
}
