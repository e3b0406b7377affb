import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { type CalendarConfig, DEFAULT_CALENDAR } from '../../domain/calendar/business-calendar';
import { calendarConfigOf, settingsFromStored } from '../../domain/sop/calendar-settings';
import {
  addDuration,
  type ClockStatus,
  clockTimes,
  nextClockEvent,
  nextDailyClockTimes,
} from '../../domain/sop/clocks';
import { evaluateCondition } from '../../domain/sop/expressions';
import type { Playbook, Stage, TimeLimit } from '../../domain/sop/playbook';
import { isUniqueViolation } from '../../shared/db-errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { runClockAutomations } from '../automation/automation.hooks';
import { notifySlaEvent } from '../notifications/sla-notify';
import { applyEscalationAction } from './escalation-actions';
import { runAdapter } from './run-adapters';
import { insertBreach } from './sop-run.repository';

export async function tenantCalendar(db: Kysely<DB>, tenantId: string): Promise<CalendarConfig> {
  const row = await db
    .selectFrom('businessCalendars')
    .select('definition')
    .where('tenantId', '=', tenantId)
    .executeTakeFirst();
  // The settings sales ops keep (PUT /api/settings/calendar): closures expanded to dates.
  if (row) return calendarConfigOf(settingsFromStored(JSON.parse(row.definition)));
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

/**
 * A limit already past its due time when the record leaves the stage was not met, even if the
 * sweep had not got to it yet: it is stored as a breach, which waits for its deviation reason.
 */
async function breachOverdueOnLeave(trx: Kysely<DB>, runId: string, stageKey: string, at: string) {
  const overdue = await trx
    .selectFrom('sopClocks')
    .selectAll()
    .where('runId', '=', runId)
    .where('stageKey', '=', stageKey)
    .where('status', 'in', ['running', 'warned'])
    .where('dueAt', '<', at)
    .execute();
  for (const c of overdue) {
    const r = await trx
      .updateTable('sopClocks')
      .set({ status: 'breached', stoppedAt: at, nextCheckAt: null })
      .where('id', '=', c.id)
      .where('status', '=', c.status)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) continue;
    await insertBreach(trx, breachOf(c, at));
  }
}

/** The breach of a clock that ran out at `at`. */
function breachOf(
  c: Pick<
    Selectable<DB['sopClocks']>,
    'id' | 'tenantId' | 'recordType' | 'recordId' | 'stageKey' | 'limitKey' | 'ownerId' | 'dueAt'
  >,
  at: string,
) {
  const { id: clockId, tenantId, recordType, recordId, stageKey, limitKey, ownerId, dueAt } = c;
  return { tenantId, clockId, recordType, recordId, stageKey, limitKey, ownerId, dueAt, breachedAt: at };
}

/** Leaving a stage stops its clocks: those still running were met; breached ones stop escalating. */
export async function stopStageClocks(
  trx: Kysely<DB>,
  runId: string,
  stageKey: string,
  at: string,
  as: 'met' | 'cancelled' = 'met',
) {
  if (as === 'met') await breachOverdueOnLeave(trx, runId, stageKey, at);
  await trx
    .updateTable('sopClocks')
    .set({ status: as, stoppedAt: at, nextCheckAt: null })
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
  kind: 'warn' | 'breach' | 'escalate' | 'stopped' | 'met' | 'restarted';
  step?: number;
  notify?: string[];
  /** What an escalation step did besides notifying (reassigned, returned to the pool). */
  action?: string;
}

/** The activity column naming a record: a follow-up on it "touches" it. */
const TOUCH_COLUMNS: Record<string, 'dealId' | 'leadId'> = { deal: 'dealId', lead: 'leadId' };

/** The latest follow-up logged on the clock's record in (after, until], if any. */
async function latestTouch(
  trx: Kysely<DB>,
  c: { tenantId: string; recordType: string; recordId: string },
  after: string,
  until: string,
): Promise<string | undefined> {
  const column = TOUCH_COLUMNS[c.recordType];
  if (!column) return undefined;
  const row = await trx
    .selectFrom('activities')
    .select((eb) => eb.fn.max('occurredAt').as('at'))
    .where('tenantId', '=', c.tenantId)
    .where(column, '=', c.recordId)
    .where('deletedAt', 'is', null)
    .where('occurredAt', '>', after)
    .where('occurredAt', '<=', until)
    .executeTakeFirst();
  return row?.at ? new Date(String(row.at)).toISOString() : undefined;
}

/**
 * The next working day's clock of a daily deadline, from the deadline just passed — while the
 * record is still in the stage. Runs in the transaction that closed the previous one, so it
 * starts exactly once.
 */
async function startNextDailyClock(
  trx: Kysely<DB>,
  c: {
    tenantId: string;
    runId: string;
    recordType: string;
    recordId: string;
    stageKey: string;
    runStageKey: string;
    ownerId: string | null;
    dueAt: string;
  },
  limit: TimeLimit,
  cal: CalendarConfig,
) {
  if (c.runStageKey !== c.stageKey || !limit.deadline) return;
  const run = await trx
    .selectFrom('sopRuns')
    .select(['stageKey', 'status', 'ownerId'])
    .where('id', '=', c.runId)
    .executeTakeFirst();
  if (run?.status !== 'open' || run.stageKey !== c.stageKey) return;
  const { dueAt, warnAt } = nextDailyClockTimes(cal, limit, new Date(c.dueAt));
  await trx
    .insertInto('sopClocks')
    .values({
      id: newId('clk'),
      tenantId: c.tenantId,
      runId: c.runId,
      recordType: c.recordType,
      recordId: c.recordId,
      stageKey: c.stageKey,
      limitKey: limit.key,
      ownerId: run.ownerId,
      startedAt: c.dueAt,
      warnAt: warnAt?.toISOString() ?? null,
      dueAt: dueAt.toISOString(),
      status: 'running',
      stoppedAt: null,
      nextCheckAt: (warnAt ?? dueAt).toISOString(),
    })
    .execute();
}

type DueClock = Awaited<ReturnType<typeof findDueClocks>>[number];

/** Open clocks whose next check is due, oldest first (ties by id: every process sees one order). */
function findDueClocks(db: Kysely<DB>, now: Date, limit: number) {
  return db
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
      'sopClocks.runId',
      'sopClocks.startedAt',
      'sopRuns.playbookVersionId',
      'sopRuns.stageKey as runStageKey',
      'sopRuns.checklist as runChecklist',
      'sopRuns.forms as runForms',
    ])
    .where('sopClocks.status', 'in', ['running', 'warned', 'breached'])
    .where('sopClocks.nextCheckAt', '<=', now.toISOString())
    .orderBy('sopClocks.nextCheckAt')
    .orderBy('sopClocks.id')
    .limit(limit)
    .execute();
}

/** A step that must leave nothing behind (its breach row exists already): rolled back, skipped. */
class StepAbandoned extends Error {}

/** Clocks per transaction: one commit (one fsync on SQLite) per batch instead of per clock. */
const SWEEP_BATCH = 100;

/**
 * Batches swept at the same time. SQLite has one writer, so one. PostgreSQL runs several
 * transactions side by side, and a clock's step is a dozen short statements, each a round trip:
 * with one batch at a time the sweep mostly waits on the network.
 */
const sweepParallel = (database: Database) => (database.dialect === 'postgres' ? 4 : 1);

/**
 * The SLA sweep: warns, breaches and escalates due clocks. Each transition is a conditional
 * update on the state the sweep read, so with several processes (or a re-run after a restart)
 * every warning, breach and escalation step happens exactly once.
 *
 * Clocks are taken in batches, one transaction per batch, each clock's step under a savepoint:
 * a step that fails is rolled back alone, exactly as when every clock had a transaction of its
 * own, and the guard on each transition still decides which process does a step. A batch that
 * cannot get the write lock (SQLite) or loses a deadlock (PostgreSQL) is left whole to the
 * process holding it, or to the next sweep. On PostgreSQL a few batches run at once, guarded the
 * same way as two processes sweeping.
 */
export async function sweepClocks(database: Database, now = new Date(), limit = 1000): Promise<SweepEvent[]> {
  const db = database.db;
  const due = await findDueClocks(db, now, limit);
  // One read of each playbook version and of each tenant's calendar per sweep, not one per
  // clock (kept as promises: batches running at once share a read).
  const playbooks = new Map<string, Promise<Playbook>>();
  const calendars = new Map<string, Promise<CalendarConfig>>();
  const playbookOf = (versionId: string) => {
    let pb = playbooks.get(versionId);
    if (!pb) {
      pb = db
        .selectFrom('playbookVersions')
        .select('definition')
        .where('id', '=', versionId)
        .executeTakeFirstOrThrow()
        .then((v) => JSON.parse(v.definition) as Playbook);
      playbooks.set(versionId, pb);
    }
    return pb;
  };
  const calendarOf = (tenantId: string) => {
    let cal = calendars.get(tenantId);
    if (!cal) {
      cal = tenantCalendar(db, tenantId);
      calendars.set(tenantId, cal);
    }
    return cal;
  };

  const sweepBatch = async (batch: DueClock[]): Promise<SweepEvent[]> => {
    const steps: Array<{ c: DueClock; pb: Playbook; limitDef: TimeLimit; cal: CalendarConfig }> = [];
    for (const c of batch) {
      const pb = await playbookOf(c.playbookVersionId);
      const limitDef = pb.stages
        .find((s) => s.key === c.stageKey)
        ?.timeLimits.find((l) => l.key === c.limitKey);
      if (!limitDef) continue;
      steps.push({ c, pb, limitDef, cal: await calendarOf(c.tenantId) });
    }
    const events: SweepEvent[] = [];
    if (!steps.length) return events;
    try {
      await db.transaction().execute(async (trx) => {
        for (const step of steps) {
          const before = events.length;
          await sql.raw('savepoint sla_step').execute(trx);
          try {
            await sweepClock(trx, step.c, step.pb, step.limitDef, step.cal, now, events);
            await sql.raw('release savepoint sla_step').execute(trx);
          } catch (err) {
            events.length = before;
            // Anything else rolls the whole batch back (below).
            if (!(err instanceof StepAbandoned)) throw err;
            await sql.raw('rollback to savepoint sla_step').execute(trx);
            await sql.raw('release savepoint sla_step').execute(trx);
          }
        }
      });
    } catch (err) {
      // Nothing of a rolled-back batch happened. On SQLite another process (or connection) may
      // hold the one write lock; on PostgreSQL two sweeps may deadlock: the other one does the
      // steps, or the next sweep does.
      if (!isSqliteBusy(err) && !isPgConflict(err)) throw err;
      return [];
    }
    return events;
  };

  const batches: DueClock[][] = [];
  for (let i = 0; i < due.length; i += SWEEP_BATCH) batches.push(due.slice(i, i + SWEEP_BATCH));
  // Each lane takes the next batch when it is done; events come out in batch order.
  // After a failure no lane starts another batch, and the sweep returns only when every lane
  // has stopped: nothing keeps writing after the error is reported.
  const outcomes: SweepEvent[][] = [];
  let next = 0;
  let failed = false;
  let failure: unknown;
  const lane = async () => {
    while (next < batches.length && !failed) {
      const at = next++;
      try {
        outcomes[at] = await sweepBatch(batches[at]!);
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(sweepParallel(database), batches.length) }, lane));
  if (failed) throw failure;
  return outcomes.flat();
}

/** One clock's step (warn, breach, escalate, stop, restart) in the batch's transaction. */
async function sweepClock(
  trx: Kysely<DB>,
  c: DueClock,
  pb: Playbook,
  limitDef: TimeLimit,
  cal: CalendarConfig,
  now: Date,
  events: SweepEvent[],
): Promise<void> {
  const at = now.toISOString();
  // The record may have changed hands since the clock started (routed, transferred,
  // claimed): warnings, breaches and escalations go to whoever owns it now.
  // Every record type with a run adapter (deals, leads, orders) has a table with its owner.
  const adapter = runAdapter(c.recordType);
  const ownerTable = adapter?.table as 'deals' | undefined;
  if (ownerTable) {
    const holder = await trx
      .selectFrom(ownerTable)
      .select('ownerId')
      .where('id', '=', c.recordId)
      .executeTakeFirst();
    if (holder && holder.ownerId !== c.ownerId) {
      await trx.updateTable('sopClocks').set({ ownerId: holder.ownerId }).where('id', '=', c.id).execute();
      await trx.updateTable('sopRuns').set({ ownerId: holder.ownerId }).where('id', '=', c.runId).execute();
      c.ownerId = holder.ownerId;
    }
  }
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
    const record = !adapter
      ? undefined
      : adapter.conditionRecord
        ? await adapter.conditionRecord(trx, c.tenantId, c.recordId)
        : await trx.selectFrom(ownerTable!).selectAll().where('id', '=', c.recordId).executeTakeFirst();
    const forms = JSON.parse(c.runForms) as Record<string, { values: unknown }>;
    const r = evaluateCondition(limitDef.stopWhen, {
      record: record ? adapter!.gateRecord(record) : {},
      forms: Object.fromEntries(Object.entries(forms).map(([k, v]) => [k, v.values])),
      checklist: Object.fromEntries(Object.keys(JSON.parse(c.runChecklist)).map((k) => [k, true])),
      approvals: {},
      reason: null,
    });
    if (r.ok && r.value && (await transition({ status: 'met', stoppedAt: at, nextCheckAt: null }))) {
      events.push({ clockId: c.id, recordId: c.recordId, kind: 'stopped' });
      return;
    }
  }
  // Follow-ups: an untouched-for limit starts again from the latest one; a daily deadline
  // is met by one logged since the previous deadline, and the next day's clock starts.
  const followUps = limitDef.resetOn === 'activity' || limitDef.deadline?.on === 'daily';
  if (followUps && c.status !== 'breached') {
    const touched = await latestTouch(trx, c, c.startedAt, now < new Date(c.dueAt) ? at : c.dueAt);
    if (touched && limitDef.resetOn === 'activity') {
      const times = clockTimes(cal, limitDef, new Date(touched));
      const restarted = await trx
        .updateTable('sopClocks')
        .set({
          status: 'running',
          startedAt: touched,
          dueAt: times.dueAt.toISOString(),
          warnAt: times.warnAt?.toISOString() ?? null,
          nextCheckAt: (times.warnAt ?? times.dueAt).toISOString(),
        })
        .where('id', '=', c.id)
        .where('status', '=', c.status)
        .where('startedAt', '=', c.startedAt)
        .executeTakeFirst();
      if (Number(restarted.numUpdatedRows) === 1)
        events.push({ clockId: c.id, recordId: c.recordId, kind: 'restarted' });
      return;
    }
    if (touched && limitDef.deadline?.on === 'daily') {
      if (!(await transition({ status: 'met', stoppedAt: touched, nextCheckAt: null }))) return;
      events.push({ clockId: c.id, recordId: c.recordId, kind: 'met' });
      await startNextDailyClock(trx, c, limitDef, cal);
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
    const nextCheck = firstStep ? addDuration(cal, new Date(c.dueAt), firstStep.after).toISOString() : null;
    if (!(await transition({ status: 'breached', nextCheckAt: nextCheck }))) return;
    try {
      await insertBreach(trx, breachOf(c, at));
    } catch (err) {
      if (isUniqueViolation(err)) throw new StepAbandoned();
      throw err;
    }
    events.push({ clockId: c.id, recordId: c.recordId, kind: 'breach', notify: ['owner'] });
    if (limitDef.deadline?.on === 'daily') await startNextDailyClock(trx, c, limitDef, cal);
  } else {
    const stepDef = limitDef.escalation[next.step]!;
    const following = limitDef.escalation[next.step + 1];
    const nextCheck = following ? addDuration(cal, new Date(c.dueAt), following.after).toISOString() : null;
    if (!(await transition({ escalationStep: next.step + 1, nextCheckAt: nextCheck }))) return;
    const done = await applyEscalationAction(trx, { ...c, clockId: c.id }, stepDef.action, at);
    events.push({
      clockId: c.id,
      recordId: c.recordId,
      kind: 'escalate',
      step: next.step,
      notify: stepDef.notify,
      ...(done ? { action: done } : {}),
    });
  }
  const last = events[events.length - 1]!;
  // The step's notifications are written in its transaction: told once, with the step.
  if (last.kind !== 'stopped') {
    const stage = pb.stages.find((s) => s.key === c.stageKey);
    await notifySlaEvent(trx, c, last as typeof last & { kind: 'warn' | 'breach' | 'escalate' }, {
      stage: stage?.name ?? { 'zh-CN': c.stageKey, 'en-US': c.stageKey },
      limit: limitDef.name,
      timeZone: cal.timeZone,
    });
  }
  await appendAuditEvent(trx, {
    tenantId: c.tenantId,
    actorId: null,
    entity: c.recordType,
    entityId: c.recordId,
    action: 'update',
    changes: {
      note: `sla ${last.kind}${last.step !== undefined ? ` step ${last.step + 1}` : ''}: ${c.stageKey}/${c.limitKey}${last.notify ? ` → ${last.notify.join(', ')}` : ''}${last.action ? `; ${last.action}` : ''}`,
    },
    at,
  });
  await runClockAutomations(trx, c, last.kind, at);
}

/** PostgreSQL: deadlock detected, or a serialization failure. */
function isPgConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
