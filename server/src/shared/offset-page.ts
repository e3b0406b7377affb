import type { SelectQueryBuilder } from 'kysely';

/** `-createdAt` → {key: 'createdAt', desc: true}. */
export function parseSort(sort: string): { key: string; desc: boolean } {
  return sort.startsWith('-') ? { key: sort.slice(1), desc: true } : { key: sort, desc: false };
}

// The query builder is used untyped here: the helper serves every paged list, one table each.
type AnyQuery = SelectQueryBuilder<any, any, any>;

/**
 * One page of a paged list (`limit`/`offset`), ordered by the sort key (`-key` descending) and
 * then by id for a stable order, with the total of the same filtered query. `table` prefixes the
 * columns when the query joins; `select` picks columns instead of the table's all.
 */
export async function offsetPage<Row>(
  query: AnyQuery,
  opts: { sort: string; limit: number; offset: number; table?: string; select?: (q: AnyQuery) => AnyQuery },
): Promise<{ rows: Row[]; total: number; hasMore: boolean }> {
  const { key, desc } = parseSort(opts.sort);
  const column = (c: string) => (opts.table ? `${opts.table}.${c}` : c);
  const direction = desc ? 'desc' : 'asc';
  const selected = opts.select
    ? opts.select(query)
    : opts.table
      ? query.selectAll(opts.table)
      : query.selectAll();
  const [rows, count] = await Promise.all([
    selected
      .orderBy(column(key), direction)
      .orderBy(column('id'), direction)
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
  ]);
  const total = Number((count as { n?: unknown } | undefined)?.n ?? 0);
  return { rows: rows as Row[], total, hasMore: opts.offset + rows.length < total };
}
