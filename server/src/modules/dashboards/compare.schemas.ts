import { z } from 'zod';

const date = z.iso.date();
const id = z.string().min(1).max(64);

export const compareQuerySchema = z.strictObject({
  aFrom: date.optional().describe('period A, first local day'),
  aTo: date.optional().describe('period A, last local day'),
  bFrom: date.optional().describe('period B, first local day'),
  bTo: date.optional().describe('period B, last local day'),
  playbookVersionA: id.optional().describe('records that ran under this playbook version …'),
  playbookVersionB: id.optional().describe('… against those that ran under this one'),
  from: date
    .optional()
    .describe('version comparison: the period both sides are taken from (default: the last ten years)'),
  to: date.optional(),
  unitId: id.optional(),
  ownerId: id.optional(),
});
export type CompareQuery = z.infer<typeof compareQuerySchema>;
