import { AsyncLocalStorage } from 'node:async_hooks';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema';
import {
  type Chain,
  chainKey,
  childChain,
  guardVerdict,
  MAX_CHAIN_DEPTH,
  ROOT_CHAIN,
} from '../../domain/automation/loop-guard';
import { changedFields, triggerMatches } from '../../domain/automation/matching';
import {
  type AutomationRecordType,
  type Rule,
  ruleSchema,
  type TriggerEvent,
} from '../../domain/automation/rule';
import { evaluateCondition } from '../../domain/sop/expressions';
import { AppError } from '../../shared/errors';
import { findInTenantById } from '../records/record.repository';
import { AUDIT_IGNORED, type Row } from '../records/record-definition';
import { executeAction } from './automation.actions';
import { automationActor, definitionOf, isAutomationType } from './automation.definitions';
import type { AutomationEvent } from './automation.hooks';
import { findActiveRules, insertRun, type RuleRow } from './automation.repository';

// The chain of events automation sets off travels with the async call that runs a rule's
// actions: any event reported while they run (a set_field's record.updated, a created task's
// record.created) belongs to that chain, one level deeper.
const chainStore = new AsyncLocalStorage<Chain>();

export interface LoadedRule {
  id: string;
  tenantId: string;
  name: string;
  rule: Rule;
}

/** A stored rule, parsed; a row that no longer parses (hand-edited) is left out. */
export function loadRule(row: RuleRow): LoadedRule | undefined {
  const parsed = ruleSchema.safeParse({
    name: row.name,
    status: row.status,
    trigger: JSON.parse(row.trigger),
    condition: row.condition,
    actions: JSON.parse(row.actions),
  });
  return parsed.success
    ? { id: row.id, tenantId: row.tenantId, name: row.name, rule: parsed.data }
    : undefined;
}

let savepointSeq = 0;

/** Runs `fn` under a savepoint: when it throws, everything it wrote is rolled back, nothing else. */
export async function inSavepoint<T>(trx: Kysely<DB>, fn: () => Promise<T>): Promise<T> {
  const name = `automation_${++savepointSeq}`;
  await sql.raw(`savepoint ${name}`).execute(trx);
  try {
    const result = await fn();
    await sql.raw(`release savepoint ${name}`).execute(trx);
    return result;
  } catch (err) {
    await sql.raw(`rollback to savepoint ${name}`).execute(trx);
    await sql.raw(`release savepoint ${name}`).execute(trx);
    throw err;
  }
}

export interface RuleRunInput {
  event: TriggerEvent;
  recordType: AutomationRecordType;
  record: Row;
  previous?: Row;
  changes: string[];
  stageKey?: string | null;
  at: string;
}

/** The variables a condition and the templates see. */
export function conditionVars(input: RuleRunInput) {
  const def = definitionOf(input.recordType);
  const actor = automationActor(String(input.record.tenantId));
  const record = def.toDto(input.record, actor) as Record<string, unknown>;
  return {
    record,
    previous: input.previous ? (def.toDto(input.previous, actor) as Record<string, unknown>) : record,
    changes: input.changes,
    event: {
      name: input.event,
      recordType: input.recordType,
      stageKey: input.stageKey ?? null,
      at: input.at,
    },
  };
}

function errorText(err: unknown): string {
  if (err instanceof AppError) {
    const issues = err.issues?.map((i) => `${i.field}: ${i.code}`).join(', ');
    return [err.code, err.field, issues].filter(Boolean).join(' ');
  }
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

/**
 * One rule on one record: the loop guard, the condition, then its actions in order under one
 * savepoint. Every outcome is a run row. Returns the status.
 */
export async function runRule(
  trx: Kysely<DB>,
  rule: LoadedRule,
  input: RuleRunInput,
  chain: Chain,
  opts: { logSkipped?: boolean } = {},
): Promise<'done' | 'skipped' | 'failed' | 'loop_stopped'> {
  const base = {
    tenantId: rule.tenantId,
    ruleId: rule.id,
    recordType: input.recordType,
    recordId: String(input.record.id),
    event: input.event,
    depth: chain.depth,
    at: new Date().toISOString(),
  };
  const key = chainKey(rule.id, input.recordType, String(input.record.id));
  if (guardVerdict(chain, key) === 'loop_stopped') {
    const reason = chain.depth >= MAX_CHAIN_DEPTH ? 'depth' : 'repeat';
    await insertRun(trx, { ...base, status: 'loop_stopped', detail: { reason } });
    return 'loop_stopped';
  }
  const vars = conditionVars(input);
  if (rule.rule.condition) {
    const verdict = evaluateCondition(rule.rule.condition, vars);
    if (!verdict.ok) {
      await insertRun(trx, { ...base, status: 'failed', detail: { error: `condition: ${verdict.error}` } });
      return 'failed';
    }
    if (!verdict.value) {
      if (opts.logSkipped !== false) await insertRun(trx, { ...base, status: 'skipped', detail: null });
      return 'skipped';
    }
  }
  const results: unknown[] = [];
  let failedAt = -1;
  try {
    await inSavepoint(trx, () =>
      chainStore.run(childChain(chain, key), async () => {
        for (const [i, action] of rule.rule.actions.entries()) {
          failedAt = i;
          results.push(await executeAction(trx, { rule, action, input, vars }));
        }
      }),
    );
  } catch (err) {
    const action = rule.rule.actions[failedAt];
    await insertRun(trx, {
      ...base,
      status: 'failed',
      detail: { action: failedAt, type: action?.type, error: errorText(err) },
    });
    return 'failed';
  }
  await insertRun(trx, { ...base, status: 'done', detail: { actions: results } });
  return 'done';
}

async function loadRow(trx: Kysely<DB>, type: AutomationRecordType, tenantId: string, id: string) {
  return findInTenantById(trx, definitionOf(type).table, tenantId, id);
}

/** Runs every active rule of the tenant whose trigger is this event, in order. Never throws. */
export async function executeAutomations(trx: Kysely<DB>, e: AutomationEvent): Promise<void> {
  if (!isAutomationType(e.recordType)) return;
  if (!trx.isTransaction) {
    await trx.transaction().execute((t) => executeAutomations(t, e));
    return;
  }
  const recordType = e.recordType;
  try {
    // Most writes match no rule: find out before anything else is read or written.
    const previous = e.previous as Row | undefined;
    const changes = previous && e.record ? changedFields(previous, e.record, AUDIT_IGNORED) : [];
    const info = { event: e.event, recordType, stageKey: e.stageKey ?? null, changes };
    const rules = (await findActiveRules(trx, e.tenantId))
      .map(loadRule)
      .filter((r): r is LoadedRule => !!r && triggerMatches(r.rule.trigger, info));
    if (!rules.length) return;
    await inSavepoint(trx, async () => {
      const chain = chainStore.getStore() ?? ROOT_CHAIN;
      for (const rule of rules) {
        // Read for each rule: a later rule sees what the earlier ones wrote.
        const record = await loadRow(trx, recordType, e.tenantId, e.recordId);
        if (!record) return;
        const input: RuleRunInput = {
          event: e.event,
          recordType,
          record,
          previous,
          changes,
          stageKey: e.stageKey ?? null,
          at: e.at ?? new Date().toISOString(),
        };
        await runRule(trx, rule, input, chain);
      }
    });
  } catch {
    // Reading rules or writing the run log failed: the user's write goes on without automation.
  }
}
