import { z } from 'zod';
import { ROLES } from '../../auth/roles';
import { DURATION_UNITS } from '../sop/playbook';

// An automation rule (自动化规则): when a trigger fires on a record and the condition holds, run
// up to ten actions. Rules are data, edited by sales ops, exported and imported as JSON.

export const TRIGGER_EVENTS = [
  'record.created',
  'record.updated',
  'stage.entered',
  'clock.warning',
  'clock.breached',
  'schedule',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export const AUTOMATION_RECORD_TYPES = [
  'lead',
  'account',
  'contact',
  'deal',
  'order',
  'activity',
  'task',
] as const;
export type AutomationRecordType = (typeof AUTOMATION_RECORD_TYPES)[number];

/** Fields a set_field action may write, per record type: plain attributes, never owners or keys. */
export const SETTABLE_FIELDS: Record<AutomationRecordType, readonly string[]> = {
  lead: ['grade', 'industry', 'region', 'notes', 'title', 'source'],
  account: ['grade', 'industry', 'region', 'size', 'source', 'notes'],
  contact: ['title', 'decisionRole', 'notes'],
  deal: ['probability', 'expectedCloseDate', 'source', 'notes'],
  // An order's status is computed from its parts: nothing to set by hand.
  order: [],
  activity: ['outcome', 'nextStep', 'nextContactAt', 'notes'],
  task: ['status', 'priority', 'dueAt', 'notes'],
};

/** Record types whose owner an assign action may change (the ones with a public pool). */
export const ASSIGNABLE_TYPES: readonly AutomationRecordType[] = ['lead', 'account'];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const scheduleSchema = z.strictObject({
  every: z.enum(['day', 'weekday', 'hour']),
  at: hhmm.optional(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const triggerSchema = z.strictObject({
  event: z.enum(TRIGGER_EVENTS),
  recordType: z.enum(AUTOMATION_RECORD_TYPES),
  stageKey: z.string().trim().min(1).max(48).optional(),
  fields: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  schedule: scheduleSchema.optional(),
});
export type Trigger = z.infer<typeof triggerSchema>;

const idRef = z.string().min(1).max(64);
const localText = z.union([
  z.string().trim().min(1).max(500),
  z.strictObject({ 'zh-CN': z.string().trim().min(1).max(500), 'en-US': z.string().trim().min(1).max(500) }),
]);
export type TemplateText = z.infer<typeof localText>;

export const durationSchema = z.strictObject({
  value: z.number().int().positive().max(100_000),
  unit: z.enum(DURATION_UNITS),
});

export const notifyActionSchema = z.strictObject({
  type: z.literal('notify'),
  to: z
    .strictObject({
      userIds: z.array(idRef).max(50).optional(),
      roles: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
      owner: z.boolean().optional(),
      ownerManager: z.boolean().optional(),
    })
    .refine((t) => !!(t.userIds?.length || t.roles?.length || t.owner || t.ownerManager), {
      params: { issue: 'required' },
    }),
  title: localText,
  body: localText.optional(),
});

export const createTaskActionSchema = z.strictObject({
  type: z.literal('create_task'),
  title: z.string().trim().min(1).max(200),
  due: durationSchema,
  assignee: z.union([z.literal('owner'), z.strictObject({ userId: idRef })]).default('owner'),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
});

export const assignActionSchema = z.strictObject({
  type: z.literal('assign'),
  to: z.union([z.literal('routing'), z.strictObject({ userId: idRef })]),
});

export const setFieldActionSchema = z.strictObject({
  type: z.literal('set_field'),
  field: z.string().min(1).max(64),
  value: z.unknown(),
});

export const webhookActionSchema = z.strictObject({
  type: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }).max(2000),
  secret: z.string().min(8).max(200).nullable().optional(),
});

export const actionSchema = z.discriminatedUnion('type', [
  notifyActionSchema,
  createTaskActionSchema,
  assignActionSchema,
  setFieldActionSchema,
  webhookActionSchema,
]);
export type AutomationAction = z.infer<typeof actionSchema>;

export const ruleSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  status: z.enum(['active', 'paused']).default('active'),
  trigger: triggerSchema,
  condition: z.string().trim().max(2000).nullable().optional(),
  actions: z.array(actionSchema).min(1).max(10),
});
export type RuleInput = z.input<typeof ruleSchema>;
export type Rule = z.infer<typeof ruleSchema>;
