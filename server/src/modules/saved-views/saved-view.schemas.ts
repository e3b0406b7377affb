import { z } from 'zod';

/** The lists a view can be saved on. */
export const SAVED_VIEW_ENTITIES = ['leads', 'accounts', 'contacts', 'deals'] as const;

/** At most this many views per user and list. */
export const MAX_SAVED_VIEWS = 50;

export const savedViewEntitySchema = z.enum(SAVED_VIEW_ENTITIES);

export const savedViewQuerySchema = z.strictObject({ entity: savedViewEntitySchema });

// What the list page restores: the same bounds as the list's own query.
export const savedViewDefinitionSchema = z.strictObject({
  search: z.string().max(100).default(''),
  sort: z
    .string()
    .max(64)
    .regex(/^-?[A-Za-z]+$/)
    .default('-createdAt'),
  scope: z.enum(['all', 'pool']).default('all'),
  filters: z
    .record(
      z
        .string()
        .max(64)
        .regex(/^[A-Za-z]+$/),
      z.array(z.string().min(1).max(200)).max(100),
    )
    .refine((f) => Object.keys(f).length <= 20, { message: 'too many filters' })
    .default({}),
});

export const createSavedViewInputSchema = z.strictObject({
  entity: savedViewEntitySchema,
  name: z.string().trim().min(1).max(40),
  definition: savedViewDefinitionSchema,
});

export type SavedViewEntity = z.infer<typeof savedViewEntitySchema>;
export type SavedViewDefinition = z.infer<typeof savedViewDefinitionSchema>;
export type CreateSavedViewInput = z.infer<typeof createSavedViewInputSchema>;

export const savedViewSchema = z.object({
  id: z.string(),
  entity: savedViewEntitySchema,
  name: z.string(),
  definition: savedViewDefinitionSchema,
  createdAt: z.string(),
});

export type SavedView = z.infer<typeof savedViewSchema>;
