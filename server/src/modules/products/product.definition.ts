import { z } from 'zod';
import { ROLE_POLICIES } from '../../auth/roles';
import { buildSearchText } from '../../shared/search-text';
import {
  CURRENCIES,
  moneyField,
  optionalText,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import type { RecordDefinition } from '../records/record-definition';

const productFields = {
  sku: requiredText(64),
  name: requiredText(200),
  productLine: optionalText(100),
  spec: optionalText(300),
  model: optionalText(100),
  unit: requiredText(20).default('台'),
  listPrice: moneyField,
  cost: moneyField.nullable().optional(),
  currency: z.enum(CURRENCIES).default('CNY'),
  status: z.enum(['active', 'inactive']).default('active'),
  description: optionalText(5000),
};

export const createProductInputSchema = z.strictObject(productFields);
export const updateProductInputSchema = z
  .strictObject({
    ...productFields,
    unit: requiredText(20),
    currency: z.enum(CURRENCIES),
    status: z.enum(['active', 'inactive']),
  })
  .partial();

export const productDtoSchema = z.object({
  ...recordDtoBase,
  sku: z.string(),
  name: z.string(),
  productLine: z.string().nullable(),
  spec: z.string().nullable(),
  model: z.string().nullable(),
  unit: z.string(),
  listPrice: z.number().int().describe('分'),
  cost: z.number().int().nullable().optional().describe('分; only for roles that may see cost'),
  currency: z.string(),
  status: z.string(),
  description: z.string().nullable(),
});
export type ProductDto = z.infer<typeof productDtoSchema>;

export const productDefinition: RecordDefinition<ProductDto> = {
  entity: 'product',
  table: 'products',
  idPrefix: 'prd',
  path: 'products',
  tag: 'products',
  createSchema: createProductInputSchema,
  updateSchema: updateProductInputSchema,
  dtoSchema: productDtoSchema,
  // The catalogue is the tenant's: everyone reads it, admins and sales ops maintain it.
  owned: false,
  scope: { tenantWide: true },
  sortable: { createdAt: 'createdAt', name: 'name', sku: 'sku', listPrice: 'listPrice' },
  defaultSort: 'sku',
  filters: {
    productLine: { column: 'productLine' },
    status: { column: 'status' },
    currency: { column: 'currency' },
  },
  references: [],
  encode: (input) => ({ ...input }),
  derive: (m) => ({
    searchText: buildSearchText([
      m.sku as string,
      m.name as string,
      m.model as string,
      m.spec as string,
      m.productLine as string,
    ]),
  }),
  toDto: (row, actor) => pickColumns(row, ROLE_POLICIES[actor.role].seesCost ? [] : ['cost']) as ProductDto,
};
