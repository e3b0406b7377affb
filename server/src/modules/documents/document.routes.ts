import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { LOCALES } from '../../shared/locale';
import { sendSafeDownload } from '../attachments/safe-download';
import { renderDocumentPdf } from './document.renderer';
import { buildQuoteDocument } from './quote-document';

export function documentRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/quotes/:id/pdf',
      summary:
        'The quote as a PDF (报价单 / Quotation) in Chinese or English (default: your language); cost and margin are never printed',
      tags: ['quotes'],
      params: idParamsSchema,
      query: z.strictObject({ lang: z.enum(LOCALES).optional() }),
      handler: async ({ actor, params, query, reply }) => {
        const lang = query.lang ?? actor.locale;
        const { model, number } = await buildQuoteDocument(database.db, actor, params.id, lang);
        const content = await renderDocumentPdf(model, lang);
        const fileName = `${lang === 'zh-CN' ? '报价单' : 'Quotation'}-${number}.pdf`;
        return sendSafeDownload(reply, { contentType: 'application/pdf', fileName, content });
      },
    }),
  ];
}
