import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/** What `approvals.<subject>` can name in a gate (e.g. `approvals.quote == "approved"`). */
export const GATE_APPROVAL_SUBJECTS = ['quote', 'contract'] as const;

/**
 * The approval state a deal's gates can ask about: for its quotes and its contracts, the status
 * of the latest approval request (approved, pending, rejected, returned), or "none".
 */
export async function gateApprovals(
  trx: Kysely<DB>,
  tenantId: string,
  recordType: string,
  recordId: string,
): Promise<Record<string, string>> {
  const none = Object.fromEntries(GATE_APPROVAL_SUBJECTS.map((s) => [s, 'none']));
  if (recordType !== 'deal') return none;
  const quoteIds = (
    await trx
      .selectFrom('quotes')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('dealId', '=', recordId)
      .where('deletedAt', 'is', null)
      .execute()
  ).map((q) => q.id);
  const contractIds = (
    await trx
      .selectFrom('contracts')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('dealId', '=', recordId)
      .where('deletedAt', 'is', null)
      .execute()
  ).map((c) => c.id);
  const latest = async (subject: string, ids: string[]) => {
    if (!ids.length) return 'none';
    const row = await trx
      .selectFrom('approvalRequests')
      .select('status')
      .where('tenantId', '=', tenantId)
      .where('subject', '=', subject)
      .where('subjectId', 'in', ids)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row?.status ?? 'none';
  };
  return { quote: await latest('quote', quoteIds), contract: await latest('contract', contractIds) };
}
