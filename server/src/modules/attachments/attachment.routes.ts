import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { AppError } from '../../shared/errors';
import { attachmentDtoSchema, listQuerySchema, uploadQuerySchema } from './attachment.schemas';
import {
  deleteAttachment,
  downloadAttachment,
  listAttachments,
  tooLarge,
  uploadAttachment,
} from './attachment.service';
import { type AttachmentConfig, attachmentConfigFromEnv } from './attachment.storage';
import { sendSafeDownload } from './safe-download';

const tags = ['attachments'];
const UPLOAD_URL = '/api/attachments';

/**
 * The upload takes the raw file (application/octet-stream), which only this route accepts, with
 * a body limit of its own. A request announcing a larger body is refused before it is read.
 */
export function installAttachmentUpload(app: FastifyInstance, config = attachmentConfigFromEnv()): void {
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (req, body, done) => {
    if (req.routeOptions.url !== UPLOAD_URL || req.method !== 'POST')
      done(new AppError('UNSUPPORTED_MEDIA_TYPE'));
    else done(null, body);
  });
  app.addHook('onRoute', (route) => {
    if (route.url !== UPLOAD_URL || route.method !== 'POST') return;
    route.bodyLimit = config.maxBytes;
    route.preParsing = [
      async (req) => {
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > config.maxBytes) throw tooLarge(config.maxBytes);
      },
    ];
  });
}

export function attachmentRoutes(
  database: Database,
  config: AttachmentConfig = attachmentConfigFromEnv(),
): RouteSpec[] {
  const { store } = config;
  return [
    defineRoute({
      method: 'POST',
      url: UPLOAD_URL,
      summary:
        'Attach a file to a record: raw bytes as application/octet-stream, name and record in the query. PDF, images, XLSX/DOCX, CSV/TXT; the type is read from the content and must match the extension',
      tags,
      query: uploadQuerySchema,
      status: 201,
      response: attachmentDtoSchema,
      handler: async ({ actor, query, req, reply }) => {
        if (!Buffer.isBuffer(req.body)) throw new AppError('ATTACHMENT_RAW_BODY_REQUIRED', { field: 'body' });
        const dto = await uploadAttachment(database, config, actor, { ...query, content: req.body });
        reply.code(201);
        return dto;
      },
    }),
    defineRoute({
      method: 'GET',
      url: UPLOAD_URL,
      summary: 'The attachments of one record',
      tags,
      query: listQuerySchema,
      response: z.object({ items: z.array(attachmentDtoSchema) }),
      handler: async ({ actor, query }) => listAttachments(database, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/attachments/:id',
      summary: 'Download an attachment (always as a download, never rendered in the browser)',
      tags,
      params: idParamsSchema,
      handler: async ({ actor, params, reply }) => {
        const { row, content } = await downloadAttachment(database, store, actor, params.id);
        return sendSafeDownload(reply, { contentType: row.contentType, fileName: row.fileName, content });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/attachments/:id',
      summary: 'Remove an attachment from its record (kept for the audit trail)',
      tags,
      params: idParamsSchema,
      handler: async ({ actor, params }) => {
        await deleteAttachment(database, actor, params.id);
      },
    }),
  ];
}
