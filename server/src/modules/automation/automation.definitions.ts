import { z } from 'zod';
import type { Actor } from '../../auth/actor';
import { AUTOMATION_RECORD_TYPES, type AutomationRecordType } from '../../domain/automation/rule';
import { RECORD_DEFINITIONS } from '../records/definitions';
import type { RecordDefinition } from '../records/record-definition';

/** The actor automation writes as: a system actor reaching the whole tenant, audited as "automation". */
export const AUTOMATION_ACTOR_ID = 'automation';

export function automationActor(tenantId: string): Actor {
  return {
    userId: AUTOMATION_ACTOR_ID,
    tenantId,
    role: 'admin',
    name: 'automation',
    orgUnitId: null,
    locale: 'zh-CN',
    readableOwners: 'all',
    writableOwners: 'all',
    via: 'system',
  };
}

export function isAutomationType(type: string): type is AutomationRecordType {
  return (AUTOMATION_RECORD_TYPES as readonly string[]).includes(type);
}

const ORDER_FIELDS = [
  'id',
  'number',
  'status',
  'grossAmount',
  'currency',
  'deliveryDate',
  'contractId',
  'dealId',
  'accountId',
  'ownerId',
  'cancelledAt',
  'cancelReason',
  'createdAt',
  'updatedAt',
] as const;

/**
 * Orders are no generic record (they are made from a signed contract and fulfilled through
 * their own routes): automation reads them through this view, and writes none of their fields.
 */
const orderView: RecordDefinition = {
  entity: 'order',
  table: 'orders',
  idPrefix: 'so',
  path: 'orders',
  tag: 'orders',
  createSchema: z.strictObject({}),
  updateSchema: z.strictObject({}),
  dtoSchema: z.object(Object.fromEntries(ORDER_FIELDS.map((f) => [f, z.unknown()]))),
  scope: {},
  owned: true,
  sortable: {},
  defaultSort: 'createdAt',
  filters: {},
  references: [],
  encode: (input) => input,
  derive: () => ({}),
  toDto: (row) => Object.fromEntries(ORDER_FIELDS.map((f) => [f, row[f] ?? null])),
};

export function definitionOf(type: AutomationRecordType): RecordDefinition {
  if (type === 'order') return orderView;
  const def = RECORD_DEFINITIONS.find((d) => d.entity === type);
  if (!def) throw new Error(`no record definition for ${type}`);
  return def;
}

/** The API fields of a record type: what conditions may read. */
export function fieldsOf(type: string): readonly string[] {
  if (!isAutomationType(type)) return [];
  const shape = (definitionOf(type).dtoSchema as unknown as { shape?: Record<string, unknown> }).shape;
  return Object.keys(shape ?? {});
}
