import { z } from 'zod';
import { calendarSettingsSchema } from '../../domain/sop/calendar-settings';

export { calendarSettingsSchema };

export const calendarQuerySchema = z.strictObject({
  /** Also list that year's statutory holidays and make-up working days (调休). */
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});
