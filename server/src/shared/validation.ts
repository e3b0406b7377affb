import type { z } from 'zod';
import { AppError, type FieldIssue } from './errors';

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function fieldOf(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Turns zod issues into our field issues; codes are keys of ISSUE_MESSAGES. */
export function toFieldIssues(error: z.ZodError, input: unknown, prefix = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const base = prefix ? [prefix, ...issue.path] : issue.path;
    switch (issue.code) {
      case 'invalid_type': {
        const missing = valueAt(input, issue.path) === undefined;
        out.push({
          field: fieldOf(base),
          code: missing ? 'required' : issue.expected === 'int' ? 'invalid_integer' : 'invalid_type',
          params: { expected: issue.expected },
        });
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ field: fieldOf([...base, key]), code: 'unknown_field' });
        break;
      case 'too_big':
        out.push({
          field: fieldOf(base),
          code:
            issue.origin === 'string' ? 'too_long' : issue.origin === 'array' ? 'too_many_items' : 'too_big',
          params: { max: Number(issue.maximum) },
        });
        break;
      case 'too_small': {
        const empty = issue.origin === 'string' && Number(issue.minimum) === 1;
        out.push({
          field: fieldOf(base),
          code: empty ? 'required' : issue.origin === 'string' ? 'too_short' : 'too_small',
          params: { min: Number(issue.minimum) },
        });
        break;
      }
      case 'invalid_format': {
        const format = issue.format;
        const code =
          format === 'email'
            ? 'invalid_email'
            : format === 'date'
              ? 'invalid_date'
              : format === 'datetime'
                ? 'invalid_datetime'
                : 'invalid';
        out.push({ field: fieldOf(base), code });
        break;
      }
      case 'invalid_value':
        out.push({
          field: fieldOf(base),
          code: valueAt(input, issue.path) === undefined ? 'required' : 'invalid_value',
          params: { allowed: issue.values.join(', ') },
        });
        break;
      case 'custom': {
        const code = typeof issue.params?.issue === 'string' ? issue.params.issue : 'invalid';
        out.push({ field: fieldOf(base), code });
        break;
      }
      default:
        out.push({ field: fieldOf(base), code: 'invalid' });
    }
  }
  return out;
}

/** Parses input at an edge (body, query, CLI, config); throws VALIDATION_FAILED naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error, input, prefix);
  throw new AppError('VALIDATION_FAILED', { field: issues[0]?.field, issues });
}

/** A refinement whose failure carries one of our issue codes (see ISSUE_MESSAGES). */
export function issue(code: string) {
  return { params: { issue: code } };
}
