import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { enterStage, loadPlaybookVersion, startRun } from './run.service';
import { leadStageOfStatus } from './run-adapters';
import { findRun } from './sop-run.repository';

/**
 * A lead that reaches an owner starts its run through the lead playbook, and with it the clock
 * of its first stage: first contact within 2 working hours, which stops when the first follow-up
 * is logged (首次触达). Runs inside the transaction that created or assigned the lead. Its stage
 * moves (POST /api/leads/:id/move) go through the generic run service.
 */
export async function startLeadRun(
  trx: Kysely<DB>,
  lead: { id: string; tenantId: string; ownerId: string | null },
  at: string,
): Promise<void> {
  if (!lead.ownerId) return;
  await startRun(trx, {
    tenantId: lead.tenantId,
    recordType: 'lead',
    recordId: lead.id,
    ownerId: lead.ownerId,
    at,
  });
}

/**
 * The first follow-up on a lead is its first contact: the lead moves from its first stage to
 * 初步接触 (its status becomes `contacted`), the 首次触达 action counts as done, and the move is a
 * stage event by whoever logged the follow-up. Called in the transaction that logged it.
 */
export async function leadFirstContact(
  trx: Kysely<DB>,
  lead: { id: string; tenantId: string },
  actorId: string,
  at: string,
): Promise<void> {
  const run = await findRun(trx, lead.tenantId, 'lead', lead.id);
  if (run?.status !== 'open') return;
  const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
  const first = playbook.stages[0]!;
  if (run.stageKey !== first.key) return;
  const target = playbook.stages.find((s) => s.key === leadStageOfStatus('contacted', playbook));
  if (!target || target.key === first.key || !first.allowedNext.includes(target.key)) return;
  const action = first.checklist.find((a) => a.key === 'first_contact');
  if (action) {
    run.state.checklist[action.key] = { doneAt: at, doneBy: actorId };
    await trx
      .updateTable('sopRuns')
      .set({ checklist: JSON.stringify(run.state.checklist) })
      .where('id', '=', run.id)
      .execute();
  }
  await enterStage(trx, run, { from: first.key, to: target, at, actorId, reason: 'first_contact' });
}

/**
 * A converted lead's run ends in the playbook's won stage (已确认), as a stage event of whoever
 * converted it; its clocks stop. Called in the conversion's transaction.
 */
export async function leadConverted(
  trx: Kysely<DB>,
  lead: { id: string; tenantId: string },
  actorId: string,
  at: string,
): Promise<void> {
  const run = await findRun(trx, lead.tenantId, 'lead', lead.id);
  if (run?.status !== 'open') return;
  const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
  const won = playbook.stages.find((s) => s.key === leadStageOfStatus('converted', playbook));
  if (!won || won.key === run.stageKey) return;
  await enterStage(trx, run, { from: run.stageKey, to: won, at, actorId, reason: 'converted' });
}
