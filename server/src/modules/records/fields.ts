import { z } from 'zod';
import { isValidCreditCode, normalizeCreditCode } from '../../domain/credit-code';
import { isValidMobile, isValidPhone, normalizeMobile, normalizePhone } from '../../domain/phone';
import { issue } from '../../shared/validation';

// Field schemas shared by the record areas, so that a mobile number or a 统一社会信用代码 is
// checked and normalised the same way wherever it is entered.

export const text = (max: number) => z.string().trim().max(max);
export const requiredText = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => text(max).nullable().optional();

export const mobileField = z
  .string()
  .max(32)
  .refine(isValidMobile, issue('invalid_mobile'))
  .transform(normalizeMobile)
  .nullable()
  .optional();

export const phoneField = z
  .string()
  .max(40)
  .refine(isValidPhone, issue('invalid_phone'))
  .transform(normalizePhone)
  .nullable()
  .optional();

export const emailField = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((s) => s.toLowerCase())
  .nullable()
  .optional();

export const creditCodeField = z
  .string()
  .max(40)
  .refine(isValidCreditCode, issue('invalid_credit_code'))
  .transform(normalizeCreditCode)
  .nullable()
  .optional();

/** Money in 分 (integer minor units): never a float. */
export const moneyField = z.number().int().min(0).max(1e13);

export const idRef = z.string().min(1).max(64);

export const isoDateTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());
export const isoDate = z.iso.date();

export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY'] as const;
export const GRADES = ['A', 'B', 'C', 'D'] as const;
export const LEAD_SOURCES = [
  'website',
  'exhibition',
  'referral',
  'cold_call',
  'online_ad',
  'social_media',
  'partner',
  'other',
] as const;

/** Common record output columns for the OpenAPI document. */
export const recordDtoBase = {
  id: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string().nullable(),
  deletedAt: z.string().nullable(),
};

/** Copies a row's columns into a DTO, leaving out internal ones (search text, keys, tenant). */
export function pickColumns(
  row: Record<string, unknown>,
  omit: readonly string[] = [],
): Record<string, unknown> {
  const hidden = new Set(['tenantId', 'searchText', 'nameNorm', 'companyNorm', ...omit]);
  return Object.fromEntries(Object.entries(row).filter(([k]) => !hidden.has(k)));
}
