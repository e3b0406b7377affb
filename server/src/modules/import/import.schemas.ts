import { z } from 'zod';
import { ENCODINGS } from './file-reader';
import { IMPORTABLE } from './import-fields';

const mappingSchema = z.record(z.string().max(200), z.string().max(64).nullable());

export const createImportInputSchema = z.strictObject({
  entity: z.enum(IMPORTABLE).describe('accounts, leads, contacts, deals, activities, products or payments'),
  fileName: z.string().trim().min(1).max(255),
  contentBase64: z.string().min(1).describe('The file (CSV or XLSX), base64-encoded'),
  encoding: z.enum(ENCODINGS).optional().describe('CSV encoding; detected when left out'),
  mapping: mappingSchema
    .optional()
    .describe('header → field (null: ignore); unmapped headers are matched automatically'),
  mappingId: z.string().max(200).optional().describe('a saved mapping, by id or name'),
  saveMappingAs: z.string().trim().min(1).max(100).optional(),
});
export type CreateImportInput = z.infer<typeof createImportInputSchema>;

export const saveMappingInputSchema = z.strictObject({
  entity: z.enum(IMPORTABLE),
  name: z.string().trim().min(1).max(100),
  mapping: mappingSchema,
});

export const mappingListQuerySchema = z.strictObject({ entity: z.enum(IMPORTABLE).optional() });

export const commitQuerySchema = z.strictObject({
  wait: z
    .enum(['true', 'false'])
    .optional()
    .describe('false: answer 202 at once and import in the background'),
});
