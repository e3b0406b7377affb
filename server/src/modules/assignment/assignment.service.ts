import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import { subtreeUnitIds } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { type Candidate, pickAssignee, type RuleConditions, ruleMatches } from '../../domain/assignment';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent, diffRows } from '../audit/audit.repository';
import { countHoldings, findActiveRepsInUnits, findActiveRules, findPolicy } from './assignment.repository';
import type { AssignmentRuleInput, SalesPolicyInput } from './assignment.schemas';
import { changeOwnerIf } from './pool-owner';

export interface SalesPolicy {
  leadRecycleDays: number | null;
  accountRecycleDays: number | null;
  claimQuotaPerDay: number | null;
  maxCustomersPerRep: number | null;
  autoRouteNewLeads: boolean;
  version: number;
}

export function assertManagesPolicy(actor: Actor): void {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
}

export async function getSalesPolicy(db: Kysely<DB>, tenantId: string): Promise<SalesPolicy> {
  const row = await findPolicy(db, tenantId);
  return {
    leadRecycleDays: row?.leadRecycleDays ?? null,
    accountRecycleDays: row?.accountRecycleDays ?? null,
    claimQuotaPerDay: row?.claimQuotaPerDay ?? null,
    maxCustomersPerRep: row?.maxCustomersPerRep ?? null,
    autoRouteNewLeads: row?.autoRouteNewLeads === 1,
    version: row?.version ?? 0,
  };
}

export async function saveSalesPolicy(
  database: Database,
  actor: Actor,
  input: SalesPolicyInput,
  expectedVersion: number | undefined,
): Promise<SalesPolicy> {
  assertManagesPolicy(actor);
  return database.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const current = await getSalesPolicy(trx, actor.tenantId);
    if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
    if (expectedVersion !== current.version)
      throw new AppError('VERSION_MISMATCH', { field: 'If-Match', details: { current } });
    const row = {
      leadRecycleDays: input.leadRecycleDays,
      accountRecycleDays: input.accountRecycleDays,
      claimQuotaPerDay: input.claimQuotaPerDay,
      maxCustomersPerRep: input.maxCustomersPerRep,
      autoRouteNewLeads: input.autoRouteNewLeads ? 1 : 0,
      version: current.version + 1,
      updatedAt: now,
    };
    if (current.version === 0) {
      await trx
        .insertInto('salesPolicies')
        .values({ tenantId: actor.tenantId, ...row })
        .execute();
    } else {
      await trx.updateTable('salesPolicies').set(row).where('tenantId', '=', actor.tenantId).execute();
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'salesPolicy',
      entityId: actor.tenantId,
      action: current.version === 0 ? 'create' : 'update',
      changes: diffRows({ ...current }, { ...input }, new Set(['version'])) ?? {},
      at: now,
    });
    return { ...input, version: row.version };
  });
}

type RuleRow = Awaited<ReturnType<typeof findActiveRules>>[number];

export function ruleToDto(r: RuleRow) {
  return {
    id: r.id,
    name: r.name,
    priority: r.priority,
    status: r.status,
    conditions: JSON.parse(r.conditions) as RuleConditions,
    targetUnitId: r.targetUnitId,
    targetUserIds: JSON.parse(r.targetUserIds) as string[],
    method: r.method,
    loadCap: r.loadCap,
    cursorUserId: r.cursorUserId,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

async function checkRuleTargets(db: Kysely<DB>, tenantId: string, input: Partial<AssignmentRuleInput>) {
  if (input.targetUnitId) {
    const unit = await db
      .selectFrom('orgUnits')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('id', '=', input.targetUnitId)
      .executeTakeFirst();
    if (!unit)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'targetUnitId',
        params: { entity: 'orgUnit', field: 'targetUnitId' },
      });
  }
  for (const [i, id] of (input.targetUserIds ?? []).entries()) {
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    const field = `targetUserIds.${i}`;
    if (!user) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { entity: 'user', field } });
  }
}

export async function createRule(database: Database, actor: Actor, input: AssignmentRuleInput) {
  assertManagesPolicy(actor);
  await checkRuleTargets(database.db, actor.tenantId, input);
  const now = new Date().toISOString();
  const row = {
    id: newId('rule'),
    tenantId: actor.tenantId,
    name: input.name,
    priority: input.priority,
    status: input.status,
    conditions: JSON.stringify(input.conditions),
    targetUnitId: input.targetUnitId ?? null,
    targetUserIds: JSON.stringify(input.targetUserIds),
    method: input.method,
    loadCap: input.loadCap ?? null,
    cursorUserId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await database.db.transaction().execute(async (trx) => {
    await trx.insertInto('assignmentRules').values(row).execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'assignmentRule',
      entityId: row.id,
      action: 'create',
      changes: { after: input },
      at: now,
    });
  });
  return ruleToDto(row);
}

export async function updateRule(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  input: Partial<AssignmentRuleInput>,
) {
  assertManagesPolicy(actor);
  await checkRuleTargets(database.db, actor.tenantId, input);
  return database.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('assignmentRules')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
    if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
    if (existing.version !== expectedVersion) {
      throw new AppError('VERSION_MISMATCH', {
        field: 'If-Match',
        details: { current: ruleToDto(existing) },
      });
    }
    const now = new Date().toISOString();
    const patch: Record<string, unknown> = { ...input, updatedAt: now, version: existing.version + 1 };
    if (input.conditions) patch.conditions = JSON.stringify(input.conditions);
    if (input.targetUserIds) patch.targetUserIds = JSON.stringify(input.targetUserIds);
    await trx.updateTable('assignmentRules').set(patch).where('id', '=', id).execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'assignmentRule',
      entityId: id,
      action: 'update',
      changes:
        diffRows(
          ruleToDto(existing),
          { ...ruleToDto(existing), ...input },
          new Set(['version', 'updatedAt']),
        ) ?? {},
      at: now,
    });
    const after = await trx
      .selectFrom('assignmentRules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return ruleToDto(after);
  });
}

export async function deleteRule(database: Database, actor: Actor, id: string) {
  assertManagesPolicy(actor);
  await database.db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom('assignmentRules')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1)
      throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'assignmentRule',
      entityId: id,
      action: 'delete',
      changes: {},
      at: new Date().toISOString(),
    });
  });
}

async function candidatesFor(trx: Kysely<DB>, tenantId: string, rule: RuleRow): Promise<Candidate[]> {
  const explicit = JSON.parse(rule.targetUserIds) as string[];
  let ids: string[];
  if (explicit.length) {
    const rows = await trx
      .selectFrom('users')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('id', 'in', explicit)
      .where('status', '=', 'active')
      .execute();
    ids = rows.map((r) => r.id);
  } else if (rule.targetUnitId) {
    const units = await trx
      .selectFrom('orgUnits')
      .select(['id', 'parentId'])
      .where('tenantId', '=', tenantId)
      .execute();
    const unitIds = [...subtreeUnitIds(units, [rule.targetUnitId])];
    ids = (await findActiveRepsInUnits(trx, tenantId, unitIds)).map((r) => r.id);
  } else {
    ids = [];
  }
  const holdings = await countHoldings(trx, tenantId, ids);
  return ids.map((userId) => {
    const h = holdings.get(userId)!;
    return { userId, openLeads: h.openLeads, customersHeld: h.openLeads + h.accounts };
  });
}

/**
 * Routes one pool lead by the first matching active rule (线索分配). Leaves it in the pool when
 * no rule matches or every rep is at a cap. Runs inside the caller's transaction.
 */
export async function routeLead(
  trx: Kysely<DB>,
  tenantId: string,
  lead: { id: string; grade: string | null; source: string; region: string | null; industry: string | null },
  actorId: string | null,
  now: string,
): Promise<{ userId: string; ruleId: string } | undefined> {
  const policy = await getSalesPolicy(trx, tenantId);
  for (const rule of await findActiveRules(trx, tenantId)) {
    if (!ruleMatches(JSON.parse(rule.conditions) as RuleConditions, lead)) continue;
    const candidates = await candidatesFor(trx, tenantId, rule);
    const userId = pickAssignee(candidates, {
      method: rule.method === 'least_loaded' ? 'least_loaded' : 'round_robin',
      cursor: rule.cursorUserId,
      loadCap: rule.loadCap,
      customerCap: policy.maxCustomersPerRep,
    });
    if (!userId) continue;
    const moved = await changeOwnerIf(trx, {
      tenantId,
      entity: 'lead',
      id: lead.id,
      expectedOwnerId: null,
      toOwnerId: userId,
      actorId,
      reason: `routed: ${rule.name}`,
      now,
    });
    if (!moved) return undefined;
    await trx
      .updateTable('assignmentRules')
      .set({ cursorUserId: userId })
      .where('id', '=', rule.id)
      .execute();
    return { userId, ruleId: rule.id };
  }
  return undefined;
}

/** Routes the given pool leads (or all of them) now; returns who got what and what stayed. */
export async function routePoolLeads(database: Database, actor: Actor, leadIds?: string[]) {
  if (!ROLE_POLICIES[actor.role].transfers) throw new AppError('FORBIDDEN');
  let q = database.db
    .selectFrom('leads')
    .select(['id', 'grade', 'source', 'region', 'industry'])
    .where('tenantId', '=', actor.tenantId)
    .where('ownerId', 'is', null)
    .where('deletedAt', 'is', null)
    .where('status', 'in', ['new', 'contacted', 'qualified'])
    .orderBy('createdAt')
    .limit(5000);
  if (leadIds) q = q.where('id', 'in', leadIds.length ? leadIds : ['-']);
  const leads = await q.execute();
  const assigned: Array<{ leadId: string; userId: string; ruleId: string }> = [];
  const unassigned: string[] = [];
  // One transaction per lead: the cursor and the caps see every earlier assignment.
  for (const lead of leads) {
    const r = await database.db
      .transaction()
      .execute((trx) => routeLead(trx, actor.tenantId, lead, actor.userId, new Date().toISOString()));
    if (r) assigned.push({ leadId: lead.id, ...r });
    else unassigned.push(lead.id);
  }
  return { assigned, unassigned };
}
