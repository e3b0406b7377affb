import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { AppError, type FieldIssue } from '../../shared/errors';
import type { Locale } from '../../shared/locale';
import { errorMessage } from '../../shared/messages';
import { appendAuditEvent } from '../audit/audit.repository';
import { refreshContractOrders } from '../orders/order.service';
import type { ReceiptInput } from '../payments/payment.schemas';
import { recordReceiptIn } from '../payments/payment.service';
import { updateIfVersion } from '../records/record.repository';
import { insertRecord } from '../records/record.service';
import type { HookContext } from '../records/record-definition';
import {
  claimJob,
  countRowsByStatus,
  findImportedFingerprints,
  findRecordVersions,
  findRows,
  type ImportJobRow,
  type ImportRowRow,
  type JobLease,
  markRowsImported,
  markRowsSkipped,
  setRowVersions,
  transitionJob,
  updateJob,
  updateLeasedJob,
  updateRow,
} from './import.repository';
import { entitySpec, type ImportJobView, type ImportReport, jobView, loadJobOrThrow } from './import.service';
import type { ImportSpec } from './import-fields';
import { keepAlive, LeaseLostError, newLease } from './import-lease';

/**
 * Rows created per transaction (a failing batch is retried row by row): 250, or
 * `IMPORT_COMMIT_BATCH`.
 */
function batchSize(): number {
  const v = Number(process.env.IMPORT_COMMIT_BATCH);
  return Number.isInteger(v) && v > 0 ? v : 250;
}

function issuesOf(err: unknown, locale: Locale): FieldIssue[] {
  if (err instanceof AppError) {
    if (err.issues?.length) return err.issues;
    if (err.code === 'DUPLICATE_CUSTOMER') {
      return [
        {
          field: err.field ?? 'name',
          code: 'duplicate_customer',
          params: { name: String(err.params.name), owner: String(err.params.owner) },
        },
      ];
    }
    const detail = errorMessage(err.code, { ...err.params, field: err.field ?? '' }, locale);
    return [{ field: err.field ?? 'row', code: 'import_failed', params: { detail } }];
  }
  return [
    {
      field: 'row',
      code: 'import_failed',
      params: { detail: err instanceof Error ? err.message.slice(0, 200) : 'error' },
    },
  ];
}

/**
 * Creates the valid rows of a validated job through the same insert path as the API, in batched
 * transactions. A batch that fails is rolled back whole and retried row by row, so that one bad
 * row is reported as rejected and never leaves half a batch behind. Progress (rows done / total)
 * is written after every batch and readable with GET /api/imports/:id while this runs.
 */
export async function commitImport(
  database: Database,
  actor: Actor,
  id: string,
  onProgress?: (done: number, total: number) => void | Promise<void>,
): Promise<ImportJobView> {
  const job = await beginCommit(database, actor, id);
  return runCommit(database, actor, job, onProgress);
}

/**
 * Marks a validated job as running under this worker's lease (once: a second commit of the same
 * job answers 409). A job whose commit failed half-way (database gone, or its process stopped and
 * recovery marked it failed) can be committed again: finished batches are committed with their
 * rows marked, so it resumes with the rows still valid.
 */
export async function beginCommit(database: Database, actor: Actor, id: string): Promise<ImportJobRow> {
  const job = await loadJobOrThrow(database.db, actor, id);
  const spec = entitySpec(job.entity);
  if (spec.roles && !spec.roles.includes(actor.role)) throw new AppError('FORBIDDEN');
  const now = new Date().toISOString();
  const lease = newLease('running');
  if (!(await claimJob(database.db, job.id, ['validated', 'failed'], lease, now)))
    throw new AppError('INVALID_STATE', { params: { reason: `import is ${job.status}` } });
  return { ...job, status: 'running', workerId: lease.workerId, heartbeatAt: now };
}

export async function runCommit(
  database: Database,
  actor: Actor,
  job: ImportJobRow,
  onProgress?: (done: number, total: number) => void | Promise<void>,
): Promise<ImportJobView> {
  const { db } = database;
  const spec = entitySpec(job.entity);
  if (job.status !== 'running' || !job.workerId)
    throw new AppError('INVALID_STATE', { params: { reason: `import is ${job.status}` } });
  const lease: JobLease = { workerId: job.workerId, status: 'running' };
  const stopHeartbeat = keepAlive(db, job.id, lease);
  const before = await countRowsByStatus(db, job.id);
  // Rows of the job still to create; on a resumed commit, those a failed run left.
  const total = before.valid ?? 0;
  let done = 0;
  try {
    let after = 0;
    for (;;) {
      const batch = await findRows(db, job.id, { status: ['valid'], limit: batchSize(), afterRowNo: after });
      if (!batch.length) break;
      after = batch[batch.length - 1]!.rowNo;
      let outcome: Outcome;
      const leased = (rows: ImportRowRow[]) =>
        db.transaction().execute(async (trx) => {
          // The job's row first (locked until the batch commits): a job taken over by recovery
          // gets no more records from this worker.
          if (!(await updateLeasedJob(trx, job.id, lease, {}))) throw new LeaseLostError(job.id);
          return importBatch(trx, database, actor, spec, rows);
        });
      try {
        outcome = await leased(batch);
      } catch (err) {
        if (err instanceof LeaseLostError) throw err;
        outcome = { created: [], skipped: 0, rejected: 0 };
        for (const row of batch) {
          try {
            const one = await leased([row]);
            outcome.created.push(...one.created);
            outcome.skipped += one.skipped;
          } catch (err) {
            if (err instanceof LeaseLostError) throw err;
            await updateRow(db, row.id, {
              status: 'rejected',
              errors: JSON.stringify(issuesOf(err, actor.locale)),
            });
            outcome.rejected++;
          }
        }
      }
      done += batch.length;
      const own = await updateLeasedJob(db, job.id, lease, {
        doneRows: done,
        validRows: total,
        createdRows: (before.imported ?? 0) + outcome.created.length,
        updatedAt: new Date().toISOString(),
      });
      if (!own) throw new LeaseLostError(job.id);
      before.imported = (before.imported ?? 0) + outcome.created.length;
      await onProgress?.(done, total);
    }
    // The final counts are the rows' own: valid rows became imported, skipped or rejected.
    const final = await countRowsByStatus(db, job.id);
    const now = new Date().toISOString();
    const imported = final.imported ?? 0;
    // A resumed commit that finished no longer carries why its first run stopped.
    const { error: _interrupted, ...report } = JSON.parse(job.report) as ImportReport;
    const own = await updateLeasedJob(db, job.id, lease, {
      status: 'committed',
      committedAt: now,
      updatedAt: now,
      createdRows: imported,
      validRows: imported,
      doneRows: imported,
      rejectedRows: final.rejected ?? 0,
      skippedRows: final.skipped ?? 0,
      report: JSON.stringify(report),
    });
    if (!own) throw new LeaseLostError(job.id);
  } catch (err) {
    // A job taken over is recovery's now: it is already failed, with the reason.
    if (!(err instanceof LeaseLostError))
      await updateLeasedJob(db, job.id, lease, { status: 'failed', updatedAt: new Date().toISOString() });
    throw err;
  } finally {
    stopHeartbeat();
  }
  return jobView(db, actor, await loadJobOrThrow(db, actor, job.id));
}

interface Outcome {
  created: Array<{ rowId: string; recordId: string }>;
  skipped: number;
  rejected: number;
}

async function importBatch(
  trx: Kysely<DB>,
  database: Database,
  actor: Actor,
  spec: ImportSpec,
  rows: ImportRowRow[],
): Promise<Outcome> {
  const ctx: HookContext = { actor, now: new Date().toISOString(), trx };
  // Another import of the same rows may have committed since this one was validated.
  const imported = await findImportedFingerprints(
    trx,
    actor.tenantId,
    rows[0]!.entity,
    rows.map((r) => r.fingerprint),
  );
  const out: Outcome = { created: [], skipped: 0, rejected: 0 };
  const skipped: string[] = [];
  for (const row of rows) {
    if (imported.has(row.fingerprint)) {
      skipped.push(row.id);
      out.skipped++;
      continue;
    }
    const input = JSON.parse(row.input ?? '{}');
    // The API's own create path: insertRecord for records, recordReceiptIn for payments.
    const record = spec.def
      ? await insertRecord(ctx, spec.def, input)
      : await recordReceiptIn(trx, database.dialect, actor, input as ReceiptInput);
    imported.add(row.fingerprint);
    out.created.push({ rowId: row.id, recordId: record.id });
  }
  // The rows' new status, one statement per batch rather than one per row.
  await markRowsSkipped(trx, skipped);
  await markRowsImported(trx, out.created);
  // The version each record has right after its import (undo deletes only unchanged ones), in
  // the batch's transaction: a process that stops between batches leaves no row without it.
  // Receipts have no versions: they are never edited, so each is as imported (version 1).
  const versions = spec.def
    ? await findRecordVersions(
        trx,
        spec.def.table,
        actor.tenantId,
        out.created.map((c) => c.recordId),
      )
    : new Map<string, { version: number }>();
  await setRowVersions(
    trx,
    out.created.map((c) => ({ rowId: c.rowId, version: versions.get(c.recordId)?.version ?? 1 })),
  );
  return out;
}

/**
 * Undoes a whole import in one transaction: every record still exactly as imported (same
 * version) is soft-deleted with an audit event; records changed since are kept and listed.
 */
export async function undoImport(database: Database, actor: Actor, id: string): Promise<ImportJobView> {
  const { db } = database;
  const job = await loadJobOrThrow(db, actor, id);
  if (job.status !== 'committed')
    throw new AppError('INVALID_STATE', { params: { reason: `import is ${job.status}` } });
  const spec = entitySpec(job.entity);
  if (spec.roles && !spec.roles.includes(actor.role)) throw new AppError('FORBIDDEN');
  if (!spec.def) return undoReceipts(database, actor, job);
  const table = spec.def.table;
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    if (!(await transitionJob(trx, job.id, 'committed', 'undone', now))) {
      throw new AppError('INVALID_STATE', { params: { reason: 'import changed meanwhile' } });
    }
    const rows = await findRows(trx, job.id, { status: ['imported'] });
    const current = await findRecordVersions(
      trx,
      table,
      actor.tenantId,
      rows.map((r) => r.recordId!),
    );
    const changed: Array<{ rowNo: number; recordId: string }> = [];
    let undone = 0;
    for (const row of rows) {
      const c = current.get(row.recordId!);
      const unchanged = c && !c.deletedAt && c.version === row.recordVersion;
      if (
        !unchanged ||
        !(await updateIfVersion(trx, table, actor.tenantId, row.recordId!, c.version, {
          deletedAt: now,
          updatedAt: now,
        }))
      ) {
        changed.push({ rowNo: row.rowNo, recordId: row.recordId! });
        continue;
      }
      await appendAuditEvent(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: spec.entity,
        entityId: row.recordId!,
        action: 'delete',
        changes: { before: { deletedAt: null }, after: { deletedAt: now }, note: `import ${job.id} undone` },
        at: now,
      });
      await updateRow(trx, row.id, { status: 'undone' });
      undone++;
    }
    const report = JSON.parse(job.report) as ImportReport;
    report.undo = { undone, changed };
    await updateJob(trx, job.id, { undoneAt: now, updatedAt: now, report: JSON.stringify(report) });
  });
  return jobView(db, actor, await loadJobOrThrow(db, actor, id));
}

/**
 * Undoes a payments import in one transaction. Receipts are never edited, so each one the import
 * created is removed (with an audit event on its contract, as recording it had) and the
 * contract's orders are re-evaluated (a contract no longer paid in full reopens its order).
 */
async function undoReceipts(database: Database, actor: Actor, job: ImportJobRow): Promise<ImportJobView> {
  const { db } = database;
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    if (!(await transitionJob(trx, job.id, 'committed', 'undone', now))) {
      throw new AppError('INVALID_STATE', { params: { reason: 'import changed meanwhile' } });
    }
    const rows = await findRows(trx, job.id, { status: ['imported'] });
    const changed: Array<{ rowNo: number; recordId: string }> = [];
    const contracts = new Set<string>();
    let undone = 0;
    for (const row of rows) {
      const receipt = await trx
        .selectFrom('receipts')
        .select(['id', 'contractId', 'amount', 'receivedOn'])
        .where('tenantId', '=', actor.tenantId)
        .where('id', '=', row.recordId!)
        .executeTakeFirst();
      if (!receipt) {
        changed.push({ rowNo: row.rowNo, recordId: row.recordId! });
        continue;
      }
      await trx.deleteFrom('receipts').where('id', '=', receipt.id).execute();
      await appendAuditEvent(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: 'contract',
        entityId: receipt.contractId,
        action: 'update',
        changes: {
          note: `receipt ${receipt.id} removed: ${receipt.amount} 分 on ${receipt.receivedOn}, import ${job.id} undone`,
        },
        at: now,
      });
      contracts.add(receipt.contractId);
      await updateRow(trx, row.id, { status: 'undone' });
      undone++;
    }
    for (const contractId of contracts)
      await refreshContractOrders(trx, actor.tenantId, contractId, actor.userId);
    const report = JSON.parse(job.report) as ImportReport;
    report.undo = { undone, changed };
    await updateJob(trx, job.id, { undoneAt: now, updatedAt: now, report: JSON.stringify(report) });
  });
  return jobView(db, actor, await loadJobOrThrow(db, actor, job.id));
}
