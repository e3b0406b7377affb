import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import { statutoryDaysOf } from '../../domain/calendar/business-calendar';
import {
  type CalendarSettings,
  defaultCalendarSettings,
  settingsFromStored,
} from '../../domain/sop/calendar-settings';
import { AppError } from '../../shared/errors';
import { appendAuditEvent } from '../audit/audit.repository';
import {
  findCalendarRow,
  findTenantTimeZone,
  insertCalendar,
  setTenantTimeZone,
  updateCalendarIfVersion,
} from './settings.repository';

/**
 * The tenant's business calendar: what time limits count working time in. Version 0 means the
 * defaults (never saved); the first save is version 1.
 */
export async function getCalendarSettings(database: Database, actor: Actor, year?: number) {
  const row = await findCalendarRow(database.db, actor.tenantId);
  const settings = row
    ? settingsFromStored(JSON.parse(row.definition))
    : defaultCalendarSettings(await findTenantTimeZone(database.db, actor.tenantId));
  return {
    ...settings,
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt ?? null,
    ...(year ? { statutory: { year, ...statutoryDaysOf(year) } } : {}),
  };
}

/** Saves the calendar (admin, sales ops) over the version read; clocks started afterwards use it. */
export async function putCalendarSettings(
  database: Database,
  actor: Actor,
  expectedVersion: number | undefined,
  input: CalendarSettings,
) {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
  if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
  return database.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const row = await findCalendarRow(trx, actor.tenantId);
    const current = row?.version ?? 0;
    const before = row
      ? settingsFromStored(JSON.parse(row.definition))
      : defaultCalendarSettings(await findTenantTimeZone(trx, actor.tenantId));
    const stale = () =>
      new AppError('VERSION_MISMATCH', {
        field: 'If-Match',
        details: { current: { ...before, version: current }, version: current },
      });
    if (expectedVersion !== current) throw stale();
    const set = { definition: JSON.stringify(input), updatedAt: now };
    const saved = row
      ? await updateCalendarIfVersion(trx, actor.tenantId, current, set)
      : await insertCalendar(trx, { tenantId: actor.tenantId, ...set });
    if (!saved) throw stale();
    await setTenantTimeZone(trx, actor.tenantId, input.timeZone);
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'business_calendar',
      entityId: actor.tenantId,
      action: row ? 'update' : 'create',
      changes: { before, after: input },
      at: now,
    });
    return { ...input, version: current + 1, updatedAt: now };
  });
}
