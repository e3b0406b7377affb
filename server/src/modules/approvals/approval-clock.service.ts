import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { type ApprovalState, pendingApprovers } from '../../domain/approval/approval-flow';
import { localTime } from '../../domain/notifications/sla-messages';
import { addDuration } from '../../domain/sop/clocks';
import { isUniqueViolation } from '../../shared/db-errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { notify } from '../notifications/notification.service';
import { tenantCalendar } from '../sop/clock.service';
import { SUBJECT_NAMES } from './subject-names';

// Time limits of approval steps (审批时限): when a step becomes pending, a clock starts for the
// level's `timeLimitHours` in working hours of the tenant's calendar (the SOP engine's clock
// arithmetic); deciding the step stops it. The sweep breaches a clock that ran out and tells the
// approvers still to decide and their managers — once, whoever runs the sweep and however often.

export type ApprovalClockRow = Selectable<DB['approvalClocks']>;

interface ApprovalRef {
  id: string;
  tenantId: string;
  subject: string;
}

/**
 * Stops the clocks of steps no longer pending and starts the one of the step now pending, for
 * `timeLimitHours` of its level (the matrix in force when the step starts).
 */
export async function syncApprovalClocks(
  trx: Kysely<DB>,
  request: ApprovalRef,
  state: ApprovalState,
  at: string,
  timeLimitHours: (levelKey: string) => number | undefined,
) {
  const step = state.status === 'pending' ? state.steps[state.current] : undefined;
  const notCurrent = <QB extends { where: (...a: any[]) => any }>(qb: QB): QB =>
    step
      ? qb.where((eb: any) =>
          eb.not(eb.and([eb('stepIndex', '=', state.current), eb('round', '=', step.round)])),
        )
      : qb;
  // Decided in time: met. Already breached: it stays breached, with the time it was decided.
  await notCurrent(
    trx
      .updateTable('approvalClocks')
      .set({ status: 'met', stoppedAt: at })
      .where('approvalId', '=', request.id)
      .where('status', '=', 'running'),
  ).execute();
  await notCurrent(
    trx
      .updateTable('approvalClocks')
      .set({ stoppedAt: at })
      .where('approvalId', '=', request.id)
      .where('status', '=', 'breached')
      .where('stoppedAt', 'is', null),
  ).execute();
  if (!step) return;

  const hours = timeLimitHours(step.levelKey);
  if (!hours) return;
  const existing = await trx
    .selectFrom('approvalClocks')
    .select('id')
    .where('approvalId', '=', request.id)
    .where('stepIndex', '=', state.current)
    .where('round', '=', step.round)
    .executeTakeFirst();
  if (existing) return;
  const cal = await tenantCalendar(trx, request.tenantId);
  const dueAt = addDuration(cal, new Date(at), { value: hours, unit: 'working_hours' });
  try {
    await trx
      .insertInto('approvalClocks')
      .values({
        id: newId('apc'),
        tenantId: request.tenantId,
        approvalId: request.id,
        stepIndex: state.current,
        round: step.round,
        levelKey: step.levelKey,
        timeLimitHours: hours,
        startedAt: at,
        dueAt: dueAt.toISOString(),
        status: 'running',
        breachedAt: null,
        stoppedAt: null,
      })
      .execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

export function toApprovalClockDto(c: ApprovalClockRow) {
  return {
    id: c.id,
    stepIndex: c.stepIndex,
    round: c.round,
    levelKey: c.levelKey,
    timeLimitHours: c.timeLimitHours,
    startedAt: c.startedAt,
    dueAt: c.dueAt,
    status: c.status,
    breachedAt: c.breachedAt,
    stoppedAt: c.stoppedAt,
  };
}

/** The clocks of a request, oldest first (the caller checks the request is visible). */
export async function listApprovalClocks(db: Kysely<DB>, tenantId: string, approvalId: string) {
  const rows = await db
    .selectFrom('approvalClocks')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('approvalId', '=', approvalId)
    .orderBy('startedAt')
    .orderBy('stepIndex')
    .execute();
  return { items: rows.map(toApprovalClockDto) };
}

export interface ApprovalClockEvent {
  clockId: string;
  approvalId: string;
  kind: 'breach' | 'cancelled';
  recipients: string[];
}

const SUBJECT_TABLES: Record<string, 'quotes' | 'contracts'> = { quote: 'quotes', contract: 'contracts' };

/** Active delegates of the given approvers on a day: they decide for them, so they are told too. */
async function delegatesOf(trx: Kysely<DB>, tenantId: string, userIds: string[], day: string) {
  if (!userIds.length) return [];
  const rows = await trx
    .selectFrom('approvalDelegations')
    .select('delegateId')
    .where('tenantId', '=', tenantId)
    .where('userId', 'in', userIds)
    .where('startsOn', '<=', day)
    .where('endsOn', '>=', day)
    .execute();
  return rows.map((r) => r.delegateId);
}

/**
 * Breaches the running clocks due by `now`. Each breach is a conditional update from running, in
 * the transaction that writes its notifications and audit event, so it happens exactly once.
 */
export async function sweepApprovalClocks(
  database: Database,
  now = new Date(),
  limit = 500,
): Promise<ApprovalClockEvent[]> {
  const at = now.toISOString();
  const due = await database.db
    .selectFrom('approvalClocks')
    .selectAll()
    .where('status', '=', 'running')
    .where('dueAt', '<=', at)
    .orderBy('dueAt')
    .limit(limit)
    .execute();
  const events: ApprovalClockEvent[] = [];
  for (const c of due) {
    try {
      const event = await database.db.transaction().execute((trx) => breachClock(trx, c, at));
      if (event) events.push(event);
    } catch (err) {
      // Another process holds SQLite's write lock: it does this step, or the next sweep does.
      const code = (err as { code?: unknown } | null)?.code;
      if (!(typeof code === 'string' && code.startsWith('SQLITE_BUSY'))) throw err;
    }
  }
  return events;
}

async function breachClock(
  trx: Kysely<DB>,
  c: ApprovalClockRow,
  at: string,
): Promise<ApprovalClockEvent | undefined> {
  const request = await trx
    .selectFrom('approvalRequests')
    .select(['id', 'tenantId', 'subject', 'subjectId', 'status', 'state'])
    .where('id', '=', c.approvalId)
    .executeTakeFirst();
  const state = request ? (JSON.parse(request.state) as ApprovalState) : undefined;
  const step = state?.status === 'pending' ? state.steps[state.current] : undefined;
  const transition = (set: { status: string; breachedAt?: string; stoppedAt?: string }) =>
    trx
      .updateTable('approvalClocks')
      .set(set)
      .where('id', '=', c.id)
      .where('status', '=', 'running')
      .executeTakeFirst()
      .then((r) => Number(r.numUpdatedRows) === 1);
  // A clock left running for a step that has moved on (should not happen) is closed quietly.
  if (!request || !state || !step || state.current !== c.stepIndex || step.round !== c.round) {
    if (await transition({ status: 'cancelled', stoppedAt: at }))
      return { clockId: c.id, approvalId: c.approvalId, kind: 'cancelled', recipients: [] };
    return undefined;
  }
  if (!(await transition({ status: 'breached', breachedAt: at }))) return undefined;

  const approvers = pendingApprovers(state);
  const delegates = await delegatesOf(trx, c.tenantId, approvers, at.slice(0, 10));
  const table = SUBJECT_TABLES[request.subject];
  const subjectRow = table
    ? await trx
        .selectFrom(table)
        .select('number')
        .where('tenantId', '=', c.tenantId)
        .where('id', '=', request.subjectId)
        .executeTakeFirst()
    : undefined;
  const cal = await tenantCalendar(trx, c.tenantId);
  const names = SUBJECT_NAMES[request.subject] ?? { 'zh-CN': request.subject, 'en-US': request.subject };
  const label = subjectRow?.number ?? request.subjectId;
  const dueLocal = localTime(c.dueAt, cal.timeZone);
  const { recipients } = await notify(trx, {
    tenantId: c.tenantId,
    to: { userIds: [...approvers, ...delegates], managersOf: approvers },
    kind: 'approval_overdue',
    title: {
      'zh-CN': `审批超时：${names['zh-CN']} ${label}`,
      'en-US': `Approval overdue: ${names['en-US']} ${label}`,
    },
    body: {
      'zh-CN': `${names['zh-CN']} ${label} 的审批步骤已超过 ${c.timeLimitHours} 个工作小时的时限（应于 ${dueLocal} 前处理），请尽快审批。`,
      'en-US': `The approval step for ${names['en-US']} ${label} passed its ${c.timeLimitHours} working-hour limit (due ${dueLocal}); please decide.`,
    },
    recordType: request.subject,
    recordId: request.subjectId,
  });
  await appendAuditEvent(trx, {
    tenantId: c.tenantId,
    actorId: null,
    entity: 'approval',
    entityId: c.approvalId,
    action: 'update',
    changes: {
      note: `approval time limit breached: step ${c.stepIndex + 1} (${c.levelKey}), ${c.timeLimitHours}h → ${recipients.join(', ')}`,
    },
    at,
  });
  return { clockId: c.id, approvalId: c.approvalId, kind: 'breach', recipients };
}
