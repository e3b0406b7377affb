import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';

// Server problems (field errors and playbook problems) put on the form fields they name.

/** `stages[2].checklist[0].key` or `workingHours.1.start` → ['stages', 2, 'checklist', 0, 'key']. */
export function namePath(path: string): (string | number)[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export interface Problem {
  path: string;
  message: string;
}

/** Every problem an error carries: its issues, playbook problems, or the error itself. */
export function problemsOf(err: unknown): Problem[] {
  if (!(err instanceof ApiError)) return [{ path: '', message: String((err as Error)?.message ?? err) }];
  const details = err.details as { problems?: { path: string; message: string }[] } | undefined;
  if (details?.problems?.length) return details.problems.map((p) => ({ path: p.path, message: p.message }));
  if (err.issues?.length) return err.issues.map((i) => ({ path: i.field, message: i.message }));
  return [{ path: err.field ?? '', message: err.message }];
}

/**
 * Sets each problem on the field it names (with `strip` removed from the front of its path);
 * returns the problems that have no field on this form.
 */
export function applyIssues(form: FormInstance, err: unknown, strip = ''): Problem[] {
  const problems = problemsOf(err);
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const rest: Problem[] = [];
  for (const p of problems) {
    const path = strip && p.path.startsWith(strip) ? p.path.slice(strip.length) : p.path;
    const name = namePath(path);
    if (name.length === 0 || form.getFieldInstance(name) === undefined) {
      rest.push(p);
      continue;
    }
    const k = JSON.stringify(name);
    const entry = byName.get(k) ?? { name, errors: [] };
    entry.errors.push(p.message);
    byName.set(k, entry);
  }
  form.setFields([...byName.values()]);
  return rest;
}

/** Removes empty strings, nulls and half-empty texts, recursively, before a save. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => compact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null || v === '') continue;
      const c = compact(v);
      if (c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    return out as T;
  }
  return value;
}

/** Saves text as a file in the browser. */
export function download(name: string, text: string, type = 'text/yaml'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
