import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';

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

/** Records a breach (超时): of a clock, or of a duty no clock measures (a missing weekly report). */
export async function insertBreach(
  trx: Kysely<DB>,
  b: {
    tenantId: string;
    clockId: string | null;
    recordType: string;
    recordId: string;
    stageKey: string;
    limitKey: string;
    ownerId: string | null;
    dueAt: string;
    breachedAt: string;
  },
): Promise<void> {
  await trx
    .insertInto('sopBreaches')
    .values({ id: newId('brc'), ...b, reason: null, reasonBy: null, reasonAt: null })
    .execute();
}
