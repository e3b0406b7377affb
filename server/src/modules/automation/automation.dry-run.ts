import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { renderLocal } from '../../domain/automation/matching';
import type { AutomationAction } from '../../domain/automation/rule';
import { evaluateCondition } from '../../domain/sop/expressions';
import { AppError } from '../../shared/errors';
import { resolveRecipients } from '../notifications/notification.service';
import { findVisibleById } from '../records/record.repository';
import type { Row } from '../records/record-definition';
import { fieldPatch, taskInput } from './automation.actions';
import { definitionOf } from './automation.definitions';
import { conditionVars, type LoadedRule, loadRule, type RuleRunInput } from './automation.engine';
import { assertReader, getRuleRowOrThrow } from './automation.service';

async function preview(database: Database, rule: LoadedRule, action: AutomationAction, input: RuleRunInput) {
  const vars = conditionVars(input);
  const owner = (input.record.ownerId as string | null) ?? null;
  switch (action.type) {
    case 'notify': {
      const recipients = await resolveRecipients(database.db, rule.tenantId, {
        userIds: [...(action.to.userIds ?? []), ...(action.to.owner && owner ? [owner] : [])],
        roles: action.to.roles ?? [],
        managersOf: action.to.ownerManager && owner ? [owner] : [],
      });
      return { recipients, title: renderLocal(action.title, vars) };
    }
    case 'create_task': {
      const task = await taskInput(database.db, { rule, action, input, vars });
      return { title: task.title, dueAt: task.dueAt, ownerId: task.ownerId };
    }
    case 'set_field': {
      const patch = fieldPatch(input.recordType, action.field, action.value);
      return {
        field: action.field,
        from: vars.record[action.field] ?? null,
        to: patch[action.field] ?? null,
      };
    }
    case 'assign':
      return action.to === 'routing'
        ? { to: 'routing', applies: owner === null }
        : { to: action.to.userId, from: owner };
    case 'webhook':
      return { url: action.url };
  }
}

/**
 * A dry run of a rule against one record the caller can see: whether the condition holds and
 * what each action would do. Nothing is written.
 */
export async function testAutomationRule(database: Database, actor: Actor, id: string, recordId: string) {
  assertReader(actor);
  const row = await getRuleRowOrThrow(database.db, actor, id);
  const rule = loadRule(row);
  if (!rule) throw new AppError('INVALID_STATE', { params: { reason: 'rule no longer valid' } });
  const recordType = rule.rule.trigger.recordType;
  const record = await findVisibleById(database.db, definitionOf(recordType), actor, recordId);
  if (!record) throw new AppError('RECORD_NOT_FOUND', { params: { entity: recordType } });
  const input: RuleRunInput = {
    event: rule.rule.trigger.event,
    recordType,
    record: record as Row,
    changes: [],
    stageKey: rule.rule.trigger.stageKey ?? null,
    at: new Date().toISOString(),
  };
  const verdict = rule.rule.condition
    ? evaluateCondition(rule.rule.condition, conditionVars(input))
    : ({ ok: true, value: true } as const);
  const actions = [];
  for (const action of rule.rule.actions) {
    try {
      actions.push({ type: action.type, ok: true, ...(await preview(database, rule, action, input)) });
    } catch (err) {
      actions.push({ type: action.type, ok: false, error: err instanceof AppError ? err.code : String(err) });
    }
  }
  return {
    wouldRun: verdict.ok && verdict.value,
    condition: verdict.ok ? { ok: true, value: verdict.value } : { ok: false, error: verdict.error },
    actions,
  };
}
