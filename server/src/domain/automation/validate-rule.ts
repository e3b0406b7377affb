import type { FieldIssue } from '../../shared/errors';
import { parseExpression, referencedPaths } from '../sop/expressions';
import { ASSIGNABLE_TYPES, type Rule, SETTABLE_FIELDS } from './rule';

// Checks a rule beyond its shape: the trigger fits the record type, the condition parses and
// reads only known variables and fields, each action fits the record type. Every problem is
// reported with its path, so that the editor can point at it.

const STAGED_TYPES = ['deal', 'lead', 'order'];
const EVENT_FIELDS = ['name', 'recordType', 'stageKey', 'at'];

/** The fields a condition may read on a record of the rule's type (its API fields). */
export type FieldsOf = (recordType: string) => readonly string[];

function conditionIssues(rule: Rule, fields: readonly string[]): FieldIssue[] {
  const expr = rule.condition;
  if (!expr) return [];
  const parsed = parseExpression(expr);
  if (!parsed.ok)
    return [{ field: 'condition', code: 'invalid_expression', params: { message: parsed.error } }];
  const roots = [
    'record',
    'changes',
    'event',
    ...(rule.trigger.event === 'record.updated' ? ['previous'] : []),
  ];
  const out: FieldIssue[] = [];
  for (const path of referencedPaths(parsed.ast)) {
    const [root, key] = path.split('.');
    if (!roots.includes(root!)) {
      out.push({ field: 'condition', code: 'unknown_variable', params: { name: root! } });
    } else if (key !== undefined && (root === 'record' || root === 'previous') && !fields.includes(key)) {
      out.push({ field: 'condition', code: 'unknown_field', params: { name: path } });
    } else if (key !== undefined && root === 'event' && !EVENT_FIELDS.includes(key)) {
      out.push({ field: 'condition', code: 'unknown_field', params: { name: path } });
    }
  }
  return out;
}

function triggerIssues(rule: Rule, fields: readonly string[]): FieldIssue[] {
  const t = rule.trigger;
  const out: FieldIssue[] = [];
  const staged = t.event === 'stage.entered' || t.event === 'clock.warning' || t.event === 'clock.breached';
  if (staged && !STAGED_TYPES.includes(t.recordType))
    out.push({
      field: 'trigger.recordType',
      code: 'invalid_value',
      params: { allowed: STAGED_TYPES.join(', ') },
    });
  if (t.stageKey !== undefined && !staged) out.push({ field: 'trigger.stageKey', code: 'unknown_field' });
  if (t.event === 'schedule' && !t.schedule) out.push({ field: 'trigger.schedule', code: 'required' });
  if (t.event !== 'schedule' && t.schedule) out.push({ field: 'trigger.schedule', code: 'unknown_field' });
  if (t.fields) {
    if (t.event !== 'record.updated') out.push({ field: 'trigger.fields', code: 'unknown_field' });
    t.fields.forEach((f, i) => {
      if (!fields.includes(f)) out.push({ field: `trigger.fields.${i}`, code: 'unknown_field' });
    });
  }
  return out;
}

function actionIssues(rule: Rule): FieldIssue[] {
  const type = rule.trigger.recordType;
  const out: FieldIssue[] = [];
  rule.actions.forEach((a, i) => {
    if (a.type === 'set_field' && !SETTABLE_FIELDS[type].includes(a.field)) {
      out.push({ field: `actions.${i}.field`, code: 'unknown_field' });
    }
    if (a.type === 'assign') {
      if (!ASSIGNABLE_TYPES.includes(type)) out.push({ field: `actions.${i}.type`, code: 'invalid_value' });
      else if (a.to === 'routing' && type !== 'lead')
        out.push({ field: `actions.${i}.to`, code: 'invalid_value' });
    }
  });
  return out;
}

export function ruleIssues(rule: Rule, fieldsOf: FieldsOf): FieldIssue[] {
  const fields = fieldsOf(rule.trigger.recordType);
  return [...triggerIssues(rule, fields), ...conditionIssues(rule, fields), ...actionIssues(rule)];
}
