import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export interface StoredResponse {
  fingerprint: string;
  statusCode: number;
  response: string;
}

export async function findIdempotentResponse(
  db: Kysely<DB>,
  tenantId: string,
  userId: string,
  key: string,
): Promise<StoredResponse | undefined> {
  return db
    .selectFrom('idempotencyKeys')
    .select(['fingerprint', 'statusCode', 'response'])
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * Claims the key inside the creating transaction, before the record is written: a concurrent
 * retry with the same key then waits on the primary key and fails, and is answered with the
 * stored response once the first transaction commits.
 */
export async function claimIdempotencyKey(
  trx: Kysely<DB>,
  claim: { tenantId: string; userId: string; key: string; fingerprint: string; at: string },
): Promise<void> {
  const { at, ...key } = claim;
  await trx
    .insertInto('idempotencyKeys')
    .values({ ...key, statusCode: 0, response: '', createdAt: at })
    .execute();
}

export async function storeIdempotentResponse(
  trx: Kysely<DB>,
  claim: { tenantId: string; userId: string; key: string },
  statusCode: number,
  response: unknown,
): Promise<void> {
  await trx
    .updateTable('idempotencyKeys')
    .set({ statusCode, response: JSON.stringify(response) })
    .where('tenantId', '=', claim.tenantId)
    .where('userId', '=', claim.userId)
    .where('key', '=', claim.key)
    .execute();
}
