import { describe, expect, it } from 'vitest';
import { localTime, slaNotification } from './sla-messages';

const base = {
  recordType: 'deal',
  recordName: '华东项目',
  stageName: { 'zh-CN': '初步接触', 'en-US': 'Initial contact' },
  limitName: { 'zh-CN': '48小时内跟进', 'en-US': 'Follow up within 48h' },
  dueAt: '2026-11-25T10:00:00.000Z',
  timeZone: 'Asia/Shanghai',
};

describe('SLA notification texts', () => {
  it.each([
    ['warn', 'sla_warning', '时限预警', 'SLA warning'],
    ['breach', 'sla_breach', '已超时', 'SLA breached'],
    ['escalate', 'sla_escalation', '超时升级（第 2 级）', 'SLA escalation (level 2)'],
  ] as const)('%s → %s naming the record, stage and limit', (event, kind, zh, en) => {
    const n = slaNotification({ ...base, event, step: 1 });
    expect(n.kind).toBe(kind);
    expect(n.title['zh-CN']).toContain(zh);
    expect(n.title['en-US']).toContain(en);
    for (const part of ['华东项目', '初步接触', '48小时内跟进']) expect(n.title['zh-CN']).toContain(part);
    for (const part of ['华东项目', 'Initial contact', 'Follow up within 48h'])
      expect(n.title['en-US']).toContain(part);
    expect(n.body['zh-CN']).toContain('2026-11-25 18:00');
    expect(n.body['en-US']).toContain('2026-11-25 18:00');
  });

  it.each([
    ['2026-11-25T16:30:00.000Z', 'Asia/Shanghai', '2026-11-26 00:30'],
    ['2026-11-25T16:30:00.000Z', 'UTC', '2026-11-25 16:30'],
    ['2026-11-25T16:30:00.000Z', 'Not/AZone', '2026-11-25 16:30 UTC'],
  ])('shows %s in %s as %s', (iso, tz, shown) => {
    expect(localTime(iso, tz)).toBe(shown);
  });
});
