import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeParts, scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import { searchPattern } from '../../shared/search-text';
import { decodeCursor, encodeCursor, parseSort } from './cursor';
import type { RecordDefinition, Row } from './record-definition';

// Generic queries over one record table. Kysely is typed per table elsewhere; here the table is
// a parameter, so the builder is used untyped and rows come back as plain objects.
type AnyDb = Kysely<any>;

export interface ListParams {
  q?: string;
  sort: string;
  cursor?: string;
  limit: number;
  includeTotal?: boolean;
  includeDeleted?: boolean;
  createdFrom?: string;
  createdTo?: string;
  pool?: 'include' | 'exclude' | 'only';
  filters: Record<string, string[]>;
  /** Time ranges by the definition's range keys: from inclusive, to exclusive. */
  ranges?: Record<string, { from?: string; to?: string }>;
}

export interface ListPage {
  rows: Row[];
  nextCursor: string | null;
  total?: number;
}

export async function findVisibleById(
  db: Kysely<DB>,
  def: RecordDefinition,
  actor: Actor,
  id: string,
  opts: { includeDeleted?: boolean } = {},
): Promise<Row | undefined> {
  let q = (db as AnyDb).selectFrom(def.table).selectAll().where(`${def.table}.id`, '=', id);
  q = scopeQuery(q, actor, def.table, def.scope);
  if (!opts.includeDeleted) q = q.where(`${def.table}.deletedAt`, 'is', null);
  return (await q.executeTakeFirst()) as Row | undefined;
}

/** Used by duplicate checks and reference checks that must look past the actor's reach. */
export async function findInTenantById(db: Kysely<DB>, table: string, tenantId: string, id: string) {
  return (await (db as AnyDb)
    .selectFrom(table)
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .executeTakeFirst()) as Row | undefined;
}

/** Every list condition but visibility: deleted, search, time ranges, pool, filters. */
function narrowList(base: any, def: RecordDefinition, p: ListParams): any {
  const t = def.table;
  if (!p.includeDeleted) base = base.where(`${t}.deletedAt`, 'is', null);
  if (p.q?.trim()) base = base.where(`${t}.searchText`, 'like', searchPattern(p.q));
  if (p.createdFrom) base = base.where(`${t}.createdAt`, '>=', p.createdFrom);
  if (p.createdTo) base = base.where(`${t}.createdAt`, '<', p.createdTo);
  for (const [key, range] of Object.entries(p.ranges ?? {})) {
    const column = def.ranges?.[key];
    if (!column) continue;
    if (range.from) base = base.where(`${t}.${column}`, '>=', range.from);
    if (range.to) base = base.where(`${t}.${column}`, '<', range.to);
  }
  if (p.pool === 'exclude') base = base.where(`${t}.ownerId`, 'is not', null);
  if (p.pool === 'only') base = base.where(`${t}.ownerId`, 'is', null);
  for (const [key, values] of Object.entries(p.filters)) {
    const rule = def.filters[key];
    if (!rule || !values.length) continue;
    const column = `${t}.${rule.column}`;
    if (values.includes('null')) {
      const others = values.filter((v) => v !== 'null');
      base = base.where((eb: any) =>
        eb.or([eb(column, 'is', null), ...(others.length ? [eb(column, 'in', others)] : [])]),
      );
    } else {
      base = base.where(column, 'in', values);
    }
  }
  return base;
}

export async function listVisible(
  db: Kysely<DB>,
  def: RecordDefinition,
  actor: Actor,
  p: ListParams,
): Promise<ListPage> {
  const t = def.table;
  const from = () => (db as AnyDb).selectFrom(t);
  // The page is read in parts, each in its index order up to one page, merged by the database:
  // for a rep, their own records and the public pool (公海); for a manager, each owner of the
  // team and the pool. As one "owner in (…) or pool" condition a planner with statistics sorts
  // every visible row (the whole pool, the whole team) for each page.
  const withPool = !!def.scope.poolReadable && p.pool !== 'exclude';
  const parts =
    p.pool === 'only' ? undefined : scopeParts(from, actor, t, { ...def.scope, poolReadable: withPool });
  // Counted as few parts as possible: one count per owner would cost more than it saves.
  const splitPool =
    !!def.scope.poolReadable && actor.readableOwners !== 'all' && (p.pool ?? 'include') === 'include';
  const counted = (
    splitPool
      ? [
          scopeQuery(from(), actor, t, { ...def.scope, poolReadable: false }),
          from().where(`${t}.tenantId`, '=', actor.tenantId).where(`${t}.ownerId`, 'is', null),
        ]
      : [scopeQuery(from(), actor, t, def.scope)]
  ).map((base) => narrowList(base, def, p));
  const read = parts ? parts.map((base) => narrowList(base, def, p)) : counted;

  const { key, desc } = parseSort(p.sort);
  const sortField = def.sortable[key] ?? 'createdAt';
  const sortColumn = `${t}.${sortField}`;
  const direction = desc ? 'desc' : 'asc';
  const onePage = (base: any) => {
    let q = base.selectAll(t);
    if (p.cursor) {
      const c = decodeCursor(p.cursor);
      const op = desc ? '<' : '>';
      q = q.where((eb: any) =>
        eb.or([eb(sortColumn, op, c.value), eb.and([eb(sortColumn, '=', c.value), eb(`${t}.id`, op, c.id)])]),
      );
    }
    return q
      .orderBy(sortColumn, direction)
      .orderBy(`${t}.id`, direction)
      .limit(p.limit + 1);
  };
  const [first, ...rest] = read.map(onePage);
  const merged = () =>
    rest
      .reduce(
        (union: any, part: any, i: number) =>
          union.unionAll((db as AnyDb).selectFrom(part.as(`part${i + 1}`)).selectAll()),
        (db as AnyDb).selectFrom(first.as('part0')).selectAll(),
      )
      .orderBy(sortField, direction)
      .orderBy('id', direction)
      .limit(p.limit + 1);
  const rows = (await (rest.length ? merged() : first).execute()) as Row[];
  const hasMore = rows.length > p.limit;
  const page = hasMore ? rows.slice(0, p.limit) : rows;
  const last = page[page.length - 1];
  const nextCursor = hasMore && last ? encodeCursor(last[sortField] as string | number, last.id) : null;

  let total: number | undefined;
  if (p.includeTotal) {
    total = 0;
    for (const base of counted) {
      const r = await base.select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst();
      total += Number((r as { n?: unknown } | undefined)?.n ?? 0);
    }
  }
  return { rows: page, nextCursor, total };
}

export async function insertRow(trx: Kysely<DB>, table: string, row: Record<string, unknown>): Promise<void> {
  await (trx as AnyDb).insertInto(table).values(row).execute();
}

/** Writes only if the row still has the version the caller read; returns whether it did. */
export async function updateIfVersion(
  trx: Kysely<DB>,
  table: string,
  tenantId: string,
  id: string,
  version: number,
  patch: Record<string, unknown>,
): Promise<boolean> {
  const result = await (trx as AnyDb)
    .updateTable(table)
    .set({ ...patch, version: version + 1 })
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Display names by id within a tenant (people or customers), one query for a page of rows. */
async function findNames(
  db: Kysely<DB>,
  table: 'users' | 'accounts',
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await db
    .selectFrom(table)
    .select(['id', 'name'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export const findOwnerNames = (db: Kysely<DB>, tenantId: string, ids: readonly string[]) =>
  findNames(db, 'users', tenantId, ids);

export const findAccountNames = (db: Kysely<DB>, tenantId: string, ids: readonly string[]) =>
  findNames(db, 'accounts', tenantId, ids);
