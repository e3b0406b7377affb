import type { Database } from '../../db/database';
import { defineRoute, etagOf, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { convertLead, convertLeadInputSchema } from './lead-conversion.service';

export function leadRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/leads/:id/convert',
      summary: 'Convert a lead into a customer, contact and (optionally) a deal, in one step',
      tags: ['leads'],
      params: idParamsSchema,
      body: convertLeadInputSchema,
      headers: [{ name: 'If-Match', required: true, description: 'The ETag of the lead version read' }],
      handler: async ({ actor, params, body, req, reply }) => {
        const result = await convertLead(database, actor, params.id, versionFromIfMatch(req), body);
        reply.header('ETag', etagOf(result.leadVersion));
        return result;
      },
    }),
  ];
}
