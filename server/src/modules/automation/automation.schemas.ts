import { z } from 'zod';
import {
  AUTOMATION_RECORD_TYPES,
  actionSchema,
  ruleSchema,
  TRIGGER_EVENTS,
  triggerSchema,
} from '../../domain/automation/rule';

// The rule as the API takes it: the exported JSON of a rule imports as is (its id, version and
// times are ignored), so that rules move between tenants and environments as files.
const exportedExtras = {
  id: z.string().max(64).optional(),
  version: z.number().int().optional(),
  nextRunAt: z.string().nullable().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
};

export const createRuleInputSchema = ruleSchema.extend(exportedExtras);
export type CreateRuleInput = z.infer<typeof createRuleInputSchema>;

export const updateRuleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  status: z.enum(['active', 'paused']).optional(),
  trigger: triggerSchema.optional(),
  condition: z.string().trim().max(2000).nullable().optional(),
  actions: z.array(actionSchema).min(1).max(10).optional(),
});
export type UpdateRuleInput = z.infer<typeof updateRuleInputSchema>;

export const testRuleInputSchema = z.strictObject({ recordId: z.string().min(1).max(64) });

/** Sort keys of the rule list; `-name` is descending, as in the record lists. */
export const RULE_SORTS = ['name', 'createdAt', 'updatedAt'] as const;

export const listRulesQuerySchema = z.strictObject({
  /** Part of the name (case-insensitive). */
  q: z.string().trim().max(100).optional(),
  status: z.enum(['active', 'paused']).optional(),
  event: z.enum(TRIGGER_EVENTS).optional(),
  recordType: z.enum(AUTOMATION_RECORD_TYPES).optional(),
  sort: z
    .enum([...RULE_SORTS, ...RULE_SORTS.map((k) => `-${k}` as const)] as [string, ...string[]])
    .default('createdAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type ListRulesQuery = z.infer<typeof listRulesQuerySchema>;

export const runsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
  status: z.enum(['done', 'skipped', 'failed', 'loop_stopped']).optional(),
  recordId: z.string().max(64).optional(),
});

export const ruleDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'paused']),
  trigger: triggerSchema,
  condition: z.string().nullable(),
  actions: z.array(actionSchema),
  version: z.number().int(),
  nextRunAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
