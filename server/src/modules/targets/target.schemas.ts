import { z } from 'zod';
import { PERIOD_PATTERN } from '../../domain/targets/target-period';

const id = z.string().min(1).max(64);
export const periodKey = z
  .string()
  .regex(PERIOD_PATTERN)
  .describe('a year `2026`, a quarter `2026-Q2` or a month `2026-04`');

export const TARGET_LEVELS = ['company', 'region', 'team', 'rep'] as const;
export type TargetLevel = (typeof TARGET_LEVELS)[number];

const milestone = z.strictObject({
  date: z.iso.date(),
  value: z.number().int().min(0),
});

export const createTargetInputSchema = z.strictObject({
  metric: z
    .string()
    .min(1)
    .max(64)
    .describe(
      'a KPI key the library computes (revenue, won_deals, win_rate, deal_cycle_days …) or collection (money received); ratios and averages are copied down, not split',
    ),
  period: periodKey,
  level: z.enum(TARGET_LEVELS),
  unitId: id.optional().describe('region or team targets: the org unit'),
  userId: id.optional().describe('rep targets: the rep'),
  parentId: id.optional().describe('the target this one rolls up into (bottom-up)'),
  value: z
    .number()
    .min(0)
    .max(1e15)
    .describe(
      'in the metric’s unit: 分 for money, a whole count, 0–1 for ratios (4 decimals), days or hours (2 decimals)',
    ),
  milestones: z.array(milestone).max(24).default([]),
});
export type CreateTargetInput = z.infer<typeof createTargetInputSchema>;

export const updateTargetInputSchema = z.strictObject({
  value: z.number().min(0).max(1e15).optional(),
  milestones: z.array(milestone).max(24).optional(),
});
export type UpdateTargetInput = z.infer<typeof updateTargetInputSchema>;

export const DECOMPOSE_METHODS = ['even', 'weights', 'last_year'] as const;

export const decomposeInputSchema = z.strictObject({
  method: z.enum(DECOMPOSE_METHODS),
  children: z
    .array(
      z.strictObject({
        unitId: id.optional(),
        userId: id.optional(),
        weight: z.number().min(0).max(1e12).optional(),
      }),
    )
    .max(500)
    .optional()
    .describe('default: the regions under the company, the teams under a region, the active reps of a team'),
});
export type DecomposeInput = z.infer<typeof decomposeInputSchema>;

export const listTargetsQuerySchema = z.strictObject({
  metric: z.string().min(1).max(64).optional(),
  period: periodKey.optional(),
  level: z.enum(TARGET_LEVELS).optional(),
});
export type ListTargetsQuery = z.infer<typeof listTargetsQuerySchema>;

export const attainmentQuerySchema = z.strictObject({
  metric: z.string().min(1).max(64).default('revenue'),
  period: periodKey.optional().describe('default: the current month'),
  from: z.iso.date().optional().describe('instead of period: the first day of a month, quarter or year'),
  to: z.iso.date().optional().describe('instead of period: the last day of that month, quarter or year'),
  by: z.enum(['region', 'team', 'rep']).optional(),
  unitId: id.optional(),
  ownerId: id.optional(),
});
export type AttainmentQuery = z.infer<typeof attainmentQuerySchema>;
