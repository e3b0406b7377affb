import type { TemplateText, Trigger, TriggerEvent } from './rule';

/** One thing that happened to a record, as the automation engine sees it. */
export interface AutomationEventInfo {
  event: TriggerEvent;
  recordType: string;
  stageKey?: string | null;
  /** Fields that changed (record.updated only). */
  changes?: readonly string[];
}

/** Whether a rule's trigger is this event: same event and record type, stage, changed fields. */
export function triggerMatches(trigger: Trigger, e: AutomationEventInfo): boolean {
  if (trigger.event !== e.event || trigger.recordType !== e.recordType) return false;
  if (trigger.stageKey !== undefined && trigger.stageKey !== e.stageKey) return false;
  if (trigger.fields && !trigger.fields.some((f) => e.changes?.includes(f))) return false;
  return true;
}

/** Field names whose values differ between two versions of a record. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  ignore: ReadonlySet<string>,
): string[] {
  return Object.keys(after).filter(
    (k) => !ignore.has(k) && JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null),
  );
}

/** `{record.name}`-style placeholders filled from the variables; unknown ones become empty. */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\.(\w+)\}/g, (_m, root: string, key: string) => {
    const obj = vars[root];
    const v = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
    return v === undefined || v === null ? '' : String(v);
  });
}

/** A template text in both languages: one string serves both. */
export function renderLocal(text: TemplateText, vars: Record<string, unknown>) {
  const zh = typeof text === 'string' ? text : text['zh-CN'];
  const en = typeof text === 'string' ? text : text['en-US'];
  return { 'zh-CN': renderTemplate(zh, vars), 'en-US': renderTemplate(en, vars) };
}
