import { evaluateCondition } from './expressions';
import type { LocalText, Playbook, Stage } from './playbook';

export interface GateContext {
  record: Record<string, unknown>;
  /** Submitted form values by form key. */
  forms: Record<string, Record<string, unknown>>;
  /** Checklist actions done, by key. */
  checklist: Record<string, boolean>;
  approvals?: Record<string, unknown>;
  reason?: string | null;
}

export interface Violation {
  kind: 'form' | 'field' | 'checklist' | 'condition' | 'transition' | 'reason';
  formKey?: string;
  fieldKey?: string;
  actionKey?: string;
  message: LocalText;
}

export type GateResult = { ok: true } | { ok: false; violations: Violation[] };

const empty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Every unmet item of a stage's entry or exit gate; failing is the normal output, not an exception. */
export function evaluateGate(stage: Stage, side: 'entry' | 'exit', ctx: GateContext): GateResult {
  const violations: Violation[] = [];
  if (side === 'exit') {
    for (const a of stage.checklist) {
      if (a.required && !ctx.checklist[a.key]) {
        violations.push({
          kind: 'checklist',
          actionKey: a.key,
          message: {
            'zh-CN': `未完成关键动作：${a.name['zh-CN']}`,
            'en-US': `Action not done: ${a.name['en-US']}`,
          },
        });
      }
    }
    for (const f of stage.forms) {
      if (!f.required) continue;
      const values = ctx.forms[f.key];
      if (!values) {
        violations.push({
          kind: 'form',
          formKey: f.key,
          message: {
            'zh-CN': `未提交交付物：${f.name['zh-CN']}`,
            'en-US': `Deliverable not submitted: ${f.name['en-US']}`,
          },
        });
        continue;
      }
      for (const fld of f.fields) {
        if (fld.required && empty(values[fld.key])) {
          violations.push({
            kind: 'field',
            formKey: f.key,
            fieldKey: fld.key,
            message: {
              'zh-CN': `${f.name['zh-CN']}缺少必填项：${fld.label['zh-CN']}`,
              'en-US': `${f.name['en-US']} is missing: ${fld.label['en-US']}`,
            },
          });
        }
      }
    }
  }
  const conditions = side === 'entry' ? stage.entryGate : stage.exitGate;
  const vars = {
    record: ctx.record,
    forms: ctx.forms,
    checklist: ctx.checklist,
    approvals: ctx.approvals ?? {},
    reason: ctx.reason ?? null,
  };
  for (const c of conditions) {
    const r = evaluateCondition(c.expr, vars);
    if (!r.ok) {
      violations.push({
        kind: 'condition',
        message: {
          'zh-CN': `${c.message['zh-CN']}（条件无法计算：${r.error}）`,
          'en-US': `${c.message['en-US']} (cannot evaluate: ${r.error})`,
        },
      });
    } else if (!r.value) {
      violations.push({ kind: 'condition', message: c.message });
    }
  }
  return violations.length ? { ok: false, violations } : { ok: true };
}

/** A stage move: allowed transition, the current stage's exit gate, the target's entry gate, the reason. */
export function checkMove(pb: Playbook, from: string, to: string, ctx: GateContext): GateResult {
  const source = pb.stages.find((s) => s.key === from);
  const target = pb.stages.find((s) => s.key === to);
  if (!source || !target || !source.allowedNext.includes(to)) {
    return {
      ok: false,
      violations: [
        {
          kind: 'transition',
          message: {
            'zh-CN': `不能从「${source?.name['zh-CN'] ?? from}」进入「${target?.name['zh-CN'] ?? to}」`,
            'en-US': `Cannot move from ${source?.name['en-US'] ?? from} to ${target?.name['en-US'] ?? to}`,
          },
        },
      ],
    };
  }
  const violations: Violation[] = [];
  // Giving up (lost, closed) needs a reason, not the work of the stage being left.
  const givingUp = target.terminal === 'lost' || target.terminal === 'closed';
  const exit = givingUp ? ({ ok: true } as const) : evaluateGate(source, 'exit', ctx);
  if (!exit.ok) violations.push(...exit.violations);
  const entry = evaluateGate(target, 'entry', ctx);
  if (!entry.ok) violations.push(...entry.violations);
  if (target.requiredReasons?.length && !target.requiredReasons.some((r) => r.value === ctx.reason)) {
    violations.push({
      kind: 'reason',
      message: {
        'zh-CN': `请选择${target.name['zh-CN']}原因`,
        'en-US': `Choose a reason for ${target.name['en-US']}`,
      },
    });
  }
  return violations.length ? { ok: false, violations } : { ok: true };
}
