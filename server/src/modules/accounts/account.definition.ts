import { z } from 'zod';
import { normalizeCompanyName } from '../../domain/company-name';
import { buildSearchText } from '../../shared/search-text';
import { assertNoDuplicateCustomer } from '../duplicates/duplicate.service';
import {
  creditCodeField,
  GRADES,
  idRef,
  LEAD_SOURCES,
  optionalText,
  phoneField,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import { changedAny, type RecordDefinition } from '../records/record-definition';

export const ACCOUNT_SIZES = ['micro', 'small', 'medium', 'large', 'enterprise'] as const;

const accountFields = {
  name: requiredText(200),
  creditCode: creditCodeField,
  industry: optionalText(50),
  region: optionalText(50),
  size: z.enum(ACCOUNT_SIZES).nullable().optional(),
  grade: z.enum(GRADES).nullable().optional(),
  source: z.enum(LEAD_SOURCES).nullable().optional(),
  phone: phoneField,
  address: optionalText(300),
  website: optionalText(300),
  notes: optionalText(5000),
};

export const createAccountInputSchema = z.strictObject({
  ...accountFields,
  ownerId: idRef.nullable().optional(),
});
export const updateAccountInputSchema = z.strictObject(accountFields).partial();
export type CreateAccountInput = z.infer<typeof createAccountInputSchema>;

export const accountDtoSchema = z.object({
  ...recordDtoBase,
  name: z.string(),
  creditCode: z.string().nullable(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  size: z.string().nullable(),
  grade: z.string().nullable(),
  source: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  website: z.string().nullable(),
  notes: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type AccountDto = z.infer<typeof accountDtoSchema>;

export const accountDefinition: RecordDefinition<AccountDto> = {
  entity: 'account',
  table: 'accounts',
  idPrefix: 'acc',
  path: 'accounts',
  tag: 'accounts',
  createSchema: createAccountInputSchema,
  updateSchema: updateAccountInputSchema,
  dtoSchema: accountDtoSchema,
  owned: true,
  // Accounts without an owner sit in the public pool (公海), which everyone may browse.
  scope: { poolReadable: true },
  sortable: { createdAt: 'createdAt', updatedAt: 'updatedAt', name: 'name' },
  defaultSort: '-createdAt',
  filters: {
    ownerId: { column: 'ownerId' },
    industry: { column: 'industry' },
    region: { column: 'region' },
    size: { column: 'size' },
    grade: { column: 'grade' },
    source: { column: 'source' },
  },
  references: [],
  encode: (input) => ({ ...input }),
  derive: (m) => ({
    nameNorm: normalizeCompanyName(String(m.name)),
    searchText: buildSearchText([
      m.name as string,
      m.creditCode as string,
      m.phone as string,
      m.industry as string,
    ]),
  }),
  toDto: (row) => pickColumns(row) as AccountDto,
  checkDuplicates: async (m, ctx) => {
    if (!changedAny(m, ctx.existing, ['name', 'creditCode'])) return;
    await assertNoDuplicateCustomer(
      ctx.trx,
      ctx.actor.tenantId,
      { nameNorm: normalizeCompanyName(String(m.name)), creditCode: m.creditCode as string | null },
      { exclude: ctx.selfId ? { entity: 'account', id: ctx.selfId } : undefined },
    );
  },
};
