import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { assertWritable, canRead, type ScopeOptions } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { LOCKED } from '../contracts/contract.service';
import {
  type AttachmentRow,
  findAttachmentById,
  insertAttachment,
  listAttachmentsByRecord,
  markAttachmentDeleted,
} from './attachment.repository';
import type { AttachmentConfig, AttachmentStore } from './attachment.storage';
import { checkFile, cleanFileName } from './file-type';

/** Records a file can be attached to, and the table that says who owns them. */
export const ATTACHABLE_RECORDS = {
  account: { table: 'accounts', scope: { poolReadable: true } },
  contact: { table: 'contacts', scope: {} },
  lead: { table: 'leads', scope: { poolReadable: true } },
  deal: { table: 'deals', scope: {} },
  activity: { table: 'activities', scope: {} },
  task: { table: 'tasks', scope: {} },
  quote: { table: 'quotes', scope: {} },
  contract: { table: 'contracts', scope: {} },
  order: { table: 'orders', scope: {} },
} as const satisfies Record<string, { table: keyof DB; scope: ScopeOptions }>;
export type AttachableRecord = keyof typeof ATTACHABLE_RECORDS;
export const ATTACHABLE_RECORD_TYPES = Object.keys(ATTACHABLE_RECORDS) as [
  AttachableRecord,
  ...AttachableRecord[],
];

/** The record's owner, or 404 when it does not exist or is out of the actor's reach. */
async function recordOwner(db: Kysely<DB>, actor: Actor, recordType: AttachableRecord, recordId: string) {
  const def = ATTACHABLE_RECORDS[recordType];
  // Every attachable table has id, tenant_id, owner_id and deleted_at; 'deals' stands for them.
  const row = await db
    .selectFrom(def.table as 'deals')
    .select(['ownerId'])
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', recordId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row || !canRead(actor, row.ownerId, def.scope))
    throw new AppError('RECORD_NOT_FOUND', { params: { entity: recordType } });
  return { ownerId: row.ownerId, scope: def.scope };
}

/**
 * A signed or archived contract is read-only, its files included: nothing is added or removed
 * (CONTRACT_SIGNED). On PostgreSQL the contract row is locked, so a signing running at the same
 * time is waited for and counted.
 */
async function assertContractOpen(
  db: Kysely<DB>,
  dialect: Database['dialect'],
  tenantId: string,
  recordType: string,
  recordId: string,
) {
  if (recordType !== 'contract') return;
  let q = db
    .selectFrom('contracts')
    .select('status')
    .where('tenantId', '=', tenantId)
    .where('id', '=', recordId);
  if (dialect === 'postgres') q = q.forUpdate();
  const contract = await q.executeTakeFirst();
  if (contract && LOCKED.has(contract.status)) throw new AppError('CONTRACT_SIGNED');
}

/**
 * Files that are evidence stay: besides the files of a signed or archived contract, the scan of
 * any signed contract version (still in force while an amendment is drafted) answers
 * CONTRACT_SIGNED, and the document of a signed-for or accepted shipment SHIPMENT_ACCEPTED.
 */
async function assertRemovable(db: Kysely<DB>, dialect: Database['dialect'], row: AttachmentRow) {
  await assertContractOpen(db, dialect, row.tenantId, row.recordType, row.recordId);
  const [scan, acceptance] = await Promise.all([
    db
      .selectFrom('contractVersions')
      .select('id')
      .where('tenantId', '=', row.tenantId)
      .where('scanAttachmentId', '=', row.id)
      .where('signedOn', 'is not', null)
      .executeTakeFirst(),
    db
      .selectFrom('shipments')
      .select('id')
      .where('tenantId', '=', row.tenantId)
      .where('acceptanceAttachmentId', '=', row.id)
      .where('status', '=', 'accepted')
      .executeTakeFirst(),
  ]);
  if (scan) throw new AppError('CONTRACT_SIGNED');
  if (acceptance) throw new AppError('SHIPMENT_ACCEPTED');
}

export function toAttachmentDto(row: AttachmentRow) {
  return {
    id: row.id,
    recordType: row.recordType,
    recordId: row.recordId,
    fileName: row.fileName,
    contentType: row.contentType,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt,
  };
}

export interface UploadInput {
  fileName: string;
  recordType: AttachableRecord;
  recordId: string;
  content: Buffer;
}

/**
 * Stores a file and links it to a record the actor may change. The type comes from the bytes;
 * the bytes are written first and removed again if the database write fails, so no row ever
 * points at a missing file.
 */
export async function uploadAttachment(
  database: Database,
  config: AttachmentConfig,
  actor: Actor,
  input: UploadInput,
) {
  const { store, maxBytes } = config;
  if (input.content.length > maxBytes) throw tooLarge(maxBytes);
  if (input.content.length === 0)
    throw new AppError('VALIDATION_FAILED', { field: 'body', issues: [{ field: 'body', code: 'required' }] });
  const fileName = cleanFileName(input.fileName);
  if (!fileName)
    throw new AppError('VALIDATION_FAILED', {
      field: 'fileName',
      issues: [{ field: 'fileName', code: 'required' }],
    });
  const owner = await recordOwner(database.db, actor, input.recordType, input.recordId);
  assertWritable(actor, input.recordType, owner.ownerId, owner.scope);
  await assertContractOpen(database.db, database.dialect, actor.tenantId, input.recordType, input.recordId);

  const check = checkFile(fileName, input.content);
  if (!check.ok) {
    if (check.code === 'not_allowed')
      throw new AppError('ATTACHMENT_TYPE_NOT_ALLOWED', {
        field: 'fileName',
        params: { detail: check.reason },
      });
    throw new AppError('ATTACHMENT_TYPE_MISMATCH', {
      field: 'fileName',
      params: { detected: check.detected, extension: check.extension },
    });
  }

  if (config.scanner) {
    const verdict = await config.scanner.scan(input.content).catch((err: unknown) => {
      throw new AppError('ATTACHMENT_SCAN_FAILED', { cause: err });
    });
    if (!verdict.clean)
      throw new AppError('ATTACHMENT_INFECTED', { field: 'body', params: { signature: verdict.signature } });
  }

  const id = newId('att');
  const storageKey = `${actor.tenantId}/${id}`;
  const at = new Date().toISOString();
  const row: AttachmentRow = {
    id,
    tenantId: actor.tenantId,
    recordType: input.recordType,
    recordId: input.recordId,
    fileName,
    contentType: check.contentType,
    sizeBytes: input.content.length,
    sha256: createHash('sha256').update(input.content).digest('hex'),
    storage: store.kind,
    storageKey,
    uploadedBy: actor.userId,
    createdAt: at,
    deletedAt: null,
    deletedBy: null,
  };
  await store.put(storageKey, input.content, check.contentType);
  try {
    await database.db.transaction().execute(async (trx) => {
      await insertAttachment(trx, row);
      await appendAuditEvent(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: input.recordType,
        entityId: input.recordId,
        action: 'update',
        changes: { note: `attachment added: ${fileName}`, after: { attachmentId: id, sha256: row.sha256 } },
        at,
      });
    });
  } catch (err) {
    await store.remove(storageKey).catch(() => undefined);
    throw err;
  }
  return toAttachmentDto(row);
}

export function tooLarge(maxBytes: number): AppError {
  const mb = maxBytes / (1024 * 1024);
  const maxSize =
    mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${Math.ceil(maxBytes / 1024)} KB`;
  return new AppError('ATTACHMENT_TOO_LARGE', { field: 'body', params: { maxSize } });
}

/** An attachment the actor may read (they can read its record), else 404. */
async function attachmentOrThrow(db: Kysely<DB>, actor: Actor, id: string) {
  const row = await findAttachmentById(db, actor.tenantId, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'attachment' } });
  try {
    const owner = await recordOwner(db, actor, row.recordType as AttachableRecord, row.recordId);
    return { row, owner };
  } catch (err) {
    if (err instanceof AppError && err.code === 'RECORD_NOT_FOUND')
      throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'attachment' } });
    throw err;
  }
}

export async function downloadAttachment(
  database: Database,
  store: AttachmentStore,
  actor: Actor,
  id: string,
) {
  const { row } = await attachmentOrThrow(database.db, actor, id);
  const content = await store.get(row.storageKey);
  return { row, content };
}

export async function listAttachments(
  database: Database,
  actor: Actor,
  q: { recordType: AttachableRecord; recordId: string },
) {
  await recordOwner(database.db, actor, q.recordType, q.recordId);
  const rows = await listAttachmentsByRecord(database.db, actor.tenantId, q.recordType, q.recordId);
  return { items: rows.map(toAttachmentDto) };
}

/**
 * Soft delete by someone who may change the record; the bytes stay until a purge. Never a file of
 * a signed or archived contract, a signed version's scan or an accepted shipment's document.
 */
export async function deleteAttachment(database: Database, actor: Actor, id: string) {
  const { row, owner } = await attachmentOrThrow(database.db, actor, id);
  assertWritable(actor, row.recordType, owner.ownerId, owner.scope);
  await database.db.transaction().execute(async (trx) => {
    await assertRemovable(trx, database.dialect, row);
    const at = new Date().toISOString();
    if (!(await markAttachmentDeleted(trx, actor.tenantId, id, actor.userId, at)))
      throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'attachment' } });
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: row.recordType,
      entityId: row.recordId,
      action: 'update',
      changes: { note: `attachment deleted: ${row.fileName}`, before: { attachmentId: id } },
      at,
    });
  });
}
