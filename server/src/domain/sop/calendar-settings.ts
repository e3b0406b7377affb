import { z } from 'zod';
import { type CalendarConfig, DEFAULT_CALENDAR } from '../calendar/business-calendar';

// A tenant's business calendar (工作日历) as sales ops edit it: time zone, working hours with the
// lunch break, the working week, statutory holidays and 调休 on or off, closures (date ranges with
// a name, e.g. 年会 or 团建) and extra working days. Time limits count working time in it.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');
const isoDate = z.iso.date();
const MAX_CLOSURE_DAYS = 366;

/** Whether the runtime knows the IANA zone (Asia/Shanghai, Asia/Hong_Kong, Europe/Berlin …). */
export function isIanaTimeZone(tz: string): boolean {
  if (!/^[A-Za-z]+(?:[/_+-][A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
const days = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

export const calendarSettingsSchema = z
  .strictObject({
    timeZone: z.string().min(1).max(64),
    workingHours: z
      .array(z.strictObject({ start: hhmm, end: hhmm }))
      .min(1)
      .max(4),
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    workingWeekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    statutoryHolidays: z.boolean().default(true),
    closures: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(100), from: isoDate, to: isoDate }))
      .max(100)
      .default([]),
    extraWorkingDays: z
      .array(z.strictObject({ date: isoDate, name: z.string().trim().max(100).optional() }))
      .max(100)
      .default([]),
  })
  .superRefine((s, ctx) => {
    const issue = (path: Array<string | number>, code: string) =>
      ctx.addIssue({ code: 'custom', path, message: code, params: { issue: code } });
    if (!isIanaTimeZone(s.timeZone)) issue(['timeZone'], 'invalid_time_zone');
    s.workingHours.forEach((h, i) => {
      if (minutes(h.end) <= minutes(h.start)) issue(['workingHours', i, 'end'], 'not_after_start');
      const prev = s.workingHours[i - 1];
      if (prev && minutes(h.start) < minutes(prev.end))
        issue(['workingHours', i, 'start'], 'overlaps_previous');
    });
    if (new Set(s.workingWeekdays).size !== s.workingWeekdays.length) issue(['workingWeekdays'], 'duplicate');
    s.closures.forEach((c, i) => {
      const span = days(c.from, c.to);
      if (span < 0) issue(['closures', i, 'to'], 'before_from');
      else if (span >= MAX_CLOSURE_DAYS) issue(['closures', i, 'to'], 'closure_too_long');
    });
    const extra = s.extraWorkingDays.map((d) => d.date);
    s.extraWorkingDays.forEach((d, i) => {
      if (extra.indexOf(d.date) !== i) issue(['extraWorkingDays', i, 'date'], 'duplicate');
      if (s.closures.some((c) => c.from <= d.date && d.date <= c.to))
        issue(['extraWorkingDays', i, 'date'], 'inside_closure');
    });
  });

export type CalendarSettings = z.output<typeof calendarSettingsSchema>;

/** The settings a tenant has before anyone edits them: 09:00–12:00, 13:30–18:00, Monday–Friday, statutory holidays. */
export function defaultCalendarSettings(timeZone = DEFAULT_CALENDAR.timeZone): CalendarSettings {
  return {
    timeZone,
    workingHours: DEFAULT_CALENDAR.workingHours.map((h) => ({ ...h })),
    workingWeekdays: [1, 2, 3, 4, 5],
    statutoryHolidays: true,
    closures: [],
    extraWorkingDays: [],
  };
}

function eachDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** What working-time arithmetic needs: closures as single dates. */
export function calendarConfigOf(s: CalendarSettings): CalendarConfig {
  return {
    timeZone: s.timeZone,
    workingHours: s.workingHours,
    closures: s.closures.flatMap((c) => eachDate(c.from, c.to)),
    extraWorkingDays: s.extraWorkingDays.map((d) => d.date),
    workingWeekdays: s.workingWeekdays,
    statutoryHolidays: s.statutoryHolidays,
  };
}

/**
 * A stored definition as settings: the settings format, or the older plain CalendarConfig
 * (closures as single dates) that it replaced.
 */
export function settingsFromStored(definition: unknown, timeZone?: string): CalendarSettings {
  const parsed = calendarSettingsSchema.safeParse(definition);
  if (parsed.success) return parsed.data;
  const base = defaultCalendarSettings(timeZone);
  const old = (definition ?? {}) as Partial<CalendarConfig>;
  return {
    ...base,
    timeZone: typeof old.timeZone === 'string' && isIanaTimeZone(old.timeZone) ? old.timeZone : base.timeZone,
    workingHours: Array.isArray(old.workingHours) ? old.workingHours : base.workingHours,
    closures: (Array.isArray(old.closures) ? old.closures : [])
      .filter((d): d is string => typeof d === 'string')
      .map((d) => ({ name: d, from: d, to: d })),
    extraWorkingDays: (Array.isArray(old.extraWorkingDays) ? old.extraWorkingDays : [])
      .filter((d): d is string => typeof d === 'string')
      .map((date) => ({ date })),
  };
}
