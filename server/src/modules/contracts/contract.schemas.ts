import { z } from 'zod';
import { idRef, isoDate, optionalText, requiredText } from '../records/fields';

export const clauseSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  title: requiredText(200),
  /** Text with {placeholders} filled from the quote and customer (see contract-clauses.ts). */
  body: requiredText(20_000),
});
export type Clause = z.infer<typeof clauseSchema>;

/** One instalment of the payment terms: a share of the total due some days after signing. */
export const paymentTermSchema = z.strictObject({
  name: requiredText(100),
  percent: z.number().int().min(1).max(100),
  daysAfterSigning: z.number().int().min(0).max(3650),
});
export type PaymentTerm = z.infer<typeof paymentTermSchema>;

const clauses = z.array(clauseSchema).max(100);
const paymentTerms = z.array(paymentTermSchema).min(1).max(24);

export const templateInputSchema = z.strictObject({
  name: requiredText(100),
  clauses: clauses.min(1),
  status: z.enum(['active', 'inactive']).default('active'),
});
export type TemplateInput = z.infer<typeof templateInputSchema>;

export const createContractInputSchema = z.strictObject({
  quoteId: idRef,
  templateId: idRef.nullable().optional(),
  title: requiredText(200).optional(),
  /** Clauses to use instead of (or without) a template. */
  clauses: clauses.optional(),
  /** Defaults to the whole amount due the quote's payment days after signing. */
  paymentTerms: paymentTerms.optional(),
  note: optionalText(1000),
});
export type CreateContractInput = z.infer<typeof createContractInputSchema>;

export const updateContractInputSchema = z.strictObject({
  title: requiredText(200).optional(),
  clauses: clauses.optional(),
  paymentTerms: paymentTerms.optional(),
  note: optionalText(1000),
});
export type UpdateContractInput = z.infer<typeof updateContractInputSchema>;

export const amendContractInputSchema = updateContractInputSchema.extend({
  /** Why the contract changes (补充协议的事由). */
  note: requiredText(1000),
});

export const signContractInputSchema = z.strictObject({
  signedOn: isoDate,
  signatories: z
    .array(
      z.strictObject({
        party: z.enum(['customer', 'company']),
        name: requiredText(100),
        title: optionalText(100),
      }),
    )
    .min(1)
    .max(10),
  /** The scanned signed copy, an attachment id. */
  scanAttachmentId: idRef.nullable().optional(),
});
export type SignContractInput = z.infer<typeof signContractInputSchema>;

export const CONTRACT_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'rejected',
  'returned',
  'signed',
  'archived',
] as const;

export const listContractsQuerySchema = z.strictObject({
  dealId: idRef.optional(),
  accountId: idRef.optional(),
  quoteId: idRef.optional(),
  status: z.enum(CONTRACT_STATUSES).optional(),
  /** Part of the number, the title or the customer's name. */
  q: z.string().trim().max(100).optional(),
  sort: z
    .enum(['createdAt', '-createdAt', 'grossAmount', '-grossAmount', 'signedOn', '-signedOn'])
    .default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
