import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { DEAL_STAGE_KEYS } from '../../domain/deal-stages';
import type { Playbook, PROCESSES, Stage } from '../../domain/sop/playbook';
import { dealDefinition } from '../deals/deal.definition';
import { LEAD_STATUSES, leadDefinition } from '../leads/lead.definition';
import { orderRunAdapter } from '../orders/order-sop';
import { findVisibleById } from '../records/record.repository';
import type { RecordDefinition } from '../records/record-definition';

export type RunRecordType = (typeof PROCESSES)[number];

/**
 * How the run service reaches one record type: the record, its owner, the stage its own column
 * says it is in, and the columns a stage change writes. Deals, leads and orders are here;
 * tickets have no record table yet (after-sales is a later capability) and register theirs with
 * `registerRunAdapter` when they arrive.
 */
export interface RunAdapter {
  recordType: RunRecordType;
  /**
   * The record definition its moves are written through (version check, audit). A record type
   * without one (orders) gives `writeMove` and `assertWritable` instead.
   */
  definition?: RecordDefinition;
  /** The table the sweep reads the record's owner (and, by default, its `stopWhen` record) from. */
  table: keyof DB & string;
  load(trx: Kysely<DB>, actor: Actor, id: string): Promise<Record<string, unknown> | undefined>;
  /** The record as the sweep's `stopWhen` conditions see it (default: its row). */
  conditionRecord?(
    trx: Kysely<DB>,
    tenantId: string,
    id: string,
  ): Promise<Record<string, unknown> | undefined>;
  /** The stage the record's own column says it is in. */
  stageOf(record: Record<string, unknown>, playbook: Playbook): string;
  /** When the record entered that stage (a run started late counts its clocks from there). */
  enteredAtOf(record: Record<string, unknown>): string;
  /** The record as gates see it (`record.*`). */
  gateRecord(record: Record<string, unknown>): Record<string, unknown>;
  /** The record's columns for a stage: deal.stage, lead.status. */
  stageColumns(target: Stage, playbook: Playbook, reasonLabel: string | null): Record<string, unknown>;
  /** A record in this state takes no more moves (e.g. a converted lead). */
  closed?(record: Record<string, unknown>): string | undefined;
  /** Who may work the run (default: the owner's side, by the definition's scope). */
  assertWritable?(actor: Actor, record: Record<string, unknown>): void;
  /** Writes a move with the version check (default: updateRecord through the definition). */
  writeMove?(
    database: Database,
    actor: Actor,
    id: string,
    expectedVersion: number | undefined,
    move: { from: string; target: Stage; reasonLabel: string | null },
    afterWrite: (
      trx: Kysely<DB>,
      before: Record<string, unknown>,
      after: Record<string, unknown>,
    ) => Promise<void>,
  ): Promise<{ dto: unknown; version: number }>;
}

const DEAL_STATUS_OF_TERMINAL = { won: 'won', lost: 'lost', closed: 'lost' } as const;

const dealAdapter = (): RunAdapter => ({
  recordType: 'deal',
  definition: dealDefinition as RecordDefinition,
  table: 'deals',
  load: (trx, actor, id) => findVisibleById(trx, dealDefinition, actor, id),
  stageOf: (record) => String(record.stage),
  enteredAtOf: (record) => String(record.stageEnteredAt ?? record.createdAt),
  gateRecord: (record) => ({
    ...record,
    productIds: typeof record.productIds === 'string' ? JSON.parse(record.productIds) : record.productIds,
  }),
  stageColumns: (target, _pb, reasonLabel) => {
    // deal.stage is one of the standard stages; a custom stage key keeps its terminal meaning.
    const stage = (DEAL_STAGE_KEYS as readonly string[]).includes(target.key)
      ? target.key
      : target.terminal
        ? DEAL_STATUS_OF_TERMINAL[target.terminal]
        : undefined;
    return {
      ...(stage ? { stage } : {}),
      ...(target.probability !== undefined ? { probability: target.probability } : {}),
      ...(target.terminal === 'lost' || target.terminal === 'closed' ? { lostReason: reasonLabel } : {}),
    };
  },
});

/** lead.status for a stage of the lead playbook: same key where one exists, else by position. */
export function leadStatusOfStage(target: Stage, playbook: Playbook): string {
  if ((LEAD_STATUSES as readonly string[]).includes(target.key) && target.key !== 'converted')
    return target.key;
  if (target.key === playbook.stages[0]?.key) return 'new';
  if (target.terminal === 'won') return 'qualified';
  if (target.terminal) return 'disqualified';
  return 'contacted';
}

/** The lead playbook's stage for a lead.status. */
export function leadStageOfStatus(status: string, playbook: Playbook): string {
  const first = playbook.stages[0]!.key;
  const same = playbook.stages.find((s) => s.key === status);
  if (same) return same.key;
  if (status === 'new') return first;
  const terminal =
    status === 'converted' || status === 'qualified'
      ? playbook.stages.find((s) => s.terminal === 'won')
      : status === 'disqualified'
        ? playbook.stages.find((s) => s.terminal === 'lost' || s.terminal === 'closed')
        : playbook.stages.find((s) => !s.terminal && s.key !== first);
  return terminal?.key ?? first;
}

const leadAdapter = (): RunAdapter => ({
  recordType: 'lead',
  definition: leadDefinition as RecordDefinition,
  table: 'leads',
  load: (trx, actor, id) => findVisibleById(trx, leadDefinition, actor, id),
  stageOf: (record, playbook) => leadStageOfStatus(String(record.status), playbook),
  enteredAtOf: (record) => String(record.assignedAt ?? record.createdAt),
  gateRecord: (record) => ({ ...record }),
  stageColumns: (target, playbook) => ({ status: leadStatusOfStage(target, playbook) }),
  closed: (record) => (record.status === 'converted' ? 'converted' : undefined),
});

// Built on first use: the record definitions import this module's users, so not at load time.
let adapters: Map<string, RunAdapter> | undefined;
const registry = () => {
  adapters ??= new Map<string, RunAdapter>([
    ['deal', dealAdapter()],
    ['lead', leadAdapter()],
    ['order', orderRunAdapter()],
  ]);
  return adapters;
};

/** Plugs a record type (tickets, when they arrive) into the run service. */
export function registerRunAdapter(adapter: RunAdapter): void {
  registry().set(adapter.recordType, adapter);
}

export function runAdapter(recordType: string): RunAdapter | undefined {
  return registry().get(recordType);
}
