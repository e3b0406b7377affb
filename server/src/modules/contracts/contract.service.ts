import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import { hideCost } from '../../auth/cost-visibility';
import { assertWritable, canWrite, scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { maxLineDiscountBp } from '../../domain/quotes/quote-totals';
import { containsText } from '../../shared/contains-text';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { type ApprovalOutcomeHandler, openApprovalRequest } from '../approvals/approval.service';
import { appendAuditEvent } from '../audit/audit.repository';
import type { StoredLine } from '../quotes/quote.service';
import { findAccountNames } from '../records/record.repository';
import type { Clause, CreateContractInput, PaymentTerm, UpdateContractInput } from './contract.schemas';
import {
  type ClauseValues,
  describeSchedule,
  fillClauses,
  formatYuan,
  unknownPlaceholders,
} from './contract-clauses';
import { findTemplate } from './contract-template.service';

export type ContractRow = Selectable<DB['contracts']>;
type VersionRow = Selectable<DB['contractVersions']>;

// Contracts (合同): drafted from an accepted quote, approved through the matrix, signed, then
// read-only; a change after signing is an amendment (补充协议), a new version with its own approval.
const EDITABLE = new Set(['draft', 'approved', 'rejected', 'returned']);
const SUBMITTABLE = new Set(['draft', 'rejected', 'returned']);
export const LOCKED = new Set(['signed', 'archived']);

export function checkTerms(terms: PaymentTerm[]) {
  const total = terms.reduce((s, t) => s + t.percent, 0);
  if (total !== 100)
    throw new AppError('PAYMENT_TERMS_INVALID', { field: 'paymentTerms', params: { total } });
}

export function checkClauses(clauses: Clause[]) {
  const issues = unknownPlaceholders(clauses);
  if (issues.length) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });
}

export async function contractOrThrow(trx: Kysely<DB>, actor: Actor, id: string): Promise<ContractRow> {
  const row = await scopeQuery(trx.selectFrom('contracts').selectAll(), actor, 'contracts')
    .where('contracts.id', '=', id)
    .where('contracts.deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'contract' } });
  return row;
}

export function checkVersion(row: { version: number }, expected: number | undefined) {
  if (expected === undefined) throw new AppError('PRECONDITION_REQUIRED');
  if (expected !== row.version) throw new AppError('VERSION_MISMATCH', { details: { current: row.version } });
}

export async function versionRow(trx: Kysely<DB>, contractId: string, number: number) {
  return trx
    .selectFrom('contractVersions')
    .selectAll()
    .where('contractId', '=', contractId)
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
}

async function nextNumber(trx: Kysely<DB>, tenantId: string, at: string) {
  const day = at.slice(0, 10).replace(/-/g, '');
  const row = await trx
    .selectFrom('contracts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('number', 'like', `HT${day}-%`)
    .executeTakeFirstOrThrow();
  return `HT${day}-${String(Number(row.n) + 1).padStart(3, '0')}`;
}

async function clauseValues(
  trx: Kysely<DB>,
  contract: Pick<
    ContractRow,
    | 'tenantId'
    | 'accountId'
    | 'quoteId'
    | 'number'
    | 'title'
    | 'grossAmount'
    | 'netAmount'
    | 'taxAmount'
    | 'currency'
  >,
  terms: PaymentTerm[],
): Promise<ClauseValues> {
  const account = await trx
    .selectFrom('accounts')
    .select(['name', 'creditCode'])
    .where('tenantId', '=', contract.tenantId)
    .where('id', '=', contract.accountId)
    .executeTakeFirstOrThrow();
  const quote = await trx
    .selectFrom('quotes')
    .select(['number', 'deliveryDate', 'paymentDays'])
    .where('id', '=', contract.quoteId)
    .executeTakeFirstOrThrow();
  return {
    customerName: account.name,
    creditCode: account.creditCode ?? '',
    contractNumber: contract.number,
    quoteNumber: quote.number,
    title: contract.title,
    grossAmount: formatYuan(contract.grossAmount),
    netAmount: formatYuan(contract.netAmount),
    taxAmount: formatYuan(contract.taxAmount),
    currency: contract.currency,
    deliveryDate: quote.deliveryDate ?? '',
    paymentDays: String(quote.paymentDays),
    paymentSchedule: describeSchedule(terms),
  };
}

export async function createContract(database: Database, actor: Actor, input: CreateContractInput) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await database.db.transaction().execute(async (trx) => {
        const quote = await scopeQuery(trx.selectFrom('quotes').selectAll(), actor, 'quotes')
          .where('quotes.id', '=', input.quoteId)
          .where('quotes.deletedAt', 'is', null)
          .executeTakeFirst();
        if (!quote)
          throw new AppError('REFERENCE_NOT_FOUND', {
            field: 'quoteId',
            params: { field: 'quoteId', entity: 'quote' },
          });
        assertWritable(actor, 'quote', quote.ownerId);
        if (quote.status !== 'accepted')
          throw new AppError('INVALID_STATE', { params: { reason: `quote is ${quote.status}` } });
        const existing = await trx
          .selectFrom('contracts')
          .select('id')
          .where('tenantId', '=', actor.tenantId)
          .where('quoteId', '=', quote.id)
          .where('deletedAt', 'is', null)
          .executeTakeFirst();
        if (existing)
          throw new AppError('ALREADY_EXISTS', { field: 'quoteId', params: { field: 'quoteId' } });

        let clauses = input.clauses;
        if (input.templateId) {
          const template = await findTemplate(trx, actor.tenantId, input.templateId);
          if (template?.status !== 'active')
            throw new AppError('REFERENCE_NOT_FOUND', {
              field: 'templateId',
              params: { field: 'templateId', entity: 'contract_template' },
            });
          clauses ??= JSON.parse(template.clauses) as Clause[];
        }
        clauses ??= [];
        checkClauses(clauses);
        const terms = input.paymentTerms ?? [
          { name: '合同款', percent: 100, daysAfterSigning: quote.paymentDays },
        ];
        checkTerms(terms);

        const qv = await trx
          .selectFrom('quoteVersions')
          .select('lines')
          .where('quoteId', '=', quote.id)
          .where('number', '=', quote.currentVersion)
          .executeTakeFirstOrThrow();
        const at = new Date().toISOString();
        const id = newId('ct');
        const row = {
          id,
          tenantId: actor.tenantId,
          number: await nextNumber(trx, actor.tenantId, at),
          quoteId: quote.id,
          quoteVersion: quote.currentVersion,
          dealId: quote.dealId,
          accountId: quote.accountId,
          ownerId: quote.ownerId,
          title: input.title ?? quote.title,
          status: 'draft',
          currency: quote.currency,
          taxMode: quote.taxMode,
          netAmount: quote.netAmount,
          taxAmount: quote.taxAmount,
          grossAmount: quote.grossAmount,
          discountBp: quote.discountBp,
          marginBp: quote.marginBp,
          templateId: input.templateId ?? null,
          currentVersion: 1,
          signedVersion: null,
          signedOn: null,
          approvalId: null,
          archivedAt: null,
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
        };
        await trx.insertInto('contracts').values(row).execute();
        const filled = fillClauses(clauses, await clauseValues(trx, row, terms));
        await trx
          .insertInto('contractVersions')
          .values({
            id: newId('ctv'),
            tenantId: actor.tenantId,
            contractId: id,
            number: 1,
            lines: qv.lines,
            clauses: JSON.stringify(filled),
            paymentTerms: JSON.stringify(terms),
            note: input.note ?? null,
            signedOn: null,
            signatories: null,
            scanAttachmentId: null,
            createdBy: actor.userId,
            createdAt: at,
          })
          .execute();
        await appendAuditEvent(trx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          entity: 'contract',
          entityId: id,
          action: 'create',
          changes: { after: { number: row.number, quoteId: quote.id, grossAmount: row.grossAmount } },
          at,
        });
        return getContractIn(trx, actor, id);
      });
    } catch (err) {
      if (attempt < 5 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

export async function writeChanges(
  trx: Kysely<DB>,
  contract: ContractRow,
  version: VersionRow,
  input: UpdateContractInput,
) {
  const terms = input.paymentTerms ?? (JSON.parse(version.paymentTerms) as PaymentTerm[]);
  checkTerms(terms);
  const title = input.title ?? contract.title;
  let clauses = JSON.parse(version.clauses) as Clause[];
  if (input.clauses) {
    checkClauses(input.clauses);
    clauses = fillClauses(input.clauses, await clauseValues(trx, { ...contract, title }, terms));
  }
  return { terms, title, clauses };
}

/** Edits the draft (or a rejected or returned one); an approved contract goes back to draft. */
export async function updateContract(
  database: Database,
  actor: Actor,
  id: string,
  input: UpdateContractInput,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const contract = await contractOrThrow(trx, actor, id);
    assertWritable(actor, 'contract', contract.ownerId);
    if (LOCKED.has(contract.status)) throw new AppError('CONTRACT_SIGNED');
    checkVersion(contract, expectedVersion);
    if (!EDITABLE.has(contract.status))
      throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
    const version = await versionRow(trx, id, contract.currentVersion);
    const next = await writeChanges(trx, contract, version, input);
    const at = new Date().toISOString();
    await trx
      .updateTable('contractVersions')
      .set({
        clauses: JSON.stringify(next.clauses),
        paymentTerms: JSON.stringify(next.terms),
        note: input.note === undefined ? version.note : input.note,
      })
      .where('id', '=', version.id)
      .execute();
    await trx
      .updateTable('contracts')
      .set({
        title: next.title,
        status: 'draft',
        approvalId: null,
        version: contract.version + 1,
        updatedAt: at,
      })
      .where('id', '=', id)
      .where('version', '=', contract.version)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'contract',
      entityId: id,
      action: 'update',
      changes: {
        before: { status: contract.status, title: contract.title, paymentTerms: version.paymentTerms },
        after: { status: 'draft', title: next.title, paymentTerms: JSON.stringify(next.terms) },
      },
      at,
    });
    return getContractIn(trx, actor, id);
  });
}

export async function submitContract(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const contract = await contractOrThrow(trx, actor, id);
    assertWritable(actor, 'contract', contract.ownerId);
    if (LOCKED.has(contract.status)) throw new AppError('CONTRACT_SIGNED');
    checkVersion(contract, expectedVersion);
    if (!SUBMITTABLE.has(contract.status))
      throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
    const version = await versionRow(trx, id, contract.currentVersion);
    const lines = JSON.parse(version.lines) as StoredLine[];
    const terms = JSON.parse(version.paymentTerms) as PaymentTerm[];
    const request = await openApprovalRequest(trx, actor, {
      subject: 'contract',
      subjectId: id,
      subjectVersion: contract.currentVersion,
      facts: {
        amount: contract.grossAmount,
        discountBp: Math.max(contract.discountBp, maxLineDiscountBp(lines)),
        marginBp: contract.marginBp,
        // The longest wait for money, and the share paid on signing (预付款比例).
        paymentTermsDays: Math.max(...terms.map((t) => t.daysAfterSigning)),
        prepaymentBp: terms.filter((t) => t.daysAfterSigning === 0).reduce((s, t) => s + t.percent * 100, 0),
        productIds: [...new Set(lines.map((l) => l.productId))],
      },
    });
    const at = new Date().toISOString();
    const status = request.status === 'approved' ? 'approved' : 'pending_approval';
    await trx
      .updateTable('contracts')
      .set({ status, approvalId: request.id, version: contract.version + 1, updatedAt: at })
      .where('id', '=', id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'contract',
      entityId: id,
      action: 'update',
      changes: { before: { status: contract.status }, after: { status, approvalId: request.id } },
      at,
    });
    return getContractIn(trx, actor, id);
  });
}

/** The approval's outcome sets the contract's status (approvers need not own the contract). */
export const contractApprovalOutcome: ApprovalOutcomeHandler = async (trx, request, outcome, actor) => {
  const status = outcome === 'approved' ? 'approved' : outcome === 'pending' ? 'pending_approval' : outcome;
  const contract = await trx
    .selectFrom('contracts')
    .select(['id', 'version', 'status', 'approvalId', 'currentVersion'])
    .where('tenantId', '=', request.tenantId)
    .where('id', '=', request.subjectId)
    .executeTakeFirst();
  if (!contract || contract.approvalId !== request.id || contract.currentVersion !== request.subjectVersion)
    return;
  const at = new Date().toISOString();
  await trx
    .updateTable('contracts')
    .set({ status, version: contract.version + 1, updatedAt: at })
    .where('id', '=', contract.id)
    .execute();
  await appendAuditEvent(trx, {
    tenantId: request.tenantId,
    actorId: actor.userId,
    entity: 'contract',
    entityId: contract.id,
    action: 'update',
    changes: { before: { status: contract.status }, after: { status }, note: `approval ${request.id}` },
    at,
  });
};

function versionDto(actor: Actor, v: VersionRow) {
  return {
    number: v.number,
    lines: (JSON.parse(v.lines) as StoredLine[]).map((l) =>
      hideCost(actor, { ...l, totals: hideCost(actor, l.totals, ['costAmount', 'marginAmount']) }, [
        'unitCost',
      ]),
    ),
    clauses: JSON.parse(v.clauses) as Clause[],
    paymentTerms: JSON.parse(v.paymentTerms) as PaymentTerm[],
    note: v.note,
    signedOn: v.signedOn,
    signatories: v.signatories ? (JSON.parse(v.signatories) as unknown[]) : null,
    scanAttachmentId: v.scanAttachmentId,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
  };
}

export function contractDto(actor: Actor, row: ContractRow) {
  const { tenantId: _t, deletedAt: _d, ...rest } = row;
  return { ...hideCost(actor, rest, ['marginBp']), editable: canWrite(actor, row.ownerId) };
}

export async function getContractIn(trx: Kysely<DB>, actor: Actor, id: string) {
  const contract = await contractOrThrow(trx, actor, id);
  const version = await versionRow(trx, id, contract.currentVersion);
  const {
    number: _n,
    createdAt: _c,
    createdBy: _b,
    signedOn: versionSignedOn,
    ...current
  } = versionDto(actor, version);
  // signedOn is the first signing (the plan counts from it); versionSignedOn the current version's.
  return { ...contractDto(actor, contract), ...current, versionSignedOn };
}

export const getContract = (db: Kysely<DB>, actor: Actor, id: string) => getContractIn(db, actor, id);

export async function listContractVersions(db: Kysely<DB>, actor: Actor, id: string) {
  await contractOrThrow(db, actor, id);
  const rows = await db
    .selectFrom('contractVersions')
    .selectAll()
    .where('contractId', '=', id)
    .orderBy('number')
    .execute();
  return { items: rows.map((v) => versionDto(actor, v)) };
}

export async function listContracts(
  db: Kysely<DB>,
  actor: Actor,
  q: {
    dealId?: string;
    accountId?: string;
    quoteId?: string;
    status?: string;
    q?: string;
    sort?: string;
    limit: number;
    offset: number;
  },
) {
  let query = scopeQuery(db.selectFrom('contracts'), actor, 'contracts').where(
    'contracts.deletedAt',
    'is',
    null,
  );
  if (q.dealId) query = query.where('dealId', '=', q.dealId);
  if (q.accountId) query = query.where('accountId', '=', q.accountId);
  if (q.quoteId) query = query.where('quoteId', '=', q.quoteId);
  if (q.status) query = query.where('status', '=', q.status);
  const term = q.q;
  if (term) {
    query = query.where((eb) =>
      eb.or([
        containsText('contracts.number', term),
        containsText('contracts.title', term),
        eb(
          'contracts.accountId',
          'in',
          eb
            .selectFrom('accounts')
            .select('accounts.id')
            .where('accounts.tenantId', '=', actor.tenantId)
            .where(containsText('accounts.name', term)),
        ),
      ]),
    );
  }
  const { rows, total, hasMore } = await offsetPage<ContractRow>(query, {
    ...q,
    sort: q.sort ?? '-createdAt',
    table: 'contracts',
  });
  // The customer's name, for lists that show whom the contract is with.
  const names = await findAccountNames(
    db,
    actor.tenantId,
    rows.map((r) => r.accountId),
  );
  return {
    items: rows.map((r) => ({ ...contractDto(actor, r), accountName: names.get(r.accountId) ?? null })),
    total,
    hasMore,
  };
}
