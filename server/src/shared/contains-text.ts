import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { searchPattern } from './search-text';

/**
 * `column` contains `q`, case-insensitively, with the user's `%` and `_` taken literally. The
 * ESCAPE clause is spelled out because SQLite has no default escape character (PostgreSQL's is `\`).
 */
export function containsText(column: string, q: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${searchPattern(q)} escape '\\'`;
}
