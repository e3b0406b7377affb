import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import type { KpiFact } from '../../domain/kpi/aggregate';
import type { RunState } from '../sop/sop-run.repository';
import type { Window } from './kpi.repository';

// Customer satisfaction (客户满意度) where it is recorded: the SOP's after-sales visit
// (售后回访记录, order playbook) and a ticket's closing visit ask for a `satisfaction` score of
// 1–5 in a deliverable form. Each submitted score is one fact, placed at the form's submission.

/** The form field that holds a satisfaction score, in any playbook's forms. */
export const SATISFACTION_FIELD = 'satisfaction';

/** A form value as a 1–5 score, or null when it is not one (left empty, or another scale). */
export function satisfactionScore(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
}

/** The scores submitted in the window by the owners in scope, one fact per form. */
export async function loadSatisfactionFacts(
  db: Kysely<DB>,
  actor: Actor,
  w: Window,
  owners: string[] | undefined,
): Promise<KpiFact[]> {
  // Runs whose forms mention the field at all; the submission time is checked per form below.
  let q = scopeQuery(db.selectFrom('sopRuns'), actor, 'sopRuns')
    .leftJoin('orders', (j) =>
      j.onRef('orders.id', '=', 'sopRuns.recordId').on('sopRuns.recordType', '=', 'order'),
    )
    .leftJoin('accounts', 'accounts.id', 'orders.accountId')
    .select([
      'sopRuns.recordType',
      'sopRuns.recordId',
      'sopRuns.ownerId',
      'sopRuns.forms',
      'orders.number as orderNumber',
      'accounts.name as accountName',
      'accounts.region',
      'accounts.industry',
      'accounts.source',
    ])
    .where('sopRuns.forms', 'like', `%"${SATISFACTION_FIELD}"%`)
    .where('sopRuns.updatedAt', '>=', w.start);
  if (owners) q = q.where('sopRuns.ownerId', 'in', owners.length ? owners : ['-']);
  const facts: KpiFact[] = [];
  for (const run of await q.orderBy('sopRuns.recordId').execute()) {
    const forms = JSON.parse(run.forms) as RunState['forms'];
    for (const [formKey, form] of Object.entries(forms)) {
      const score = satisfactionScore(form.values?.[SATISFACTION_FIELD]);
      if (score === null || form.submittedAt < w.start || form.submittedAt >= w.end) continue;
      facts.push({
        entity: 'survey',
        id: `${run.recordId}:${formKey}`,
        recordId: run.recordId,
        name: [run.orderNumber ?? run.recordId, run.accountName].filter(Boolean).join(' · '),
        ownerId: run.ownerId,
        at: form.submittedAt,
        region: run.region ?? null,
        industry: run.industry ?? null,
        source: run.source ?? null,
        productIds: [],
        accountId: null,
        score,
        hit: score >= 4,
      });
    }
  }
  return facts;
}
