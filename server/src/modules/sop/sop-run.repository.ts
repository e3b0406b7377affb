import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export interface RunState {
  checklist: Record<string, { doneAt: string; doneBy: string }>;
  forms: Record<string, { values: Record<string, unknown>; submittedAt: string; submittedBy: string }>;
}

export async function findRun(db: Kysely<DB>, tenantId: string, recordType: string, recordId: string) {
  const row = await db
    .selectFrom('sopRuns')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('recordType', '=', recordType)
    .where('recordId', '=', recordId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...row,
    state: { checklist: JSON.parse(row.checklist), forms: JSON.parse(row.forms) } as RunState,
  };
}

export async function findPublishedPlaybook(db: Kysely<DB>, tenantId: string, process: string) {
  return db
    .selectFrom('playbooks')
    .innerJoin('playbookVersions', 'playbookVersions.id', 'playbooks.publishedVersionId')
    .select([
      'playbooks.id as playbookId',
      'playbookVersions.id as versionId',
      'playbookVersions.definition',
      'playbookVersions.number',
    ])
    .where('playbooks.tenantId', '=', tenantId)
    .where('playbooks.process', '=', process)
    .executeTakeFirst();
}
