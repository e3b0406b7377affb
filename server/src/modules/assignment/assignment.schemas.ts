import { z } from 'zod';
import { GRADES, idRef, LEAD_SOURCES, requiredText } from '../records/fields';

const days = z.number().int().min(1).max(3650).nullable();

export const salesPolicyInputSchema = z.strictObject({
  /** Leads without a follow-up for this many days go back to the pool (公海回收). */
  leadRecycleDays: days,
  accountRecycleDays: days,
  /** Pool claims a rep may make per day (领取配额). */
  claimQuotaPerDay: z.number().int().min(0).max(10_000).nullable(),
  /** Customers (accounts + open leads) a rep may hold (客户数上限). */
  maxCustomersPerRep: z.number().int().min(1).max(1_000_000).nullable(),
  autoRouteNewLeads: z.boolean(),
});
export type SalesPolicyInput = z.infer<typeof salesPolicyInputSchema>;

const conditionsSchema = z.strictObject({
  grades: z.array(z.enum(GRADES)).max(10).optional(),
  sources: z.array(z.enum(LEAD_SOURCES)).max(20).optional(),
  regions: z.array(requiredText(50)).max(100).optional(),
  industries: z.array(requiredText(50)).max(100).optional(),
});

const ruleFields = {
  name: requiredText(100),
  priority: z.number().int().min(0).max(10_000),
  status: z.enum(['active', 'inactive']),
  conditions: conditionsSchema,
  targetUnitId: idRef.nullable().optional(),
  targetUserIds: z.array(idRef).max(500),
  method: z.enum(['round_robin', 'least_loaded']),
  loadCap: z.number().int().min(1).max(1_000_000).nullable().optional(),
};

// A rule must name whom it assigns to: a team (its reps) or a list of people.
export const assignmentRuleInputSchema = z
  .strictObject({
    ...ruleFields,
    status: ruleFields.status.default('active'),
    targetUserIds: ruleFields.targetUserIds.default([]),
    method: ruleFields.method.default('round_robin'),
    conditions: conditionsSchema.default({}),
  })
  .refine((r) => !!r.targetUnitId || r.targetUserIds.length > 0, {
    path: ['targetUnitId'],
    params: { issue: 'required' },
  });
export type AssignmentRuleInput = z.infer<typeof assignmentRuleInputSchema>;
export const updateAssignmentRuleSchema = z.strictObject(ruleFields).partial();

export const routeLeadsInputSchema = z.strictObject({ leadIds: z.array(idRef).min(1).max(5000).optional() });
export const releaseInputSchema = z.strictObject({ reason: requiredText(500) });
