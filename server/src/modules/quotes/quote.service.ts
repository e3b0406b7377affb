import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import { hideCost } from '../../auth/cost-visibility';
import { assertWritable, scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { diffQuoteVersions } from '../../domain/quotes/quote-diff';
import {
  computeQuoteTotals,
  maxLineDiscountBp,
  type QuoteLineInput,
  type QuoteTotals,
} from '../../domain/quotes/quote-totals';
import { containsText } from '../../shared/contains-text';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { type ApprovalOutcomeHandler, openApprovalRequest } from '../approvals/approval.service';
import { appendAuditEvent } from '../audit/audit.repository';
import type { CreateQuoteInput, ReviseQuoteInput } from './quote.schemas';

type QuoteRow = Selectable<DB['quotes']>;

export interface StoredLine {
  productId: string;
  productName: string;
  sku: string;
  unit: string;
  spec: string | null;
  quantity: string;
  unitPrice: number;
  listPrice: number;
  discountPercent: string;
  taxRatePercent: string;
  unitCost: number | null;
  note: string | null;
  totals: QuoteTotals['lines'][number];
}

// A quote may be changed (as a new version) until it is accepted or declined; while it waits
// for approval it is frozen so approvers decide on what they see.
const EDITABLE = new Set(['draft', 'approved', 'rejected', 'returned', 'sent']);
const SUBMITTABLE = new Set(['draft', 'rejected', 'returned']);

async function dealOrThrow(trx: Kysely<DB>, actor: Actor, dealId: string) {
  const deal = await scopeQuery(trx.selectFrom('deals').selectAll(), actor, 'deals')
    .where('deals.id', '=', dealId)
    .where('deals.deletedAt', 'is', null)
    .executeTakeFirst();
  if (!deal)
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'dealId',
      params: { field: 'dealId', entity: 'deal' },
    });
  assertWritable(actor, 'deal', deal.ownerId);
  return deal;
}

/** Resolves products and prices, checks currencies, and computes totals; refuses with every problem. */
async function priceLines(
  trx: Kysely<DB>,
  actor: Actor,
  currency: string,
  priceListId: string | null,
  taxMode: string,
  lines: CreateQuoteInput['lines'],
) {
  let listPrices = new Map<string, number>();
  if (priceListId) {
    const list = await trx
      .selectFrom('priceLists')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', priceListId)
      .executeTakeFirst();
    if (list?.status !== 'active')
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'priceListId',
        params: { field: 'priceListId', entity: 'price_list' },
      });
    if (list.currency !== currency)
      throw new AppError('CURRENCY_MISMATCH', {
        field: 'priceListId',
        params: { field: 'priceListId', found: list.currency, expected: currency },
      });
    const items = await trx
      .selectFrom('priceListItems')
      .select(['productId', 'unitPrice'])
      .where('priceListId', '=', priceListId)
      .execute();
    listPrices = new Map(items.map((i) => [i.productId, i.unitPrice]));
  }
  const ids = [...new Set(lines.map((l) => l.productId))];
  const products = new Map(
    (
      await trx
        .selectFrom('products')
        .selectAll()
        .where('tenantId', '=', actor.tenantId)
        .where('id', 'in', ids)
        .where('deletedAt', 'is', null)
        .execute()
    ).map((p) => [p.id, p]),
  );
  const issues: Array<{ field: string; code: string }> = [];
  const inputs: QuoteLineInput[] = [];
  for (const [i, l] of lines.entries()) {
    const p = products.get(l.productId);
    const field = `lines.${i}.productId`;
    if (p?.status !== 'active') {
      issues.push({ field, code: p ? 'product_inactive' : 'product_not_found' });
      continue;
    }
    const fromList = listPrices.get(p.id);
    if (fromList === undefined && l.unitPrice === undefined && p.currency !== currency)
      throw new AppError('CURRENCY_MISMATCH', {
        field,
        params: { field, found: p.currency, expected: currency },
      });
    inputs.push({
      quantity: l.quantity,
      unitPrice: l.unitPrice ?? fromList ?? p.listPrice,
      discountPercent: l.discountPercent ?? 0,
      // 13 % is the standard VAT rate on goods in China.
      taxRatePercent: l.taxRatePercent ?? 13,
      unitCost: p.cost,
    });
  }
  if (issues.length) throw new AppError('QUOTE_INVALID', { field: issues[0]!.field, issues });
  const result = computeQuoteTotals(inputs, { pricesIncludeTax: taxMode === 'inclusive' });
  if (!result.ok)
    throw new AppError('QUOTE_INVALID', { field: result.violations[0]!.field, issues: result.violations });
  const stored: StoredLine[] = lines.map((l, i) => {
    const p = products.get(l.productId)!;
    return {
      productId: p.id,
      productName: p.name,
      sku: p.sku,
      unit: p.unit,
      spec: l.spec ?? p.spec ?? null,
      quantity: result.totals.lines[i]!.quantity,
      unitPrice: inputs[i]!.unitPrice,
      listPrice: listPrices.get(p.id) ?? p.listPrice,
      discountPercent: String(inputs[i]!.discountPercent),
      taxRatePercent: String(inputs[i]!.taxRatePercent),
      unitCost: p.cost,
      note: l.note ?? null,
      totals: result.totals.lines[i]!,
    };
  });
  return { stored, totals: result.totals, inputs };
}

const totalColumns = (t: QuoteTotals) => ({
  netAmount: t.netAmount,
  taxAmount: t.taxAmount,
  grossAmount: t.grossAmount,
  discountBp: t.discountBp,
  costAmount: t.costAmount,
  marginBp: t.marginBp,
});

async function nextNumber(trx: Kysely<DB>, tenantId: string, at: string) {
  const day = at.slice(0, 10).replace(/-/g, '');
  const row = await trx
    .selectFrom('quotes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('number', 'like', `QT${day}-%`)
    .executeTakeFirstOrThrow();
  return `QT${day}-${String(Number(row.n) + 1).padStart(3, '0')}`;
}

export async function createQuote(database: Database, actor: Actor, input: CreateQuoteInput) {
  // Two quotes numbered in the same instant collide on the unique number: take the next one.
  for (let attempt = 0; ; attempt++) {
    try {
      return await database.db.transaction().execute(async (trx) => {
        const deal = await dealOrThrow(trx, actor, input.dealId);
        const currency = input.currency ?? deal.currency;
        if (currency !== deal.currency)
          throw new AppError('CURRENCY_MISMATCH', {
            field: 'currency',
            params: { field: 'currency', found: currency, expected: deal.currency },
          });
        const priced = await priceLines(
          trx,
          actor,
          currency,
          input.priceListId ?? null,
          input.taxMode,
          input.lines,
        );
        const at = new Date().toISOString();
        const id = newId('qt');
        const row = {
          id,
          tenantId: actor.tenantId,
          number: await nextNumber(trx, actor.tenantId, at),
          dealId: deal.id,
          accountId: deal.accountId,
          ownerId: deal.ownerId,
          title: input.title ?? deal.name,
          status: 'draft',
          currency,
          priceListId: input.priceListId ?? null,
          taxMode: input.taxMode,
          currentVersion: 1,
          paymentTerms: input.terms.paymentTerms ?? null,
          paymentDays: input.terms.paymentDays,
          deliveryDate: input.terms.deliveryDate ?? null,
          validUntil: input.terms.validUntil,
          ...totalColumns(priced.totals),
          approvalId: null,
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
        };
        await trx.insertInto('quotes').values(row).execute();
        await insertVersion(trx, actor, id, 1, priced, input.terms, input.note ?? null, at);
        await appendAuditEvent(trx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          entity: 'quote',
          entityId: id,
          action: 'create',
          changes: { after: { number: row.number, grossAmount: row.grossAmount, dealId: row.dealId } },
          at,
        });
        return getQuoteIn(trx, actor, id);
      });
    } catch (err) {
      if (attempt < 5 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

async function insertVersion(
  trx: Kysely<DB>,
  actor: Actor,
  quoteId: string,
  number: number,
  priced: { stored: StoredLine[]; totals: QuoteTotals },
  terms: CreateQuoteInput['terms'],
  note: string | null,
  at: string,
) {
  const { lines: _lines, ...totals } = priced.totals;
  await trx
    .insertInto('quoteVersions')
    .values({
      id: newId('qtv'),
      tenantId: actor.tenantId,
      quoteId,
      number,
      lines: JSON.stringify(priced.stored),
      terms: JSON.stringify(terms),
      totals: JSON.stringify(totals),
      note,
      createdBy: actor.userId,
      createdAt: at,
    })
    .execute();
}

async function quoteOrThrow(trx: Kysely<DB>, actor: Actor, id: string): Promise<QuoteRow> {
  const row = await scopeQuery(trx.selectFrom('quotes').selectAll(), actor, 'quotes')
    .where('quotes.id', '=', id)
    .where('quotes.deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'quote' } });
  return row;
}

function checkVersion(row: QuoteRow, expected: number | undefined) {
  if (expected === undefined) throw new AppError('PRECONDITION_REQUIRED');
  if (expected !== row.version) throw new AppError('VERSION_MISMATCH', { details: { current: row.version } });
}

/** A new version of the quote in negotiation; an approved or sent quote goes back to draft. */
export async function reviseQuote(
  database: Database,
  actor: Actor,
  id: string,
  input: ReviseQuoteInput,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const quote = await quoteOrThrow(trx, actor, id);
    assertWritable(actor, 'quote', quote.ownerId);
    checkVersion(quote, expectedVersion);
    if (!EDITABLE.has(quote.status))
      throw new AppError('INVALID_STATE', { params: { reason: `quote is ${quote.status}` } });
    const taxMode = input.taxMode ?? quote.taxMode;
    const priced = await priceLines(trx, actor, quote.currency, quote.priceListId, taxMode, input.lines);
    const at = new Date().toISOString();
    const number = quote.currentVersion + 1;
    await insertVersion(trx, actor, id, number, priced, input.terms, input.note ?? null, at);
    await trx
      .updateTable('quotes')
      .set({
        title: input.title ?? quote.title,
        taxMode,
        currentVersion: number,
        status: 'draft',
        approvalId: null,
        paymentTerms: input.terms.paymentTerms ?? null,
        paymentDays: input.terms.paymentDays,
        deliveryDate: input.terms.deliveryDate ?? null,
        validUntil: input.terms.validUntil,
        ...totalColumns(priced.totals),
        version: quote.version + 1,
        updatedAt: at,
      })
      .where('id', '=', id)
      .where('version', '=', quote.version)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'quote',
      entityId: id,
      action: 'update',
      changes: {
        note: `version ${number}${input.note ? `: ${input.note}` : ''}`,
        before: { grossAmount: quote.grossAmount, status: quote.status },
        after: { grossAmount: priced.totals.grossAmount, status: 'draft' },
      },
      at,
    });
    return getQuoteIn(trx, actor, id);
  });
}

/** Sends the current version for approval; the matrix decides the chain (none → approved at once). */
export async function submitQuote(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const quote = await quoteOrThrow(trx, actor, id);
    assertWritable(actor, 'quote', quote.ownerId);
    checkVersion(quote, expectedVersion);
    if (!SUBMITTABLE.has(quote.status))
      throw new AppError('INVALID_STATE', { params: { reason: `quote is ${quote.status}` } });
    const version = await trx
      .selectFrom('quoteVersions')
      .select('lines')
      .where('quoteId', '=', id)
      .where('number', '=', quote.currentVersion)
      .executeTakeFirstOrThrow();
    const lines = JSON.parse(version.lines) as StoredLine[];
    const request = await openApprovalRequest(trx, actor, {
      subject: 'quote',
      subjectId: id,
      subjectVersion: quote.currentVersion,
      facts: {
        amount: quote.grossAmount,
        // The worst line counts too: a 30 % line hidden in a large quote still needs authority.
        discountBp: Math.max(quote.discountBp, maxLineDiscountBp(lines)),
        marginBp: quote.marginBp,
        paymentTermsDays: quote.paymentDays,
        productIds: [...new Set(lines.map((l) => l.productId))],
      },
    });
    const at = new Date().toISOString();
    const status = request.status === 'approved' ? 'approved' : 'pending_approval';
    await trx
      .updateTable('quotes')
      .set({ status, approvalId: request.id, version: quote.version + 1, updatedAt: at })
      .where('id', '=', id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'quote',
      entityId: id,
      action: 'update',
      changes: { before: { status: quote.status }, after: { status, approvalId: request.id } },
      at,
    });
    return getQuoteIn(trx, actor, id);
  });
}

/** The approval's outcome sets the quote's status (the approvers may not own the quote). */
export const quoteApprovalOutcome: ApprovalOutcomeHandler = async (trx, request, outcome, actor) => {
  const status = outcome === 'approved' ? 'approved' : outcome === 'pending' ? 'pending_approval' : outcome;
  const quote = await trx
    .selectFrom('quotes')
    .select(['id', 'version', 'status', 'approvalId', 'currentVersion'])
    .where('tenantId', '=', request.tenantId)
    .where('id', '=', request.subjectId)
    .executeTakeFirst();
  // A request for an older version or a replaced request no longer speaks for the quote.
  if (!quote || quote.approvalId !== request.id || quote.currentVersion !== request.subjectVersion) return;
  const at = new Date().toISOString();
  await trx
    .updateTable('quotes')
    .set({ status, version: quote.version + 1, updatedAt: at })
    .where('id', '=', quote.id)
    .execute();
  await appendAuditEvent(trx, {
    tenantId: request.tenantId,
    actorId: actor.userId,
    entity: 'quote',
    entityId: quote.id,
    action: 'update',
    changes: { before: { status: quote.status }, after: { status }, note: `approval ${request.id}` },
    at,
  });
};

const TRANSITIONS: Record<'send' | 'accept' | 'decline', { from: string[]; to: string }> = {
  send: { from: ['approved'], to: 'sent' },
  accept: { from: ['approved', 'sent'], to: 'accepted' },
  decline: { from: ['approved', 'sent'], to: 'declined' },
};

/** Sent to the customer, accepted (locks the quote; a contract is made from it) or declined. */
export async function changeQuoteStatus(
  database: Database,
  actor: Actor,
  id: string,
  action: 'send' | 'accept' | 'decline',
  input: { reason?: string | null; expectedVersion: number | undefined },
) {
  return database.db.transaction().execute(async (trx) => {
    const quote = await quoteOrThrow(trx, actor, id);
    assertWritable(actor, 'quote', quote.ownerId);
    checkVersion(quote, input.expectedVersion);
    const t = TRANSITIONS[action];
    if (!t.from.includes(quote.status))
      throw new AppError('INVALID_STATE', { params: { reason: `quote is ${quote.status}` } });
    const at = new Date().toISOString();
    if (action === 'accept' && quote.validUntil < at.slice(0, 10))
      throw new AppError('INVALID_STATE', { params: { reason: `quote expired on ${quote.validUntil}` } });
    if (action === 'decline' && !input.reason?.trim())
      throw new AppError('VALIDATION_FAILED', {
        field: 'reason',
        issues: [{ field: 'reason', code: 'required' }],
      });
    await trx
      .updateTable('quotes')
      .set({ status: t.to, version: quote.version + 1, updatedAt: at })
      .where('id', '=', id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'quote',
      entityId: id,
      action: 'update',
      changes: { before: { status: quote.status }, after: { status: t.to }, note: input.reason ?? undefined },
      at,
    });
    return getQuoteIn(trx, actor, id);
  });
}

function lineDto(actor: Actor, l: StoredLine) {
  return hideCost(actor, { ...l, totals: hideCost(actor, l.totals, ['costAmount', 'marginAmount']) }, [
    'unitCost',
  ]);
}

function quoteDto(actor: Actor, row: QuoteRow) {
  const { tenantId: _t, deletedAt: _d, ...rest } = row;
  return hideCost(actor, rest, ['costAmount', 'marginBp']);
}

async function getQuoteIn(trx: Kysely<DB>, actor: Actor, id: string) {
  const quote = await quoteOrThrow(trx, actor, id);
  const version = await trx
    .selectFrom('quoteVersions')
    .selectAll()
    .where('quoteId', '=', id)
    .where('number', '=', quote.currentVersion)
    .executeTakeFirstOrThrow();
  return {
    ...quoteDto(actor, quote),
    lines: (JSON.parse(version.lines) as StoredLine[]).map((l) => lineDto(actor, l)),
    terms: JSON.parse(version.terms) as Record<string, unknown>,
    versionNote: version.note,
  };
}

export const getQuote = (db: Kysely<DB>, actor: Actor, id: string) => getQuoteIn(db, actor, id);

export async function listQuotes(
  db: Kysely<DB>,
  actor: Actor,
  q: {
    dealId?: string;
    accountId?: string;
    status?: string;
    q?: string;
    sort: string;
    limit: number;
    offset: number;
  },
) {
  let query = scopeQuery(db.selectFrom('quotes'), actor, 'quotes').where('quotes.deletedAt', 'is', null);
  if (q.dealId) query = query.where('dealId', '=', q.dealId);
  if (q.accountId) query = query.where('accountId', '=', q.accountId);
  if (q.status) query = query.where('status', '=', q.status);
  const text = q.q;
  if (text) {
    // Number or title, case-insensitively with `%` and `_` taken literally.
    query = query.where((eb) =>
      eb.or([containsText('quotes.number', text), containsText('quotes.title', text)]),
    );
  }
  const { rows, total, hasMore } = await offsetPage<QuoteRow>(query, q);
  return { items: rows.map((r) => quoteDto(actor, r)), total, hasMore };
}

export async function listQuoteVersions(db: Kysely<DB>, actor: Actor, id: string) {
  await quoteOrThrow(db, actor, id);
  const rows = await db
    .selectFrom('quoteVersions')
    .selectAll()
    .where('quoteId', '=', id)
    .orderBy('number')
    .execute();
  return {
    items: rows.map((v) => ({
      number: v.number,
      note: v.note,
      createdBy: v.createdBy,
      createdAt: v.createdAt,
      totals: hideCost(actor, JSON.parse(v.totals) as Record<string, unknown>, [
        'costAmount',
        'marginAmount',
        'marginBp',
      ]),
      lines: (JSON.parse(v.lines) as StoredLine[]).map((l) => lineDto(actor, l)),
      terms: JSON.parse(v.terms) as Record<string, unknown>,
    })),
  };
}

/** Line and term changes between two versions, for the negotiation history (报价版本对比). */
export async function diffQuote(db: Kysely<DB>, actor: Actor, id: string, from: number, to: number) {
  const { items } = await listQuoteVersions(db, actor, id);
  const a = items.find((v) => v.number === from);
  const b = items.find((v) => v.number === to);
  if (!a || !b)
    throw new AppError('VALIDATION_FAILED', {
      field: a ? 'to' : 'from',
      issues: [{ field: a ? 'to' : 'from', code: 'invalid_value' }],
    });
  const strip = (v: typeof a) => ({
    lines: v.lines.map(({ totals, productName: _n, sku: _s, unit: _u, ...l }) => ({
      ...l,
      grossAmount: totals.grossAmount,
    })),
    terms: v.terms,
  });
  return { from, to, ...diffQuoteVersions(strip(a), strip(b)) };
}
