import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import { canRead } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import {
  type ApprovalState,
  decide,
  pendingApprovers,
  resubmit,
  startApproval,
} from '../../domain/approval/approval-flow';
import {
  type ApprovalFacts,
  type ApprovalLevel,
  type ApprovalMatrix,
  type ApprovalSubject,
  approvalMatrixSchema,
  pickApprovalChain,
} from '../../domain/approval/approval-matrix';
import { containsText } from '../../shared/contains-text';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { parseInput } from '../../shared/validation';
import { appendAuditEvent } from '../audit/audit.repository';
import { managerOf, notify } from '../notifications/notification.service';
import { syncApprovalClocks } from './approval-clock.service';
import { DEFAULT_MATRICES } from './default-matrices';
import { SUBJECT_NAMES } from './subject-names';

export type ApprovalRow = Selectable<DB['approvalRequests']>;

/** What the subject's area does when its request is decided (quote approved → quote approved). */
export type ApprovalOutcomeHandler = (
  trx: Kysely<DB>,
  request: ApprovalRow,
  outcome: 'approved' | 'rejected' | 'returned' | 'pending',
  actor: Actor,
) => Promise<void>;
export type ApprovalOutcomeHandlers = Partial<Record<ApprovalSubject, ApprovalOutcomeHandler>>;

export async function findMatrix(
  trx: Kysely<DB>,
  tenantId: string,
  subject: ApprovalSubject,
): Promise<{ matrix: ApprovalMatrix; version: number; custom: boolean }> {
  const row = await trx
    .selectFrom('approvalMatrices')
    .select(['definition', 'version'])
    .where('tenantId', '=', tenantId)
    .where('subject', '=', subject)
    .executeTakeFirst();
  if (row)
    return {
      matrix: approvalMatrixSchema.parse(JSON.parse(row.definition)),
      version: row.version,
      custom: true,
    };
  return { matrix: approvalMatrixSchema.parse(DEFAULT_MATRICES[subject]), version: 0, custom: false };
}

export async function saveMatrix(
  database: Database,
  actor: Actor,
  subject: ApprovalSubject,
  input: unknown,
  expectedVersion: number | undefined,
) {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
  const matrix = parseInput(approvalMatrixSchema, input);
  if (matrix.subject !== subject)
    throw new AppError('VALIDATION_FAILED', {
      field: 'subject',
      issues: [{ field: 'subject', code: 'invalid_value' }],
    });
  return database.db.transaction().execute(async (trx) => {
    const current = await findMatrix(trx, actor.tenantId, subject);
    if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED');
    if (expectedVersion !== current.version)
      throw new AppError('VERSION_MISMATCH', { details: { current: current.version } });
    const at = new Date().toISOString();
    if (current.custom) {
      await trx
        .updateTable('approvalMatrices')
        .set({
          definition: JSON.stringify(matrix),
          version: current.version + 1,
          updatedBy: actor.userId,
          updatedAt: at,
        })
        .where('tenantId', '=', actor.tenantId)
        .where('subject', '=', subject)
        .execute();
    } else {
      await trx
        .insertInto('approvalMatrices')
        .values({
          id: newId('apm'),
          tenantId: actor.tenantId,
          subject,
          definition: JSON.stringify(matrix),
          version: 1,
          updatedBy: actor.userId,
          updatedAt: at,
        })
        .execute();
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'approval_matrix',
      entityId: subject,
      action: 'update',
      changes: { before: current.matrix as never, after: matrix as never },
      at,
    });
    return { subject, matrix, version: current.version + 1 };
  });
}

async function resolveLevel(trx: Kysely<DB>, tenantId: string, requesterId: string, level: ApprovalLevel) {
  const users = new Set<string>();
  for (const a of level.approvers) {
    if (a.kind === 'requester_manager') {
      const m = await managerOf(trx, tenantId, requesterId);
      if (m) users.add(m);
    } else if (a.kind === 'role') {
      const rows = await trx
        .selectFrom('users')
        .select('id')
        .where('tenantId', '=', tenantId)
        .where('role', '=', a.role)
        .where('status', '=', 'active')
        .orderBy('id')
        .execute();
      for (const r of rows) users.add(r.id);
    } else {
      const u = await trx
        .selectFrom('users')
        .select('id')
        .where('tenantId', '=', tenantId)
        .where('id', '=', a.userId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (u) users.add(u.id);
    }
  }
  users.delete(requesterId);
  return [...users];
}

/**
 * Opens an approval request for a subject: the matrix picks the levels, each level is resolved
 * to people now (so a later org change does not move a request in flight). A level nobody can
 * approve is refused rather than skipped.
 */
export async function openApprovalRequest(
  trx: Kysely<DB>,
  actor: Actor,
  input: { subject: ApprovalSubject; subjectId: string; subjectVersion: number; facts: ApprovalFacts },
): Promise<ApprovalRow> {
  const { matrix } = await findMatrix(trx, actor.tenantId, input.subject);
  const levels = pickApprovalChain(matrix, input.facts);
  const chain = [];
  for (const level of levels) {
    const assignees = await resolveLevel(trx, actor.tenantId, actor.userId, level);
    if (!assignees.length)
      throw new AppError('APPROVAL_NO_APPROVER', { params: { level: level.name[actor.locale] } });
    chain.push({ levelKey: level.key, mode: level.mode, assignees });
  }
  const state = startApproval(actor.userId, chain);
  const at = new Date().toISOString();
  const row: ApprovalRow = {
    id: newId('apr'),
    tenantId: actor.tenantId,
    subject: input.subject,
    subjectId: input.subjectId,
    subjectVersion: input.subjectVersion,
    requesterId: actor.userId,
    status: state.status,
    state: JSON.stringify(state),
    facts: JSON.stringify(input.facts),
    pendingApprovers: listColumn(pendingApprovers(state)),
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await trx.insertInto('approvalRequests').values(row).execute();
  await syncApprovalClocks(trx, row, state, at, (key) => levels.find((l) => l.key === key)?.timeLimitHours);
  await notifyPending(trx, row, state);
  await appendAuditEvent(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    entity: 'approval',
    entityId: row.id,
    action: 'create',
    changes: {
      after: { subject: row.subject, subjectId: row.subjectId, levels: chain.map((c) => c.levelKey) },
    },
    at,
  });
  return row;
}

/** Tells the people whose turn it is (in-app and the tenant's channels). */
async function notifyPending(trx: Kysely<DB>, row: ApprovalRow, state: ApprovalState) {
  const userIds = pendingApprovers(state);
  if (!userIds.length) return;
  await notify(trx, {
    tenantId: row.tenantId,
    to: { userIds },
    kind: 'approval',
    title: {
      'zh-CN': `待审批：${SUBJECT_NAMES[row.subject]?.['zh-CN'] ?? row.subject}`,
      'en-US': `Approval needed: ${SUBJECT_NAMES[row.subject]?.['en-US'] ?? row.subject}`,
    },
    recordType: row.subject,
    recordId: row.subjectId,
  });
}

async function notifyRequester(trx: Kysely<DB>, row: ApprovalRow, status: string) {
  const zh: Record<string, string> = { approved: '已通过', rejected: '已驳回', returned: '已退回' };
  const en: Record<string, string> = { approved: 'approved', rejected: 'rejected', returned: 'returned' };
  if (!zh[status]) return;
  await notify(trx, {
    tenantId: row.tenantId,
    to: { userIds: [row.requesterId] },
    kind: 'approval',
    title: {
      'zh-CN': `${SUBJECT_NAMES[row.subject]?.['zh-CN'] ?? row.subject}审批${zh[status]}`,
      'en-US': `${SUBJECT_NAMES[row.subject]?.['en-US'] ?? row.subject} ${en[status]}`,
    },
    recordType: row.subject,
    recordId: row.subjectId,
  });
}

// ",u1,u2," so that "is u1 pending?" is one LIKE on both dialects.
const listColumn = (ids: string[]) => (ids.length ? `,${ids.join(',')},` : '');

async function activeDelegations(trx: Kysely<DB>, tenantId: string, today: string) {
  const rows = await trx
    .selectFrom('approvalDelegations')
    .select(['userId', 'delegateId'])
    .where('tenantId', '=', tenantId)
    .where('startsOn', '<=', today)
    .where('endsOn', '>=', today)
    .orderBy('createdAt')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.userId, r.delegateId])) as Record<string, string>;
}

function canSee(actor: Actor, row: ApprovalRow, delegations: Record<string, string>): boolean {
  if (actor.readableOwners === 'all' || row.requesterId === actor.userId) return true;
  const state = JSON.parse(row.state) as ApprovalState;
  const involved = new Set(state.steps.flatMap((s) => s.assignees));
  if (involved.has(actor.userId)) return true;
  if (Object.entries(delegations).some(([absent, d]) => d === actor.userId && involved.has(absent)))
    return true;
  return canRead(actor, row.requesterId);
}

export function toApprovalDto(row: ApprovalRow) {
  const state = JSON.parse(row.state) as ApprovalState;
  return {
    id: row.id,
    subject: row.subject,
    subjectId: row.subjectId,
    subjectVersion: row.subjectVersion,
    requesterId: row.requesterId,
    status: row.status,
    current: state.current,
    steps: state.steps,
    pendingApprovers: pendingApprovers(state),
    facts: JSON.parse(row.facts) as ApprovalFacts,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function getApprovalOrThrow(trx: Kysely<DB>, actor: Actor, id: string) {
  const row = await trx
    .selectFrom('approvalRequests')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  const delegations = await activeDelegations(trx, actor.tenantId, today());
  if (!row || !canSee(actor, row, delegations))
    throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'approval' } });
  return { row, delegations };
}

const today = () => new Date().toISOString().slice(0, 10);

export interface DecisionInput {
  decision: 'approve' | 'reject' | 'return' | 'resubmit';
  comment?: string | null;
  returnTo?: number;
}

/** Approve, reject, return (to an earlier step or the requester) or resubmit; one writer wins a race. */
export async function decideApproval(
  database: Database,
  actor: Actor,
  id: string,
  input: DecisionInput,
  handlers: ApprovalOutcomeHandlers,
) {
  return database.db.transaction().execute(async (trx) => {
    const { row, delegations } = await getApprovalOrThrow(trx, actor, id);
    const state = JSON.parse(row.state) as ApprovalState;
    const at = new Date().toISOString();
    const outcome =
      input.decision === 'resubmit'
        ? resubmit(state, actor.userId)
        : decide(state, {
            userId: actor.userId,
            decision: input.decision,
            comment: input.comment ?? null,
            returnTo: input.returnTo,
            at,
            delegations,
          });
    if (!outcome.ok) {
      const stepKey = state.steps[state.current]?.levelKey ?? '';
      throw new AppError(outcome.code, {
        field:
          outcome.code === 'APPROVAL_COMMENT_REQUIRED'
            ? 'comment'
            : outcome.code === 'APPROVAL_RETURN_TARGET'
              ? 'returnTo'
              : undefined,
        params: { step: stepKey },
      });
    }
    const next = outcome.state;
    const updated = await trx
      .updateTable('approvalRequests')
      .set({
        state: JSON.stringify(next),
        status: next.status,
        pendingApprovers: listColumn(pendingApprovers(next)),
        version: row.version + 1,
        updatedAt: at,
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('VERSION_MISMATCH');
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'approval',
      entityId: row.id,
      action: 'update',
      changes: {
        note: `${input.decision}${input.comment ? `: ${input.comment}` : ''}`,
        before: { status: row.status, step: state.current },
        after: { status: next.status, step: next.current },
      },
      at,
    });
    const fresh = {
      ...row,
      state: JSON.stringify(next),
      status: next.status,
      version: row.version + 1,
      updatedAt: at,
    };
    const { matrix } = await findMatrix(trx, row.tenantId, row.subject as ApprovalSubject);
    await syncApprovalClocks(
      trx,
      fresh,
      next,
      at,
      (key) => matrix.levels.find((l) => l.key === key)?.timeLimitHours,
    );
    // Tell the next approvers only when the request reached a new step, not on each 会签 vote.
    if (next.current !== state.current || next.status !== row.status) await notifyPending(trx, fresh, next);
    if (next.status !== row.status) {
      await notifyRequester(trx, fresh, next.status);
      await handlers[row.subject as ApprovalSubject]?.(trx, fresh, next.status as 'approved', actor);
    }
    return toApprovalDto(fresh);
  });
}

export async function listApprovals(
  db: Kysely<DB>,
  actor: Actor,
  q: {
    box: 'pending' | 'mine' | 'all';
    status?: string;
    subject?: string;
    subjectId?: string;
    q?: string;
    sort?: string;
    limit: number;
    offset: number;
  },
) {
  let query = db.selectFrom('approvalRequests').where('approvalRequests.tenantId', '=', actor.tenantId);
  if (q.box === 'pending') {
    const delegations = await activeDelegations(db, actor.tenantId, today());
    const forWhom = [
      actor.userId,
      ...Object.entries(delegations)
        .filter(([, d]) => d === actor.userId)
        .map(([a]) => a),
    ];
    query = query
      .where('status', '=', 'pending')
      .where((eb) => eb.or(forWhom.map((u) => eb('pendingApprovers', 'like', `%,${u},%`))));
  } else if (q.box === 'mine') {
    query = query.where('requesterId', '=', actor.userId);
  } else if (actor.readableOwners !== 'all') {
    const owners = [...actor.readableOwners, actor.userId];
    query = query.where('requesterId', 'in', owners);
  }
  if (q.status) query = query.where('status', '=', q.status);
  if (q.subject) query = query.where('subject', '=', q.subject);
  if (q.subjectId) query = query.where('subjectId', '=', q.subjectId);
  const term = q.q;
  if (term) {
    // The request is found by what it is about (number, title) or by who asked for it.
    const subjectIds = (table: 'quotes' | 'contracts') =>
      db
        .selectFrom(table)
        .select(`${table}.id`)
        .where(`${table}.tenantId`, '=', actor.tenantId)
        .where((eb) => eb.or([containsText(`${table}.number`, term), containsText(`${table}.title`, term)]));
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('subject', '=', 'quote'), eb('subjectId', 'in', subjectIds('quotes'))]),
        eb.and([eb('subject', '=', 'contract'), eb('subjectId', 'in', subjectIds('contracts'))]),
        eb(
          'requesterId',
          'in',
          db
            .selectFrom('users')
            .select('users.id')
            .where('users.tenantId', '=', actor.tenantId)
            .where(containsText('users.name', term)),
        ),
      ]),
    );
  }
  const { rows, total, hasMore } = await offsetPage<ApprovalRow>(query, {
    ...q,
    sort: q.sort ?? '-createdAt',
  });
  return { items: rows.map(toApprovalDto), total, hasMore };
}

export async function addDelegation(
  database: Database,
  actor: Actor,
  input: { userId?: string; delegateId: string; startsOn: string; endsOn: string },
) {
  const userId = input.userId ?? actor.userId;
  if (userId !== actor.userId && !ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
  if (input.endsOn < input.startsOn)
    throw new AppError('VALIDATION_FAILED', {
      field: 'endsOn',
      issues: [{ field: 'endsOn', code: 'before_from' }],
    });
  if (input.delegateId === userId)
    throw new AppError('VALIDATION_FAILED', {
      field: 'delegateId',
      issues: [{ field: 'delegateId', code: 'invalid_value' }],
    });
  return database.db.transaction().execute(async (trx) => {
    for (const [field, id] of [
      ['userId', userId],
      ['delegateId', input.delegateId],
    ] as const) {
      const u = await trx
        .selectFrom('users')
        .select('id')
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!u) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { field, entity: 'user' } });
    }
    const row = {
      id: newId('dlg'),
      tenantId: actor.tenantId,
      userId,
      delegateId: input.delegateId,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      createdBy: actor.userId,
      createdAt: new Date().toISOString(),
    };
    await trx.insertInto('approvalDelegations').values(row).execute();
    return row;
  });
}

export async function listDelegations(db: Kysely<DB>, actor: Actor) {
  let q = db.selectFrom('approvalDelegations').selectAll().where('tenantId', '=', actor.tenantId);
  if (!ROLE_POLICIES[actor.role].administers)
    q = q.where((eb) => eb.or([eb('userId', '=', actor.userId), eb('delegateId', '=', actor.userId)]));
  return { items: await q.orderBy('startsOn', 'desc').limit(200).execute() };
}

export async function removeDelegation(database: Database, actor: Actor, id: string) {
  const row = await database.db
    .selectFrom('approvalDelegations')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || (row.userId !== actor.userId && !ROLE_POLICIES[actor.role].administers))
    throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
  await database.db.deleteFrom('approvalDelegations').where('id', '=', id).execute();
}
