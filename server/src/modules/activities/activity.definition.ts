import { z } from 'zod';
import { buildSearchText } from '../../shared/search-text';
import { appendAuditEvent } from '../audit/audit.repository';
import {
  idRef,
  isoDateTime,
  optionalText,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import type { RecordDefinition } from '../records/record-definition';
import { leadFirstContact } from '../sop/lead-sop.service';

export const ACTIVITY_KINDS = ['call', 'visit', 'meeting', 'email', 'wechat', 'other'] as const;

const activityFields = {
  kind: z.enum(ACTIVITY_KINDS),
  subject: requiredText(200),
  notes: optionalText(10000),
  outcome: optionalText(1000),
  nextStep: optionalText(1000),
  nextContactAt: isoDateTime.nullable().optional(),
  occurredAt: isoDateTime.optional(),
  durationMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .nullable()
    .optional(),
  leadId: idRef.nullable().optional(),
  accountId: idRef.nullable().optional(),
  contactId: idRef.nullable().optional(),
  dealId: idRef.nullable().optional(),
};

const RELATIONS = ['leadId', 'accountId', 'contactId', 'dealId'] as const;

// A follow-up is always about someone: a lead, a customer, a contact or a deal.
export const createActivityInputSchema = z
  .strictObject({ ...activityFields, ownerId: idRef.nullable().optional() })
  .refine((a) => RELATIONS.some((r) => !!a[r]), { path: ['leadId'], params: { issue: 'required' } });
export const updateActivityInputSchema = z.strictObject(activityFields).partial();

export const activityDtoSchema = z.object({
  ...recordDtoBase,
  kind: z.enum(ACTIVITY_KINDS),
  subject: z.string(),
  notes: z.string().nullable(),
  outcome: z.string().nullable(),
  nextStep: z.string().nullable(),
  nextContactAt: z.string().nullable(),
  occurredAt: z.string(),
  durationMinutes: z.number().int().nullable(),
  leadId: z.string().nullable(),
  accountId: z.string().nullable(),
  contactId: z.string().nullable(),
  dealId: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type ActivityDto = z.infer<typeof activityDtoSchema>;

export const activityDefinition: RecordDefinition<ActivityDto> = {
  entity: 'activity',
  table: 'activities',
  idPrefix: 'act',
  path: 'activities',
  tag: 'activities',
  createSchema: createActivityInputSchema,
  updateSchema: updateActivityInputSchema,
  dtoSchema: activityDtoSchema,
  owned: true,
  scope: {},
  sortable: { occurredAt: 'occurredAt', createdAt: 'createdAt' },
  defaultSort: '-occurredAt',
  filters: {
    ownerId: { column: 'ownerId' },
    kind: { column: 'kind' },
    leadId: { column: 'leadId' },
    accountId: { column: 'accountId' },
    contactId: { column: 'contactId' },
    dealId: { column: 'dealId' },
  },
  ranges: { nextContactAt: 'nextContactAt', occurredAt: 'occurredAt' },
  references: [
    { field: 'leadId', entity: 'lead', table: 'leads', scope: { poolReadable: true } },
    { field: 'accountId', entity: 'account', table: 'accounts', scope: { poolReadable: true } },
    { field: 'contactId', entity: 'contact', table: 'contacts', scope: {} },
    { field: 'dealId', entity: 'deal', table: 'deals', scope: {} },
  ],
  encode: (input) => ({ ...input }),
  derive: (m, ctx) => ({
    occurredAt: m.occurredAt ?? ctx.now,
    searchText: buildSearchText([m.subject as string, m.notes as string]),
  }),
  toDto: (row) => pickColumns(row) as ActivityDto,
  // The first follow-up on a lead is its first contact (首次触达): it stamps the lead's
  // first-contact time, which the SOP's "first contact within 2 working hours" limit measures.
  afterCreate: async (row, ctx) => {
    // A follow-up keeps its lead and customer out of the pool sweep (公海回收).
    for (const [table, id] of [
      ['leads', row.leadId],
      ['accounts', row.accountId],
    ] as const) {
      if (typeof id !== 'string') continue;
      await ctx.trx
        .updateTable(table)
        .set({ lastActivityAt: String(row.occurredAt) })
        .where('tenantId', '=', ctx.actor.tenantId)
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('lastActivityAt', 'is', null), eb('lastActivityAt', '<', String(row.occurredAt))]),
        )
        .execute();
    }
    if (!row.leadId) return;
    const lead = await ctx.trx
      .selectFrom('leads')
      .select(['id', 'firstContactAt', 'status', 'version'])
      .where('tenantId', '=', ctx.actor.tenantId)
      .where('id', '=', String(row.leadId))
      .executeTakeFirst();
    if (!lead || lead.firstContactAt) return;
    const status = lead.status === 'new' ? 'contacted' : lead.status;
    await ctx.trx
      .updateTable('leads')
      .set({ firstContactAt: String(row.occurredAt), status, version: lead.version + 1, updatedAt: ctx.now })
      .where('id', '=', lead.id)
      .execute();
    await appendAuditEvent(ctx.trx, {
      tenantId: ctx.actor.tenantId,
      actorId: ctx.actor.userId,
      entity: 'lead',
      entityId: lead.id,
      action: 'update',
      changes: {
        before: { firstContactAt: null, status: lead.status },
        after: { firstContactAt: row.occurredAt, status },
        note: `activity ${row.id}`,
      },
      at: ctx.now,
    });
    // The lead's SOP run follows: 线索获取 → 初步接触, with its stage event.
    // The contact happened when the follow-up says (a call logged ten minutes later still counts
    // from the call), but never later than now.
    const contactedAt = String(row.occurredAt) < ctx.now ? String(row.occurredAt) : ctx.now;
    if (status !== lead.status)
      await leadFirstContact(
        ctx.trx,
        { id: lead.id, tenantId: ctx.actor.tenantId },
        ctx.actor.userId,
        contactedAt,
      );
  },
};
