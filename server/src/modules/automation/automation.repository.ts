import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema';
import { containsText } from '../../shared/contains-text';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';

export type RuleRow = Selectable<DB['automationRules']>;

export function findActiveRules(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('automationRules')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'active')
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/** One page of the tenant's rules: search the name, filter by status and trigger, sort. */
export async function listRules(
  db: Kysely<DB>,
  tenantId: string,
  p: {
    q?: string;
    status?: string;
    event?: string;
    recordType?: string;
    sort: string;
    limit: number;
    offset: number;
  },
) {
  let q = db.selectFrom('automationRules').where('tenantId', '=', tenantId);
  if (p.q) q = q.where(containsText('automationRules.name', p.q));
  if (p.status) q = q.where('status', '=', p.status);
  // The trigger is stored as JSON written by JSON.stringify: `"event":"…"` without spaces.
  if (p.event) q = q.where('trigger', 'like', `%"event":"${p.event}"%`);
  if (p.recordType) q = q.where('trigger', 'like', `%"recordType":"${p.recordType}"%`);
  const { rows, total } = await offsetPage<Selectable<DB['automationRules']>>(q, p);
  return { rows, total };
}

export function findRuleById(db: Kysely<DB>, tenantId: string, id: string) {
  return db
    .selectFrom('automationRules')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateRuleIfVersion(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  version: number,
  set: {
    name: string;
    status: string;
    trigger: string;
    condition: string | null;
    actions: string;
    nextRunAt: string | null;
    updatedAt: string;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('automationRules')
    .set({ ...set, version: version + 1 })
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteRuleIfVersion(db: Kysely<DB>, tenantId: string, id: string, version: number) {
  const r = await db
    .deleteFrom('automationRules')
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Scheduled rules whose slot has come, across tenants (the schedule job). */
export function findDueScheduledRules(db: Kysely<DB>, now: string, limit: number) {
  return db
    .selectFrom('automationRules')
    .selectAll()
    .where('status', '=', 'active')
    .where('nextRunAt', 'is not', null)
    .where('nextRunAt', '<=', now)
    .orderBy('nextRunAt')
    .limit(limit)
    .execute();
}

/** Claims a slot: moves next_run_at on only if no other process did first. */
export async function claimScheduleSlot(db: Kysely<DB>, id: string, expected: string, next: string) {
  const r = await db
    .updateTable('automationRules')
    .set({ nextRunAt: next })
    .where('id', '=', id)
    .where('nextRunAt', '=', expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertRun(
  db: Kysely<DB>,
  run: {
    tenantId: string;
    ruleId: string;
    recordType: string | null;
    recordId: string | null;
    event: string;
    depth: number;
    status: 'done' | 'skipped' | 'failed' | 'loop_stopped';
    detail: unknown;
    at: string;
  },
): Promise<void> {
  await db
    .insertInto('automationRuns')
    .values({
      ...run,
      id: newId('arun'),
      detail: run.detail === undefined ? null : JSON.stringify(run.detail),
    })
    .execute();
}

/** The run log of one rule, newest first; ids sort by time, so the cursor is the last id. */
export function listRuns(
  db: Kysely<DB>,
  tenantId: string,
  ruleId: string,
  p: { limit: number; cursor?: string; status?: string; recordId?: string },
) {
  let q = db
    .selectFrom('automationRuns')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('ruleId', '=', ruleId);
  if (p.cursor) q = q.where('id', '<', p.cursor);
  if (p.status) q = q.where('status', '=', p.status);
  if (p.recordId) q = q.where('recordId', '=', p.recordId);
  return q
    .orderBy('id', 'desc')
    .limit(p.limit + 1)
    .execute();
}
