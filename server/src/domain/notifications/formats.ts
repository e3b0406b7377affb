import { createHmac } from 'node:crypto';

// Pure message formatting and signing for the outbound channels (no I/O). The delivery worker
// builds each request from these; the unit tests beside this file pin the formats.

export type Locale = 'zh-CN' | 'en-US';
export type LocalText = { 'zh-CN': string; 'en-US': string };

/** What a channel message says: the notification as written by notify(). */
export interface Message {
  kind: string;
  title: LocalText;
  body: LocalText | null;
  recordType: string | null;
  recordId: string | null;
}

const RECORD_LABELS: Record<string, LocalText> = {
  deal: { 'zh-CN': '商机', 'en-US': 'Deal' },
  lead: { 'zh-CN': '线索', 'en-US': 'Lead' },
  account: { 'zh-CN': '客户', 'en-US': 'Account' },
  contact: { 'zh-CN': '联系人', 'en-US': 'Contact' },
  task: { 'zh-CN': '任务', 'en-US': 'Task' },
};

/** The record a message is about, as a web path (`/deals/deal_…`), or null. */
export function recordPath(msg: Pick<Message, 'recordType' | 'recordId'>): string | null {
  if (!msg.recordType || !msg.recordId) return null;
  return `/${encodeURIComponent(msg.recordType)}s/${encodeURIComponent(msg.recordId)}`;
}

/** The record line of a message: a link when the app's address is known, else the id. */
export function recordLine(msg: Message, locale: Locale, appUrl?: string | null): string | null {
  const path = recordPath(msg);
  if (!path) return null;
  const label = RECORD_LABELS[msg.recordType ?? '']?.[locale] ?? msg.recordType;
  const prefix = locale === 'zh-CN' ? '记录' : 'Record';
  if (appUrl) return `${prefix}: [${label} ${msg.recordId}](${appUrl.replace(/\/+$/, '')}${path})`;
  return `${prefix}: ${label} ${msg.recordId}`;
}

/** Ends every robot message and email: also the keyword a DingTalk robot with keyword security needs. */
export const SIGNATURE = '— SalesOps';

/** Markdown text shared by the DingTalk and WeCom robots. */
export function markdownText(msg: Message, locale: Locale, appUrl?: string | null): string {
  const lines = [`### ${msg.title[locale]}`];
  if (msg.body) lines.push('', msg.body[locale]);
  const rec = recordLine(msg, locale, appUrl);
  if (rec) lines.push('', rec);
  lines.push('', SIGNATURE);
  return lines.join('\n');
}

/** Plain text (email body, Feishu text message). */
export function plainText(msg: Message, locale: Locale, appUrl?: string | null): string {
  const lines = [msg.title[locale]];
  if (msg.body) lines.push('', msg.body[locale]);
  const path = recordPath(msg);
  if (path) {
    const label = RECORD_LABELS[msg.recordType ?? '']?.[locale] ?? msg.recordType;
    const prefix = locale === 'zh-CN' ? '记录' : 'Record';
    lines.push(
      '',
      appUrl ? `${prefix}: ${appUrl.replace(/\/+$/, '')}${path}` : `${prefix}: ${label} ${msg.recordId}`,
    );
  }
  lines.push('', SIGNATURE);
  return lines.join('\n');
}

// ---- DingTalk custom robot (钉钉自定义机器人) -------------------------------------------------

export function dingtalkBody(msg: Message, locale: Locale, appUrl?: string | null) {
  return {
    msgtype: 'markdown',
    markdown: { title: msg.title[locale], text: markdownText(msg, locale, appUrl) },
  };
}

/** 加签: sign = urlencode(base64(HMAC-SHA256(key = secret, "timestamp\nsecret"))), timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  return encodeURIComponent(mac);
}

/** The webhook URL with `timestamp` and `sign` appended to its query when a secret is set. */
export function dingtalkUrl(url: string, secret: string | null | undefined, timestampMs: number): string {
  if (!secret) return url;
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}timestamp=${timestampMs}&sign=${dingtalkSign(secret, timestampMs)}`;
}

// ---- WeCom group robot (企业微信群机器人) ----------------------------------------------------

export function wecomBody(msg: Message, locale: Locale, appUrl?: string | null) {
  return { msgtype: 'markdown', markdown: { content: markdownText(msg, locale, appUrl) } };
}

// ---- Feishu custom bot (飞书自定义机器人) ----------------------------------------------------

/** sign = base64(HMAC-SHA256(key = "timestamp\nsecret", message = "")), timestamp in seconds. */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

export function feishuBody(
  msg: Message,
  locale: Locale,
  opts: { msgType?: 'text' | 'post'; secret?: string | null; timestampSec: number; appUrl?: string | null },
): Record<string, unknown> {
  const signed = opts.secret
    ? { timestamp: String(opts.timestampSec), sign: feishuSign(opts.secret, opts.timestampSec) }
    : {};
  if (opts.msgType === 'post') {
    const lines: Array<Array<Record<string, string>>> = [];
    if (msg.body) lines.push([{ tag: 'text', text: msg.body[locale] }]);
    const path = recordPath(msg);
    if (path) {
      const label = RECORD_LABELS[msg.recordType ?? '']?.[locale] ?? msg.recordType ?? '';
      lines.push(
        opts.appUrl
          ? [
              {
                tag: 'a',
                text: `${label} ${msg.recordId}`,
                href: `${opts.appUrl.replace(/\/+$/, '')}${path}`,
              },
            ]
          : [{ tag: 'text', text: `${label} ${msg.recordId}` }],
      );
    }
    lines.push([{ tag: 'text', text: SIGNATURE }]);
    const lang = locale === 'zh-CN' ? 'zh_cn' : 'en_us';
    return {
      ...signed,
      msg_type: 'post',
      content: { post: { [lang]: { title: msg.title[locale], content: lines } } },
    };
  }
  return { ...signed, msg_type: 'text', content: { text: plainText(msg, locale, opts.appUrl) } };
}

// ---- Generic webhook ---------------------------------------------------------------------

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>` — receivers recompute and compare. */
export function webhookSignature(secret: string, timestampSec: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
  return `t=${timestampSec},v1=${v1}`;
}

export function webhookHeaders(opts: {
  event: string;
  deliveryId: string;
  body: string;
  secret?: string | null;
  timestampSec: number;
}): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-salesops-event': opts.event,
    'x-salesops-delivery': opts.deliveryId,
  };
  if (opts.secret)
    headers['x-salesops-signature'] = webhookSignature(opts.secret, opts.timestampSec, opts.body);
  return headers;
}

// ---- Email -------------------------------------------------------------------------------

export function emailContent(msg: Message, locale: Locale, appUrl?: string | null) {
  return { subject: `[SalesOps] ${msg.title[locale]}`, text: plainText(msg, locale, appUrl) };
}

// ---- Responses ---------------------------------------------------------------------------

export type ChannelKind = 'email' | 'dingtalk' | 'wecom' | 'feishu' | 'webhook';

/**
 * Whether an HTTP answer counts as delivered: any 2xx for a webhook; for the robots also an
 * `errcode` (DingTalk, WeCom) or `code` (Feishu) of 0 in the JSON body — they answer 200 with an
 * error code when the signature, keyword or rate limit is wrong.
 */
export function judgeResponse(
  kind: ChannelKind,
  status: number,
  bodyText: string,
): { ok: boolean; error: string | null } {
  if (status < 200 || status >= 300) return { ok: false, error: `HTTP ${status}: ${bodyText.slice(0, 200)}` };
  if (kind === 'webhook' || kind === 'email') return { ok: true, error: null };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(bodyText) as Record<string, unknown>;
  } catch {
    return { ok: false, error: `unreadable robot answer: ${bodyText.slice(0, 200)}` };
  }
  if (parsed === null || typeof parsed !== 'object') return { ok: false, error: 'unreadable robot answer' };
  const code = kind === 'feishu' ? (parsed.code ?? parsed.StatusCode) : parsed.errcode;
  if (code === 0 || code === '0') return { ok: true, error: null };
  const text = kind === 'feishu' ? (parsed.msg ?? parsed.StatusMessage) : parsed.errmsg;
  return { ok: false, error: `robot error ${String(code)}: ${String(text ?? '')}`.slice(0, 300) };
}

/** Backoff after the n-th failed attempt (1-based): 1 min, 5 min, 30 min, 2 h, 12 h; then dead (null). */
export const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 12 * 3_600_000] as const;

export function nextAttemptDelay(attempts: number): number | null {
  if (attempts < 1) return 0;
  return BACKOFF_MS[attempts - 1] ?? null;
}

/** Shows enough of a secret to recognise it, never the whole: `••••f3a9`. */
export function maskSecret(secret: string): string {
  if (secret.length <= 4) return '••••';
  return `••••${secret.slice(-4)}`;
}
