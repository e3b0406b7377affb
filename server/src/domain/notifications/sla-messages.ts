import type { LocalText } from './formats';

// The wording of SLA notifications (时限预警 / 超时 / 升级), in both languages. Pure: the sweep
// passes in what it knows about the clock and the record.

export type SlaEventKind = 'warn' | 'breach' | 'escalate';

export interface SlaFacts {
  event: SlaEventKind;
  recordType: string;
  recordName: string;
  stageName: LocalText;
  limitName: LocalText;
  dueAt: string; // ISO UTC
  timeZone: string;
  /** 0-based escalation step. */
  step?: number;
}

const RECORD_WORDS: Record<string, LocalText> = {
  deal: { 'zh-CN': '商机', 'en-US': 'Deal' },
  lead: { 'zh-CN': '线索', 'en-US': 'Lead' },
  order: { 'zh-CN': '订单', 'en-US': 'Order' },
};

export const SLA_NOTIFICATION_KINDS: Record<SlaEventKind, string> = {
  warn: 'sla_warning',
  breach: 'sla_breach',
  escalate: 'sla_escalation',
};

// Building a formatter is costly; the sweep formats many times in one zone.
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    FORMATTERS.set(timeZone, f);
  }
  return f;
}

/** `2026-11-25 18:00` in the tenant's time zone (falls back to UTC for an unknown zone). */
export function localTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatterFor(timeZone).formatToParts(d);
  } catch {
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export function slaNotification(f: SlaFacts): { kind: string; title: LocalText; body: LocalText } {
  const word = RECORD_WORDS[f.recordType] ?? { 'zh-CN': f.recordType, 'en-US': f.recordType };
  const due = localTime(f.dueAt, f.timeZone);
  const stage = f.stageName;
  const limit = f.limitName;
  const what = {
    'zh-CN': `${word['zh-CN']}「${f.recordName}」在「${stage['zh-CN']}」阶段的时限「${limit['zh-CN']}」`,
    'en-US': `${word['en-US']} "${f.recordName}", stage "${stage['en-US']}", limit "${limit['en-US']}"`,
  };
  if (f.event === 'warn') {
    return {
      kind: SLA_NOTIFICATION_KINDS.warn,
      title: {
        'zh-CN': `时限预警：${word['zh-CN']}「${f.recordName}」·${stage['zh-CN']}·${limit['zh-CN']}`,
        'en-US': `SLA warning: ${word['en-US']} "${f.recordName}" · ${stage['en-US']} · ${limit['en-US']}`,
      },
      body: {
        'zh-CN': `${what['zh-CN']}将于 ${due} 到期，请尽快处理。`,
        'en-US': `${what['en-US']} is due at ${due}. Please act soon.`,
      },
    };
  }
  if (f.event === 'breach') {
    return {
      kind: SLA_NOTIFICATION_KINDS.breach,
      title: {
        'zh-CN': `已超时：${word['zh-CN']}「${f.recordName}」·${stage['zh-CN']}·${limit['zh-CN']}`,
        'en-US': `SLA breached: ${word['en-US']} "${f.recordName}" · ${stage['en-US']} · ${limit['en-US']}`,
      },
      body: {
        'zh-CN': `${what['zh-CN']}已于 ${due} 到期未完成，请处理并填写超时原因。`,
        'en-US': `${what['en-US']} was due at ${due} and is overdue. Please act and record the reason.`,
      },
    };
  }
  const n = (f.step ?? 0) + 1;
  return {
    kind: SLA_NOTIFICATION_KINDS.escalate,
    title: {
      'zh-CN': `超时升级（第 ${n} 级）：${word['zh-CN']}「${f.recordName}」·${stage['zh-CN']}·${limit['zh-CN']}`,
      'en-US': `SLA escalation (level ${n}): ${word['en-US']} "${f.recordName}" · ${stage['en-US']} · ${limit['en-US']}`,
    },
    body: {
      'zh-CN': `${what['zh-CN']}已于 ${due} 到期，至今未完成，已升级至第 ${n} 级。`,
      'en-US': `${what['en-US']} was due at ${due} and is still overdue; escalated to level ${n}.`,
    },
  };
}
