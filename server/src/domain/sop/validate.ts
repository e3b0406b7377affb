import { parse as parseYaml, stringify } from 'yaml';
import { issueMessage } from '../../shared/messages';
import { toFieldIssues } from '../../shared/validation';
import { parseExpression, referencedPaths } from './expressions';
import {
  formSchema,
  type Playbook,
  PROCESSES,
  playbookSchema,
  RECORD_FIELDS,
  stageSchema,
  type TimeLimit,
  timeLimitSchema,
} from './playbook';

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

type Maybe<T> = T | undefined;

/**
 * A playbook as far as it is well-formed: what failed the schema is a hole (undefined) in its
 * list, so every path keeps its index; a malformed stage, form or action that still has a key
 * keeps that key (`names`), so that expressions and transitions naming it are not reported twice.
 */
interface LooseStage {
  key: string;
  terminal?: unknown;
  allowedNext: Array<Maybe<string>>;
  checklist: Array<Maybe<{ key: string }>>;
  forms: Array<
    Maybe<{ key: string; fields: Array<Maybe<{ key: string; type?: string; options?: unknown[] }>> }>
  >;
  /** A limit that passed the schema has its `escalation`; a malformed one only its key. */
  timeLimits: Array<Maybe<{ key: string } | TimeLimit>>;
  entryGate: Array<Maybe<string>>;
  exitGate: Array<Maybe<string>>;
}
interface LoosePlaybook {
  process?: Playbook['process'];
  stages: Array<Maybe<LooseStage>>;
  hasWeeklyReport?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const keyOf = (v: unknown) => (isObject(v) && typeof v.key === 'string' ? v.key : undefined);
const listOf = <T>(v: unknown, item: (x: unknown) => Maybe<T>): Array<Maybe<T>> =>
  Array.isArray(v) ? v.map(item) : [];
const keyed = (v: unknown) => {
  const key = keyOf(v);
  return key === undefined ? undefined : { key };
};

function looseStage(raw: unknown): Maybe<LooseStage> {
  const full = stageSchema.safeParse(raw);
  if (full.success) {
    const s = full.data;
    return {
      key: s.key,
      terminal: s.terminal,
      allowedNext: s.allowedNext,
      checklist: s.checklist,
      forms: s.forms,
      timeLimits: s.timeLimits,
      entryGate: s.entryGate.map((c) => c.expr),
      exitGate: s.exitGate.map((c) => c.expr),
    };
  }
  const key = keyOf(raw);
  if (key === undefined || !isObject(raw)) return undefined;
  const expr = (c: unknown) => (isObject(c) && typeof c.expr === 'string' ? c.expr : undefined);
  return {
    key,
    terminal: raw.terminal,
    allowedNext: listOf(raw.allowedNext, (n) => (typeof n === 'string' ? n : undefined)),
    checklist: listOf(raw.checklist, keyed),
    forms: listOf(raw.forms, (f) => {
      const form = formSchema.safeParse(f);
      if (form.success) return form.data;
      const k = keyOf(f);
      return k === undefined
        ? undefined
        : { key: k, fields: listOf((f as { fields?: unknown }).fields, keyed) };
    }),
    timeLimits: listOf(raw.timeLimits, (l) => {
      const limit = timeLimitSchema.safeParse(l);
      return limit.success ? limit.data : keyed(l);
    }),
    entryGate: listOf(raw.entryGate, expr),
    exitGate: listOf(raw.exitGate, expr),
  };
}

function loosePlaybook(input: unknown): Maybe<LoosePlaybook> {
  if (!isObject(input) || !Array.isArray(input.stages)) return undefined;
  const process = (PROCESSES as readonly unknown[]).includes(input.process)
    ? (input.process as Playbook['process'])
    : undefined;
  return { process, stages: input.stages.map(looseStage), hasWeeklyReport: input.weeklyReport !== undefined };
}

/**
 * Checks a playbook whole and names every problem with its path (`stages[3].exitGate[0].expr`):
 * schema errors, duplicate keys, transitions to stages that do not exist, unreachable stages,
 * limits without a duration or deadline, CEL syntax errors and unknown variables. A playbook
 * that fails the schema is still checked for the rest, as far as it is well-formed, so that every
 * problem is listed at once. Never throws.
 */
export function validatePlaybook(input: unknown): PlaybookValidation {
  const parsed = playbookSchema.safeParse(input);
  const problems: PlaybookProblem[] = parsed.success
    ? []
    : toFieldIssues(parsed.error, input).map((i) => {
        const path = i.field.replace(/\.(\d+)/g, '[$1]');
        return { path, code: i.code, message: issueMessage(i.code, path, i.params ?? {}, 'en-US') };
      });
  const loose = parsed.success
    ? {
        process: parsed.data.process,
        stages: parsed.data.stages.map(looseStage),
        hasWeeklyReport: parsed.data.weeklyReport !== undefined,
      }
    : loosePlaybook(input);
  if (loose) problems.push(...semanticProblems(loose));
  if (parsed.success && !problems.length) return { ok: true, playbook: parsed.data };
  return { ok: false, problems };
}

function semanticProblems(pb: LoosePlaybook): PlaybookProblem[] {
  const problems: PlaybookProblem[] = [];
  const add = (path: string, code: string, message: string) => problems.push({ path, code, message });
  // Weekly reports are the reps' duty in the sales (deal) process, once per tenant.
  if (pb.hasWeeklyReport && pb.process && pb.process !== 'deal')
    add('weeklyReport', 'invalid_value', 'only a deal playbook sets the weekly report deadline');
  const stages = pb.stages;
  const stageKeys = new Set<string>();
  stages.forEach((s, i) => {
    if (!s) return;
    if (stageKeys.has(s.key)) add(`stages[${i}].key`, 'duplicate_key', `stage ${s.key} appears twice`);
    stageKeys.add(s.key);
  });
  const forms = new Map<string, Set<string>>();
  const actions = new Set<string>();
  for (const s of stages) {
    for (const f of s?.forms ?? [])
      if (f) forms.set(f.key, new Set(f.fields.flatMap((x) => (x ? [x.key] : []))));
    for (const a of s?.checklist ?? []) if (a) actions.add(a.key);
  }
  // An unknown process is a schema problem already: record fields are then not checked.
  const recordFields = pb.process ? new Set(RECORD_FIELDS[pb.process]) : undefined;

  const checkExpr = (path: string, expr: string) => {
    const parsedExpr = parseExpression(expr);
    if (!parsedExpr.ok) return add(path, 'syntax_error', parsedExpr.error);
    for (const p of referencedPaths(parsedExpr.ast)) {
      const [root, a, b] = p.split('.');
      if (!ROOTS.includes(root!)) add(path, 'unknown_variable', `unknown variable ${root}`);
      else if (root === 'record' && a && recordFields && !recordFields.has(a))
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

  stages.forEach((s, i) => {
    if (!s) return;
    const at = `stages[${i}]`;
    const keysOf = (items: Array<Maybe<{ key: string }>>, kind: string) => {
      const seen = new Set<string>();
      items.forEach((it, j) => {
        if (!it) return;
        if (seen.has(it.key))
          add(`${at}.${kind}[${j}].key`, 'duplicate_key', `${kind} ${it.key} appears twice`);
        seen.add(it.key);
      });
    };
    keysOf(s.checklist, 'checklist');
    keysOf(s.forms, 'forms');
    keysOf(s.timeLimits, 'timeLimits');
    s.allowedNext.forEach((n, j) => {
      if (n !== undefined && !stageKeys.has(n))
        add(`${at}.allowedNext[${j}]`, 'unknown_stage', `no stage ${n}`);
    });
    if (!s.terminal && s.allowedNext.length === 0)
      add(`${at}.allowedNext`, 'dead_end', `stage ${s.key} leads nowhere and is not terminal`);
    s.entryGate.forEach((e, j) => {
      if (e !== undefined) checkExpr(`${at}.entryGate[${j}].expr`, e);
    });
    s.exitGate.forEach((e, j) => {
      if (e !== undefined) checkExpr(`${at}.exitGate[${j}].expr`, e);
    });
    // Limits are checked further when they passed the schema.
    s.timeLimits.forEach((l, j) => {
      if (!l || !('escalation' in l)) return;
      if (!l.duration && !l.deadline)
        add(
          `${at}.timeLimits[${j}]`,
          'missing_duration',
          'a time limit needs a duration with a unit, or a deadline',
        );
      if (l.stopWhen) checkExpr(`${at}.timeLimits[${j}].stopWhen`, l.stopWhen);
      // Only leads (and customers) have a public pool to go back to.
      l.escalation.forEach((e, k) => {
        // Reassigning changes a lead's or a deal's owner; orders and tickets have none to change here.
        if (e.action === 'reassign' && pb.process !== 'lead' && pb.process !== 'deal')
          add(
            `${at}.timeLimits[${j}].escalation[${k}].action`,
            'invalid_value',
            'reassign applies to lead and deal playbooks only',
          );
        if (e.action === 'return_to_pool' && pb.process !== 'lead')
          add(
            `${at}.timeLimits[${j}].escalation[${k}].action`,
            'invalid_value',
            'return_to_pool applies to lead playbooks only',
          );
      });
    });
    for (const [j, f] of s.forms.entries()) {
      for (const [k, fld] of (f?.fields ?? []).entries()) {
        if (!fld) continue;
        if ((fld.type === 'select' || fld.type === 'multiselect') && !fld.options?.length) {
          add(`${at}.forms[${j}].fields[${k}].options`, 'required', 'a select needs options');
        }
      }
    }
  });

  // Every stage must be reachable from the first one.
  const first = stages[0];
  if (!first) return problems;
  const reachable = new Set<string>([first.key]);
  const queue = [first.key];
  while (queue.length) {
    const current = queue.shift();
    const stage = stages.find((s) => s?.key === current);
    for (const n of stage?.allowedNext ?? []) {
      if (n !== undefined && !reachable.has(n)) {
        reachable.add(n);
        queue.push(n);
      }
    }
  }
  stages.forEach((s, i) => {
    if (s && !reachable.has(s.key))
      add(`stages[${i}]`, 'unreachable_stage', `stage ${s.key} cannot be reached from ${first.key}`);
  });
  return problems;
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
