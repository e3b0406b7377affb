import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import {
  getRunPanel,
  moveRecord,
  publishedPlaybook,
  setRunChecklistAction,
  submitRunForm,
} from './run.service';

// The deal's SOP: the generic run service (run.service.ts) for record type 'deal'. Stage events
// for every record type are written in `enterStage` there.

export { publishedPlaybook };

export const publishedDealPlaybook = (trx: Kysely<DB>, tenantId: string) =>
  publishedPlaybook(trx, tenantId, 'deal');

/** The SOP panel of a deal: stage, its checklist and forms with what is done, and each next move's gate. */
export const getDealSop = (database: Database, actor: Actor, dealId: string) =>
  getRunPanel(database, actor, 'deal', dealId);

export const setChecklistAction = (
  database: Database,
  actor: Actor,
  dealId: string,
  actionKey: string,
  done: boolean,
) => setRunChecklistAction(database, actor, 'deal', dealId, actionKey, done);

export const submitForm = (
  database: Database,
  actor: Actor,
  dealId: string,
  formKey: string,
  values: Record<string, unknown>,
) => submitRunForm(database, actor, 'deal', dealId, formKey, values);

/** A gated stage move: refused with every unmet item, or done with its stage event, in one transaction. */
export const moveDeal = (
  database: Database,
  actor: Actor,
  dealId: string,
  expectedVersion: number | undefined,
  input: { toStage: string; reason?: string | null },
) => moveRecord(database, actor, 'deal', dealId, expectedVersion, input);
