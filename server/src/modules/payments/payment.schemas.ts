import { z } from 'zod';
import { CURRENCIES, idRef, isoDate, optionalText } from '../records/fields';

export const PAYMENT_METHODS = ['bank_transfer', 'acceptance_bill', 'other'] as const;

export const receiptInputSchema = z.strictObject({
  contractId: idRef,
  /** 分, more than zero. */
  amount: z.number().int().min(1).max(1e13),
  /** Defaults to the contract's currency; another one is refused. */
  currency: z.enum(CURRENCIES).optional(),
  receivedOn: isoDate,
  method: z.enum(PAYMENT_METHODS).default('bank_transfer'),
  /** The instalment the payer named; otherwise the oldest open one is paid first. */
  planId: idRef.nullable().optional(),
  reference: optionalText(100),
  note: optionalText(1000),
  /** Record money beyond what is still owed (多付/预收) knowingly. */
  confirmOverpayment: z.boolean().default(false),
});
export type ReceiptInput = z.infer<typeof receiptInputSchema>;

export const RECEIPT_SORTS = ['receivedOn', 'amount', 'createdAt'] as const;
export const listReceiptsQuerySchema = z.strictObject({
  contractId: idRef.optional(),
  accountId: idRef.optional(),
  /** Part of the bank reference, the note, the contract number or the customer's name. */
  q: z.string().trim().max(100).optional(),
  method: z.enum(PAYMENT_METHODS).optional(),
  sort: z
    .enum([...RECEIPT_SORTS, ...RECEIPT_SORTS.map((k) => `-${k}` as const)] as [string, ...string[]])
    .default('-receivedOn'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type ListReceiptsQuery = z.infer<typeof listReceiptsQuerySchema>;

const groupBy = z.enum(['account', 'owner', 'team']).default('account');

export const ageingQuerySchema = z.strictObject({
  /** Defaults to today in the tenant's time zone. */
  asOf: isoDate.optional(),
  groupBy,
});

export const collectionQuerySchema = z
  .strictObject({ from: isoDate, to: isoDate, groupBy })
  .refine((q) => q.from <= q.to, { path: ['to'], params: { issue: 'before_from' } });
