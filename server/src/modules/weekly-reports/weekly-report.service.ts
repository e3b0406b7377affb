import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import { canRead, canWrite } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { localToday, periodInstants } from '../../domain/kpi/periods';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { findBreaches, findTenantTimeZone } from '../kpi/kpi.repository';
import { kpiRecords } from '../kpi/kpi.service';
import { notify } from '../notifications/notification.service';
import { createDraft, publishVersion } from '../sop/playbook.service';
import { publishedPlaybook } from '../sop/run.service';
import { deadlineOf, isMonday, weekRange, weekStartOf } from './week';
import {
  findDeadline,
  findDeadlineSource,
  findReceiptsOfWeek,
  findReport,
  findReportsOfWeek,
  findReps,
} from './weekly-report.repository';
import type {
  CommentInput,
  ReportParams,
  SaveReportInput,
  SettingsInput,
  WeekQuery,
} from './weekly-report.schemas';

// Weekly reports (周报): the week's figures are generated for the rep from the KPI layer (new
// leads, follow-ups, stage moves, wins, breaches) and the receipts booked (回款); the rep adds
// next week's plan and the help needed and submits by the deadline; the manager comments. A
// report not submitted by the deadline is a breach (recorded once by the sweep).

const LIMIT = 500;

function mondayOrThrow(week: string, field = 'week') {
  if (!isMonday(week))
    throw new AppError('VALIDATION_FAILED', { field, issues: [{ field, code: 'invalid_value' }] });
  return week;
}

function notFound() {
  return new AppError('RECORD_NOT_FOUND', { params: { entity: 'weekly_report' } });
}

/** The generated sections of a rep's week, inside the caller's visibility. */
export async function generateSections(database: Database, actor: Actor, ownerId: string, weekStart: string) {
  const range = weekRange(weekStart);
  const q = { ...range, ownerId, limit: LIMIT };
  const leads = await kpiRecords(database, actor, 'leads', q);
  const followUps = await kpiRecords(database, actor, 'activities', q);
  const moves = await kpiRecords(database, actor, 'stage_conversion', q);
  const wins = await kpiRecords(database, actor, 'won_deals', q);
  const receipts = await findReceiptsOfWeek(database.db, actor, ownerId, range);
  const timeZone = await findTenantTimeZone(database.db, actor.tenantId);
  const w = periodInstants(range.from, range.to, timeZone);
  const breaches = [];
  for (const recordType of ['lead', 'deal']) {
    breaches.push(...(await findBreaches(database.db, actor, w, [ownerId], { recordType })));
  }
  breaches.sort((a, b) => a.breachedAt.localeCompare(b.breachedAt) || a.id.localeCompare(b.id));
  const item = (r: { id: string; name: string; at: string }) => ({ id: r.id, name: r.name, at: r.at });
  return {
    from: range.from,
    to: range.to,
    newLeads: { count: leads.total, items: leads.items.map(item) },
    followUps: { count: followUps.total, items: followUps.items.map(item) },
    stageMoves: {
      count: moves.total,
      items: moves.items.map((r) => ({ ...item(r), stage: r.stage ?? null })),
    },
    wins: {
      count: wins.total,
      amount: wins.items.reduce((s, r) => s + (r.amount ?? 0), 0),
      items: wins.items.map((r) => ({ ...item(r), amount: r.amount ?? 0 })),
    },
    payments: {
      count: receipts.length,
      amount: receipts.reduce((sum, r) => sum + r.amount, 0),
      items: receipts.map((r) => ({
        id: r.id,
        contractId: r.contractId,
        amount: r.amount,
        receivedOn: r.receivedOn,
      })),
    },
    breaches: {
      count: breaches.length,
      items: breaches.map((b) => ({
        id: b.id,
        recordId: b.recordId,
        stageKey: b.stageKey,
        limitKey: b.limitKey,
        breachedAt: b.breachedAt,
        explained: b.reason !== null,
      })),
    },
  };
}

type Row = NonNullable<Awaited<ReturnType<typeof findReport>>>;

function statusOf(row: Row | undefined) {
  if (!row) return 'not_started';
  return row.status === 'submitted' ? 'submitted' : 'draft';
}

function reportDto(ownerId: string, weekStart: string, dueAt: string, row: Row | undefined) {
  return {
    id: row?.id ?? null,
    ownerId,
    week: weekStart,
    status: statusOf(row),
    dueAt,
    submittedAt: row?.submittedAt ?? null,
    late: !!row?.submittedAt && row.submittedAt > dueAt,
    breached: !!row?.breachedAt,
    breachedAt: row?.breachedAt ?? null,
    plan: row?.plan ?? null,
    helpNeeded: row?.helpNeeded ?? null,
    managerComment: row?.managerComment ?? null,
    commentedBy: row?.commentedBy ?? null,
    commentedAt: row?.commentedAt ?? null,
    version: row?.version ?? 0,
  };
}

async function ownerOrThrow(database: Database, actor: Actor, ownerId: string) {
  const reps = await findReps(database.db, actor.tenantId);
  const rep = reps.find((r) => r.id === ownerId);
  if (!rep || !canRead(actor, ownerId)) throw notFound();
  return rep;
}

/** One rep's report of one week: the generated sections and what the rep and manager wrote. */
export async function getReport(database: Database, actor: Actor, params: ReportParams) {
  const week = mondayOrThrow(params.week);
  const rep = await ownerOrThrow(database, actor, params.ownerId);
  const timeZone = await findTenantTimeZone(database.db, actor.tenantId);
  const dueAt = deadlineOf(week, await findDeadline(database.db, actor.tenantId), timeZone);
  const row = await findReport(database.db, actor.tenantId, rep.id, week);
  const generated = await generateSections(database, actor, rep.id, week);
  return {
    ...reportDto(rep.id, week, dueAt, row),
    ownerName: rep.name,
    // Once submitted, the sections as they were at submission; live until then.
    generated: row?.summary ? JSON.parse(row.summary) : generated,
  };
}

/** The reports of a week for every rep the caller can see, missing ones included. */
export async function listReports(database: Database, actor: Actor, query: WeekQuery) {
  const timeZone = await findTenantTimeZone(database.db, actor.tenantId);
  const week = mondayOrThrow(query.week ?? weekStartOf(localToday(timeZone)));
  const dueAt = deadlineOf(week, await findDeadline(database.db, actor.tenantId), timeZone);
  const reps = (await findReps(database.db, actor.tenantId)).filter((r) => canRead(actor, r.id));
  const rows = new Map(
    (
      await findReportsOfWeek(
        database.db,
        actor.tenantId,
        week,
        reps.map((r) => r.id),
      )
    ).map((r) => [r.ownerId, r]),
  );
  const items = reps.map((r) => ({ ...reportDto(r.id, week, dueAt, rows.get(r.id)), ownerName: r.name }));
  return {
    week,
    dueAt,
    items,
    totals: {
      reps: items.length,
      submitted: items.filter((i) => i.status === 'submitted').length,
      breached: items.filter((i) => i.breached).length,
    },
  };
}

/** The rep writes their sections and, when `submit`, submits (with the generated figures frozen). */
export async function saveReport(
  database: Database,
  actor: Actor,
  params: ReportParams,
  input: SaveReportInput,
) {
  const week = mondayOrThrow(params.week);
  const rep = await ownerOrThrow(database, actor, params.ownerId);
  // Only the rep writes their own report; a manager comments instead.
  if (rep.id !== actor.userId) throw new AppError('FORBIDDEN');
  const timeZone = await findTenantTimeZone(database.db, actor.tenantId);
  const dueAt = deadlineOf(week, await findDeadline(database.db, actor.tenantId), timeZone);
  const now = new Date().toISOString();
  const summary = input.submit ? JSON.stringify(await generateSections(database, actor, rep.id, week)) : null;
  await database.db.transaction().execute(async (trx) => {
    const existing = await findReport(trx, actor.tenantId, rep.id, week);
    if (existing?.status === 'submitted')
      throw new AppError('INVALID_STATE', { params: { reason: 'submitted' } });
    const values = {
      plan: input.plan === undefined ? (existing?.plan ?? null) : input.plan,
      helpNeeded: input.helpNeeded === undefined ? (existing?.helpNeeded ?? null) : input.helpNeeded,
      status: input.submit ? 'submitted' : 'draft',
      summary,
      submittedAt: input.submit ? now : null,
      dueAt,
      updatedAt: now,
    };
    let id = existing?.id;
    if (existing) {
      const res = await trx
        .updateTable('weeklyReports')
        .set({ ...values, version: existing.version + 1 })
        .where('id', '=', existing.id)
        .where('version', '=', existing.version)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new AppError('VERSION_MISMATCH');
    } else {
      id = newId('wrp');
      await trx
        .insertInto('weeklyReports')
        .values({
          id,
          tenantId: actor.tenantId,
          ownerId: rep.id,
          weekStart: week,
          ...values,
          breachedAt: null,
          managerComment: null,
          commentedBy: null,
          commentedAt: null,
          createdAt: now,
        })
        .execute();
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'weekly_report',
      entityId: id!,
      action: existing ? 'update' : 'create',
      changes: { after: { week, status: values.status }, ...(input.submit ? { note: 'submitted' } : {}) },
      at: now,
    });
  });
  return getReport(database, actor, { ownerId: rep.id, week });
}

/** The manager's comment (点评) on a submitted report; the rep is told. */
export async function commentReport(
  database: Database,
  actor: Actor,
  params: ReportParams,
  input: CommentInput,
) {
  const week = mondayOrThrow(params.week);
  const rep = await ownerOrThrow(database, actor, params.ownerId);
  if (rep.id === actor.userId || !canWrite(actor, rep.id)) throw new AppError('FORBIDDEN');
  const row = await findReport(database.db, actor.tenantId, rep.id, week);
  if (row?.status !== 'submitted') throw new AppError('INVALID_STATE', { params: { reason: statusOf(row) } });
  const now = new Date().toISOString();
  await database.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('weeklyReports')
      .set({
        managerComment: input.comment,
        commentedBy: actor.userId,
        commentedAt: now,
        updatedAt: now,
        version: row.version + 1,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('VERSION_MISMATCH');
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'weekly_report',
      entityId: row.id,
      action: 'update',
      changes: {
        note: 'comment',
        before: { managerComment: row.managerComment },
        after: { managerComment: input.comment },
      },
      at: now,
    });
    await notify(trx, {
      tenantId: actor.tenantId,
      to: { userIds: [rep.id] },
      kind: 'weekly_report_comment',
      title: {
        'zh-CN': `${actor.name} 点评了您 ${week} 的周报`,
        'en-US': `${actor.name} commented on your weekly report of ${week}`,
      },
      body: { 'zh-CN': input.comment, 'en-US': input.comment },
      recordType: 'weekly_report',
      recordId: row.id,
    });
  });
  return getReport(database, actor, { ownerId: rep.id, week });
}

export async function getSettings(database: Database, actor: Actor) {
  const { deadline, playbook } = await findDeadlineSource(database.db, actor.tenantId);
  return { deadlineWeekday: deadline.weekday, deadlineTime: deadline.time, playbook };
}

/**
 * Sets the submission deadline (admin, sales ops). The deadline lives in the SOP, so a change is
 * a new published version of the deal playbook (open records stay on theirs), audited and
 * comparable like any other SOP change. Setting the deadline it already has changes nothing.
 */
export async function saveSettings(database: Database, actor: Actor, input: SettingsInput) {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
  const current = await database.db
    .transaction()
    .execute((trx) => publishedPlaybook(trx, actor.tenantId, 'deal'));
  const duty = current.playbook.weeklyReport;
  if (duty?.weekday === input.deadlineWeekday && duty.time === input.deadlineTime)
    return getSettings(database, actor);
  const draft = await createDraft(database, actor, current.playbookId, {
    definition: {
      ...current.playbook,
      weeklyReport: { weekday: input.deadlineWeekday, time: input.deadlineTime },
    },
    notes: `周报截止时间 weekly report deadline: ${input.deadlineWeekday} ${input.deadlineTime}`,
  });
  await publishVersion(database, actor, draft.id, { openRecords: 'stay' });
  return getSettings(database, actor);
}
