import type { FieldIssue } from '../../shared/errors';
import type { Clause, PaymentTerm } from './contract.schemas';

// Template clauses carry {placeholders} that are filled from the quote and the customer when a
// contract is drafted; an unknown placeholder is a typo and refused rather than left in the text.

export const CLAUSE_PLACEHOLDERS = [
  'customerName',
  'creditCode',
  'contractNumber',
  'quoteNumber',
  'title',
  'grossAmount',
  'netAmount',
  'taxAmount',
  'currency',
  'deliveryDate',
  'paymentDays',
  'paymentSchedule',
] as const;
export type ClauseValues = Record<(typeof CLAUSE_PLACEHOLDERS)[number], string>;

const PLACEHOLDER = /\{(\w+)\}/g;

/** Every placeholder a clause uses that is not known, as field issues. */
export function unknownPlaceholders(clauses: Clause[], prefix = 'clauses'): FieldIssue[] {
  const known = new Set<string>(CLAUSE_PLACEHOLDERS);
  const issues: FieldIssue[] = [];
  clauses.forEach((c, i) => {
    for (const m of c.body.matchAll(PLACEHOLDER))
      if (!known.has(m[1]!))
        issues.push({ field: `${prefix}.${i}.body`, code: 'unknown_variable', params: { name: m[1]! } });
  });
  return issues;
}

export function fillClauses(clauses: Clause[], values: ClauseValues): Clause[] {
  return clauses.map((c) => ({
    ...c,
    body: c.body.replace(PLACEHOLDER, (m, k: string) => (k in values ? values[k as keyof ClauseValues] : m)),
  }));
}

/** 分 → "1,234.56" (元). */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

export function describeSchedule(terms: PaymentTerm[]): string {
  return terms.map((t) => `${t.name} ${t.percent}%（签订后 ${t.daysAfterSigning} 天内）`).join('；');
}
