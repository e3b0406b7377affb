import type { Database } from '../../db/database';
import { deleteRows, findStaleJobs, takeOverStaleJob } from './import.repository';
import type { ImportReport } from './import.service';
import { importLeaseMs } from './import-lease';

/**
 * Takes over the import jobs whose worker is gone (its process stopped: a server restart, a CLI
 * run killed), in every tenant: run when a server starts and every minute after. A job counts as
 * abandoned only when its heartbeat stopped for longer than the lease (`IMPORT_LEASE_MINUTES`),
 * so a job another live process is still working on is left alone.
 *
 * - `validating`: the rows checked so far are dropped and the job becomes `invalid`, saying the
 *   file must be uploaded again (the spooled upload belonged to the dead process).
 * - `running`: the job becomes `failed`, saying how far it got; committing it again imports the
 *   remaining rows (each finished batch was committed with its rows marked imported).
 */
export async function recoverStaleImports(
  database: Database,
  now = new Date(),
): Promise<{ validation: string[]; commit: string[] }> {
  const { db } = database;
  const cutoff = new Date(now.getTime() - importLeaseMs()).toISOString();
  const at = now.toISOString();
  const recovered = { validation: [] as string[], commit: [] as string[] };
  for (const job of await findStaleJobs(db, cutoff)) {
    const report = JSON.parse(job.report) as ImportReport;
    if (job.status === 'validating') {
      report.error = { code: 'IMPORT_VALIDATION_INTERRUPTED', field: 'file', params: {} };
      const taken = await db.transaction().execute(async (trx) => {
        const ok = await takeOverStaleJob(trx, job.id, 'validating', cutoff, {
          status: 'invalid',
          totalRows: 0,
          validRows: 0,
          rejectedRows: 0,
          skippedRows: 0,
          doneRows: 0,
          report: JSON.stringify(report),
          updatedAt: at,
        });
        if (ok) await deleteRows(trx, job.id);
        return ok;
      });
      if (taken) recovered.validation.push(job.id);
    } else {
      report.error = {
        code: 'IMPORT_COMMIT_INTERRUPTED',
        field: null,
        params: { done: job.doneRows, total: job.validRows },
      };
      const taken = await takeOverStaleJob(db, job.id, 'running', cutoff, {
        status: 'failed',
        report: JSON.stringify(report),
        updatedAt: at,
      });
      if (taken) recovered.commit.push(job.id);
    }
  }
  return recovered;
}
