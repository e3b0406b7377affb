import { z } from 'zod';

// The playbook (销售流程 SOP) as data: stages with owner role, checklist (关键动作 with 动作标准),
// deliverable forms (交付物), time limits (时限) with escalation (升级), gates (准入/准出条件) as CEL,
// win probability, allowed next stages and required reasons on terminal stages.

const text = z.strictObject({ 'zh-CN': z.string().min(1).max(500), 'en-US': z.string().min(1).max(500) });
const key = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'lower_snake_case key');

export const PROCESSES = ['lead', 'deal', 'order', 'ticket'] as const;
export const OWNER_ROLES = [
  'admin',
  'sales_ops',
  'manager',
  'rep',
  'finance',
  'legal',
  'delivery',
  'service',
] as const;
export const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'money',
  'date',
  'datetime',
  'select',
  'multiselect',
  'boolean',
  'phone',
  'email',
] as const;
export const DURATION_UNITS = ['minutes', 'hours', 'working_hours', 'working_days', 'days'] as const;

const duration = z.strictObject({
  value: z.number().int().positive().max(100_000),
  unit: z.enum(DURATION_UNITS),
});

export const formFieldSchema = z.strictObject({
  key,
  label: text,
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  options: z
    .array(z.strictObject({ value: z.string().min(1).max(100), label: text }))
    .max(100)
    .optional(),
  help: text.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const formSchema = z.strictObject({
  key,
  name: text,
  required: z.boolean().default(false),
  fields: z.array(formFieldSchema).min(1).max(100),
});

export const checklistActionSchema = z.strictObject({
  key,
  name: text,
  required: z.boolean().default(false),
  standard: text.optional(),
});

export const conditionSchema = z.strictObject({ expr: z.string().min(1).max(2000), message: text });

export const escalationStepSchema = z.strictObject({
  after: duration,
  notify: z
    .array(z.union([z.enum(OWNER_ROLES), z.enum(['owner', 'owner_manager'])]))
    .min(1)
    .max(10),
  action: z.enum(['notify', 'reassign', 'return_to_pool']).default('notify'),
});

export const timeLimitSchema = z.strictObject({
  key,
  name: text,
  starts: z.enum(['stage_entered', 'record_created']).default('stage_entered'),
  duration: duration.optional(),
  deadline: z
    .strictObject({
      time: z.string().regex(/^\d{2}:\d{2}$/),
      on: z.enum(['same_working_day', 'next_working_day', 'daily']),
    })
    .optional(),
  stopWhen: z.string().min(1).max(2000).optional(),
  /**
   * `activity`: every follow-up logged on the record starts the limit again from that moment
   * ("untouched for 48 hours"). A `daily` deadline recurs instead: each working day's deadline is
   * met by a follow-up logged since the previous one, and the next day's starts either way.
   */
  resetOn: z.enum(['activity']).optional(),
  warnBefore: duration.optional(),
  escalation: z.array(escalationStepSchema).max(10).default([]),
});

export const stageSchema = z.strictObject({
  key,
  name: text,
  ownerRole: z.enum(OWNER_ROLES),
  probability: z.number().int().min(0).max(100).optional(),
  terminal: z.enum(['won', 'lost', 'closed']).optional(),
  requiredReasons: z
    .array(z.strictObject({ value: z.string().min(1).max(100), label: text }))
    .max(50)
    .optional(),
  checklist: z.array(checklistActionSchema).max(50).default([]),
  forms: z.array(formSchema).max(20).default([]),
  timeLimits: z.array(timeLimitSchema).max(20).default([]),
  entryGate: z.array(conditionSchema).max(20).default([]),
  exitGate: z.array(conditionSchema).max(20).default([]),
  allowedNext: z.array(key).max(20).default([]),
  scripts: z.array(text).max(20).optional(),
});

/**
 * The reps' weekly report duty (周报): submitted each week by this weekday (1 = Monday … 7 =
 * Sunday) and local time; a report missing then is a breach of the SOP. Deal playbooks only.
 */
export const weeklyReportDutySchema = z.strictObject({
  weekday: z.number().int().min(1).max(7),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm'),
});

export const playbookSchema = z.strictObject({
  key,
  process: z.enum(PROCESSES),
  name: text,
  description: text.optional(),
  stages: z.array(stageSchema).min(1).max(50),
  weeklyReport: weeklyReportDutySchema.optional(),
});

export type Playbook = z.infer<typeof playbookSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type TimeLimit = z.infer<typeof timeLimitSchema>;
export type WeeklyReportDuty = z.infer<typeof weeklyReportDutySchema>;
export type LocalText = z.infer<typeof text>;

/** Record fields a gate or condition may read, per process. */
export const RECORD_FIELDS: Record<(typeof PROCESSES)[number], string[]> = {
  lead: [
    'id',
    'name',
    'companyName',
    'mobile',
    'phone',
    'email',
    'wechat',
    'source',
    'grade',
    'status',
    'industry',
    'region',
    'firstContactAt',
    'ownerId',
    'createdAt',
    'creditCode',
  ],
  deal: [
    'id',
    'name',
    'amount',
    'currency',
    'stage',
    'probability',
    'status',
    'expectedCloseDate',
    'source',
    'accountId',
    'contactId',
    'productIds',
    'lostReason',
    'ownerId',
    'createdAt',
    'stageEnteredAt',
  ],
  // `amount` is the order's grossAmount; handoffCount / handoffsDone count its hand-offs (交接).
  order: [
    'id',
    'number',
    'amount',
    'grossAmount',
    'currency',
    'status',
    'deliveryDate',
    'contractId',
    'dealId',
    'accountId',
    'cancelledAt',
    'handoffCount',
    'handoffsDone',
    'ownerId',
    'createdAt',
  ],
  // Tickets have no record table yet (after-sales is a later capability): these are the fields
  // a ticket playbook may name; no ticket record exists for the sweep or the routes to read.
  ticket: ['id', 'kind', 'severity', 'status', 'ownerId', 'createdAt', 'firstResponseAt'],
};
