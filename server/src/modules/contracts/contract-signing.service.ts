import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { assertWritable } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { writePaymentPlan } from '../payments/payment.repository';
import type { PaymentTerm, SignContractInput, UpdateContractInput } from './contract.schemas';
import {
  type ContractRow,
  checkVersion,
  contractOrThrow,
  getContractIn,
  LOCKED,
  versionRow,
  writeChanges,
} from './contract.service';

// After approval: signing (with the scanned copy and the payment plan), archiving, and
// amendments (补充协议) — new versions of a signed contract with their own approval.

/** An amendment (补充协议) to a signed contract: a new version in draft with its own approval. */
export async function amendContract(
  database: Database,
  actor: Actor,
  id: string,
  input: UpdateContractInput & { note: string },
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const contract = await contractOrThrow(trx, actor, id);
    assertWritable(actor, 'contract', contract.ownerId);
    checkVersion(contract, expectedVersion);
    if (contract.status !== 'signed')
      throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
    const version = await versionRow(trx, id, contract.currentVersion);
    const next = await writeChanges(trx, contract, version, input);
    const at = new Date().toISOString();
    const number = contract.currentVersion + 1;
    await trx
      .insertInto('contractVersions')
      .values({
        id: newId('ctv'),
        tenantId: actor.tenantId,
        contractId: id,
        number,
        lines: version.lines,
        clauses: JSON.stringify(next.clauses),
        paymentTerms: JSON.stringify(next.terms),
        note: input.note,
        signedOn: null,
        signatories: null,
        scanAttachmentId: null,
        createdBy: actor.userId,
        createdAt: at,
      })
      .execute();
    await trx
      .updateTable('contracts')
      .set({
        title: next.title,
        status: 'draft',
        currentVersion: number,
        approvalId: null,
        version: contract.version + 1,
        updatedAt: at,
      })
      .where('id', '=', id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'contract',
      entityId: id,
      action: 'update',
      changes: {
        note: `amendment v${number}: ${input.note}`,
        before: { status: contract.status },
        after: { status: 'draft' },
      },
      at,
    });
    return getContractIn(trx, actor, id);
  });
}

// The owner's side signs; legal may record the signing for any contract (法务归档).
function assertMaySign(actor: Actor, contract: ContractRow) {
  if (actor.role === 'legal') return;
  assertWritable(actor, 'contract', contract.ownerId);
}

/**
 * A scanned copy or acceptance document must be a live attachment of the same record (uploaded
 * through /api/attachments with recordType contract or order).
 */
export async function checkAttachment(
  trx: Kysely<DB>,
  tenantId: string,
  id: string,
  field: string,
  record: { type: 'contract' | 'order'; id: string },
) {
  const found = await trx
    .selectFrom('attachments')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('recordType', '=', record.type)
    .where('recordId', '=', record.id)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (!found) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { field, entity: 'attachment' } });
}

/** Records the signing: date, signatories, scanned copy; writes the payment plan from the terms. */
export async function signContract(
  database: Database,
  actor: Actor,
  id: string,
  input: SignContractInput,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const contract = await contractOrThrow(trx, actor, id);
    assertMaySign(actor, contract);
    if (LOCKED.has(contract.status)) throw new AppError('CONTRACT_SIGNED');
    checkVersion(contract, expectedVersion);
    if (contract.status !== 'approved')
      throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
    const today = new Date().toISOString().slice(0, 10);
    if (input.signedOn > today)
      throw new AppError('VALIDATION_FAILED', {
        field: 'signedOn',
        issues: [{ field: 'signedOn', code: 'invalid_date' }],
      });
    if (input.scanAttachmentId)
      await checkAttachment(trx, actor.tenantId, input.scanAttachmentId, 'scanAttachmentId', {
        type: 'contract',
        id,
      });
    const version = await versionRow(trx, id, contract.currentVersion);
    const at = new Date().toISOString();
    await trx
      .updateTable('contractVersions')
      .set({
        signedOn: input.signedOn,
        signatories: JSON.stringify(input.signatories),
        scanAttachmentId: input.scanAttachmentId ?? null,
      })
      .where('id', '=', version.id)
      .execute();
    // The plan counts from the first signing; an amendment with new terms rewrites it.
    const firstSignedOn = contract.signedOn ?? input.signedOn;
    const previous = contract.signedVersion ? await versionRow(trx, id, contract.signedVersion) : undefined;
    if (!previous || previous.paymentTerms !== version.paymentTerms)
      await writePaymentPlan(
        trx,
        contract,
        firstSignedOn,
        JSON.parse(version.paymentTerms) as PaymentTerm[],
        at,
      );
    await trx
      .updateTable('contracts')
      .set({
        status: 'signed',
        signedVersion: contract.currentVersion,
        signedOn: firstSignedOn,
        version: contract.version + 1,
        updatedAt: at,
      })
      .where('id', '=', id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'contract',
      entityId: id,
      action: 'update',
      changes: {
        before: { status: contract.status },
        after: { status: 'signed', signedOn: input.signedOn, version: contract.currentVersion },
      },
      at,
    });
    return getContractIn(trx, actor, id);
  });
}

export async function archiveContract(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const contract = await contractOrThrow(trx, actor, id);
    assertMaySign(actor, contract);
    checkVersion(contract, expectedVersion);
    if (contract.status !== 'signed')
      throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
    const at = new Date().toISOString();
    await trx
      .updateTable('contracts')
      .set({ status: 'archived', archivedAt: at, version: contract.version + 1, updatedAt: at })
      .where('id', '=', id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'contract',
      entityId: id,
      action: 'update',
      changes: { before: { status: 'signed' }, after: { status: 'archived' } },
      at,
    });
    return getContractIn(trx, actor, id);
  });
}
