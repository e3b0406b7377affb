import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/** 'YYYY-MM-DD' of an instant in a time zone. */
export function dateIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** Today in the tenant's time zone (default Asia/Shanghai): due dates are the tenant's dates. */
export async function tenantToday(db: Kysely<DB>, tenantId: string, at = new Date()): Promise<string> {
  const t = await db.selectFrom('tenants').select('timeZone').where('id', '=', tenantId).executeTakeFirst();
  return dateIn(t?.timeZone ?? 'Asia/Shanghai', at);
}
