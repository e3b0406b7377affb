import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../auth/actor';
import { assertWritable } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { accountDefinition } from '../accounts/account.definition';
import { appendAuditEvent, diffRows } from '../audit/audit.repository';
import { leadDefinition } from '../leads/lead.definition';
import { findVisibleById, updateIfVersion } from '../records/record.repository';
import { AUDIT_IGNORED, type RecordDefinition, type Row } from '../records/record-definition';

// Merging two duplicate customers (or leads): the winner keeps its id and takes, field by field,
// the loser's value where the caller chose it; the loser's contacts, deals, follow-ups and tasks
// move to the winner; the loser is soft-deleted and linked to the winner in record_merges. Both
// changes are audit events, so the history of either record stays readable.

const DEFS: Record<string, RecordDefinition> = { account: accountDefinition, lead: leadDefinition };

const CHILDREN: Record<
  string,
  Array<{ table: 'contacts' | 'deals' | 'activities' | 'tasks'; column: 'accountId' | 'leadId' }>
> = {
  account: [
    { table: 'contacts', column: 'accountId' },
    { table: 'deals', column: 'accountId' },
    { table: 'activities', column: 'accountId' },
    { table: 'tasks', column: 'accountId' },
  ],
  lead: [
    { table: 'activities', column: 'leadId' },
    { table: 'tasks', column: 'leadId' },
  ],
};

export const mergeInputSchema = z.strictObject({
  entity: z.enum(['account', 'lead']),
  winnerId: z.string().min(1).max(64),
  loserId: z.string().min(1).max(64),
  /** field → which record's value to keep; fields left out keep the winner's value */
  fields: z.record(z.string().max(64), z.enum(['winner', 'loser'])).default({}),
});
export type MergeInput = z.infer<typeof mergeInputSchema>;

export async function mergeRecords(database: Database, actor: Actor, input: MergeInput) {
  const def = DEFS[input.entity]!;
  if (input.winnerId === input.loserId) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'loserId',
      issues: [{ field: 'loserId', code: 'invalid_value', params: { allowed: 'another record' } }],
    });
  }
  const allowed = Object.keys(def.updateSchema.shape);
  const bad = Object.keys(input.fields).filter((f) => !allowed.includes(f));
  if (bad.length) {
    throw new AppError('VALIDATION_FAILED', {
      field: `fields.${bad[0]}`,
      issues: bad.map((f) => ({
        field: `fields.${f}`,
        code: 'invalid_value',
        params: { allowed: allowed.join(', ') },
      })),
    });
  }
  return database.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const load = async (id: string) => {
      const row = await findVisibleById(trx, def, actor, id);
      if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: def.entity } });
      assertWritable(actor, def.entity, row.ownerId ?? null, def.scope);
      return row;
    };
    const winner = await load(input.winnerId);
    const loser = await load(input.loserId);
    const patch: Record<string, unknown> = {};
    for (const [field, side] of Object.entries(input.fields))
      if (side === 'loser') patch[field] = loser[field] ?? null;
    const merged = { ...winner, ...patch };
    const derived = { ...patch, ...def.derive(merged, { actor, now, trx, existing: winner }) };
    await writeOrThrow(trx, def, actor, winner, derived, now, { mergedFrom: loser.id });
    const moved: Record<string, number> = {};
    for (const child of CHILDREN[input.entity] ?? []) {
      const r = await (trx as Kysely<any>)
        .updateTable(child.table)
        .set({ [child.column]: winner.id, updatedAt: now })
        .where('tenantId', '=', actor.tenantId)
        .where(child.column, '=', loser.id)
        .executeTakeFirst();
      moved[child.table] = Number(r.numUpdatedRows);
    }
    await writeOrThrow(trx, def, actor, loser, { deletedAt: now }, now, { mergedInto: winner.id }, 'delete');
    const merge = {
      id: newId('mrg'),
      tenantId: actor.tenantId,
      entity: def.entity,
      winnerId: winner.id,
      loserId: loser.id,
      choices: JSON.stringify(input.fields),
      moved: JSON.stringify(moved),
      actorId: actor.userId,
      createdAt: now,
    };
    await trx.insertInto('recordMerges').values(merge).execute();
    const after = await findVisibleById(trx, def, actor, winner.id);
    return { merge: { ...merge, choices: input.fields, moved }, winner: def.toDto(after as Row, actor) };
  });
}

async function writeOrThrow(
  trx: Kysely<DB>,
  def: RecordDefinition,
  actor: Actor,
  existing: Row,
  patch: Record<string, unknown>,
  now: string,
  note: Record<string, string>,
  action: 'update' | 'delete' = 'update',
) {
  const ok = await updateIfVersion(trx, def.table, actor.tenantId, existing.id, existing.version, {
    ...patch,
    updatedAt: now,
  });
  if (!ok) throw new AppError('VERSION_MISMATCH', { field: 'If-Match' });
  const diff = diffRows(existing, { ...existing, ...patch }, AUDIT_IGNORED) ?? { before: {}, after: {} };
  await appendAuditEvent(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    entity: def.entity,
    entityId: existing.id,
    action,
    changes: { ...diff, note: JSON.stringify(note) },
    at: now,
  });
}
