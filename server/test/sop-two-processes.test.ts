import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import type { SweepEvent } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  openTestDatabase,
  startClocksAt,
  TEST_DIALECT,
} from './harness';

// The SLA sweep in separate operating-system processes, as two `salesops serve` would run it on
// one database (PostgreSQL with TEST_DB=postgres, else one SQLite file): both sweep the same
// moments at once, and a third process — the first one restarted — sweeps each moment again.
// Every warning, breach and escalation step still happens exactly once.

const SERVER = join(import.meta.dirname, '..');
const local = (s: string) => new Date(`${s}+08:00`);

/** Runs one sweep in a child process and returns its events. */
function sweepInProcess(database: Database, at: Date): Promise<SweepEvent[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fixtures/sweep-once.ts',
        database.url,
        database.schema ?? '-',
        at.toISOString(),
      ],
      { cwd: SERVER, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as SweepEvent[])
        : reject(new Error(`sweep exited ${code}: ${err}`)),
    );
  });
}

describe('the SLA sweep in two server processes, one restarted', { timeout: 300_000 }, () => {
  let database: Database;
  let drop: () => Promise<void>;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  const dealIds: string[] = [];

  beforeAll(async () => {
    if (TEST_DIALECT === 'postgres') {
      const pg = await openTestDatabase();
      database = pg;
      drop = pg.drop;
    } else {
      const file = join(tmpdir(), `salesops-procs-${randomBytes(6).toString('hex')}.db`);
      database = openDatabase(file);
      await migrateToLatest(database);
      drop = async () => {
        await database.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      };
    }
    app = await buildTestApp(database);
    const org = await makeOrg(database.db);
    const rep = await clientFor(app, org.users.repA1);
    for (let i = 0; i < 3; i++) {
      const account = (await rep.post('/api/accounts', makeAccountInput())).json();
      dealIds.push((await rep.post('/api/deals', makeDealInput(account.id))).json().id);
    }
    // Each deal's 48-hours-untouched clock as if started on Monday 24 Nov 2025 at 09:00.
    const start = local('2025-11-24T09:00:00');
    await startClocksAt(database, start, dealIds);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('warns, breaches and escalates each clock once', async () => {
    const clocks = await database.db
      .selectFrom('sopClocks')
      .select('id')
      .where('recordId', 'in', dealIds)
      .execute();
    expect(clocks).toHaveLength(3);
    const seen: SweepEvent[] = [];
    // Warn at +44 h, due at +48 h, escalate a minute later: two processes at once, then the
    // restarted one at the same moment.
    for (const t of ['2025-11-26T05:01:00', '2025-11-26T09:00:30', '2025-11-26T09:01:30']) {
      const [a, b] = await Promise.all([
        sweepInProcess(database, local(t)),
        sweepInProcess(database, local(t)),
      ]);
      const again = await sweepInProcess(database, local(t));
      seen.push(...a, ...b, ...again);
    }
    const mine = seen.filter((e) => dealIds.includes(e.recordId));
    const keys = mine.map((e) => `${e.clockId}/${e.kind}/${e.step ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of clocks) {
      expect(
        mine
          .filter((e) => e.clockId === c.id)
          .map((e) => e.kind)
          .sort(),
      ).toEqual(['breach', 'escalate', 'warn']);
    }
    // What is stored agrees: one breach per clock, one audit note per step, one notification
    // to the manager per escalation.
    const breaches = await database.db
      .selectFrom('sopBreaches')
      .select('clockId')
      .where('recordId', 'in', dealIds)
      .execute();
    expect(breaches.map((b) => b.clockId).sort()).toEqual(clocks.map((c) => c.id).sort());
    const audit = await database.db
      .selectFrom('auditEvents')
      .select(['entityId', 'changes'])
      .where('entityId', 'in', dealIds)
      .execute();
    const notes = audit
      .map((e) => `${e.entityId} ${(JSON.parse(String(e.changes)) as { note?: string }).note ?? ''}`)
      .filter((n) => / sla /.test(n));
    expect(notes).toHaveLength(3 * clocks.length);
    expect(new Set(notes).size).toBe(notes.length);
  });
});
