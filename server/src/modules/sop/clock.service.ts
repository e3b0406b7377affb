import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { type CalendarConfig, DEFAULT_CALENDAR } from '../../domain/calendar/business-calendar';
import { addDuration, type ClockStatus, clockTimes, nextClockEvent } from '../../domain/sop/clocks';
import { evaluateCondition } from '../../domain/sop/expressions';
import type { Playbook, Stage } from '../../domain/sop/playbook';
import { isUniqueViolation } from '../../shared/db-errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';

export async function tenantCalendar(db: Kysely<DB>, tenantId: string): Promise<CalendarConfig> {
  const row = await db
    .selectFrom('businessCalendars')
    .select('definition')
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  if (row) return { ...DEFAULT_CALENDAR, ...(JSON.parse(row.definition) as Partial<CalendarConfig>) };
  const tenant = await db
    .selectFrom('tenants')
    .select('timeZone')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return { ...DEFAULT_CALENDAR, timeZone: tenant?.timeZone ?? DEFAULT_CALENDAR.timeZone };
}

/** Starts the time limits of the stage a record has just entered (时限开始计时). */
export async function startStageClocks(
  trx: Kysely<DB>,
  run: { id: string; tenantId: string; recordType: string; recordId: string; ownerId: string | null },
  stage: Stage | undefined,
  enteredAt: string,
) {
  if (!stage?.timeLimits.length) return;
  const cal = await tenantCalendar(trx, run.tenantId);
  for (const limit of stage.timeLimits) {
    const { dueAt, warnAt } = clockTimes(cal, limit, new Date(enteredAt));
    await trx
      .insertInto('sopClocks')
      .values({
        id: newId('clk'),
        tenantId: run.tenantId,
        runId: run.id,
        recordType: run.recordType,
        recordId: run.recordId,
        stageKey: stage.key,
        limitKey: limit.key,
        ownerId: run.ownerId,
        startedAt: enteredAt,
        warnAt: warnAt?.toISOString() ?? null,
        dueAt: dueAt.toISOString(),
        status: 'running',
        stoppedAt: null,
        nextCheckAt: (warnAt ?? dueAt).toISOString(),
      })
      .execute();
  }
}

/** Leaving a stage stops its clocks: those still running were met; breached ones stop escalating. */
export async function stopStageClocks(trx: Kysely<DB>, runId: string, stageKey: string, at: string) {
  await trx
    .updateTable('sopClocks')
    .set({ status: 'met', stoppedAt: at, nextCheckAt: null })
    .where('runId', '=', runId)
    .where('stageKey', '=', stageKey)
    .where('status', 'in', ['running', 'warned'])
    .execute();
  await trx
    .updateTable('sopClocks')
    .set({ stoppedAt: at, nextCheckAt: null })
    .where('runId', '=', runId)
    .where('stageKey', '=', stageKey)
    .where('status', '=', 'breached')
    .execute();
}

export interface SweepEvent {
  clockId: string;
  recordId: string;
  kind: 'warn' | 'breach' | 'escalate' | 'stopped';
  step?: number;
  notify?: string[];
}

const RECORD_TABLES: Record<string, 'deals' | 'leads'> = { deal: 'deals', lead: 'leads' };

/**
 * The SLA sweep: warns, breaches and escalates due clocks. Each transition is a conditional
 * update on the state the sweep read, so with several processes (or a re-run after a restart)
 * every warning, breach and escalation step happens exactly once.
 */
export async function sweepClocks(database: Database, now = new Date(), limit = 1000): Promise<SweepEvent[]> {
  const db = database.db;
  const due = await db
    .selectFrom('sopClocks')
    .innerJoin('sopRuns', 'sopRuns.id', 'sopClocks.runId')
    .select([
      'sopClocks.id',
      'sopClocks.tenantId',
      'sopClocks.recordType',
      'sopClocks.recordId',
      'sopClocks.stageKey',
      'sopClocks.limitKey',
      'sopClocks.ownerId',
      'sopClocks.status',
      'sopClocks.dueAt',
      'sopClocks.warnAt',
      'sopClocks.escalationStep',
      'sopRuns.playbookVersionId',
    ])
    .where('sopClocks.status', 'in', ['running', 'warned', 'breached'])
    .where('sopClocks.nextCheckAt', '<=', now.toISOString())
    .orderBy('sopClocks.nextCheckAt')
    .limit(limit)
    .execute();
  const playbooks = new Map<string, Playbook>();
  const events: SweepEvent[] = [];
  for (const c of due) {
    let pb = playbooks.get(c.playbookVersionId);
    if (!pb) {
      const v = await db
        .selectFrom('playbookVersions')
        .select('definition')
        .where('id', '=', c.playbookVersionId)
        .executeTakeFirstOrThrow();
      pb = JSON.parse(v.definition) as Playbook;
      playbooks.set(c.playbookVersionId, pb);
    }
    const limitDef = pb.stages
      .find((s) => s.key === c.stageKey)
      ?.timeLimits.find((l) => l.key === c.limitKey);
    if (!limitDef) continue;
    const cal = await tenantCalendar(db, c.tenantId);
    await db.transaction().execute(async (trx) => {
      const at = now.toISOString();
      const transition = (set: Record<string, unknown>) =>
        trx
          .updateTable('sopClocks')
          .set(set)
          .where('id', '=', c.id)
          .where('status', '=', c.status)
          .where('escalationStep', '=', c.escalationStep)
          .executeTakeFirst()
          .then((r) => Number(r.numUpdatedRows) === 1);

      // A limit that is met by the record itself (e.g. first contact made) stops here.
      if (limitDef.stopWhen && c.status !== 'breached') {
        const table = RECORD_TABLES[c.recordType];
        const record = table
          ? await trx.selectFrom(table).selectAll().where('id', '=', c.recordId).executeTakeFirst()
          : undefined;
        const r = evaluateCondition(limitDef.stopWhen, {
          record: record ?? {},
          forms: {},
          checklist: {},
          approvals: {},
          reason: null,
        });
        if (r.ok && r.value && (await transition({ status: 'met', stoppedAt: at, nextCheckAt: null }))) {
          events.push({ clockId: c.id, recordId: c.recordId, kind: 'stopped' });
          return;
        }
      }
      const next = nextClockEvent(
        {
          status: c.status as ClockStatus,
          dueAt: new Date(c.dueAt),
          warnAt: c.warnAt ? new Date(c.warnAt) : null,
          escalationStep: c.escalationStep,
        },
        limitDef,
        cal,
        now,
      );
      if (!next) return;
      const firstStep = limitDef.escalation[0];
      if (next.kind === 'warn') {
        if (!(await transition({ status: 'warned', nextCheckAt: c.dueAt }))) return;
        events.push({ clockId: c.id, recordId: c.recordId, kind: 'warn', notify: ['owner'] });
      } else if (next.kind === 'breach') {
        const nextCheck = firstStep
          ? addDuration(cal, new Date(c.dueAt), firstStep.after).toISOString()
          : null;
        if (!(await transition({ status: 'breached', nextCheckAt: nextCheck }))) return;
        try {
          await trx
            .insertInto('sopBreaches')
            .values({
              id: newId('brc'),
              tenantId: c.tenantId,
              clockId: c.id,
              recordType: c.recordType,
              recordId: c.recordId,
              stageKey: c.stageKey,
              limitKey: c.limitKey,
              ownerId: c.ownerId,
              dueAt: c.dueAt,
              breachedAt: at,
              reason: null,
              reasonBy: null,
              reasonAt: null,
            })
            .execute();
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          return;
        }
        events.push({ clockId: c.id, recordId: c.recordId, kind: 'breach', notify: ['owner'] });
      } else {
        const stepDef = limitDef.escalation[next.step]!;
        const following = limitDef.escalation[next.step + 1];
        const nextCheck = following
          ? addDuration(cal, new Date(c.dueAt), following.after).toISOString()
          : null;
        if (!(await transition({ escalationStep: next.step + 1, nextCheckAt: nextCheck }))) return;
        events.push({
          clockId: c.id,
          recordId: c.recordId,
          kind: 'escalate',
          step: next.step,
          notify: stepDef.notify,
        });
      }
      const last = events[events.length - 1]!;
      await appendAuditEvent(trx, {
        tenantId: c.tenantId,
        actorId: null,
        entity: c.recordType,
        entityId: c.recordId,
        action: 'update',
        changes: {
          note: `sla ${last.kind}${last.step !== undefined ? ` step ${last.step + 1}` : ''}: ${c.stageKey}/${c.limitKey}${last.notify ? ` → ${last.notify.join(', ')}` : ''}`,
        },
        at,
      });
    });
  }
  return events;
}
