import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup, writeBackup } from '../src/db/backup';
import { seedDemo } from '../src/db/seed/demo';
import { isValidCreditCode } from '../src/domain/credit-code';
import { isValidMobile } from '../src/domain/phone';
import { openTestDatabase, type TestDatabase } from './harness';

const NOW = new Date('2026-11-20T08:00:00.000Z');
const TABLES = [
  'tenants',
  'orgUnits',
  'users',
  'accounts',
  'contacts',
  'leads',
  'products',
  'deals',
  'activities',
  'tasks',
  'stageEvents',
] as const;

async function snapshot(database: TestDatabase) {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t] = await database.db.selectFrom(t).selectAll().orderBy('id').execute();
  return out;
}

describe('demo company and backup/restore', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    a = await openTestDatabase();
    b = await openTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'salesops-'));
    await seedDemo(a, { seed: 7, now: NOW });
  }, 120_000);
  afterAll(async () => {
    await a.drop();
    await b.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('has the promised shape: 3 regions, 6 teams, 30 reps, 2,000 customers, 5,000 leads, 1,500 deals', async () => {
    const units = await a.db.selectFrom('orgUnits').select(['kind']).execute();
    expect(units.filter((u) => u.kind === 'region')).toHaveLength(3);
    expect(units.filter((u) => u.kind === 'team')).toHaveLength(6);
    const reps = await a.db.selectFrom('users').select('id').where('role', '=', 'rep').execute();
    expect(reps).toHaveLength(30);
    const managed = await a.db
      .selectFrom('orgUnits')
      .select('managerId')
      .where('kind', 'in', ['region', 'team'])
      .execute();
    expect(managed.every((u) => u.managerId)).toBe(true);
    for (const [table, n] of [
      ['accounts', 2000],
      ['leads', 5000],
      ['deals', 1500],
    ] as const) {
      const r = await a.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      expect(Number(r?.n), table).toBe(n);
    }
  });

  it('writes valid credit codes and mobiles, and spreads activity over the past year', async () => {
    const accounts = await a.db.selectFrom('accounts').select(['creditCode']).execute();
    expect(accounts.every((x) => isValidCreditCode(x.creditCode!))).toBe(true);
    const contacts = await a.db.selectFrom('contacts').select('mobile').execute();
    expect(contacts.every((c) => isValidMobile(c.mobile!))).toBe(true);
    const span = await a.db
      .selectFrom('activities')
      .select((eb) => [
        eb.fn.min('occurredAt').as('first'),
        eb.fn.max('occurredAt').as('last'),
        eb.fn.countAll<number>().as('n'),
      ])
      .executeTakeFirstOrThrow();
    expect(Number(span.n)).toBeGreaterThan(10_000);
    expect(Date.parse(String(span.first))).toBeGreaterThan(NOW.getTime() - 366 * 86_400_000);
    expect(Date.parse(String(span.first))).toBeLessThan(NOW.getTime() - 300 * 86_400_000);
  });

  it('is deterministic: the same seed and time give the same data (ids aside)', async () => {
    const c = await openTestDatabase();
    try {
      await seedDemo(c, { seed: 7, now: NOW });
      for (const t of ['accounts', 'leads', 'deals'] as const) {
        const cols = ['name', 'createdAt', 'ownerId'] as const;
        const x = await a.db
          .selectFrom(t)
          .select(['name', 'createdAt'])
          .orderBy('createdAt')
          .orderBy('name')
          .limit(50)
          .execute();
        const y = await c.db
          .selectFrom(t)
          .select(['name', 'createdAt'])
          .orderBy('createdAt')
          .orderBy('name')
          .limit(50)
          .execute();
        expect(y, `${t} ${cols.join()}`).toEqual(x);
      }
    } finally {
      await c.drop();
    }
  }, 120_000);

  it('restores a backup into a fresh database with identical rows', async () => {
    const file = join(dir, 'demo.jsonl.gz');
    const written = await writeBackup(a, file, 'test');
    expect(written.accounts).toBe(2000);
    await restoreBackup(b, file);
    expect(await snapshot(b)).toEqual(await snapshot(a));
  }, 120_000);

  it('refuses a cut-off or foreign file and leaves the data untouched', async () => {
    const file = join(dir, 'demo.jsonl.gz');
    const bytes = await readFile(file);
    const cut = join(dir, 'cut.jsonl.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const before = await snapshot(b);
    await expect(restoreBackup(b, cut)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'file' });
    const foreign = join(dir, 'foreign.gz');
    const { gzipSync } = await import('node:zlib');
    await writeFile(foreign, gzipSync('{"hello":"world"}\n'));
    await expect(restoreBackup(b, foreign)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // A complete gzip whose trailer is missing: the rows must not stay half-restored.
    const lines = (await import('node:zlib')).gunzipSync(bytes).toString('utf8').trim().split('\n');
    const noTrailer = join(dir, 'no-trailer.gz');
    await writeFile(noTrailer, gzipSync(`${lines.slice(0, -1).join('\n')}\n`));
    await expect(restoreBackup(b, noTrailer)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await snapshot(b)).toEqual(before);
  }, 120_000);
});
