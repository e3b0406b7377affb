import type { z } from 'zod';
import { isValidPhone } from '../phone';
import type { formSchema } from './playbook';

// The values of a deliverable form (交付物) checked against its schema, field by field: each
// type's shape, the options of a select or multiselect, and `min`/`max` where the field has them
// (a number's or money's value, a text's length, how many options a multiselect picks).

type Form = z.infer<typeof formSchema>;

export interface FormValueIssue {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 with seconds optional and an explicit offset (or Z): a moment, not a wall-clock time.
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

function isCalendarDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function isDateTime(v: string): boolean {
  const m = DATETIME.exec(v);
  return !!m && isCalendarDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v));
}

/** Every problem of the submitted values, with its path (`values.<field>`); empty when they fit. */
export function formValueIssues(form: Form, values: Record<string, unknown>): FormValueIssue[] {
  const known = new Set(form.fields.map((f) => f.key));
  const issues: FormValueIssue[] = Object.keys(values)
    .filter((k) => !known.has(k))
    .map((k) => ({ field: `values.${k}`, code: 'unknown_field' }));
  for (const f of form.fields) {
    const v = values[f.key];
    if (v === undefined || v === null || v === '') continue;
    const field = `values.${f.key}`;
    const add = (code: string, params?: FormValueIssue['params']) =>
      issues.push({ field, code, ...(params ? { params } : {}) });
    const bounds = (n: number, small: string, big: string) => {
      if (f.min !== undefined && n < f.min) add(small, { min: f.min });
      else if (f.max !== undefined && n > f.max) add(big, { max: f.max });
    };
    switch (f.type) {
      case 'number':
      case 'money':
        if (typeof v !== 'number' || !Number.isFinite(v)) add('invalid_value');
        else if (f.type === 'money' && !Number.isInteger(v)) add('invalid_money');
        else bounds(v, 'too_small', 'too_big');
        break;
      case 'boolean':
        if (typeof v !== 'boolean') add('invalid_value');
        break;
      case 'text':
      case 'textarea':
        if (typeof v !== 'string') add('invalid_value');
        else if (v.length > 10_000) add('too_long', { max: 10_000 });
        else bounds(v.length, 'too_short', 'too_long');
        break;
      case 'select':
        if (!f.options?.some((o) => o.value === v)) add('invalid_value');
        break;
      case 'multiselect': {
        if (!Array.isArray(v)) {
          add('invalid_value');
          break;
        }
        const seen = new Set<unknown>();
        v.forEach((item, i) => {
          if (!f.options?.some((o) => o.value === item) || seen.has(item))
            issues.push({ field: `${field}.${i}`, code: seen.has(item) ? 'duplicate' : 'invalid_value' });
          seen.add(item);
        });
        if (f.min !== undefined && v.length < f.min) add('too_small', { min: f.min });
        else if (f.max !== undefined && v.length > f.max) add('too_many_items', { max: f.max });
        break;
      }
      case 'date':
        if (typeof v !== 'string' || !isCalendarDate(v)) add('invalid_date');
        break;
      case 'datetime':
        if (typeof v !== 'string' || !isDateTime(v)) add('invalid_datetime');
        break;
      case 'phone':
        if (typeof v !== 'string' || v.length > 40 || !isValidPhone(v)) add('invalid_phone');
        break;
      case 'email':
        if (typeof v !== 'string' || v.length > 254 || !EMAIL.test(v)) add('invalid_email');
        break;
    }
  }
  return issues;
}
