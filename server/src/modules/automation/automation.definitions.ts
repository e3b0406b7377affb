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

export function definitionOf(type: AutomationRecordType): RecordDefinition {
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
