import { z } from 'zod';
import { CURRENCIES, idRef, isoDate, moneyField, optionalText, requiredText } from '../records/fields';

// Decimal inputs travel as strings (or plain numbers) and are checked exactly by the domain.
const decimal = z.union([z.string().trim().min(1).max(30), z.number()]);

export const quoteLineInputSchema = z.strictObject({
  productId: idRef,
  spec: optionalText(300),
  quantity: decimal,
  /** 分; defaults to the price list's price, else the product's list price. */
  unitPrice: moneyField.optional(),
  discountPercent: decimal.optional(),
  taxRatePercent: decimal.optional(),
  note: optionalText(500),
});

export const quoteTermsSchema = z.strictObject({
  paymentTerms: optionalText(500),
  /** Days the customer has to pay after delivery or invoice (账期). */
  paymentDays: z.number().int().min(0).max(3650).default(30),
  deliveryDate: isoDate.nullable().optional(),
  validUntil: isoDate,
});

export const createQuoteInputSchema = z.strictObject({
  dealId: idRef,
  title: requiredText(200).optional(),
  currency: z.enum(CURRENCIES).optional(),
  priceListId: idRef.nullable().optional(),
  taxMode: z.enum(['exclusive', 'inclusive']).default('inclusive'),
  lines: z.array(quoteLineInputSchema).min(1).max(200),
  terms: quoteTermsSchema,
  note: optionalText(1000),
});
export type CreateQuoteInput = z.infer<typeof createQuoteInputSchema>;

export const reviseQuoteInputSchema = z.strictObject({
  title: requiredText(200).optional(),
  taxMode: z.enum(['exclusive', 'inclusive']).optional(),
  lines: z.array(quoteLineInputSchema).min(1).max(200),
  terms: quoteTermsSchema,
  /** What changed in this round of negotiation. */
  note: optionalText(1000),
});
export type ReviseQuoteInput = z.infer<typeof reviseQuoteInputSchema>;

export const QUOTE_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'rejected',
  'returned',
  'sent',
  'accepted',
  'declined',
] as const;

export const listQuotesQuerySchema = z.strictObject({
  dealId: idRef.optional(),
  accountId: idRef.optional(),
  status: z.enum(QUOTE_STATUSES).optional(),
  q: z.string().trim().max(100).optional(),
  sort: z
    .enum(['createdAt', '-createdAt', 'grossAmount', '-grossAmount', 'validUntil', '-validUntil'])
    .default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const PRICE_LIST_CHANNELS = ['direct', 'online', 'store', 'distributor'] as const;
const PRICE_LIST_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export const listPriceListsQuerySchema = z.strictObject({
  /** Part of the name (case-insensitive). */
  q: z.string().trim().max(100).optional(),
  status: z.enum(['active', 'inactive']).optional(),
  channel: z.enum(PRICE_LIST_CHANNELS).optional(),
  sort: z
    .enum([...PRICE_LIST_SORTS, ...PRICE_LIST_SORTS.map((k) => `-${k}` as const)] as [string, ...string[]])
    .default('name'),
  // The quote editor's picker takes the whole (small) set in one page.
  limit: z.coerce.number().int().min(1).max(200).default(200),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type ListPriceListsQuery = z.infer<typeof listPriceListsQuerySchema>;

export const priceListInputSchema = z.strictObject({
  name: requiredText(100),
  channel: z.enum(PRICE_LIST_CHANNELS).nullable().optional(),
  currency: z.enum(CURRENCIES).default('CNY'),
  status: z.enum(['active', 'inactive']).default('active'),
});

export const priceListItemsInputSchema = z.strictObject({
  items: z
    .array(z.strictObject({ productId: idRef, unitPrice: moneyField }))
    .min(1)
    .max(1000),
});
