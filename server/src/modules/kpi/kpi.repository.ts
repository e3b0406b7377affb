import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import { receivablesByContract } from '../payments/payment.repository';

// The KPI query layer: the only place KPI and compliance figures touch SQL. Each function
// loads the rows of one fact source inside the caller's visibility (scopeQuery) and the period;
// the pure aggregates in domain/kpi turn them into numbers.

export interface Window {
  start: string;
  end: string;
}

/** Narrows to these owners on top of visibility (the `ownerId` / `unitId` filters). */
export type OwnerFilter = string[] | undefined;

function narrow<QB extends { where: (...args: any[]) => any }>(
  qb: QB,
  column: string,
  owners: OwnerFilter,
): QB {
  if (!owners) return qb;
  return qb.where(column, 'in', owners.length ? owners : ['-']);
}

export async function findTenantTimeZone(db: Kysely<DB>, tenantId: string): Promise<string> {
  const row = await db.selectFrom('tenants').select('timeZone').where('id', '=', tenantId).executeTakeFirst();
  return row?.timeZone ?? 'Asia/Shanghai';
}

export async function findOrgUnits(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('orgUnits')
    .select(['id', 'parentId', 'name', 'kind'])
    .where('tenantId', '=', tenantId)
    .execute();
}

export async function findUsers(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'orgUnitId', 'role', 'status'])
    .where('tenantId', '=', tenantId)
    .execute();
}

const dealColumns = [
  'deals.id',
  'deals.name',
  'deals.ownerId',
  'deals.amount',
  'deals.status',
  'deals.stage',
  'deals.createdAt',
  'deals.closedAt',
  'deals.source',
  'deals.productIds',
  'deals.accountId',
  'accounts.region',
  'accounts.industry',
] as const;

function dealsQuery(db: Kysely<DB>, actor: Actor, owners: OwnerFilter) {
  const q = db
    .selectFrom('deals')
    .leftJoin('accounts', 'accounts.id', 'deals.accountId')
    .select(dealColumns)
    .where('deals.deletedAt', 'is', null);
  return narrow(scopeQuery(q, actor, 'deals'), 'deals.ownerId', owners);
}

/** Deals closed (won, or won and lost) within the window, by their close time. */
export async function findClosedDeals(
  db: Kysely<DB>,
  actor: Actor,
  w: Window,
  owners: OwnerFilter,
  statuses: Array<'won' | 'lost'>,
) {
  return dealsQuery(db, actor, owners)
    .where('deals.status', 'in', statuses)
    .where('deals.closedAt', '>=', w.start)
    .where('deals.closedAt', '<', w.end)
    .orderBy('deals.closedAt')
    .orderBy('deals.id')
    .execute();
}

/**
 * When each customer first won a deal, over the whole tenant: whether a customer is new or
 * existing is a fact about the customer, whoever sold to it. Only dates leave this query.
 */
export async function findFirstWonAt(db: Kysely<DB>, tenantId: string, accountIds: string[]) {
  if (!accountIds.length) return new Map<string, { at: string; dealId: string }>();
  const rows = await db
    .selectFrom('deals')
    .select(['accountId', 'closedAt', 'id'])
    .where('tenantId', '=', tenantId)
    .where('deletedAt', 'is', null)
    .where('status', '=', 'won')
    .where('accountId', 'in', accountIds)
    .orderBy('closedAt')
    .orderBy('id')
    .execute();
  const first = new Map<string, { at: string; dealId: string }>();
  for (const r of rows) {
    if (!first.has(r.accountId) && r.closedAt) first.set(r.accountId, { at: r.closedAt, dealId: r.id });
  }
  return first;
}

/**
 * Visible records of a process (deals or leads) created before the window ends, with every
 * stage event of each: the history stage conversion and time in stage are computed from.
 */
export async function findStageHistory(
  db: Kysely<DB>,
  actor: Actor,
  process: 'deal' | 'lead',
  w: Window,
  owners: OwnerFilter,
) {
  const records =
    process === 'deal'
      ? (
          await dealsQuery(db, actor, owners)
            .where('deals.createdAt', '<', w.end)
            .orderBy('deals.id')
            .execute()
        ).map((d) => ({ ...d, productIds: parseIds(d.productIds) }))
      : (
          await narrow(
            scopeQuery(
              db
                .selectFrom('leads')
                .select(['id', 'name', 'ownerId', 'createdAt', 'region', 'industry', 'source'])
                .where('deletedAt', 'is', null)
                .where('createdAt', '<', w.end),
              actor,
              'leads',
            ),
            'leads.ownerId',
            owners,
          )
            .orderBy('id')
            .execute()
        ).map((l) => ({
          ...l,
          stage: '',
          productIds: [] as string[],
          accountId: null as string | null,
          amount: undefined as number | undefined,
        }));
  const events: Array<{
    recordId: string;
    fromStage: string | null;
    toStage: string;
    at: string;
    playbookVersionId: string | null;
  }> = [];
  const ids = records.map((r) => r.id);
  // In slices, so that a large tenant never exceeds a dialect's bound-parameter limit.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('stageEvents')
      .select(['recordId', 'fromStage', 'toStage', 'at', 'playbookVersionId'])
      .where('tenantId', '=', actor.tenantId)
      .where('recordType', '=', process)
      .where('recordId', 'in', ids.slice(i, i + 500))
      .orderBy('at')
      .orderBy('id')
      .execute();
    events.push(...rows);
  }
  return { records, events };
}

export function parseIds(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** SLA breaches (超时) within the window, scoped by the owner the clock ran for. */
export async function findBreaches(
  db: Kysely<DB>,
  actor: Actor,
  w: Window,
  owners: OwnerFilter,
  opts: { recordType: string; stageKey?: string },
) {
  let q = db
    .selectFrom('sopBreaches')
    .select(['id', 'recordId', 'stageKey', 'limitKey', 'ownerId', 'dueAt', 'breachedAt', 'reason'])
    .where('recordType', '=', opts.recordType)
    .where('breachedAt', '>=', w.start)
    .where('breachedAt', '<', w.end);
  if (opts.stageKey) q = q.where('stageKey', '=', opts.stageKey);
  return narrow(scopeQuery(q, actor, 'sopBreaches'), 'sopBreaches.ownerId', owners)
    .orderBy('breachedAt')
    .orderBy('id')
    .execute();
}

/** The SOP runs of these records: what of each checklist and form was done, and when. */
export async function findRuns(db: Kysely<DB>, tenantId: string, recordType: string, recordIds: string[]) {
  const out: Array<{ recordId: string; checklist: string; forms: string }> = [];
  for (let i = 0; i < recordIds.length; i += 500) {
    out.push(
      ...(await db
        .selectFrom('sopRuns')
        .select(['recordId', 'checklist', 'forms'])
        .where('tenantId', '=', tenantId)
        .where('recordType', '=', recordType)
        .where('recordId', 'in', recordIds.slice(i, i + 500))
        .execute()),
    );
  }
  return out;
}

export async function findPlaybookDefinitions(db: Kysely<DB>, tenantId: string, versionIds: string[]) {
  if (!versionIds.length) return [];
  return db
    .selectFrom('playbookVersions')
    .select(['id', 'definition'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', versionIds)
    .execute();
}

export async function findCreatedLeads(db: Kysely<DB>, actor: Actor, w: Window, owners: OwnerFilter) {
  const q = db
    .selectFrom('leads')
    .select([
      'id',
      'name',
      'companyName',
      'ownerId',
      'createdAt',
      'status',
      'convertedAt',
      'region',
      'industry',
      'source',
    ])
    .where('deletedAt', 'is', null)
    .where('createdAt', '>=', w.start)
    .where('createdAt', '<', w.end);
  return narrow(scopeQuery(q, actor, 'leads'), 'leads.ownerId', owners)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function findCreatedAccounts(db: Kysely<DB>, actor: Actor, w: Window, owners: OwnerFilter) {
  const q = db
    .selectFrom('accounts')
    .select(['id', 'name', 'ownerId', 'createdAt', 'region', 'industry', 'source'])
    .where('deletedAt', 'is', null)
    .where('createdAt', '>=', w.start)
    .where('createdAt', '<', w.end);
  return narrow(scopeQuery(q, actor, 'accounts'), 'accounts.ownerId', owners)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function findActivities(db: Kysely<DB>, actor: Actor, w: Window, owners: OwnerFilter) {
  const q = db
    .selectFrom('activities')
    .select(['id', 'subject', 'kind', 'ownerId', 'occurredAt', 'dealId', 'leadId'])
    .where('deletedAt', 'is', null)
    .where('occurredAt', '>=', w.start)
    .where('occurredAt', '<', w.end);
  return narrow(scopeQuery(q, actor, 'activities'), 'activities.ownerId', owners)
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();
}

/**
 * SOP clocks started within the window, scoped by the owner the clock ran for (as breaches are).
 * Lead clocks bring the lead's region, industry and source for slicing.
 */
export async function findClocks(
  db: Kysely<DB>,
  actor: Actor,
  w: Window,
  owners: OwnerFilter,
  opts: { recordType?: string; limitKeyPrefix?: string; stageKey?: string } = {},
) {
  let q = db
    .selectFrom('sopClocks')
    .leftJoin('leads', (j) =>
      j.onRef('leads.id', '=', 'sopClocks.recordId').on('sopClocks.recordType', '=', 'lead'),
    )
    .select([
      'sopClocks.id',
      'sopClocks.recordType',
      'sopClocks.recordId',
      'sopClocks.stageKey',
      'sopClocks.limitKey',
      'sopClocks.ownerId',
      'sopClocks.startedAt',
      'sopClocks.dueAt',
      'sopClocks.status',
      'sopClocks.stoppedAt',
      'leads.name as leadName',
      'leads.region',
      'leads.industry',
      'leads.source',
    ])
    .where('sopClocks.startedAt', '>=', w.start)
    .where('sopClocks.startedAt', '<', w.end);
  if (opts.recordType) q = q.where('sopClocks.recordType', '=', opts.recordType);
  if (opts.limitKeyPrefix) q = q.where('sopClocks.limitKey', 'like', `${opts.limitKeyPrefix}%`);
  if (opts.stageKey) q = q.where('sopClocks.stageKey', '=', opts.stageKey);
  return narrow(scopeQuery(q, actor, 'sopClocks'), 'sopClocks.ownerId', owners)
    .orderBy('sopClocks.startedAt')
    .orderBy('sopClocks.id')
    .execute();
}

/** Product names for labels; products are a tenant-wide catalogue. */
export async function findProductNames(db: Kysely<DB>, tenantId: string, ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const rows = await db
    .selectFrom('products')
    .select(['id', 'name'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The sales channel (渠道) of each deal: the channel of the price list its quote was priced from —
 * the accepted quote if there is one, else the latest quote with a price list. A price list
 * without a channel is the direct-sales list (`direct`); a deal never quoted has none.
 */
export async function findDealChannels(db: Kysely<DB>, tenantId: string, dealIds: string[]) {
  const out = new Map<string, string>();
  const unique = [...new Set(dealIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('quotes')
      .innerJoin('priceLists', 'priceLists.id', 'quotes.priceListId')
      .select(['quotes.dealId', 'quotes.status', 'priceLists.channel'])
      .where('quotes.tenantId', '=', tenantId)
      .where('quotes.deletedAt', 'is', null)
      .where('quotes.dealId', 'in', unique.slice(i, i + 500))
      .orderBy('quotes.createdAt')
      .orderBy('quotes.id')
      .execute();
    const accepted = new Set<string>();
    for (const r of rows) {
      if (accepted.has(r.dealId)) continue;
      out.set(r.dealId, r.channel ?? 'direct');
      if (r.status === 'accepted') accepted.add(r.dealId);
    }
  }
  return out;
}

/**
 * Instalments (回款计划) of the signed contracts the caller can see, with their receipts, the
 * contract's owner, customer, deal source and quote channel: the facts of the collection KPIs.
 */
export async function findCollectionContracts(db: Kysely<DB>, actor: Actor, owners: OwnerFilter) {
  const q = db
    .selectFrom('contracts')
    .leftJoin('accounts', 'accounts.id', 'contracts.accountId')
    .leftJoin('deals', 'deals.id', 'contracts.dealId')
    .leftJoin('quotes', 'quotes.id', 'contracts.quoteId')
    .leftJoin('priceLists', 'priceLists.id', 'quotes.priceListId')
    .select([
      'contracts.id',
      'contracts.number',
      'contracts.title',
      'contracts.ownerId',
      'contracts.accountId',
      'contracts.dealId',
      'contracts.quoteId',
      'quotes.priceListId',
      'priceLists.channel',
      'deals.source',
      'deals.productIds',
      'accounts.region',
      'accounts.industry',
    ])
    .where('contracts.deletedAt', 'is', null)
    .where('contracts.signedVersion', 'is not', null);
  const contracts = await narrow(scopeQuery(q, actor, 'contracts'), 'contracts.ownerId', owners)
    .orderBy('contracts.id')
    .execute();
  type Receivables = Awaited<ReturnType<typeof receivablesByContract>>;
  const receivables: Receivables = new Map();
  const ids = contracts.map((c) => c.id);
  for (let i = 0; i < ids.length; i += 500) {
    for (const [k, v] of await receivablesByContract(db, actor.tenantId, ids.slice(i, i + 500))) {
      receivables.set(k, v);
    }
  }
  return contracts.map((c) => ({ ...c, ...receivables.get(c.id)! }));
}
