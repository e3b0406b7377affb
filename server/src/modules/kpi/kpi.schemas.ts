import { z } from 'zod';
import { DIMENSIONS } from '../../domain/kpi/definitions';

const date = z.iso.date();
const id = z.string().min(1).max(64);

const scopeFields = {
  from: date
    .optional()
    .describe('first local day of the period (YYYY-MM-DD, tenant time zone); default 1 January of `to`'),
  to: date.optional().describe('last local day of the period, included; default today'),
  unitId: id.optional().describe('only owners in this org unit and the units below it'),
  ownerId: id.optional().describe('only this owner'),
};

export const kpiKeyParamsSchema = z.strictObject({ key: z.string().min(1).max(64) });

export const kpiQuerySchema = z.strictObject({
  ...scopeFields,
  by: z.enum(DIMENSIONS).optional().describe('dimension to slice by'),
  metric: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'target_attainment only: the metric whose targets are measured (a KPI key or collection; default revenue)',
    ),
});
export type KpiQuery = z.infer<typeof kpiQuerySchema>;

export const kpiRecordsQuerySchema = z.strictObject({
  ...scopeFields,
  by: z.enum(DIMENSIONS).optional(),
  group: z.string().min(1).max(200).optional().describe('a group key from the sliced answer (needs `by`)'),
  stage: z.string().min(1).max(48).optional().describe('stage KPIs: only this stage'),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type KpiRecordsQuery = z.infer<typeof kpiRecordsQuerySchema>;

export const COMPLIANCE_GROUPINGS = ['stage', 'rep', 'team'] as const;

export const complianceQuerySchema = z.strictObject({
  ...scopeFields,
  process: z.enum(['deal', 'lead', 'order']).default('deal'),
  by: z.enum(COMPLIANCE_GROUPINGS).default('stage'),
  stageKey: z.string().min(1).max(48).optional(),
});
export type ComplianceQuery = z.infer<typeof complianceQuerySchema>;

export type ScopeInput = Pick<KpiQuery, 'from' | 'to' | 'unitId' | 'ownerId'>;
