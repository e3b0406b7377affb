import { z } from 'zod';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { AppError } from '../../shared/errors';
import { parseInput } from '../../shared/validation';
import { accountDefinition } from '../accounts/account.definition';
import { appendAuditEvent } from '../audit/audit.repository';
import { contactDefinition } from '../contacts/contact.definition';
import { dealDefinition } from '../deals/deal.definition';
import { CURRENCIES, idRef, isoDate, moneyField, requiredText } from '../records/fields';
import { findVisibleById } from '../records/record.repository';
import { insertRecord } from '../records/record.service';
import type { HookContext } from '../records/record-definition';
import { leadConverted } from '../sop/lead-sop.service';
import { leadDefinition } from './lead.definition';

export const convertLeadInputSchema = z.strictObject({
  /** Attach to an existing customer instead of creating one from the lead's company. */
  accountId: idRef.optional(),
  createContact: z.boolean().default(true),
  deal: z
    .strictObject({
      name: requiredText(200),
      amount: moneyField,
      currency: z.enum(CURRENCIES).default('CNY'),
      expectedCloseDate: isoDate,
    })
    .optional(),
});
export type ConvertLeadInput = z.infer<typeof convertLeadInputSchema>;

/**
 * Lead conversion (线索转化): the qualified lead becomes a customer (new or existing), its person a
 * contact, and optionally a deal — all in one transaction, so a refusal leaves nothing behind.
 */
export async function convertLead(
  database: Database,
  actor: Actor,
  leadId: string,
  expectedVersion: number | undefined,
  input: ConvertLeadInput,
) {
  return database.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const ctx: HookContext = { actor, now, trx };
    const lead = await findVisibleById(trx, leadDefinition, actor, leadId);
    if (!lead) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'lead' } });
    const ownerId = (lead.ownerId as string | null) ?? actor.userId;
    if (actor.writableOwners !== 'all' && !(lead.ownerId && actor.writableOwners.has(String(lead.ownerId)))) {
      throw new AppError(lead.ownerId ? 'RECORD_NOT_FOUND' : 'FORBIDDEN', { params: { entity: 'lead' } });
    }
    if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
    if (lead.version !== expectedVersion) {
      throw new AppError('VERSION_MISMATCH', {
        field: 'If-Match',
        details: { current: leadDefinition.toDto(lead, actor) },
      });
    }
    if (lead.status === 'converted' || lead.status === 'disqualified') {
      throw new AppError('INVALID_STATE', { field: 'status', params: { reason: String(lead.status) } });
    }
    // Mark the lead converted first: a converted lead no longer counts as a duplicate of the
    // customer made from it.
    await trx
      .updateTable('leads')
      .set({ status: 'converted', convertedAt: now, updatedAt: now, version: lead.version + 1 })
      .where('id', '=', leadId)
      .execute();

    let accountId = input.accountId;
    if (accountId) {
      const account = await findVisibleById(trx, accountDefinition, actor, accountId);
      if (!account)
        throw new AppError('REFERENCE_NOT_FOUND', {
          field: 'accountId',
          params: { entity: 'account', field: 'accountId' },
        });
    } else {
      if (!lead.companyName) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'companyName',
          issues: [{ field: 'companyName', code: 'required' }],
        });
      }
      const account = await insertRecord(
        ctx,
        accountDefinition,
        parseInput(accountDefinition.createSchema, {
          name: lead.companyName,
          creditCode: lead.creditCode ?? null,
          phone: lead.phone ?? null,
          industry: lead.industry ?? null,
          region: lead.region ?? null,
          source: lead.source ?? null,
          grade: lead.grade ?? null,
          ownerId,
        }),
      );
      accountId = account.id;
    }
    let contactId: string | null = null;
    if (input.createContact) {
      const contact = await insertRecord(
        ctx,
        contactDefinition,
        parseInput(contactDefinition.createSchema, {
          accountId,
          name: lead.name,
          title: lead.title ?? null,
          mobile: lead.mobile ?? null,
          email: lead.email ?? null,
          wechat: lead.wechat ?? null,
          ownerId,
        }),
      );
      contactId = contact.id;
    }
    let dealId: string | null = null;
    if (input.deal) {
      const deal = await insertRecord(
        ctx,
        dealDefinition,
        parseInput(
          dealDefinition.createSchema,
          {
            ...input.deal,
            accountId,
            contactId,
            leadId,
            source: lead.source ?? null,
            ownerId,
          },
          'deal',
        ),
      );
      dealId = deal.id;
    }
    await trx.updateTable('leads').set({ accountId }).where('id', '=', leadId).execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'lead',
      entityId: leadId,
      action: 'convert',
      changes: {
        before: { status: lead.status },
        after: { status: 'converted', convertedAt: now, accountId, contactId, dealId },
      },
      at: now,
    });
    // The lead's SOP run ends in 已确认, with its stage event.
    await leadConverted(trx, { id: leadId, tenantId: actor.tenantId }, actor.userId, now);
    return { leadId, accountId, contactId, dealId, leadVersion: lead.version + 1 };
  });
}
