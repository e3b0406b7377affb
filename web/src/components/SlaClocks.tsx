import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Breach, SopClock, Stage, TimeLimit } from '../api/types';
import { fmtTime, formatSpan, useLocalText, useNow } from '../lib';

const MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** The wall-clock time `HH:MM` falls on, on the day `at` is in, in the given IANA time zone. */
function zonedTime(at: Date, timeZone: string, hhmm: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  const offset = asUtc - Math.floor(at.getTime() / 1000) * 1000;
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, h!, m!) - offset);
}

/**
 * When a time limit falls due, inferred in the browser from the stage's definition and the time
 * the stage was entered — used only before the server has started the clock (the SOP panel
 * returns the server's clocks, whose due times count working time exactly). Limits counted in
 * working time need the business calendar, so they show their rule instead of a countdown.
 */
export function dueAtOf(limit: TimeLimit, start: string, timeZone: string): Date | null {
  if (limit.duration) {
    const unit = MS[limit.duration.unit];
    return unit ? new Date(new Date(start).getTime() + limit.duration.value * unit) : null;
  }
  if (limit.deadline) {
    // The first HH:MM after the start (the next day's for next_working_day); weekends and
    // holidays are not skipped here, the server's business calendar has the final word.
    const begin = new Date(start);
    let due = zonedTime(begin, timeZone, limit.deadline.time);
    if (limit.deadline.on === 'next_working_day' || due.getTime() <= begin.getTime()) {
      due = zonedTime(new Date(begin.getTime() + 86_400_000), timeZone, limit.deadline.time);
    }
    return due;
  }
  return null;
}

export function SlaClock({
  limit,
  start,
  timeZone,
  breached,
  clock,
}: {
  limit: TimeLimit;
  start: string;
  timeZone: string;
  breached?: boolean;
  /** The server's clock for this limit, when it has one: its due time is exact. */
  clock?: SopClock;
}) {
  const { t } = useTranslation();
  const lt = useLocalText();
  const now = useNow();
  const due = clock ? new Date(clock.dueAt) : dueAtOf(limit, start, timeZone);
  const left = due ? due.getTime() - now : null;
  const warnMs = clock?.warnAt
    ? new Date(clock.dueAt).getTime() - new Date(clock.warnAt).getTime()
    : limit.warnBefore && MS[limit.warnBefore.unit]
      ? limit.warnBefore.value * MS[limit.warnBefore.unit]!
      : 0;
  if (clock?.status === 'met') {
    return (
      <Space size={4} wrap>
        <Typography.Text>{lt(limit.name)}</Typography.Text>
        <Tag color="green">{t('sla.met')}</Tag>
      </Space>
    );
  }
  let body: React.ReactNode;
  if (left === null) {
    const rule = limit.duration
      ? t('sla.workingRule', { value: limit.duration.value, unit: t(`sla.unit.${limit.duration.unit}`) })
      : t(`sla.deadline.${limit.deadline?.on ?? 'daily'}`, { time: limit.deadline?.time ?? '' });
    body = <Tag color={breached ? 'red' : 'default'}>{breached ? t('sla.breached') : rule}</Tag>;
  } else if (left <= 0 || breached) {
    body = (
      <Tag color="red" data-testid="sla-overdue">
        {t('sla.overdueBy', { span: formatSpan(left ?? 0, t) })}
      </Tag>
    );
  } else {
    body = (
      <Tag color={left <= warnMs ? 'orange' : 'blue'} data-testid="sla-left">
        {t('sla.left', { span: formatSpan(left, t) })}
      </Tag>
    );
  }
  return (
    <Space size={4} wrap>
      <Tooltip title={due ? t('sla.dueAt', { time: fmtTime(due.toISOString()) }) : undefined}>
        <Typography.Text>{lt(limit.name)}</Typography.Text>
      </Tooltip>
      {body}
    </Space>
  );
}

/** Every clock of a stage. */
export function SlaClocks({
  stage,
  stageEnteredAt,
  createdAt,
  timeZone,
  breaches = [],
  clocks = [],
}: {
  stage: Stage | undefined;
  stageEnteredAt: string;
  createdAt?: string;
  timeZone: string;
  breaches?: Breach[];
  /** The server's clocks of the stage, latest first (a daily limit has one per day). */
  clocks?: SopClock[];
}) {
  const { t } = useTranslation();
  if (!stage?.timeLimits.length) return <Typography.Text type="secondary">{t('sla.none')}</Typography.Text>;
  return (
    <Space direction="vertical" size={4}>
      {stage.timeLimits.map((l) => (
        <SlaClock
          key={l.key}
          limit={l}
          start={l.starts === 'record_created' && createdAt ? createdAt : stageEnteredAt}
          timeZone={timeZone}
          breached={
            breaches.some((b) => b.limitKey === l.key && b.stageKey === stage.key) ||
            clocks.find((c) => c.limitKey === l.key)?.status === 'breached'
          }
          clock={clocks.find((c) => c.limitKey === l.key && c.stageKey === stage.key)}
        />
      ))}
    </Space>
  );
}
