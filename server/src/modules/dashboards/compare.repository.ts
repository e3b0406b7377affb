import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

/** Whether a playbook version exists in the tenant. */
export async function findPlaybookVersion(db: Kysely<DB>, tenantId: string, id: string) {
  return db
    .selectFrom('playbookVersions')
    .select(['id', 'number', 'playbookId'])
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The records that ran under a playbook version: their SOP run is on it, or one of their stage
 * moves happened under it. Ids only; visibility is applied when the KPI facts are loaded.
 */
export async function findRecordIdsUnderVersion(db: Kysely<DB>, tenantId: string, versionId: string) {
  const [runs, events] = await Promise.all([
    db
      .selectFrom('sopRuns')
      .select('recordId')
      .where('tenantId', '=', tenantId)
      .where('playbookVersionId', '=', versionId)
      .execute(),
    db
      .selectFrom('stageEvents')
      .select('recordId')
      .distinct()
      .where('tenantId', '=', tenantId)
      .where('playbookVersionId', '=', versionId)
      .execute(),
  ]);
  return new Set([...runs, ...events].map((r) => r.recordId));
}
