import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { type JobLease, updateLeasedJob } from './import.repository';

// The lease of the process that validates or commits an import job. Several processes may share
// one database (the server, a CLI import): a job is taken over only when its worker's heartbeat
// has stopped for longer than the lease, never merely because a process starts.

/**
 * How long a worker may stay silent before its job counts as abandoned: `IMPORT_LEASE_MINUTES`
 * (read on every use), default 5 minutes.
 */
export function importLeaseMs(): number {
  const v = Number(process.env.IMPORT_LEASE_MINUTES);
  return Number.isFinite(v) && v > 0 && process.env.IMPORT_LEASE_MINUTES ? v * 60_000 : 5 * 60_000;
}

export function newLease(status: string): JobLease {
  return { workerId: newId('iwk'), status };
}

/** The job was taken over (its heartbeat had stopped): its old worker stops and writes nothing more. */
export class LeaseLostError extends AppError {
  constructor(jobId: string) {
    super('INVALID_STATE', {
      params: { reason: `import ${jobId} was taken over after its worker stopped answering` },
    });
  }
}

/**
 * Renews the lease on a timer while a worker runs (a long step, such as a workbook spooled before
 * its rows come, writes no progress for a while); five beats per lease. Returns the stop function.
 */
export function keepAlive(db: Kysely<DB>, jobId: string, lease: JobLease): () => void {
  const timer = setInterval(
    () => {
      updateLeasedJob(db, jobId, lease, {}).catch(() => undefined);
    },
    Math.max(1000, Math.floor(importLeaseMs() / 5)),
  );
  // A heartbeat never keeps a process (a CLI run) alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}
