import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';
import { startStageClocks } from './clock.service';
import { publishedPlaybook } from './deal-sop.service';

/**
 * A lead that reaches an owner starts its run through the lead playbook, and with it the clock
 * of its first stage: first contact within 2 working hours, which stops when the first follow-up
 * is logged (首次触达). Runs inside the transaction that created or assigned the lead.
 */
export async function startLeadRun(
  trx: Kysely<DB>,
  lead: { id: string; tenantId: string; ownerId: string | null },
  at: string,
): Promise<void> {
  if (!lead.ownerId) return;
  const existing = await trx
    .selectFrom('sopRuns')
    .select('id')
    .where('tenantId', '=', lead.tenantId)
    .where('recordType', '=', 'lead')
    .where('recordId', '=', lead.id)
    .executeTakeFirst();
  if (existing) return;
  const pb = await publishedPlaybook(trx, lead.tenantId, 'lead');
  const first = pb.playbook.stages[0]!;
  const run = {
    id: newId('run'),
    tenantId: lead.tenantId,
    recordType: 'lead',
    recordId: lead.id,
    playbookId: pb.playbookId,
    playbookVersionId: pb.versionId,
    stageKey: first.key,
    stageEnteredAt: at,
    checklist: '{}',
    forms: '{}',
    ownerId: lead.ownerId,
    status: 'open',
    createdAt: at,
    updatedAt: at,
  };
  await trx.insertInto('sopRuns').values(run).execute();
  await startStageClocks(trx, run, first, at);
}
