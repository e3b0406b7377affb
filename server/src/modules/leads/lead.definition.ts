import { z } from 'zod';
import { normalizeCompanyName } from '../../domain/company-name';
import { AppError } from '../../shared/errors';
import { buildSearchText } from '../../shared/search-text';
import { getSalesPolicy, routeLead } from '../assignment/assignment.service';
import { assertNoDuplicateCustomer } from '../duplicates/duplicate.service';
import {
  creditCodeField,
  emailField,
  GRADES,
  idRef,
  LEAD_SOURCES,
  mobileField,
  optionalText,
  phoneField,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import { changedAny, type RecordDefinition } from '../records/record-definition';
import { startLeadRun } from '../sop/lead-sop.service';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'disqualified'] as const;

const leadFields = {
  name: requiredText(100),
  companyName: optionalText(200),
  title: optionalText(100),
  mobile: mobileField,
  phone: phoneField,
  email: emailField,
  wechat: optionalText(100),
  creditCode: creditCodeField,
  source: z.enum(LEAD_SOURCES),
  grade: z.enum(GRADES).nullable().optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  industry: optionalText(50),
  region: optionalText(50),
  notes: optionalText(5000),
};

export const createLeadInputSchema = z.strictObject({ ...leadFields, ownerId: idRef.nullable().optional() });
// No `status` here: a lead's status changes only through POST /api/leads/:id/move (SOP gates).
const { status: _status, ...updatableLeadFields } = leadFields;
export const updateLeadInputSchema = z.strictObject(updatableLeadFields).partial();

export const leadDtoSchema = z.object({
  ...recordDtoBase,
  name: z.string(),
  companyName: z.string().nullable(),
  title: z.string().nullable(),
  mobile: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  wechat: z.string().nullable(),
  creditCode: z.string().nullable(),
  source: z.string(),
  grade: z.string().nullable(),
  status: z.enum(LEAD_STATUSES),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  notes: z.string().nullable(),
  firstContactAt: z.string().nullable(),
  convertedAt: z.string().nullable(),
  accountId: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type LeadDto = z.infer<typeof leadDtoSchema>;

export const leadDefinition: RecordDefinition<LeadDto> = {
  entity: 'lead',
  table: 'leads',
  idPrefix: 'lead',
  path: 'leads',
  tag: 'leads',
  createSchema: createLeadInputSchema,
  updateSchema: updateLeadInputSchema,
  dtoSchema: leadDtoSchema,
  owned: true,
  // Leads without an owner are the public pool (公海).
  scope: { poolReadable: true },
  sortable: { createdAt: 'createdAt', updatedAt: 'updatedAt', name: 'name' },
  defaultSort: '-createdAt',
  filters: {
    ownerId: { column: 'ownerId' },
    status: { column: 'status' },
    source: { column: 'source' },
    grade: { column: 'grade' },
    industry: { column: 'industry' },
    region: { column: 'region' },
  },
  references: [],
  encode: (input) => ({ status: 'new', ...input }),
  derive: (m) => ({
    companyNorm: m.companyName ? normalizeCompanyName(String(m.companyName)) : null,
    searchText: buildSearchText([
      m.name as string,
      m.companyName as string,
      m.mobile as string,
      m.phone as string,
      m.email as string,
      m.wechat as string,
    ]),
  }),
  toDto: (row) => pickColumns(row) as LeadDto,
  // A lead entered straight into the pool is routed at once when the tenant asks for it.
  afterCreate: async (row, ctx) => {
    if (row.ownerId !== null) {
      await ctx.trx.updateTable('leads').set({ assignedAt: ctx.now }).where('id', '=', row.id).execute();
      await startLeadRun(
        ctx.trx,
        { id: row.id, tenantId: row.tenantId, ownerId: row.ownerId ?? null },
        ctx.now,
      );
      return;
    }
    const policy = await getSalesPolicy(ctx.trx, ctx.actor.tenantId);
    if (!policy.autoRouteNewLeads) return;
    await routeLead(
      ctx.trx,
      ctx.actor.tenantId,
      {
        id: row.id,
        grade: (row.grade as string) ?? null,
        source: String(row.source),
        region: (row.region as string) ?? null,
        industry: (row.industry as string) ?? null,
      },
      ctx.actor.userId,
      ctx.now,
    );
  },
  validateUpdate: (m, existing) => {
    if (existing.status === 'converted' && m.status !== 'converted') {
      throw new AppError('INVALID_STATE', { field: 'status', params: { reason: 'converted' } });
    }
  },
  checkDuplicates: async (m, ctx) => {
    if (!changedAny(m, ctx.existing, ['companyName', 'mobile', 'creditCode'])) return;
    await assertNoDuplicateCustomer(
      ctx.trx,
      ctx.actor.tenantId,
      {
        nameNorm: m.companyName ? normalizeCompanyName(String(m.companyName)) : null,
        mobile: m.mobile as string | null,
        creditCode: m.creditCode as string | null,
      },
      {
        exclude: ctx.selfId ? { entity: 'lead', id: ctx.selfId } : undefined,
        nameField: 'companyName',
        // A lead that is this account's own origin is no duplicate of it.
        ignore: (match) => match.entity === 'account' && match.id === ctx.existing?.accountId,
      },
    );
  },
};
