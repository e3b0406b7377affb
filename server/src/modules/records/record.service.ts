import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import { assertWritable, canWrite } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { assertUnderCustomerCap, countsAsCustomer } from '../assignment/customer-cap';
import { appendAuditEvent, diffRows, findAuditEventsForRecord } from '../audit/audit.repository';
import { runAutomations } from '../automation/automation.hooks';
import {
  claimIdempotencyKey,
  findIdempotentResponse,
  storeIdempotentResponse,
} from './idempotency.repository';
import {
  findInTenantById,
  findOwnerNames,
  findVisibleById,
  insertRow,
  type ListParams,
  listVisible,
  updateIfVersion,
} from './record.repository';
import { AUDIT_IGNORED, type HookContext, type RecordDefinition, type Row } from './record-definition';

export interface Versioned<T> {
  dto: T;
  version: number;
}

export interface IdempotencyInput {
  key: string;
  fingerprint: string;
}

function nowIso(): string {
  return new Date().toISOString();
}

export async function getRecordOrThrow<T>(
  db: Kysely<DB>,
  def: RecordDefinition<T>,
  actor: Actor,
  id: string,
): Promise<Versioned<T>> {
  const row = await findVisibleById(db, def, actor, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: def.entity } });
  return { dto: def.toDto(row, actor), version: row.version };
}

export async function listRecords<T>(
  db: Kysely<DB>,
  def: RecordDefinition<T>,
  actor: Actor,
  params: ListParams,
) {
  const page = await listVisible(db, def, actor, params);
  const ownerNames = def.owned
    ? await findOwnerNames(db, actor.tenantId, page.rows.map((r) => r.ownerId ?? '').filter(Boolean))
    : new Map<string, string>();
  const items = page.rows.map((row) => {
    const dto = def.toDto(row, actor) as T & Record<string, unknown>;
    return def.owned
      ? { ...dto, ownerName: row.ownerId ? (ownerNames.get(row.ownerId) ?? null) : null }
      : dto;
  });
  return { items, nextCursor: page.nextCursor, total: page.total };
}

/** Every foreign key in the input must name a live record in the tenant that the actor can see. */
async function checkReferences(def: RecordDefinition, values: Record<string, unknown>, ctx: HookContext) {
  for (const ref of def.references) {
    const value = values[ref.field];
    const ids = Array.isArray(value) ? value : [value];
    for (const [i, id] of ids.entries()) {
      if (typeof id !== 'string') continue;
      const field = Array.isArray(value) ? `${ref.field}.${i}` : ref.field;
      const refDef = { table: ref.table, scope: ref.scope } as RecordDefinition;
      const row = await findVisibleById(ctx.trx, refDef, ctx.actor, id);
      if (!row) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { entity: ref.entity, field } });
    }
  }
}

async function checkOwner(
  def: RecordDefinition,
  ownerId: string | null,
  ctx: HookContext,
  field = 'ownerId',
) {
  if (ownerId === null) return;
  const user = await ctx.trx
    .selectFrom('users')
    .select(['id', 'status'])
    .where('tenantId', '=', ctx.actor.tenantId)
    .where('id', '=', ownerId)
    .executeTakeFirst();
  if (user?.status !== 'active') {
    throw new AppError('REFERENCE_NOT_FOUND', { field, params: { entity: 'user', field } });
  }
  if (!canWrite(ctx.actor, ownerId, def.scope)) throw new AppError('FORBIDDEN', { field });
}

function assertCanCreate(def: RecordDefinition, actor: Actor) {
  const policy = ROLE_POLICIES[actor.role];
  if (def.owned ? policy.write === 'none' : !policy.administers) throw new AppError('FORBIDDEN');
}

export async function createRecord<T>(
  database: Database,
  def: RecordDefinition<T>,
  actor: Actor,
  input: Record<string, unknown>,
  opts: { idempotency?: IdempotencyInput; allowDuplicate?: boolean } = {},
): Promise<Versioned<T> & { replayed: boolean }> {
  assertCanCreate(def, actor);
  const { idempotency } = opts;
  if (idempotency) {
    const stored = await findIdempotentResponse(database.db, actor.tenantId, actor.userId, idempotency.key);
    if (stored) return replay(stored, idempotency);
  }
  try {
    return await database.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const ctx: HookContext = { actor, now, trx };
      const claim = idempotency && { tenantId: actor.tenantId, userId: actor.userId, key: idempotency.key };
      if (claim) await claimIdempotencyKey(trx, { ...claim, fingerprint: idempotency.fingerprint, at: now });
      const row = await insertRecord(ctx, def, input, opts);
      const dto = def.toDto(row, actor);
      if (claim) await storeIdempotentResponse(trx, claim, 201, { dto, version: 1 });
      return { dto, version: 1, replayed: false };
    });
  } catch (err) {
    if (idempotency && isUniqueViolation(err)) {
      // A concurrent request with the same key committed first: answer as it was answered.
      const stored = await findIdempotentResponse(database.db, actor.tenantId, actor.userId, idempotency.key);
      if (stored) return replay(stored, idempotency);
    }
    throw mapUnique(def, err);
  }
}

/**
 * Creates one record inside the caller's transaction: references, owner, duplicate check,
 * derived columns, audit event and the area's after-create rules. Flows that create several
 * records at once (lead conversion) call this for each.
 */
export async function insertRecord(
  ctx: HookContext,
  def: RecordDefinition,
  input: Record<string, unknown>,
  opts: { allowDuplicate?: boolean } = {},
): Promise<Row> {
  const { actor, now, trx } = ctx;
  assertCanCreate(def, actor);
  await checkReferences(def, input, ctx);
  const columns = def.encode(input);
  if (def.owned) {
    const ownerId =
      'ownerId' in input
        ? (input.ownerId as string | null)
        : ((await def.defaultOwner?.(input, ctx)) ?? actor.userId);
    await checkOwner(def, ownerId, ctx);
    columns.ownerId = ownerId;
  }
  const id = newId(def.idPrefix);
  const base = {
    id,
    tenantId: actor.tenantId,
    version: 1,
    createdAt: now,
    updatedAt: now,
    createdBy: actor.userId,
    deletedAt: null,
  };
  const merged = { ...base, ...columns };
  if (def.checkDuplicates && !opts.allowDuplicate) await def.checkDuplicates(merged, ctx);
  await insertRow(trx, def.table, { ...merged, ...def.derive(merged, ctx) });
  // Read it back: the stored row has every column (nulls and defaults), as later reads will.
  const row = (await findInTenantById(trx, def.table, actor.tenantId, id))!;
  await appendAuditEvent(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    entity: def.entity,
    entityId: id,
    action: 'create',
    changes: { after: stripIgnored(row) },
    at: now,
  });
  await def.afterCreate?.(row, ctx);
  await runAutomations(trx, {
    tenantId: actor.tenantId,
    event: 'record.created',
    recordType: def.entity,
    recordId: id,
    record: row,
  });
  return row;
}

function replay<T>(stored: { fingerprint: string; response: string }, idempotency: IdempotencyInput) {
  if (stored.fingerprint !== idempotency.fingerprint) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', { field: 'Idempotency-Key' });
  }
  const body = JSON.parse(stored.response) as Versioned<T>;
  return { ...body, replayed: true };
}

function mapUnique(def: RecordDefinition, err: unknown): unknown {
  if (!isUniqueViolation(err)) return err;
  const field = def.entity === 'product' ? 'sku' : undefined;
  return new AppError('ALREADY_EXISTS', { field, params: { field: field ?? 'id' }, cause: err });
}

function stripIgnored(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k, v]) => !AUDIT_IGNORED.has(k) && v !== null));
}

/** Loads the record for a write, or answers 404 / 403 / 412 / 428 as the case may be. */
async function loadForWrite(
  trx: Kysely<DB>,
  def: RecordDefinition,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  opts: { includeDeleted?: boolean } = {},
): Promise<Row> {
  const row = await findVisibleById(trx, def, actor, id, opts);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: def.entity } });
  assertWritable(actor, def.entity, def.owned ? (row.ownerId ?? null) : null, def.scope);
  if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
  if (row.version !== expectedVersion) throw staleError(def, row, actor);
  return row;
}

function staleError(def: RecordDefinition, row: Row, actor: Actor): AppError {
  return new AppError('VERSION_MISMATCH', {
    field: 'If-Match',
    details: { current: def.toDto(row, actor), version: row.version },
  });
}

async function writeVersioned(
  trx: Kysely<DB>,
  def: RecordDefinition,
  actor: Actor,
  existing: Row,
  patch: Record<string, unknown>,
  action: 'update' | 'delete' | 'restore' | 'transfer',
  now: string,
  note?: string,
): Promise<Row> {
  const ok = await updateIfVersion(trx, def.table, actor.tenantId, existing.id, existing.version, {
    ...patch,
    updatedAt: now,
  });
  if (!ok) {
    // Another writer got in between our read and our write.
    const current = await findInTenantById(trx, def.table, actor.tenantId, existing.id);
    throw current
      ? staleError(def, current, actor)
      : new AppError('RECORD_NOT_FOUND', { params: { entity: def.entity } });
  }
  const after = { ...existing, ...patch, updatedAt: now, version: existing.version + 1 } as Row;
  const diff = diffRows(existing, after, AUDIT_IGNORED) ?? { before: {}, after: {} };
  await appendAuditEvent(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    entity: def.entity,
    entityId: existing.id,
    action,
    changes: note ? { ...diff, note } : diff,
    at: now,
  });
  return after;
}

export async function updateRecord<T>(
  database: Database,
  def: RecordDefinition<T>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  patch: Record<string, unknown>,
  opts: {
    allowDuplicate?: boolean;
    afterWrite?: (trx: Kysely<DB>, before: Row, after: Row) => Promise<void>;
  } = {},
): Promise<Versioned<T>> {
  try {
    return await database.db.transaction().execute(async (trx) => {
      const after = await updateRecordIn(
        { actor, now: nowIso(), trx },
        def,
        id,
        expectedVersion,
        patch,
        opts,
      );
      return { dto: def.toDto(after, actor), version: after.version };
    });
  } catch (err) {
    throw mapUnique(def, err);
  }
}

/** An update inside the caller's transaction (automation writes through it); returns the new row. */
export async function updateRecordIn(
  ctx: HookContext,
  def: RecordDefinition,
  id: string,
  expectedVersion: number | undefined,
  patch: Record<string, unknown>,
  opts: {
    allowDuplicate?: boolean;
    afterWrite?: (trx: Kysely<DB>, before: Row, after: Row) => Promise<void>;
  } = {},
): Promise<Row> {
  const { actor, now, trx } = ctx;
  const existing = await loadForWrite(trx, def, actor, id, expectedVersion);
  await checkReferences(def, patch, ctx);
  const columns = def.encode(patch);
  const merged = { ...existing, ...columns };
  def.validateUpdate?.(merged, existing, ctx);
  if (def.checkDuplicates && !opts.allowDuplicate)
    await def.checkDuplicates(merged, { ...ctx, selfId: id, existing });
  const full = { ...columns, ...def.derive(merged, { ...ctx, existing }) };
  const after = await writeVersioned(trx, def, actor, existing, full, 'update', now);
  await opts.afterWrite?.(trx, existing, after);
  await def.afterUpdate?.(after, existing, ctx);
  await runAutomations(trx, {
    tenantId: actor.tenantId,
    event: 'record.updated',
    recordType: def.entity,
    recordId: id,
    record: after,
    previous: existing,
  });
  return after;
}

/** Soft delete: the record leaves every list and read, and can be restored (undo). */
export async function deleteRecord<T>(
  database: Database,
  def: RecordDefinition<T>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<Versioned<T>> {
  return database.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const existing = await loadForWrite(trx, def, actor, id, expectedVersion);
    const after = await writeVersioned(trx, def, actor, existing, { deletedAt: now }, 'delete', now);
    return { dto: def.toDto(after, actor), version: after.version };
  });
}

export async function restoreRecord<T>(
  database: Database,
  def: RecordDefinition<T>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<Versioned<T>> {
  return database.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const existing = await loadForWrite(trx, def, actor, id, expectedVersion, { includeDeleted: true });
    if (!existing.deletedAt) throw new AppError('INVALID_STATE', { params: { reason: 'not deleted' } });
    const after = await writeVersioned(trx, def, actor, existing, { deletedAt: null }, 'restore', now);
    return { dto: def.toDto(after, actor), version: after.version };
  });
}

/** Owner transfer (转移): kept as its own history besides the audit trail. */
export async function transferRecord<T>(
  database: Database,
  def: RecordDefinition<T>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  input: { toOwnerId: string | null; reason?: string },
): Promise<Versioned<T>> {
  if (!def.owned) throw new AppError('INVALID_STATE', { params: { reason: 'not owned' } });
  return database.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const ctx: HookContext = { actor, now, trx };
    const existing = await loadForWrite(trx, def, actor, id, expectedVersion);
    if (!ROLE_POLICIES[actor.role].transfers) throw new AppError('FORBIDDEN');
    if (input.toOwnerId === null && !def.scope.poolReadable) {
      throw new AppError('VALIDATION_FAILED', {
        field: 'toOwnerId',
        issues: [{ field: 'toOwnerId', code: 'required' }],
      });
    }
    await checkOwner(def, input.toOwnerId, ctx, 'toOwnerId');
    // An open lead or an account is one more customer for the new owner: within the cap.
    if (input.toOwnerId && input.toOwnerId !== existing.ownerId && countsAsCustomer(def.entity, existing))
      await assertUnderCustomerCap(trx, actor.tenantId, input.toOwnerId, 'toOwnerId');
    await trx
      .insertInto('ownerTransfers')
      .values({
        id: newId('otr'),
        tenantId: actor.tenantId,
        entity: def.entity,
        entityId: id,
        fromOwnerId: existing.ownerId ?? null,
        toOwnerId: input.toOwnerId,
        reason: input.reason ?? null,
        actorId: actor.userId,
        createdAt: now,
      })
      .execute();
    const after = await writeVersioned(
      trx,
      def,
      actor,
      existing,
      { ownerId: input.toOwnerId },
      'transfer',
      now,
      input.reason,
    );
    return { dto: def.toDto(after, actor), version: after.version };
  });
}

/** A page of a record's audit events (newest first, with the total) and its owner transfers. */
export async function recordHistory(
  db: Kysely<DB>,
  def: RecordDefinition,
  actor: Actor,
  id: string,
  page: { limit: number; offset: number } = { limit: 50, offset: 0 },
) {
  const row = await findVisibleById(db, def, actor, id, { includeDeleted: true });
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: def.entity } });
  const { events, total } = await findAuditEventsForRecord(db, actor.tenantId, def.entity, id, page);
  const transfers = await db
    .selectFrom('ownerTransfers')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('entity', '=', def.entity)
    .where('entityId', '=', id)
    .orderBy('createdAt', 'desc')
    .execute();
  return { events, total, hasMore: page.offset + events.length < total, transfers };
}
