import { z } from 'zod';
import type { ChannelKind, Locale, LocalText } from '../../domain/notifications/formats';
import { issue } from '../../shared/validation';
import { idRef, requiredText } from '../records/fields';

export type { ChannelKind } from '../../domain/notifications/formats';

export const CHANNEL_KINDS = ['email', 'dingtalk', 'wecom', 'feishu', 'webhook'] as const;

/** Only http(s) addresses are called; anything else (file:, ftp:, javascript:) is refused. */
export const httpUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
    } catch {
      return false;
    }
  }, issue('invalid_url'));

const secret = z.string().trim().max(500).nullable().optional();
const locale = z.enum(['zh-CN', 'en-US']).optional();
/** The web app's address, for links to the record in messages. */
const appUrl = httpUrl.nullable().optional();

export const CONFIG_SCHEMAS = {
  email: z.strictObject({
    host: requiredText(255),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean().default(false),
    user: z.string().trim().max(255).nullable().optional(),
    password: secret,
    from: z.string().trim().min(1).max(254).pipe(z.email()),
    appUrl,
  }),
  dingtalk: z.strictObject({ url: httpUrl, secret, locale, appUrl }),
  wecom: z.strictObject({ url: httpUrl, locale, appUrl }),
  feishu: z.strictObject({
    url: httpUrl,
    secret,
    locale,
    appUrl,
    msgType: z.enum(['text', 'post']).optional(),
  }),
  webhook: z.strictObject({ url: httpUrl, secret }),
} as const;

export type EmailConfig = z.output<(typeof CONFIG_SCHEMAS)['email']>;
export type RobotConfig = {
  url: string;
  secret?: string | null;
  locale?: Locale;
  appUrl?: string | null;
  msgType?: 'text' | 'post';
};
export type ChannelConfig = EmailConfig | RobotConfig;

/** The fields of a config that are secret: stored, used, never returned in full. */
export const SECRET_FIELDS = ['secret', 'password'] as const;

/** Notification kinds a channel carries: [] = all of them. */
const notificationKind = z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'invalid');
const kindsField = z.array(notificationKind).max(50);

export const createChannelSchema = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  name: requiredText(100),
  enabled: z.boolean().default(true),
  kinds: kindsField.default([]),
  // Checked against the kind's own schema in the service, with fields named `config.<key>`.
  config: z.record(z.string(), z.unknown()),
});
export type CreateChannelInput = z.infer<typeof createChannelSchema>;

export const updateChannelSchema = z.strictObject({
  name: requiredText(100).optional(),
  enabled: z.boolean().optional(),
  kinds: kindsField.optional(),
  /** Merged over the stored config; a secret sent back masked (or left out) keeps its value. */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateChannelInput = z.infer<typeof updateChannelSchema>;

export const listNotificationsQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  /** Part of the title or text, in either language. */
  q: z.string().trim().max(100).optional(),
  kind: z.string().trim().min(1).max(64).optional(),
  /** Newest first by default; a cursor pages the default order only. */
  sort: z.enum(['-createdAt', 'createdAt', 'kind', '-kind']).default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** The id of the last notification of the previous page (ids sort by time). */
  cursor: idRef.optional(),
});

export const OUTBOX_STATUSES = ['pending', 'retrying', 'delivered', 'dead'] as const;
export const OUTBOX_SORTS = ['createdAt', 'updatedAt', 'attempts', 'status', 'event'] as const;
export const listOutboxQuery = z.strictObject({
  /** Part of the event, the channel kind or the last error (case-insensitive). */
  q: z.string().trim().max(100).optional(),
  status: z.enum(OUTBOX_STATUSES).optional(),
  channelId: idRef.optional(),
  sort: z
    .enum([...OUTBOX_SORTS, ...OUTBOX_SORTS.map((k) => `-${k}` as const)] as [string, ...string[]])
    .default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ListOutboxQuery = z.infer<typeof listOutboxQuery>;

/** What an outbox row carries; the worker turns it into the channel's request. */
export type OutboxPayload =
  | {
      type: 'message';
      kind: string;
      title: LocalText;
      body: LocalText | null;
      recordType: string | null;
      recordId: string | null;
      /** Email: the recipient's address and language. */
      to?: string;
      locale?: Locale;
      /** Robots and webhooks: the users told in-app. */
      recipients?: string[];
    }
  | { type: 'webhook'; url: string; data: unknown };

export function parseKinds(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/** A stored config read back; null when it no longer satisfies its kind's schema. */
export function parseChannelConfig(kind: ChannelKind, json: string): ChannelConfig | null {
  const schema = CONFIG_SCHEMAS[kind];
  if (!schema) return null;
  try {
    const r = schema.safeParse(JSON.parse(json));
    return r.success ? (r.data as ChannelConfig) : null;
  } catch {
    return null;
  }
}
