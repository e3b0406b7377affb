import { z } from 'zod';
import { DEAL_STAGE_KEYS, type DealStage, stageInfo } from '../../domain/deal-stages';
import { AppError } from '../../shared/errors';
import { buildSearchText } from '../../shared/search-text';
import {
  CURRENCIES,
  idRef,
  isoDate,
  LEAD_SOURCES,
  moneyField,
  optionalText,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import type { RecordDefinition } from '../records/record-definition';
import { startRunOnCreate } from '../sop/run.service';

const dealFields = {
  accountId: idRef,
  contactId: idRef.nullable().optional(),
  leadId: idRef.nullable().optional(),
  name: requiredText(200),
  amount: moneyField.describe('分 (integer minor units)'),
  currency: z.enum(CURRENCIES).default('CNY'),
  expectedCloseDate: isoDate,
  stage: z.enum(DEAL_STAGE_KEYS).default('initial_contact'),
  probability: z.number().int().min(0).max(100).optional(),
  source: z.enum(LEAD_SOURCES).nullable().optional(),
  productIds: z.array(idRef).max(50).default([]),
  lostReason: optionalText(500),
  notes: optionalText(5000),
};

export const createDealInputSchema = z
  .strictObject({ ...dealFields, ownerId: idRef.nullable().optional() })
  .refine((d) => d.stage !== 'lost' || !!d.lostReason, {
    path: ['lostReason'],
    params: { issue: 'required' },
  });
// No `stage` here: a stage changes only through POST /api/deals/:id/move, which checks the SOP gates.
const { stage: _stage, ...updatableDealFields } = dealFields;
export const updateDealInputSchema = z
  .strictObject({
    ...updatableDealFields,
    currency: z.enum(CURRENCIES),
    productIds: z.array(idRef).max(50),
  })
  .partial();

export const dealDtoSchema = z.object({
  ...recordDtoBase,
  accountId: z.string(),
  contactId: z.string().nullable(),
  leadId: z.string().nullable(),
  name: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  expectedCloseDate: z.string(),
  stage: z.enum(DEAL_STAGE_KEYS),
  probability: z.number().int(),
  status: z.enum(['open', 'won', 'lost']),
  source: z.string().nullable(),
  productIds: z.array(z.string()),
  lostReason: z.string().nullable(),
  closedAt: z.string().nullable(),
  stageEnteredAt: z.string(),
  notes: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type DealDto = z.infer<typeof dealDtoSchema>;

export const dealDefinition: RecordDefinition<DealDto> = {
  entity: 'deal',
  table: 'deals',
  idPrefix: 'deal',
  path: 'deals',
  tag: 'deals',
  createSchema: createDealInputSchema,
  updateSchema: updateDealInputSchema,
  dtoSchema: dealDtoSchema,
  owned: true,
  scope: {},
  sortable: {
    createdAt: 'createdAt',
    updatedAt: 'updatedAt',
    name: 'name',
    amount: 'amount',
    expectedCloseDate: 'expectedCloseDate',
    stageEnteredAt: 'stageEnteredAt',
  },
  defaultSort: '-createdAt',
  filters: {
    ownerId: { column: 'ownerId' },
    accountId: { column: 'accountId' },
    stage: { column: 'stage' },
    status: { column: 'status' },
    source: { column: 'source' },
    currency: { column: 'currency' },
  },
  references: [
    { field: 'accountId', entity: 'account', table: 'accounts', scope: { poolReadable: true } },
    { field: 'contactId', entity: 'contact', table: 'contacts', scope: {} },
    { field: 'leadId', entity: 'lead', table: 'leads', scope: { poolReadable: true } },
    { field: 'productIds', entity: 'product', table: 'products', scope: { tenantWide: true } },
  ],
  encode: (input) => {
    const out: Record<string, unknown> = { ...input };
    if (Array.isArray(input.productIds)) out.productIds = JSON.stringify(input.productIds);
    return out;
  },
  // Stage bookkeeping: entering a stage restarts its clock, sets the stage's default probability
  // unless one was given, and closes the deal on won/lost.
  derive: (m, ctx) => {
    const stage = m.stage as DealStage;
    const info = stageInfo(stage);
    const existing = ctx.existing;
    const stageChanged = !existing || existing.stage !== stage;
    const out: Record<string, unknown> = {
      status: info.status,
      searchText: buildSearchText([m.name as string]),
    };
    if (stageChanged) {
      out.stageEnteredAt = ctx.now;
      if (m.probability === undefined || (existing && m.probability === existing.probability)) {
        out.probability = info.probability;
      }
      out.closedAt = info.status === 'open' ? null : ctx.now;
    } else if (m.probability === undefined) {
      out.probability = info.probability;
    }
    return out;
  },
  // The deal's SOP run starts with it; a later stage than the first is for admin/sales ops only.
  afterCreate: (row, ctx) => startRunOnCreate(ctx.trx, ctx.actor, 'deal', row, ctx.now),
  validateUpdate: (m) => {
    if (m.stage === 'lost' && !m.lostReason) {
      throw new AppError('VALIDATION_FAILED', {
        field: 'lostReason',
        issues: [{ field: 'lostReason', code: 'required' }],
      });
    }
  },
  toDto: (row) => {
    const dto = pickColumns(row);
    dto.productIds = typeof row.productIds === 'string' ? JSON.parse(row.productIds) : (row.productIds ?? []);
    return dto as DealDto;
  },
};
