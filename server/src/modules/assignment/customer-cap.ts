import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { countHoldings, OPEN_LEAD_STATUSES } from './assignment.repository';
import { getSalesPolicy } from './assignment.service';

/**
 * Does a record of this type, in this state, count towards its owner's customers (客户数)? Open
 * leads and accounts do, as in the pool's and routing's counts.
 */
export function countsAsCustomer(entity: string, row: Record<string, unknown>): boolean {
  if (entity === 'account') return true;
  if (entity === 'lead') return (OPEN_LEAD_STATUSES as readonly string[]).includes(String(row.status));
  return false;
}

/**
 * Refuses to give `userId` one more customer when they already hold the tenant's cap (客户数上限):
 * `409 CUSTOMER_CAP_REACHED` on `field`. Transfers and automation's assign check it, as claims
 * and routing do.
 */
export async function assertUnderCustomerCap(
  trx: Kysely<DB>,
  tenantId: string,
  userId: string,
  field: string,
): Promise<void> {
  const policy = await getSalesPolicy(trx, tenantId);
  if (policy.maxCustomersPerRep === null) return;
  const h = (await countHoldings(trx, tenantId, [userId])).get(userId)!;
  if (h.openLeads + h.accounts < policy.maxCustomersPerRep) return;
  const user = await trx
    .selectFrom('users')
    .select('name')
    .where('tenantId', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  throw new AppError('CUSTOMER_CAP_REACHED', {
    field,
    params: { name: user?.name ?? userId, cap: policy.maxCustomersPerRep },
  });
}
