import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { renderLocal, renderTemplate } from '../../domain/automation/matching';
import type { AutomationAction } from '../../domain/automation/rule';
import { addDuration } from '../../domain/sop/clocks';
import { AppError } from '../../shared/errors';
import { parseInput } from '../../shared/validation';
import { routeLead } from '../assignment/assignment.service';
import { assertUnderCustomerCap, countsAsCustomer } from '../assignment/customer-cap';
import { changeOwnerIf, type PoolEntity } from '../assignment/pool-owner';
import { enqueueWebhook, notify } from '../notifications/notification.service';
import { findInTenantById } from '../records/record.repository';
import { insertRecord, updateRecordIn } from '../records/record.service';
import { tenantCalendar } from '../sop/clock.service';
import { taskDefinition } from '../tasks/task.definition';
import { AUTOMATION_ACTOR_ID, automationActor, definitionOf } from './automation.definitions';
import type { LoadedRule, RuleRunInput } from './automation.engine';

export interface ActionContext {
  rule: LoadedRule;
  action: AutomationAction;
  input: RuleRunInput;
  vars: Record<string, unknown>;
}

const TASK_LINKS: Record<string, string> = { lead: 'leadId', account: 'accountId', deal: 'dealId' };

function ownerOf(ctx: ActionContext): string | null {
  return (ctx.input.record.ownerId as string | null | undefined) ?? null;
}

async function assertActiveUser(trx: Kysely<DB>, tenantId: string, userId: string) {
  const user = await trx
    .selectFrom('users')
    .select('status')
    .where('tenantId', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (user?.status !== 'active') {
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'userId',
      params: { entity: 'user', field: 'userId' },
    });
  }
}

/** The task a create_task action makes, validated like a task typed in by hand. */
export async function taskInput(
  trx: Kysely<DB>,
  ctx: ActionContext & { action: { type: 'create_task' } },
  now = new Date(),
) {
  const { action, input } = ctx;
  const tenantId = String(input.record.tenantId);
  const ownerId = action.assignee === 'owner' ? ownerOf(ctx) : action.assignee.userId;
  if (!ownerId)
    throw new AppError('INVALID_STATE', { field: 'assignee', params: { reason: 'record has no owner' } });
  const cal = await tenantCalendar(trx, tenantId);
  const link = TASK_LINKS[input.recordType];
  return parseInput(taskDefinition.createSchema, {
    title: renderTemplate(action.title, ctx.vars).slice(0, 200) || action.title,
    dueAt: addDuration(cal, now, action.due).toISOString(),
    ownerId,
    ...(action.priority ? { priority: action.priority } : {}),
    ...(link ? { [link]: String(input.record.id) } : {}),
  }) as Record<string, unknown>;
}

/** The patch a set_field action writes, validated by the record type's update schema. */
export function fieldPatch(recordType: RuleRunInput['recordType'], field: string, value: unknown) {
  return parseInput(definitionOf(recordType).updateSchema.pick({ [field]: true }), {
    [field]: value,
  }) as Record<string, unknown>;
}

/** Carries out one action in the caller's transaction; throws when it cannot (the rule fails). */
export async function executeAction(trx: Kysely<DB>, ctx: ActionContext): Promise<Record<string, unknown>> {
  const { action, input, rule } = ctx;
  const tenantId = rule.tenantId;
  const recordId = String(input.record.id);
  const now = new Date().toISOString();
  switch (action.type) {
    case 'notify': {
      const owner = ownerOf(ctx);
      const to = {
        userIds: [...(action.to.userIds ?? []), ...(action.to.owner && owner ? [owner] : [])],
        roles: action.to.roles ?? [],
        managersOf: action.to.ownerManager && owner ? [owner] : [],
      };
      const { recipients } = await notify(trx, {
        tenantId,
        to,
        kind: 'automation',
        title: renderLocal(action.title, ctx.vars),
        ...(action.body ? { body: renderLocal(action.body, ctx.vars) } : {}),
        recordType: input.recordType,
        recordId,
      });
      return { type: 'notify', recipients };
    }
    case 'webhook': {
      const { outboxId } = await enqueueWebhook(trx, {
        tenantId,
        url: action.url,
        secret: action.secret ?? null,
        event: `automation.${input.event}`,
        payload: {
          rule: { id: rule.id, name: rule.name },
          event: ctx.vars.event,
          recordType: input.recordType,
          record: ctx.vars.record,
        },
      });
      return { type: 'webhook', outboxId };
    }
    case 'create_task': {
      const values = await taskInput(trx, { ...ctx, action }, new Date(now));
      const row = await insertRecord({ actor: automationActor(tenantId), now, trx }, taskDefinition, values);
      return { type: 'create_task', taskId: row.id, dueAt: row.dueAt, ownerId: row.ownerId };
    }
    case 'set_field': {
      const patch = fieldPatch(input.recordType, action.field, action.value);
      const def = definitionOf(input.recordType);
      // Read again: an earlier action of this rule may have written the record.
      const current = await findInTenantById(trx, def.table, tenantId, recordId);
      if (!current) throw new AppError('RECORD_NOT_FOUND', { params: { entity: input.recordType } });
      const before = current[action.field] ?? null;
      const encoded = def.encode(patch);
      if (JSON.stringify(encoded[action.field] ?? null) === JSON.stringify(before)) {
        return { type: 'set_field', field: action.field, unchanged: true };
      }
      const after = await updateRecordIn(
        { actor: automationActor(tenantId), now, trx },
        def,
        recordId,
        current.version,
        patch,
      );
      return { type: 'set_field', field: action.field, value: after[action.field] ?? null };
    }
    case 'assign': {
      const entity = input.recordType as PoolEntity;
      const owner = ownerOf(ctx);
      if (action.to === 'routing') {
        if (owner) return { type: 'assign', unchanged: true, reason: 'has owner' };
        const r = input.record;
        const routed = await routeLead(
          trx,
          tenantId,
          {
            id: recordId,
            grade: (r.grade as string | null) ?? null,
            source: String(r.source),
            region: (r.region as string | null) ?? null,
            industry: (r.industry as string | null) ?? null,
          },
          AUTOMATION_ACTOR_ID,
          now,
        );
        return { type: 'assign', routed: !!routed, ownerId: routed?.userId ?? null };
      }
      await assertActiveUser(trx, tenantId, action.to.userId);
      if (owner === action.to.userId) return { type: 'assign', unchanged: true };
      // One more customer for the assignee: within the cap (客户数上限), as claims and routing.
      if (countsAsCustomer(entity, input.record))
        await assertUnderCustomerCap(trx, tenantId, action.to.userId, 'to.userId');
      const moved = await changeOwnerIf(trx, {
        tenantId,
        entity,
        id: recordId,
        expectedOwnerId: owner,
        toOwnerId: action.to.userId,
        actorId: AUTOMATION_ACTOR_ID,
        reason: `automation: ${rule.name}`,
        now,
      });
      if (!moved) throw new AppError('VERSION_MISMATCH', { field: 'ownerId' });
      return { type: 'assign', ownerId: action.to.userId };
    }
  }
}
