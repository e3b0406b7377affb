import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/**
 * How each record type that runs an SOP is named to people: deals and leads by name, orders by
 * number, a weekly report (a missing one is a breach) by its week's Monday.
 */
const NAME_COLUMNS = {
  deal: { table: 'deals', column: 'name' },
  lead: { table: 'leads', column: 'name' },
  order: { table: 'orders', column: 'number' },
  weekly_report: { table: 'weeklyReports', column: 'weekStart' },
} as const;

/**
 * The display names of records that run an SOP, keyed `type:id` — one query per type, so a page
 * of breaches or clocks, or a notification, names its records without one call per row.
 */
export async function recordNames(
  db: Kysely<DB>,
  tenantId: string,
  refs: readonly { recordType: string; recordId: string }[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [type, { table, column }] of Object.entries(NAME_COLUMNS)) {
    const ids = [...new Set(refs.filter((r) => r.recordType === type).map((r) => r.recordId))];
    if (ids.length === 0) continue;
    const rows = await db
      .selectFrom(table)
      .select(['id', `${column} as name`])
      .where('tenantId', '=', tenantId)
      .where('id', 'in', ids)
      .execute();
    for (const r of rows as { id: string; name: string }[]) names.set(`${type}:${r.id}`, r.name);
  }
  return names;
}
