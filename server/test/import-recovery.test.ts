import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/auth/actor';
import { actorForUserId } from '../src/auth/auth.service';
import { getImport, prepareImportStream } from '../src/modules/import/import.service';
import { commitImport } from '../src/modules/import/import-commit.service';
import { LeaseLostError } from '../src/modules/import/import-lease';
import { recoverStaleImports } from '../src/modules/import/import-recovery.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Import jobs left behind by a process that stopped (a server restart, a CLI run killed): taken
// over once their worker's heartbeat is older than the lease, never while it is fresh; an
// interrupted commit resumes with exactly the rows still missing, and the old worker, should it
// come back, writes nothing more.

const HEADER = '姓名,公司名称,手机,邮箱,来源,备注\n';
let base = Math.floor(Math.random() * 1e5) * 100_000;

/** `n` lead rows, unique names and mobiles. */
function leadLines(n: number, tag: string): string {
  const from = base;
  base += n;
  let text = '';
  for (let i = 0; i < n; i++) {
    const k = from + i;
    text += `${tag}${k},${tag}恢复${k}号科技有限公司,139${String(k % 1e8).padStart(8, '0')},r${k}@example.cn,展会,\n`;
  }
  return text;
}

/** A promise and the function that settles it: a worker held at one point until released. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { opened, open };
}

/** A file whose reading stops after `head` until the gate opens (its process frozen, or dead). */
async function* heldFile(head: string, rest: string, held: Promise<void>): AsyncGenerator<Buffer> {
  yield Buffer.from(head);
  await held;
  yield Buffer.from(rest);
}

/** Makes a job's worker look gone: its last heartbeat (and update) ten minutes ago. */
async function silence(database: TestDatabase, jobId: string) {
  const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
  await database.db
    .updateTable('importJobs')
    .set({ heartbeatAt: tenMinutesAgo, updatedAt: tenMinutesAgo })
    .where('id', '=', jobId)
    .execute();
}

async function rowCount(database: TestDatabase, jobId: string, status?: string): Promise<number> {
  let q = database.db
    .selectFrom('importRows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('jobId', '=', jobId);
  if (status) q = q.where('status', '=', status);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe('import recovery', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  let actor: Actor;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    const a = await actorForUserId(database.db, org.users.ops.id, 'system');
    if (!a) throw new Error('no actor');
    actor = a;
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('fails a validation whose worker stopped, with the reason in both languages; a live one is left alone', async () => {
    const start = (tag: string) => {
      const held = gate();
      const firstBatch = gate();
      const settled = gate();
      const errors: unknown[] = [];
      const job = prepareImportStream(
        database,
        actor,
        // 1,500 rows before the hold: one batch of 1,000 is written while the rest waits.
        {
          entity: 'leads',
          fileName: `${tag}.csv`,
          source: heldFile(HEADER + leadLines(1_500, tag), leadLines(500, tag), held.opened),
        },
        {
          background: true,
          onProgress: () => firstBatch.open(),
          onError: (err) => errors.push(err),
          onSettled: () => settled.open(),
        },
      );
      return { job, held, firstBatch, settled, errors };
    };
    const dead = start('停');
    const live = start('活');
    const deadJob = await dead.job;
    const liveJob = await live.job;
    await dead.firstBatch.opened;
    await live.firstBatch.opened;
    expect(await rowCount(database, deadJob.id)).toBe(1_000);

    // Both just wrote their progress: nothing is taken over.
    expect(await recoverStaleImports(database)).toEqual({ validation: [], commit: [] });
    await silence(database, deadJob.id);
    const recovered = await recoverStaleImports(database);
    expect(recovered.validation).toEqual([deadJob.id]);

    const zh = (await ops.get(`/api/imports/${deadJob.id}`)).json();
    expect(zh.status).toBe('invalid');
    expect(zh.counts.total).toBe(0);
    expect(zh.report.error.code).toBe('IMPORT_VALIDATION_INTERRUPTED');
    expect(zh.report.errorMessage).toContain('请重新上传文件');
    const en = await getImport(database, { ...actor, locale: 'en-US' }, deadJob.id);
    expect(en.report.errorMessage).toContain('upload the file again');
    expect(await rowCount(database, deadJob.id)).toBe(0);
    expect((await ops.get(`/api/imports/${liveJob.id}`)).json().status).toBe('validating');

    // The frozen worker comes back: it may write nothing more (no rows, no status).
    dead.held.open();
    await dead.settled.opened;
    expect(dead.errors[0]).toBeInstanceOf(LeaseLostError);
    const after = (await ops.get(`/api/imports/${deadJob.id}`)).json();
    expect(after.status).toBe('invalid');
    expect(after.report.error.code).toBe('IMPORT_VALIDATION_INTERRUPTED');
    expect(await rowCount(database, deadJob.id)).toBe(0);

    // The live one finishes as usual.
    live.held.open();
    await live.settled.opened;
    expect(live.errors).toEqual([]);
    const done = (await ops.get(`/api/imports/${liveJob.id}`)).json();
    expect(done.status).toBe('validated');
    expect(done.counts).toMatchObject({ total: 2_000, valid: 2_000 });
  }, 120_000);

  it('fails a commit whose worker stopped; committing again creates exactly the missing rows', async () => {
    const before = process.env.IMPORT_COMMIT_BATCH;
    process.env.IMPORT_COMMIT_BATCH = '100';
    try {
      const job = await prepareImportStream(database, actor, {
        entity: 'leads',
        fileName: 'commit.csv',
        source: (async function* () {
          yield Buffer.from(HEADER + leadLines(450, '续'));
        })(),
      });
      expect(job.counts.valid).toBe(450);

      // The worker stops answering after two batches of 100 (its process frozen, then gone).
      const held = gate();
      const twoBatches = gate();
      const oldWorker = commitImport(database, actor, job.id, async (done) => {
        if (done < 200) return;
        twoBatches.open();
        await held.opened;
      });
      const oldOutcome = oldWorker.then(
        () => 'committed',
        (err: unknown) => err,
      );
      await twoBatches.opened;
      expect(await rowCount(database, job.id, 'imported')).toBe(200);

      expect(await recoverStaleImports(database)).toEqual({ validation: [], commit: [] });
      expect((await ops.get(`/api/imports/${job.id}`)).json().status).toBe('running');
      await silence(database, job.id);
      expect((await recoverStaleImports(database)).commit).toEqual([job.id]);

      const failed = (await ops.get(`/api/imports/${job.id}`)).json();
      expect(failed.status).toBe('failed');
      expect(failed.report.error.code).toBe('IMPORT_COMMIT_INTERRUPTED');
      expect(failed.report.errorMessage).toContain('200/450');
      const en = await getImport(database, { ...actor, locale: 'en-US' }, job.id);
      expect(en.report.errorMessage).toContain('after 200 of 450 rows: commit again');

      // Committed again (the resume path): the 250 rows still missing, none twice.
      const resumed = await ops.post(`/api/imports/${job.id}/commit`);
      expect(resumed.statusCode, resumed.body).toBe(200);
      const committed = resumed.json();
      expect(committed.status).toBe('committed');
      expect(committed.counts.created).toBe(450);
      expect(committed.report.error).toBeUndefined();
      expect(await rowCount(database, job.id, 'imported')).toBe(450);

      // The old worker comes back: it finds its lease gone and creates nothing.
      held.open();
      expect(await oldOutcome).toBeInstanceOf(LeaseLostError);
      const leads = await database.db
        .selectFrom('leads')
        .select((eb) => [
          eb.fn.countAll<number>().as('n'),
          eb.fn.count<number>('mobile').distinct().as('mobiles'),
        ])
        .where('tenantId', '=', org.tenant.id)
        .where('deletedAt', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(leads.n)).toBe(450);
      expect(Number(leads.mobiles)).toBe(450);
      expect((await ops.get(`/api/imports/${job.id}`)).json().status).toBe('committed');
    } finally {
      if (before === undefined) delete process.env.IMPORT_COMMIT_BATCH;
      else process.env.IMPORT_COMMIT_BATCH = before;
    }
  }, 120_000);
});
