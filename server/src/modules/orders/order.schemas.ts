import { z } from 'zod';
import { ORDER_STATUSES } from '../../domain/orders/order-status';
import { idRef, isoDate, optionalText, requiredText } from '../records/fields';

const decimal = z.union([z.string().trim().min(1).max(30), z.number()]);

export const createOrderInputSchema = z.strictObject({
  contractId: idRef,
  deliveryDate: isoDate.nullable().optional(),
});

export const HANDOFF_DEPARTMENTS = ['production', 'procurement', 'qc', 'logistics'] as const;

export const handoffInputSchema = z.strictObject({
  department: z.enum(HANDOFF_DEPARTMENTS),
  assigneeId: idRef,
  dueOn: isoDate,
  note: optionalText(1000),
});
export type HandoffInput = z.infer<typeof handoffInputSchema>;

export const shipmentInputSchema = z.strictObject({
  carrier: requiredText(100),
  trackingNumber: requiredText(100),
  shippedOn: isoDate,
  lines: z
    .array(z.strictObject({ lineNo: z.number().int().min(0).max(199), quantity: decimal }))
    .min(1)
    .max(200),
});
export type ShipmentInput = z.infer<typeof shipmentInputSchema>;

export const acceptanceInputSchema = z.strictObject({
  /** 签收 (signed for on delivery) or 验收 (accepted after inspection). */
  kind: z.enum(['signed', 'accepted']),
  acceptedOn: isoDate,
  /** Number of the signed receipt or acceptance report. */
  document: requiredText(100),
  attachmentId: idRef.nullable().optional(),
});
export type AcceptanceInput = z.infer<typeof acceptanceInputSchema>;

export const listOrdersQuerySchema = z.strictObject({
  contractId: idRef.optional(),
  accountId: idRef.optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  /** Part of the order's number, its contract's number or the customer's name. */
  q: z.string().trim().max(100).optional(),
  sort: z
    .enum(['createdAt', '-createdAt', 'grossAmount', '-grossAmount', 'deliveryDate', '-deliveryDate'])
    .default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
