import type { Actor } from '../server/src/auth/actor';
import type { Database } from '../server/src/db/database';
import { prepareImport } from '../server/src/modules/import/import.service';
import { commitImport } from '../server/src/modules/import/import-commit.service';

export interface ImportCounts {
  total: number;
  valid: number;
  created: number;
  skipped: number;
  rejected: number;
}

/**
 * The one place the benchmark calls the import pipeline (read, map, clean, de-duplicate,
 * validate, then commit through the API's insert path), exactly as `salesops import` does.
 */
export async function importFile(
  database: Database,
  actor: Actor,
  entity: string,
  fileName: string,
  content: Buffer,
): Promise<ImportCounts> {
  const job = await prepareImport(database, actor, { entity, fileName, content });
  const final = job.counts.valid > 0 ? await commitImport(database, actor, job.id) : job;
  return { ...final.counts };
}
