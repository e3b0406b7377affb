import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import type { Rule } from '../../domain/automation/rule';
import { nextScheduleSlot } from '../../domain/automation/schedule';
import { ruleIssues } from '../../domain/automation/validate-rule';
import { loadDefaultPlaybooks } from '../../domain/sop/default-playbooks';
import type { Playbook } from '../../domain/sop/playbook';
import { AppError, type FieldIssue } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { tenantCalendar } from '../sop/clock.service';
import { findPublishedPlaybook } from '../sop/sop-run.repository';
import { definitionOf, fieldsOf } from './automation.definitions';
import {
  deleteRuleIfVersion,
  findRuleById,
  listRules,
  listRuns,
  type RuleRow,
  updateRuleIfVersion,
} from './automation.repository';
import type { CreateRuleInput, ListRulesQuery, UpdateRuleInput } from './automation.schemas';

// Rules are written by admin and sales ops (销售运营) and read by managers too.
function assertEditor(actor: Actor) {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
}

export function assertReader(actor: Actor) {
  if (!ROLE_POLICIES[actor.role].administers && actor.role !== 'manager') throw new AppError('FORBIDDEN');
}

/** Webhook secrets are shown to those who edit rules only (managers read rules, not secrets). */
function forReader(dto: ReturnType<typeof ruleToDto>, actor: Actor) {
  if (ROLE_POLICIES[actor.role].administers) return dto;
  const actions = dto.actions.map((a) =>
    a.type === 'webhook' && a.secret ? { ...a, secret: '********' } : a,
  );
  return { ...dto, actions };
}

export function ruleToDto(row: RuleRow) {
  return {
    id: row.id,
    name: row.name,
    status: row.status as Rule['status'],
    trigger: JSON.parse(row.trigger) as Rule['trigger'],
    condition: row.condition,
    actions: JSON.parse(row.actions) as Rule['actions'],
    version: row.version,
    nextRunAt: row.nextRunAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function activeUserIds(db: Kysely<DB>, tenantId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The stage keys of the tenant's published playbook for a record type (the shipped default before first use). */
async function stageKeysOf(db: Kysely<DB>, tenantId: string, recordType: string): Promise<string[]> {
  const found = await findPublishedPlaybook(db, tenantId, recordType);
  const playbook = found
    ? (JSON.parse(found.definition) as Playbook)
    : loadDefaultPlaybooks().find((p) => p.process === recordType);
  return playbook?.stages.map((s) => s.key) ?? [];
}

/** Refuses an invalid rule whole, naming every problem with its path. */
async function assertValidRule(db: Kysely<DB>, tenantId: string, rule: Rule): Promise<void> {
  const issues: FieldIssue[] = ruleIssues(rule, fieldsOf);
  const def = definitionOf(rule.trigger.recordType);
  const users: Array<{ id: string; field: string }> = [];
  rule.actions.forEach((a, i) => {
    if (a.type === 'set_field' && !issues.some((x) => x.field === `actions.${i}.field`)) {
      const shape = def.updateSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      const schema = shape[a.field];
      if (!schema) issues.push({ field: `actions.${i}.field`, code: 'unknown_field' });
      else if (!schema.safeParse(a.value).success)
        issues.push({ field: `actions.${i}.value`, code: 'invalid_value' });
    }
    if (a.type === 'assign' && a.to !== 'routing')
      users.push({ id: a.to.userId, field: `actions.${i}.to.userId` });
    if (a.type === 'create_task' && a.assignee !== 'owner')
      users.push({ id: a.assignee.userId, field: `actions.${i}.assignee.userId` });
    if (a.type === 'notify') {
      for (const [j, id] of (a.to.userIds ?? []).entries()) {
        users.push({ id, field: `actions.${i}.to.userIds.${j}` });
      }
    }
  });
  const known = await activeUserIds(db, tenantId, [...new Set(users.map((u) => u.id))]);
  const stageKey = rule.trigger.stageKey;
  if (stageKey && !issues.some((x) => x.field === 'trigger.recordType')) {
    const stages = await stageKeysOf(db, tenantId, rule.trigger.recordType);
    if (!stages.includes(stageKey)) {
      issues.push({
        field: 'trigger.stageKey',
        code: 'invalid_value',
        params: { allowed: stages.join(', ') },
      });
    }
  }
  for (const u of users) if (!known.has(u.id)) issues.push({ field: u.field, code: 'invalid_value' });
  // details repeat the issues with their params: the CEL parser's message, the unknown name.
  if (issues.length) {
    throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues, details: { issues } });
  }
}

async function nextRunFor(db: Kysely<DB>, tenantId: string, rule: Rule, now: Date): Promise<string | null> {
  const schedule = rule.trigger.event === 'schedule' ? rule.trigger.schedule : undefined;
  if (!schedule || rule.status !== 'active') return null;
  return nextScheduleSlot(schedule, await tenantCalendar(db, tenantId), now).toISOString();
}

function columnsOf(rule: Rule) {
  return {
    name: rule.name,
    status: rule.status,
    trigger: JSON.stringify(rule.trigger),
    condition: rule.condition || null,
    actions: JSON.stringify(rule.actions),
  };
}

export async function createAutomationRule(database: Database, actor: Actor, input: CreateRuleInput) {
  assertEditor(actor);
  const { id: _id, version: _v, nextRunAt: _n, createdAt: _c, updatedAt: _u, ...rule } = input;
  await assertValidRule(database.db, actor.tenantId, rule);
  return database.db.transaction().execute(async (trx) => {
    const now = new Date();
    const at = now.toISOString();
    const row = {
      id: newId('arule'),
      tenantId: actor.tenantId,
      ...columnsOf(rule),
      version: 1,
      nextRunAt: await nextRunFor(trx, actor.tenantId, rule, now),
      createdAt: at,
      updatedAt: at,
    };
    await trx.insertInto('automationRules').values(row).execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'automationRule',
      entityId: row.id,
      action: 'create',
      changes: { after: { name: row.name, status: row.status, trigger: rule.trigger } },
      at,
    });
    return ruleToDto(row);
  });
}

export async function getRuleRowOrThrow(db: Kysely<DB>, actor: Actor, id: string): Promise<RuleRow> {
  const row = await findRuleById(db, actor.tenantId, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
  return row;
}

export async function listAutomationRules(database: Database, actor: Actor, query: ListRulesQuery) {
  assertReader(actor);
  const { rows, total } = await listRules(database.db, actor.tenantId, query);
  return {
    items: rows.map((r) => forReader(ruleToDto(r), actor)),
    total,
    hasMore: query.offset + rows.length < total,
  };
}

export async function getAutomationRule(database: Database, actor: Actor, id: string) {
  assertReader(actor);
  return forReader(ruleToDto(await getRuleRowOrThrow(database.db, actor, id)), actor);
}

function staleError(row: RuleRow) {
  return new AppError('VERSION_MISMATCH', {
    field: 'If-Match',
    details: { current: ruleToDto(row), version: row.version },
  });
}

export async function updateAutomationRule(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  patch: UpdateRuleInput,
) {
  assertEditor(actor);
  const existing = await getRuleRowOrThrow(database.db, actor, id);
  if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
  if (existing.version !== expectedVersion) throw staleError(existing);
  const current = ruleToDto(existing);
  const rule: Rule = {
    name: patch.name ?? current.name,
    status: patch.status ?? current.status,
    trigger: patch.trigger ?? current.trigger,
    condition: patch.condition !== undefined ? patch.condition : current.condition,
    actions: patch.actions ?? current.actions,
  };
  await assertValidRule(database.db, actor.tenantId, rule);
  return database.db.transaction().execute(async (trx) => {
    const now = new Date();
    const at = now.toISOString();
    // A schedule keeps its claimed slot unless the schedule itself or the status changed.
    const keepSlot =
      existing.nextRunAt &&
      rule.status === 'active' &&
      JSON.stringify(rule.trigger) === JSON.stringify(current.trigger);
    const set = {
      ...columnsOf(rule),
      nextRunAt: keepSlot ? existing.nextRunAt : await nextRunFor(trx, actor.tenantId, rule, now),
      updatedAt: at,
    };
    if (!(await updateRuleIfVersion(trx, actor.tenantId, id, expectedVersion, set))) {
      const again = await findRuleById(trx, actor.tenantId, id);
      throw again ? staleError(again) : new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'automationRule',
      entityId: id,
      action: 'update',
      changes: { before: columnsOf(current), after: columnsOf(rule) },
      at,
    });
    return ruleToDto({ ...existing, ...set, version: expectedVersion + 1 });
  });
}

export async function deleteAutomationRule(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
) {
  assertEditor(actor);
  const existing = await getRuleRowOrThrow(database.db, actor, id);
  if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
  if (existing.version !== expectedVersion) throw staleError(existing);
  await database.db.transaction().execute(async (trx) => {
    if (!(await deleteRuleIfVersion(trx, actor.tenantId, id, expectedVersion))) throw staleError(existing);
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'automationRule',
      entityId: id,
      action: 'delete',
      changes: { before: { name: existing.name } },
      at: new Date().toISOString(),
    });
  });
}

export async function listAutomationRuns(
  database: Database,
  actor: Actor,
  id: string,
  query: { limit: number; cursor?: string; status?: string; recordId?: string },
) {
  assertReader(actor);
  await getRuleRowOrThrow(database.db, actor, id);
  const rows = await listRuns(database.db, actor.tenantId, id, query);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as unknown) : null })),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}
