import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { TriggerEvent } from '../../domain/automation/rule';

/** Something that happened to a record, reported by the service that made it happen. */
export interface AutomationEvent {
  tenantId: string;
  event: TriggerEvent;
  recordType: string;
  recordId: string;
  /** The record as written (loaded when left out). */
  record?: Record<string, unknown>;
  /** The record before an update (record.updated). */
  previous?: Record<string, unknown>;
  stageKey?: string | null;
  at?: string;
}

/**
 * Runs the tenant's matching automation rules on an event, inside the caller's transaction.
 * Never throws: a failing rule is logged as a failed run and leaves nothing half-written.
 * The engine is loaded on first use, so that the services calling this import nothing of it.
 */
export async function runAutomations(trx: Kysely<DB>, event: AutomationEvent): Promise<void> {
  // Loaded once: a dynamic import per event cost a tenth of the SLA sweep (see docs/benchmark.md).
  engine ??= import('./automation.engine');
  const { executeAutomations } = await engine;
  await executeAutomations(trx, event);
}
let engine: Promise<typeof import('./automation.engine')> | undefined;

/** A clock warned or breached (the SLA sweep); escalations and stops set off nothing. */
export async function runClockAutomations(
  trx: Kysely<DB>,
  clock: { tenantId: string; recordType: string; recordId: string; stageKey: string },
  kind: string,
  at: string,
): Promise<void> {
  const event = kind === 'warn' ? 'clock.warning' : kind === 'breach' ? 'clock.breached' : undefined;
  if (!event) return;
  await runAutomations(trx, { ...pick(clock), event, stageKey: clock.stageKey, at });
}

/** A record entered a stage of its playbook (a move, or the run's start). */
export async function runStageAutomations(
  trx: Kysely<DB>,
  run: { tenantId: string; recordType: string; recordId: string },
  stageKey: string,
  at: string,
): Promise<void> {
  await runAutomations(trx, { ...pick(run), event: 'stage.entered', stageKey, at });
}

function pick(r: { tenantId: string; recordType: string; recordId: string }) {
  return { tenantId: r.tenantId, recordType: r.recordType, recordId: r.recordId };
}
