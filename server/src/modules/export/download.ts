import type { FastifyReply } from 'fastify';
import { CONTENT_TYPES, type ExportFormat } from './spreadsheet';

/** Sets the download headers (the file name also in UTF-8 for Chinese names) and returns the body. */
export function sendFile(
  reply: FastifyReply,
  format: ExportFormat,
  buffer: Buffer,
  fileName: string,
): Buffer {
  reply.header('Content-Type', CONTENT_TYPES[format]);
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
  reply.header(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  );
  return buffer;
}
