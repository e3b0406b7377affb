import { createHash } from 'node:crypto';
import { parseDate, parseDateTime } from '../../domain/cleaning/dates';
import { matchEnum } from '../../domain/cleaning/enums';
import { parseInteger, toFen } from '../../domain/cleaning/numbers';
import { cleanCell, cleanEmail } from '../../domain/cleaning/text';
import { normalizeCompanyName } from '../../domain/company-name';
import { isValidMobile, isValidPhone } from '../../domain/phone';
import type { FieldIssue } from '../../shared/errors';
import { toFieldIssues } from '../../shared/validation';
import type { ImportSpec } from './import-fields';

// One spreadsheet row → the record input the API would take, cleaned field by field, then
// validated by the entity's own create schema, so that import and API accept the same records.

export interface Lookups {
  /** normalised company name → account id (accounts the importer can see) */
  accountsByName: Map<string, string>;
  /** user name or e-mail (lower case) → user id (active users of the tenant) */
  usersByKey: Map<string, string>;
  /** contract number (upper case) → contract id; customer's normalised name → its contract ids (signed contracts the importer can see) */
  contracts?: { byNumber: Map<string, string>; byAccount: Map<string, string[]> };
  timeOffset: string;
}

export interface MappedRow {
  input: Record<string, unknown>;
  issues: FieldIssue[];
  fingerprint: string;
}

function issueFor(field: string, code: string, params?: Record<string, string | number>): FieldIssue {
  return params ? { field, code, params } : { field, code };
}

export function mapRow(
  spec: ImportSpec,
  mapping: Record<string, string | null>,
  headers: string[],
  cells: string[],
  lookups: Lookups,
): MappedRow {
  const input: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  const badFields = new Set<string>();
  let byCustomer: { field: string; target: string; raw: string } | undefined;
  headers.forEach((header, i) => {
    const field = mapping[header];
    if (!field) return;
    const def = spec.fields[field];
    if (!def) return;
    const raw = cleanCell(cells[i] ?? '');
    if (!raw) return;
    const target = def.target ?? field;
    const bad = (code: string, params?: Record<string, string | number>) => {
      issues.push(issueFor(field, code, params));
      badFields.add(target);
    };
    switch (def.kind) {
      case 'text':
      case 'mobile':
      case 'phone':
      case 'creditCode':
        input[target] = raw;
        break;
      case 'email':
        input[target] = cleanEmail(raw);
        break;
      case 'money': {
        const fen = toFen(raw);
        if (fen === undefined) bad('invalid_number');
        else input[target] = fen;
        break;
      }
      case 'integer': {
        const n = parseInteger(raw.replace(/%$/, ''));
        if (n === undefined) bad('invalid_integer');
        else input[target] = n;
        break;
      }
      case 'date': {
        const d = parseDate(raw);
        if (!d) bad('invalid_date');
        else input[target] = d;
        break;
      }
      case 'datetime': {
        const d = parseDateTime(raw, lookups.timeOffset);
        if (!d) bad('invalid_datetime');
        else input[target] = d;
        break;
      }
      case 'accountRef': {
        const id = lookups.accountsByName.get(normalizeCompanyName(raw));
        if (!id) bad('not_found_by_name', { value: raw });
        else input[target] = id;
        break;
      }
      case 'contractRef': {
        const id = lookups.contracts?.byNumber.get(raw.toUpperCase());
        if (!id) bad('not_found_by_name', { value: raw });
        else input[target] = id;
        break;
      }
      case 'accountContractRef':
        // Resolved after the other columns: a contract number, when given, decides.
        byCustomer = { field, target, raw };
        break;
      case 'owner': {
        const id = lookups.usersByKey.get(raw.toLowerCase());
        if (!id) bad('not_found_by_name', { value: raw });
        else input[target] = id;
        break;
      }
      default: {
        const value = matchEnum(def.kind.slice('enum:'.length), raw);
        // An unknown label goes to the schema as is, which names the allowed values.
        input[target] = value ?? raw;
      }
    }
  });
  if (byCustomer && input[byCustomer.target] === undefined && !badFields.has(byCustomer.target)) {
    // The customer names the contract only when it has exactly one signed contract.
    const { field, target, raw } = byCustomer;
    const ids = lookups.contracts?.byAccount.get(normalizeCompanyName(raw)) ?? [];
    if (ids.length === 1) input[target] = ids[0];
    else {
      issues.push(
        ids.length > 1
          ? issueFor(field, 'contract_ambiguous', { value: raw, count: ids.length })
          : issueFor(field, 'not_found_by_name', { value: raw }),
      );
      badFields.add(target);
    }
  }
  // 联系电话 often holds a landline: keep it as the phone rather than refuse it as a mobile.
  if ('phone' in spec.fields && typeof input.mobile === 'string' && !isValidMobile(input.mobile)) {
    if (!input.phone && isValidPhone(input.mobile)) {
      input.phone = input.mobile;
      delete input.mobile;
    }
  }
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) {
    for (const i of toFieldIssues(parsed.error, input)) {
      if (!badFields.has(i.field)) issues.push(i);
    }
  }
  const clean = parsed.success ? (parsed.data as Record<string, unknown>) : input;
  return { input: clean, issues, fingerprint: fingerprintOf(spec.entity, clean) };
}

/** Same cleaned record → same fingerprint, whatever the file's formatting or column order. */
export function fingerprintOf(entity: string, input: Record<string, unknown>): string {
  const keys = Object.keys(input).sort();
  const canonical = JSON.stringify(keys.map((k) => [k, input[k]]));
  return createHash('sha256').update(`${entity}\n${canonical}`).digest('hex').slice(0, 40);
}
