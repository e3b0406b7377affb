import { z } from 'zod';

// The authority matrix (审批权限矩阵): rows of conditions on a request (amount, discount, margin,
// payment terms, products) each requiring one or more approval levels. The chain is every level
// some matching row requires, in the matrix's level order, so "amount ≥ 100万 → director" and
// "payment terms > 90 days → finance" combine into manager → director → finance.

export const APPROVAL_SUBJECTS = ['quote', 'contract'] as const;
export type ApprovalSubject = (typeof APPROVAL_SUBJECTS)[number];

/** Who approves at a level: users of a role, the requester's manager, or named users. */
const approverSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('requester_manager') }),
  z.strictObject({ kind: z.literal('role'), role: z.string().min(1).max(40) }),
  z.strictObject({ kind: z.literal('user'), userId: z.string().min(1).max(64) }),
]);
export type Approver = z.infer<typeof approverSchema>;

const text = z.strictObject({ 'zh-CN': z.string().min(1).max(100), 'en-US': z.string().min(1).max(100) });
const key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);

export const approvalLevelSchema = z.strictObject({
  key,
  name: text,
  /** Parallel approvers at one level: all must approve (会签) or any one may (或签). */
  approvers: z.array(approverSchema).min(1).max(10),
  mode: z.enum(['all', 'any']).default('any'),
  /** Working hours before the SOP engine escalates a pending step. */
  timeLimitHours: z.number().int().positive().max(1000).optional(),
});
export type ApprovalLevel = z.infer<typeof approvalLevelSchema>;

const money = z.number().int().min(0);
const bp = z.number().int().min(0).max(10000);

export const matrixConditionSchema = z
  .strictObject({
    amountAtLeast: money.optional(),
    amountBelow: money.optional(),
    discountAbove: bp.optional(),
    marginBelow: z.number().int().min(-100000).max(10000).optional(),
    paymentTermsDaysAbove: z.number().int().min(0).max(3650).optional(),
    prepaymentBelow: bp.optional(),
    productIds: z.array(z.string().min(1).max(64)).min(1).max(200).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'a row needs at least one condition' });

export const approvalMatrixSchema = z
  .strictObject({
    subject: z.enum(APPROVAL_SUBJECTS),
    /** Levels in the order a chain walks them. */
    levels: z.array(approvalLevelSchema).min(1).max(20),
    rows: z
      .array(z.strictObject({ when: matrixConditionSchema, require: z.array(key).min(1).max(20) }))
      .max(200),
    /** Levels every request passes, whatever the rows say (e.g. the manager). */
    always: z.array(key).max(20).default([]),
  })
  .superRefine((m, ctx) => {
    const known = new Set(m.levels.map((l) => l.key));
    if (known.size !== m.levels.length)
      ctx.addIssue({ code: 'custom', path: ['levels'], message: 'duplicate level key' });
    m.always.forEach((k, i) => {
      if (!known.has(k)) ctx.addIssue({ code: 'custom', path: ['always', i], message: `unknown level ${k}` });
    });
    m.rows.forEach((r, i) => {
      r.require.forEach((k, j) => {
        if (!known.has(k))
          ctx.addIssue({ code: 'custom', path: ['rows', i, 'require', j], message: `unknown level ${k}` });
      });
    });
  });
export type ApprovalMatrix = z.infer<typeof approvalMatrixSchema>;

/** What the matrix looks at: money in 分, discount and margin in basis points. */
export interface ApprovalFacts {
  amount: number;
  discountBp: number;
  marginBp: number | null;
  paymentTermsDays: number;
  prepaymentBp?: number;
  productIds: string[];
}

function rowMatches(c: z.infer<typeof matrixConditionSchema>, f: ApprovalFacts): boolean {
  if (c.amountAtLeast !== undefined && !(f.amount >= c.amountAtLeast)) return false;
  if (c.amountBelow !== undefined && !(f.amount < c.amountBelow)) return false;
  if (c.discountAbove !== undefined && !(f.discountBp > c.discountAbove)) return false;
  // An unknown margin (cost not recorded) counts as below any threshold: the cautious reading.
  if (c.marginBelow !== undefined && !(f.marginBp === null || f.marginBp < c.marginBelow)) return false;
  if (c.paymentTermsDaysAbove !== undefined && !(f.paymentTermsDays > c.paymentTermsDaysAbove)) return false;
  if (c.prepaymentBelow !== undefined && !((f.prepaymentBp ?? 0) < c.prepaymentBelow)) return false;
  if (c.productIds && !c.productIds.some((p) => f.productIds.includes(p))) return false;
  return true;
}

/** The approval chain for a request: the levels required by `always` and every matching row. */
export function pickApprovalChain(matrix: ApprovalMatrix, facts: ApprovalFacts): ApprovalLevel[] {
  const required = new Set(matrix.always);
  for (const row of matrix.rows)
    if (rowMatches(row.when, facts)) for (const k of row.require) required.add(k);
  return matrix.levels.filter((l) => required.has(l.key));
}
