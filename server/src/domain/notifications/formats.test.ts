import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dingtalkBody,
  dingtalkSign,
  dingtalkUrl,
  emailContent,
  feishuBody,
  feishuSign,
  judgeResponse,
  type Message,
  maskSecret,
  nextAttemptDelay,
  recordPath,
  webhookHeaders,
  webhookSignature,
  wecomBody,
} from './formats';

const msg: Message = {
  kind: 'sla_breach',
  title: { 'zh-CN': '已超时：商机「华东项目」', 'en-US': 'SLA breached: Deal "East"' },
  body: { 'zh-CN': '请处理', 'en-US': 'Please act' },
  recordType: 'deal',
  recordId: 'deal_01',
};

describe('DingTalk robot', () => {
  it('signs "timestamp\\nsecret" with the secret, base64 then url-encoded', () => {
    const secret = 'SEC000test';
    const ts = 1_700_000_000_000;
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(decodeURIComponent(dingtalkSign(secret, ts))).toBe(expected);
    expect(dingtalkSign(secret, ts)).not.toMatch(/[+/=]/);
  });

  it.each([
    ['https://oapi.dingtalk.com/robot/send?access_token=abc', 'SEC1', '&timestamp=5&sign='],
    ['http://127.0.0.1:9/hook', 'SEC1', '?timestamp=5&sign='],
  ])('appends timestamp and sign to %s', (url, secret, part) => {
    expect(dingtalkUrl(url, secret, 5)).toContain(part);
  });

  it('leaves the URL alone without a secret', () => {
    expect(dingtalkUrl('https://x.test/robot/send?access_token=a', null, 5)).toBe(
      'https://x.test/robot/send?access_token=a',
    );
  });

  it('sends markdown with the title and the record', () => {
    const b = dingtalkBody(msg, 'zh-CN', 'https://crm.example.com/');
    expect(b.msgtype).toBe('markdown');
    expect(b.markdown.title).toBe(msg.title['zh-CN']);
    expect(b.markdown.text).toContain('### 已超时');
    expect(b.markdown.text).toContain('(https://crm.example.com/deals/deal_01)');
    expect(b.markdown.text).toMatch(/SalesOps$/);
  });
});

describe('WeCom robot', () => {
  it('sends {msgtype: markdown, markdown: {content}} in the chosen language', () => {
    const b = wecomBody(msg, 'en-US');
    expect(Object.keys(b)).toEqual(['msgtype', 'markdown']);
    expect(b.markdown.content).toContain('SLA breached');
    expect(b.markdown.content).toContain('Record: Deal deal_01');
  });
});

describe('Feishu bot', () => {
  it('signs an empty message with key "timestamp\\nsecret" (seconds)', () => {
    const expected = createHmac('sha256', `1700000000\nsek`).update('').digest('base64');
    expect(feishuSign('sek', 1_700_000_000)).toBe(expected);
  });

  it.each([
    ['text', 'text'],
    ['post', 'post'],
  ] as const)('builds a %s message with timestamp and sign', (msgType, expected) => {
    const b = feishuBody(msg, 'zh-CN', { msgType, secret: 'sek', timestampSec: 42 });
    expect(b.msg_type).toBe(expected);
    expect(b.timestamp).toBe('42');
    expect(b.sign).toBe(feishuSign('sek', 42));
  });

  it('has no timestamp/sign without a secret, and a post carries the title', () => {
    const b = feishuBody(msg, 'en-US', { msgType: 'post', timestampSec: 42 }) as {
      content: { post: { en_us: { title: string } } };
    };
    expect(b).not.toHaveProperty('sign');
    expect(b.content.post.en_us.title).toBe(msg.title['en-US']);
  });
});

describe('generic webhook', () => {
  it('signs "t.body" as hex HMAC-SHA256', () => {
    const body = '{"a":1}';
    const v1 = createHmac('sha256', 'whsec').update(`99.${body}`).digest('hex');
    expect(webhookSignature('whsec', 99, body)).toBe(`t=99,v1=${v1}`);
  });

  it('names the event and the delivery, and signs only with a secret', () => {
    const h = webhookHeaders({
      event: 'sla_breach',
      deliveryId: 'obx_1',
      body: '{}',
      secret: 's',
      timestampSec: 1,
    });
    expect(h['x-salesops-event']).toBe('sla_breach');
    expect(h['x-salesops-delivery']).toBe('obx_1');
    expect(h['x-salesops-signature']).toMatch(/^t=1,v1=[0-9a-f]{64}$/);
    expect(webhookHeaders({ event: 'e', deliveryId: 'd', body: '{}', timestampSec: 1 })).not.toHaveProperty(
      'x-salesops-signature',
    );
  });
});

describe('responses', () => {
  it.each([
    ['webhook', 200, '', true],
    ['webhook', 204, '', true],
    ['webhook', 500, 'boom', false],
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', true],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', false],
    ['wecom', 200, '{"errcode":0,"errmsg":"ok"}', true],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', false],
    ['feishu', 200, '{"code":0,"msg":"success"}', true],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail"}', false],
    ['feishu', 200, 'not json', false],
    ['dingtalk', 302, '', false],
  ] as const)('%s %i %s → ok=%s', (kind, status, body, ok) => {
    const r = judgeResponse(kind, status, body);
    expect(r.ok).toBe(ok);
    expect(r.error === null).toBe(ok);
  });
});

describe('backoff', () => {
  it.each([
    [1, 60_000],
    [2, 300_000],
    [3, 1_800_000],
    [4, 7_200_000],
    [5, 43_200_000],
    [6, null],
  ])('after attempt %i waits %s ms', (n, ms) => {
    expect(nextAttemptDelay(n)).toBe(ms);
  });
});

describe('helpers', () => {
  it('masks secrets, keeping the last four characters of long ones', () => {
    expect(maskSecret('abcdefgh')).toBe('••••efgh');
    expect(maskSecret('abc')).toBe('••••');
  });

  it('links to the record page, or nothing', () => {
    expect(recordPath(msg)).toBe('/deals/deal_01');
    expect(recordPath({ recordType: null, recordId: null })).toBeNull();
  });

  it('puts the title in the email subject', () => {
    const e = emailContent(msg, 'zh-CN');
    expect(e.subject).toBe(`[SalesOps] ${msg.title['zh-CN']}`);
    expect(e.text).toContain('请处理');
  });
});
