import { z } from 'zod';
import { FORECAST_CATEGORIES } from '../../domain/forecast/weighted';
import { periodKey } from '../targets/target.schemas';

const id = z.string().min(1).max(64);

export const forecastQuerySchema = z.strictObject({
  period: periodKey.optional().describe('default: the current quarter'),
  unitId: id.optional().describe('only owners in this org unit and below'),
  ownerId: id.optional().describe('only this owner'),
  metric: z.literal('revenue').default('revenue'),
});
export type ForecastQuery = z.infer<typeof forecastQuerySchema>;

export const forecastCategoryInputSchema = z.strictObject({
  category: z
    .enum(FORECAST_CATEGORIES)
    .nullable()
    .describe('commit (承诺), best_case (乐观), pipeline, omitted; null clears the caller’s setting'),
});
export type ForecastCategoryInput = z.infer<typeof forecastCategoryInputSchema>;
