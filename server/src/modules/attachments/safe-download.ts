import type { FastifyReply } from 'fastify';

/**
 * Headers for handing a stored file back: always a download, never rendered, never sniffed.
 * Even if something slipped past the upload check, the browser saves it instead of running it.
 */
export function sendSafeDownload(
  reply: FastifyReply,
  file: { contentType: string; fileName: string; content: Buffer },
): Buffer {
  const contentType = /html|svg|xml|javascript/i.test(file.contentType)
    ? 'application/octet-stream'
    : file.contentType;
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '');
  reply.header('Content-Type', contentType);
  reply.header(
    'Content-Disposition',
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
  );
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
  reply.header('Cache-Control', 'private, no-store');
  return file.content;
}
