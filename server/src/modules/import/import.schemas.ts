import { z } from 'zod';
import { ENCODINGS } from './file-reader';
import { IMPORTABLE } from './import-fields';

export const mappingSchema = z.record(z.string().max(200), z.string().max(64).nullable());

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

/** The query of a raw upload (the file is the body: text/csv or the XLSX type). */
export const uploadQuerySchema = z.strictObject({
  entity: z
    .enum(IMPORTABLE)
    .optional()
    .describe('raw upload: accounts, leads, contacts, deals, activities, products or payments (required)'),
  fileName: z.string().trim().min(1).max(255).optional().describe('raw upload: the file name (required)'),
  encoding: z.enum(ENCODINGS).optional().describe('CSV encoding; detected when left out'),
  mappingId: z.string().max(200).optional().describe('a saved mapping, by id or name'),
  mapping: z
    .string()
    .max(8000)
    .optional()
    .describe('raw upload: the mapping as JSON {"header": "field" or null}'),
  saveMappingAs: z.string().trim().min(1).max(100).optional(),
  wait: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'false: answer 202 once the header is read and follow the validation with GET /api/imports/:id',
    ),
});

export const IMPORT_JOB_STATUSES = [
  'validating',
  'validated',
  'invalid',
  'running',
  'committed',
  'failed',
  'undone',
] as const;
export const IMPORT_SORTS = [
  'createdAt',
  '-createdAt',
  'fileName',
  '-fileName',
  'totalRows',
  '-totalRows',
  'status',
  '-status',
  'entity',
  '-entity',
] as const;

export const jobListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  sort: z.enum(IMPORT_SORTS).default('-createdAt').describe('a column, - for descending'),
  entity: z.enum(IMPORTABLE).optional(),
  status: z.enum(IMPORT_JOB_STATUSES).optional(),
  q: z.string().trim().max(100).optional().describe('part of the file name'),
  mine: z.enum(['true', 'false']).optional().describe('true: only the caller’s own imports'),
});
export type JobListQuery = z.infer<typeof jobListQuerySchema>;
