import type { FastifyInstance } from 'fastify';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { sendFile } from '../export/download';
import type { ExportFormat } from '../export/spreadsheet';
import { findMappings, listJobs, upsertMapping } from './import.repository';
import {
  commitQuerySchema,
  createImportInputSchema,
  mappingListQuerySchema,
  saveMappingInputSchema,
} from './import.schemas';
import { assertFileSize, getImport, IMPORT_MAX_BYTES, jobView, prepareImport } from './import.service';
import { beginCommit, commitImport, runCommit, undoImport } from './import-commit.service';
import { rejectedFile } from './rejected-file';

const tags = ['imports'];
const UPLOAD_URL = '/api/imports';
/** base64 makes 3 bytes 4 characters; the JSON around it is small. */
const UPLOAD_BODY_LIMIT = Math.ceil(IMPORT_MAX_BYTES / 3) * 4 + 64 * 1024;

/**
 * The upload route takes the file base64-encoded in JSON (no multipart plugin is installed), so
 * it alone gets a body limit sized for the largest import file. A request that announces a
 * larger body is refused before any of it is read.
 */
export function installImportUpload(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url !== UPLOAD_URL || route.method !== 'POST') return;
    route.bodyLimit = UPLOAD_BODY_LIMIT;
    route.preParsing = [
      async (req) => {
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > UPLOAD_BODY_LIMIT) assertFileSize(Math.floor((length * 3) / 4));
      },
    ];
  });
}

export function importRoutes(database: Database): RouteSpec[] {
  const rejected = (format: ExportFormat) =>
    defineRoute({
      method: 'GET',
      url: `/api/imports/:id/rejected.${format}`,
      summary: `The rejected rows as ${format.toUpperCase()}: original columns plus an error column, to fix and import again`,
      tags,
      params: idParamsSchema,
      handler: async ({ actor, params, reply }) => {
        const file = await rejectedFile(database, actor, params.id, format);
        return sendFile(reply, format, file.buffer, file.fileName);
      },
    });
  return [
    defineRoute({
      method: 'POST',
      url: UPLOAD_URL,
      summary:
        'Upload a CSV (UTF-8, UTF-8 BOM, GBK/GB18030) or XLSX file: parse, map columns, clean and validate every row (nothing is created until commit)',
      tags,
      body: createImportInputSchema,
      status: 201,
      handler: async ({ actor, body, reply }) => {
        // Refuse an oversized file before decoding it.
        assertFileSize(Math.floor((body.contentBase64.length * 3) / 4));
        const content = Buffer.from(body.contentBase64, 'base64');
        const job = await prepareImport(database, actor, { ...body, content });
        reply.code(201);
        return job;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/imports',
      summary: 'Recent imports (your own; admins and sales ops see all)',
      tags,
      handler: async ({ actor }) => {
        const jobs = await listJobs(
          database.db,
          actor.tenantId,
          ROLE_POLICIES[actor.role].administers ? undefined : actor.userId,
        );
        return {
          items: await Promise.all(
            jobs.map((j) =>
              jobView(database.db, actor, j).then(({ preview: _p, rejected: _r, ...rest }) => rest),
            ),
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/imports/:id',
      summary: 'An import: status, progress (rows done / total), counts, validation report, preview',
      tags,
      params: idParamsSchema,
      handler: async ({ actor, params }) => getImport(database, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/imports/:id/commit',
      summary:
        'Create the valid rows (batched transactions; rows already imported are skipped). With wait=false it answers 202 at once and runs on; follow it with GET /api/imports/:id',
      tags,
      params: idParamsSchema,
      query: commitQuerySchema,
      handler: async ({ actor, params, query, req, reply }) => {
        if (query.wait !== 'false') return commitImport(database, actor, params.id);
        const job = await beginCommit(database, actor, params.id);
        runCommit(database, actor, job).catch((err) =>
          req.log.error({ err, importId: job.id }, 'import failed'),
        );
        reply.code(202);
        return getImport(database, actor, job.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/imports/:id/undo',
      summary: 'Undo an import: deletes (softly) the records still unchanged since; lists the changed ones',
      tags,
      params: idParamsSchema,
      handler: async ({ actor, params }) => undoImport(database, actor, params.id),
    }),
    rejected('csv'),
    rejected('xlsx'),
    defineRoute({
      method: 'GET',
      url: '/api/import-mappings',
      summary: 'Saved column mappings',
      tags,
      query: mappingListQuerySchema,
      handler: async ({ actor, query }) => ({
        items: (await findMappings(database.db, actor.tenantId, query.entity)).map((m) => ({
          ...m,
          mapping: JSON.parse(m.mapping) as Record<string, string | null>,
        })),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/import-mappings',
      summary: 'Save a column mapping under a name (replaces one of the same name)',
      tags,
      body: saveMappingInputSchema,
      status: 201,
      handler: async ({ actor, body, reply }) => {
        if (actor.role === 'viewer') throw new AppError('FORBIDDEN');
        const m = await upsertMapping(database.db, {
          id: newId('imap'),
          tenantId: actor.tenantId,
          entity: body.entity,
          name: body.name,
          mapping: JSON.stringify(body.mapping),
          createdBy: actor.userId,
          at: new Date().toISOString(),
        });
        reply.code(201);
        return { ...m, mapping: body.mapping };
      },
    }),
  ];
}
