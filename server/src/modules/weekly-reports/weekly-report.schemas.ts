import { z } from 'zod';

const monday = z.iso.date().describe('the local Monday the week starts on');
const id = z.string().min(1).max(64);

export const weekQuerySchema = z.strictObject({
  week: monday.optional().describe('default: the current week'),
});
export type WeekQuery = z.infer<typeof weekQuerySchema>;

export const reportParamsSchema = z.strictObject({ ownerId: id, week: monday });
export type ReportParams = z.infer<typeof reportParamsSchema>;

export const saveReportInputSchema = z.strictObject({
  plan: z.string().max(5000).nullable().optional().describe('next week’s plan (下周计划)'),
  helpNeeded: z.string().max(5000).nullable().optional().describe('help needed (需要的支持)'),
  submit: z.boolean().default(false).describe('submit the report (提交); it cannot be changed afterwards'),
});
export type SaveReportInput = z.infer<typeof saveReportInputSchema>;

export const commentInputSchema = z.strictObject({ comment: z.string().trim().min(1).max(5000) });
export type CommentInput = z.infer<typeof commentInputSchema>;

export const settingsInputSchema = z.strictObject({
  deadlineWeekday: z.number().int().min(1).max(7).describe('1 = Monday … 7 = Sunday'),
  deadlineTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .describe('local time HH:mm'),
});
export type SettingsInput = z.infer<typeof settingsInputSchema>;
