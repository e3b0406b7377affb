import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import {
  createChannel,
  deleteChannel,
  getTenantChannel,
  listTenantChannels,
  listTenantOutbox,
  retryOutbox,
  testChannel,
  updateChannel,
} from './channel.service';
import {
  listMyNotifications,
  markAllMyNotificationsRead,
  markMyNotificationRead,
  myUnreadCount,
} from './inbox.service';
import {
  createChannelSchema,
  listNotificationsQuery,
  listOutboxQuery,
  updateChannelSchema,
} from './notification.schemas';

export function notificationRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/notifications',
      summary:
        'My notifications (站内通知), newest first; `unread=true` for unread only; cursor or limit/offset',
      tags: ['notifications'],
      query: listNotificationsQuery,
      handler: async ({ actor, query }) => listMyNotifications(database, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/notifications/unread-count',
      summary: 'How many of my notifications are unread',
      tags: ['notifications'],
      handler: async ({ actor }) => myUnreadCount(database, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/notifications/read-all',
      summary: 'Mark all my notifications read',
      tags: ['notifications'],
      handler: async ({ actor }) => markAllMyNotificationsRead(database, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/notifications/:id/read',
      summary: 'Mark one of my notifications read',
      tags: ['notifications'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => markMyNotificationRead(database, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/notification-channels',
      summary:
        "The tenant's notification channels (email, DingTalk, WeCom, Feishu, webhook); secrets masked (admin, sales ops)",
      tags: ['notifications'],
      handler: async ({ actor }) => listTenantChannels(database, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/notification-channels',
      summary: 'Add a notification channel (admin, sales ops)',
      tags: ['notifications'],
      body: createChannelSchema,
      status: 201,
      handler: async ({ actor, body }) => createChannel(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/notification-channels/:id',
      summary: 'One notification channel, secrets masked (admin, sales ops)',
      tags: ['notifications'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getTenantChannel(database, actor, params.id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/notification-channels/:id',
      summary:
        'Change a notification channel; config is merged, a masked secret sent back is kept (admin, sales ops)',
      tags: ['notifications'],
      params: idParamsSchema,
      body: updateChannelSchema,
      headers: [{ name: 'If-Match', required: false, description: 'The ETag of the version read' }],
      handler: async ({ actor, params, body, req }) =>
        updateChannel(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/notification-channels/:id',
      summary: 'Remove a notification channel; what is still queued for it is dropped (admin, sales ops)',
      tags: ['notifications'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => deleteChannel(database, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/notification-channels/:id/test',
      summary: 'Queue a test message on a channel (admin, sales ops)',
      tags: ['notifications'],
      params: idParamsSchema,
      status: 202,
      handler: async ({ actor, params }) => testChannel(database, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/outbox',
      summary:
        'Outbound deliveries with status, attempts and the delivery log (admin, sales ops): search event, channel kind or error, filter status and channel, sort, limit/offset with total',
      tags: ['notifications'],
      query: listOutboxQuery,
      handler: async ({ actor, query }) => listTenantOutbox(database, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/outbox/:id/retry',
      summary: 'Give a dead delivery one more attempt (admin, sales ops)',
      tags: ['notifications'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => retryOutbox(database, actor, params.id),
    }),
  ];
}
