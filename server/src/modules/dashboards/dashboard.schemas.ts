import { z } from 'zod';
import { periodKey } from '../targets/target.schemas';

export const DASHBOARD_KINDS = ['personal', 'team', 'executive'] as const;
export type DashboardKind = (typeof DASHBOARD_KINDS)[number];

export const dashboardParamsSchema = z.strictObject({ kind: z.enum(DASHBOARD_KINDS) });

export const dashboardQuerySchema = z.strictObject({
  period: periodKey.optional().describe('default: the current month'),
  unitId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'team and executive dashboards: this org unit and below (default: the caller’s unit / the company)',
    ),
});
export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;
