import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, type RouteSpec } from '../../http/route';
import { localeFromHeader } from '../../shared/locale';
import { RECORD_DEFINITIONS } from '../records/definitions';
import type { ListParams } from '../records/record.repository';
import { listQuerySchema } from '../records/record.routes';
import type { RecordDefinition } from '../records/record-definition';
import { sendFile } from './download';
import { exportList } from './export.service';

const truthy = (v: string | undefined) => v === 'true' || v === '1';

function exportRoute(database: Database, def: RecordDefinition): RouteSpec {
  const query = listQuerySchema(def)
    .omit({ cursor: true, limit: true, includeTotal: true })
    .extend({ format: z.enum(['xlsx', 'csv']).default('xlsx') });
  const filterKeys = Object.keys(def.filters);
  return defineRoute({
    method: 'GET',
    url: `/api/${def.path}/export`,
    summary: `Export the ${def.path} list with the list's filters, as XLSX or CSV (UTF-8 with BOM)`,
    tags: [def.tag],
    query,
    handler: async ({ actor, query: raw, reply, req }) => {
      // Headers in the language asked for (the web app sends its UI language), else the user's.
      const asked = req.headers['accept-language'];
      const locale = asked ? localeFromHeader(asked) : actor.locale;
      const q = raw as Record<string, string | undefined> & { sort: string; format: 'xlsx' | 'csv' };
      const filters: Record<string, string[]> = {};
      for (const key of filterKeys) {
        const v = q[key];
        if (v)
          filters[key] = v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
      }
      const out = await exportList(
        database,
        def,
        { ...actor, locale },
        {
          q: q.q,
          sort: q.sort,
          includeDeleted: truthy(q.includeDeleted),
          createdFrom: q.createdFrom,
          createdTo: q.createdTo,
          pool: q.pool as ListParams['pool'],
          filters,
        },
        q.format,
      );
      reply.header('X-Export-Rows', String(out.rows));
      if (out.truncated) reply.header('X-Export-Truncated', 'true');
      return sendFile(reply, q.format, out.buffer, out.fileName);
    },
  });
}

/** `GET /api/<entity>/export` for every record area. */
export function exportRoutes(database: Database): RouteSpec[] {
  return RECORD_DEFINITIONS.map((def) => exportRoute(database, def));
}
