import { z } from 'zod';
import { buildSearchText } from '../../shared/search-text';
import {
  emailField,
  idRef,
  mobileField,
  optionalText,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import { findInTenantById } from '../records/record.repository';
import type { RecordDefinition } from '../records/record-definition';

// Roles in the customer's decision chain (决策链).
export const DECISION_ROLES = [
  'decision_maker',
  'economic_buyer',
  'technical_buyer',
  'user',
  'influencer',
  'champion',
  'gatekeeper',
] as const;

const contactFields = {
  accountId: idRef,
  name: requiredText(100),
  title: optionalText(100),
  mobile: mobileField,
  email: emailField,
  wechat: optionalText(100),
  decisionRole: z.enum(DECISION_ROLES).nullable().optional(),
  notes: optionalText(5000),
};

export const createContactInputSchema = z.strictObject({
  ...contactFields,
  ownerId: idRef.nullable().optional(),
});
export const updateContactInputSchema = z.strictObject(contactFields).partial();

export const contactDtoSchema = z.object({
  ...recordDtoBase,
  accountId: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  wechat: z.string().nullable(),
  decisionRole: z.string().nullable(),
  notes: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type ContactDto = z.infer<typeof contactDtoSchema>;

export const contactDefinition: RecordDefinition<ContactDto> = {
  entity: 'contact',
  table: 'contacts',
  idPrefix: 'con',
  path: 'contacts',
  tag: 'contacts',
  createSchema: createContactInputSchema,
  updateSchema: updateContactInputSchema,
  dtoSchema: contactDtoSchema,
  owned: true,
  scope: {},
  sortable: { createdAt: 'createdAt', updatedAt: 'updatedAt', name: 'name' },
  defaultSort: '-createdAt',
  filters: {
    ownerId: { column: 'ownerId' },
    accountId: { column: 'accountId' },
    decisionRole: { column: 'decisionRole' },
  },
  references: [{ field: 'accountId', entity: 'account', table: 'accounts', scope: { poolReadable: true } }],
  encode: (input) => ({ ...input }),
  derive: (m) => ({
    searchText: buildSearchText([
      m.name as string,
      m.mobile as string,
      m.email as string,
      m.wechat as string,
      m.title as string,
    ]),
  }),
  toDto: (row) => pickColumns(row) as ContactDto,
  // A contact belongs with its customer: it gets the account's owner unless the input names one.
  defaultOwner: async (input, ctx) => {
    const account = await findInTenantById(ctx.trx, 'accounts', ctx.actor.tenantId, String(input.accountId));
    const owner = (account?.ownerId as string | null | undefined) ?? null;
    if (owner && (ctx.actor.writableOwners === 'all' || ctx.actor.writableOwners.has(owner))) return owner;
    return ctx.actor.userId;
  },
};
