import { parse as parseYaml, stringify } from 'yaml';
import { issueMessage } from '../../shared/messages';
import { toFieldIssues } from '../../shared/validation';
import { parseExpression, referencedPaths } from './expressions';
import { type Playbook, playbookSchema, RECORD_FIELDS } from './playbook';

export interface PlaybookProblem {
  path: string;
  code: string;
  message: string;
}

export type PlaybookValidation =
  | { ok: true; playbook: Playbook }
  | { ok: false; problems: PlaybookProblem[] };

const ROOTS = ['record', 'forms', 'checklist', 'approvals', 'reason'];
// `approvals.quote` / `approvals.contract`: the status of the deal's latest approval request.
const APPROVAL_SUBJECTS = ['quote', 'contract'];

/**
 * Checks a playbook whole and names every problem with its path (`stages[3].exitGate[0].expr`):
 * schema errors, duplicate keys, transitions to stages that do not exist, unreachable stages,
 * limits without a duration or deadline, CEL syntax errors and unknown variables. Never throws.
 */
export function validatePlaybook(input: unknown): PlaybookValidation {
  const parsed = playbookSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: toFieldIssues(parsed.error, input).map((i) => {
        const path = i.field.replace(/\.(\d+)/g, '[$1]');
        return { path, code: i.code, message: issueMessage(i.code, path, i.params ?? {}, 'en-US') };
      }),
    };
  }
  const pb = parsed.data;
  const problems: PlaybookProblem[] = [];
  const add = (path: string, code: string, message: string) => problems.push({ path, code, message });
  const stageKeys = new Set<string>();
  pb.stages.forEach((s, i) => {
    if (stageKeys.has(s.key)) add(`stages[${i}].key`, 'duplicate_key', `stage ${s.key} appears twice`);
    stageKeys.add(s.key);
  });
  const forms = new Map<string, Set<string>>();
  const actions = new Set<string>();
  for (const s of pb.stages) {
    for (const f of s.forms) forms.set(f.key, new Set(f.fields.map((x) => x.key)));
    for (const a of s.checklist) actions.add(a.key);
  }
  const recordFields = new Set(RECORD_FIELDS[pb.process]);

  const checkExpr = (path: string, expr: string) => {
    const parsedExpr = parseExpression(expr);
    if (!parsedExpr.ok) return add(path, 'syntax_error', parsedExpr.error);
    for (const p of referencedPaths(parsedExpr.ast)) {
      const [root, a, b] = p.split('.');
      if (!ROOTS.includes(root!)) add(path, 'unknown_variable', `unknown variable ${root}`);
      else if (root === 'record' && a && !recordFields.has(a))
        add(path, 'unknown_field', `record has no field ${a}`);
      else if (root === 'forms' && a && !forms.has(a)) add(path, 'unknown_field', `no form ${a}`);
      else if (root === 'forms' && a && b && !forms.get(a)!.has(b))
        add(path, 'unknown_field', `form ${a} has no field ${b}`);
      else if (root === 'checklist' && a && !actions.has(a))
        add(path, 'unknown_field', `no checklist action ${a}`);
      else if (root === 'approvals' && a && !APPROVAL_SUBJECTS.includes(a))
        add(path, 'unknown_field', `approvals has no ${a} (quote, contract)`);
    }
  };

  pb.stages.forEach((s, i) => {
    const at = `stages[${i}]`;
    const keysOf = (items: Array<{ key: string }>, kind: string) => {
      const seen = new Set<string>();
      items.forEach((it, j) => {
        if (seen.has(it.key))
          add(`${at}.${kind}[${j}].key`, 'duplicate_key', `${kind} ${it.key} appears twice`);
        seen.add(it.key);
      });
    };
    keysOf(s.checklist, 'checklist');
    keysOf(s.forms, 'forms');
    keysOf(s.timeLimits, 'timeLimits');
    s.allowedNext.forEach((n, j) => {
      if (!stageKeys.has(n)) add(`${at}.allowedNext[${j}]`, 'unknown_stage', `no stage ${n}`);
    });
    if (!s.terminal && s.allowedNext.length === 0)
      add(`${at}.allowedNext`, 'dead_end', `stage ${s.key} leads nowhere and is not terminal`);
    for (const [j, c] of s.entryGate.entries()) checkExpr(`${at}.entryGate[${j}].expr`, c.expr);
    for (const [j, c] of s.exitGate.entries()) checkExpr(`${at}.exitGate[${j}].expr`, c.expr);
    s.timeLimits.forEach((l, j) => {
      if (!l.duration && !l.deadline)
        add(
          `${at}.timeLimits[${j}]`,
          'missing_duration',
          'a time limit needs a duration with a unit, or a deadline',
        );
      if (l.stopWhen) checkExpr(`${at}.timeLimits[${j}].stopWhen`, l.stopWhen);
      // Only leads (and customers) have a public pool to go back to.
      l.escalation.forEach((e, k) => {
        if (e.action === 'return_to_pool' && pb.process !== 'lead')
          add(
            `${at}.timeLimits[${j}].escalation[${k}].action`,
            'invalid_value',
            'return_to_pool applies to lead playbooks only',
          );
      });
    });
    for (const [j, f] of s.forms.entries()) {
      for (const [k, fld] of f.fields.entries()) {
        if ((fld.type === 'select' || fld.type === 'multiselect') && !fld.options?.length) {
          add(`${at}.forms[${j}].fields[${k}].options`, 'required', 'a select needs options');
        }
      }
    }
  });

  // Every stage must be reachable from the first one.
  const reachable = new Set<string>([pb.stages[0]!.key]);
  const queue = [pb.stages[0]!.key];
  while (queue.length) {
    const current = queue.shift();
    const stage = pb.stages.find((s) => s.key === current);
    for (const n of stage?.allowedNext ?? []) {
      if (!reachable.has(n)) {
        reachable.add(n);
        queue.push(n);
      }
    }
  }
  pb.stages.forEach((s, i) => {
    if (!reachable.has(s.key))
      add(`stages[${i}]`, 'unreachable_stage', `stage ${s.key} cannot be reached from ${pb.stages[0]!.key}`);
  });
  return problems.length ? { ok: false, problems } : { ok: true, playbook: pb };
}

export function playbookFromYaml(source: string): PlaybookValidation {
  let data: unknown;
  try {
    data = parseYaml(source);
  } catch (err) {
    return {
      ok: false,
      problems: [{ path: '', code: 'yaml_syntax', message: (err as Error).message.split('\n')[0] ?? 'YAML' }],
    };
  }
  return validatePlaybook(data);
}

export function playbookToYaml(pb: Playbook): string {
  return stringify(pb, { lineWidth: 0 });
}
