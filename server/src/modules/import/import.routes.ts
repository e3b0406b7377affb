import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { parseInput } from '../../shared/validation';
import { sendFile } from '../export/download';
import type { ExportFormat } from '../export/spreadsheet';
import { findMappings, type JobListFilter, listJobs, upsertMapping } from './import.repository';
import {
  commitQuerySchema,
  createImportInputSchema,
  jobListQuerySchema,
  mappingListQuerySchema,
  mappingSchema,
  saveMappingInputSchema,
  uploadQuerySchema,
} from './import.schemas';
import {
  assertFileSize,
  getImport,
  importMaxBytes,
  jobSummary,
  prepareImport,
  prepareImportStream,
} from './import.service';
import { beginCommit, commitImport, runCommit, undoImport } from './import-commit.service';
import { rejectedFile } from './rejected-file';

const tags = ['imports'];
const UPLOAD_URL = '/api/imports';
/** Raw bodies the upload takes (streamed to a temporary file, never held in memory). */
export const RAW_UPLOAD_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
/**
 * The JSON form carries the file base64-encoded (4 characters for 3 bytes), so it is kept for
 * small files: up to 32 MiB (or IMPORT_MAX_BYTES when lower); larger ones go raw.
 */
const JSON_FILE_MAX_BYTES = 32 * 1024 * 1024;
const jsonFileMax = () => Math.min(JSON_FILE_MAX_BYTES, importMaxBytes());
const JSON_BODY_LIMIT = Math.ceil(JSON_FILE_MAX_BYTES / 3) * 4 + 64 * 1024;

function isJson(req: FastifyRequest): boolean {
  return /^application\/json\b/i.test(String(req.headers['content-type'] ?? ''));
}

/**
 * The upload route takes either JSON with the file base64-encoded (small files; its own body
 * limit) or the raw file as text/csv or the XLSX type, whose body is handed over as a stream and
 * spooled to a temporary file while its bytes are counted. A request that announces a body
 * larger than the limit is refused before any of it is read.
 */
export function installImportUpload(app: FastifyInstance): void {
  app.addContentTypeParser([...RAW_UPLOAD_TYPES], (req, payload, done) => {
    if (req.routeOptions.url !== UPLOAD_URL || req.method !== 'POST')
      done(new AppError('UNSUPPORTED_MEDIA_TYPE'), undefined);
    else done(null, payload);
  });
  app.addHook('onRoute', (route) => {
    if (route.url !== UPLOAD_URL || route.method !== 'POST') return;
    route.bodyLimit = JSON_BODY_LIMIT;
    route.preParsing = [
      async (req) => {
        const length = Number(req.headers['content-length'] ?? 0);
        if (!isJson(req)) assertFileSize(length);
        else if (length > Math.ceil(jsonFileMax() / 3) * 4 + 64 * 1024)
          assertFileSize(Math.floor((length * 3) / 4), jsonFileMax());
      },
    ];
  });
}

/** Writes an upload to a temporary file, counting its bytes against the limit as they come. */
async function spool(body: Readable): Promise<{ path: string; size: number; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'salesops-import-'));
  const path = join(dir, 'upload');
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const max = importMaxBytes();
  let size = 0;
  let tooLarge = false;
  const out = createWriteStream(path);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) tooLarge = true;
      // Past the limit the rest is read and dropped, so that the client gets the 413 answer.
      if (tooLarge) continue;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    if (tooLarge) assertFileSize(size, max);
  } catch (err) {
    out.destroy();
    await cleanup();
    throw err;
  }
  return { path, size, cleanup };
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
        'Upload a CSV (UTF-8, UTF-8 BOM, GBK/GB18030) or XLSX file: parse, map columns, clean and validate every row (nothing is created until commit). Either JSON {entity, fileName, contentBase64, …} for files up to 32 MiB, or the raw file as the body (Content-Type text/csv or the XLSX type) with entity and fileName in the query, streamed, CSV and XLSX alike (up to IMPORT_MAX_BYTES, default 512 MiB; XLSX: first sheet only). With wait=false a raw upload answers 202 once the header is read; the job is `validating` until its rows are checked (`invalid` with report.errorMessage if that stops, a server restart included)',
      tags,
      query: uploadQuerySchema,
      documentedBody: createImportInputSchema,
      rawBodyTypes: [...RAW_UPLOAD_TYPES],
      status: 201,
      handler: async ({ actor, query, req, reply }) => {
        if (req.body instanceof Readable) {
          const body = req.body;
          const missing = (['entity', 'fileName'] as const).filter((k) => !query[k]);
          if (missing.length) {
            body.resume();
            throw new AppError('VALIDATION_FAILED', {
              field: missing[0],
              issues: missing.map((field) => ({ field, code: 'required' })),
            });
          }
          let mapping: Record<string, string | null> | undefined;
          if (query.mapping !== undefined) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(query.mapping);
            } catch {
              body.resume();
              throw new AppError('VALIDATION_FAILED', {
                field: 'mapping',
                issues: [{ field: 'mapping', code: 'invalid' }],
              });
            }
            mapping = parseInput(mappingSchema, parsed, 'mapping');
          }
          const file = await spool(body);
          const background = query.wait === 'false';
          try {
            const job = await prepareImportStream(
              database,
              actor,
              {
                entity: query.entity!,
                fileName: query.fileName!,
                encoding: query.encoding,
                mappingId: query.mappingId,
                mapping,
                saveMappingAs: query.saveMappingAs,
                source: createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
                size: file.size,
              },
              {
                background,
                onError: (err) => req.log.error({ err }, 'import validation failed'),
                onSettled: () => file.cleanup(),
              },
            );
            if (!background) await file.cleanup();
            reply.code(background ? 202 : 201);
            return job;
          } catch (err) {
            await file.cleanup();
            throw err;
          }
        }
        if (Object.keys(query).length) {
          throw new AppError('VALIDATION_FAILED', {
            field: Object.keys(query)[0],
            issues: [{ field: Object.keys(query)[0]!, code: 'unknown_key' }],
          });
        }
        if (req.body === undefined || req.body === null) {
          throw new AppError('VALIDATION_FAILED', {
            field: 'body',
            issues: [{ field: 'body', code: 'required' }],
          });
        }
        const body = parseInput(createImportInputSchema, req.body);
        // Refuse an oversized file before decoding it.
        assertFileSize(Math.floor((body.contentBase64.length * 3) / 4), jsonFileMax());
        const content = Buffer.from(body.contentBase64, 'base64');
        const job = await prepareImport(database, actor, { ...body, content });
        reply.code(201);
        return job;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/imports',
      summary:
        'Imports, a page at a time (your own; admins and sales ops see all): filter by entity, status, part of the file name (q) or mine=true; sort by a column (- for descending); total counts all matches',
      tags,
      query: jobListQuerySchema,
      handler: async ({ actor, query }) => {
        const own = !ROLE_POLICIES[actor.role].administers || query.mine === 'true';
        const desc = query.sort.startsWith('-');
        const { items, total } = await listJobs(database.db, actor.tenantId, {
          createdBy: own ? actor.userId : undefined,
          entity: query.entity,
          status: query.status,
          q: query.q || undefined,
          sort: { column: query.sort.replace(/^-/, '') as JobListFilter['sort']['column'], desc },
          limit: query.limit,
          offset: query.offset,
        });
        return {
          items: items.map((j) => jobSummary(actor, j)),
          total,
          limit: query.limit,
          offset: query.offset,
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
