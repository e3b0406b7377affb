import { z } from 'zod';
import type { Database } from '../../db/database';
import { normalizeCompanyName } from '../../domain/company-name';
import { defineRoute, type RouteSpec } from '../../http/route';
import { creditCodeField, mobileField } from '../records/fields';
import { findDuplicateCustomers } from './duplicate.repository';

const checkSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  mobile: mobileField,
  creditCode: creditCodeField,
});

export function duplicateRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/duplicates',
      summary: 'Check a company name, mobile or credit code against existing customers (查重) before entry',
      tags: ['duplicates'],
      query: checkSchema,
      handler: async ({ actor, query }) => ({
        matches: await findDuplicateCustomers(database.db, actor.tenantId, {
          nameNorm: query.name ? normalizeCompanyName(query.name) : null,
          mobile: query.mobile ?? null,
          creditCode: query.creditCode ?? null,
        }),
      }),
    }),
  ];
}
