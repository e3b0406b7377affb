import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { makeOrg, type Org } from './harness';

// The CLI runs on a SQLite file whatever TEST_DB says (as in cli.test.ts): it is the same code.
const BIN = join(import.meta.dirname, '..', 'bin', 'salesops.mjs');
const FIXTURES = join(import.meta.dirname, 'fixtures/import');

// Each call starts the CLI under tsx (seconds apiece on a busy machine), hence the longer timeout.
describe('salesops import / export', { timeout: 300_000 }, () => {
  let dir: string;
  let db: string;
  let org: Org;
  const salesops = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--database-url', db, ...args], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C.UTF-8' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'salesops-import-cli-'));
    db = join(dir, 'cli.db');
    const database = openDatabase(db);
    await migrateToLatest(database);
    org = await makeOrg(database.db, 'CLI导入公司');
    await database.close();
    copyFileSync(join(FIXTURES, 'leads-utf8.csv'), join(dir, 'leads.csv'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validates with --dry-run, imports with a progress bar, and skips what was imported', () => {
    const dry = salesops([
      'import',
      '--entity',
      'leads',
      join(dir, 'leads.csv'),
      '--tenant',
      'CLI导入公司',
      '--dry-run',
    ]);
    expect(dry.out).toContain('dry run, nothing created: 6 rows, 2 valid, 0 created');
    expect(dry.code).toBe(2); // rows were rejected
    expect(existsSync(join(dir, 'leads.rejected.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'leads.rejected.csv'), 'utf8')).toContain('错误 Errors');

    const real = salesops([
      'import',
      '--entity',
      'leads',
      join(dir, 'leads.csv'),
      '--tenant',
      'CLI导入公司',
      '--as',
      org.users.repA1.email,
    ]);
    expect(real.out).toContain('2 created');
    expect(real.err).toContain('2/2');
    const again = salesops([
      'import',
      '--entity',
      'leads',
      join(dir, 'leads.csv'),
      '--tenant',
      'CLI导入公司',
    ]);
    expect(again.out).toContain('0 created, 2 already imported');
  });

  it('exports what the chosen user sees, as CSV with a BOM', () => {
    const out = join(dir, 'leads-export.csv');
    const all = salesops([
      'export',
      '--entity',
      'leads',
      '--format',
      'csv',
      '-o',
      out,
      '--tenant',
      'CLI导入公司',
    ]);
    expect(all.code, all.err).toBe(0);
    expect(all.out).toContain('2 leads');
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const other = salesops([
      'export',
      '--entity',
      'leads',
      '--format',
      'csv',
      '-o',
      out,
      '--tenant',
      'CLI导入公司',
      '--as',
      org.users.repB1.email,
    ]);
    expect(other.out).toContain('0 leads');
    const filtered = salesops([
      'export',
      '--entity',
      'leads',
      '--format',
      'csv',
      '-o',
      out,
      '--tenant',
      'CLI导入公司',
      '--filter',
      'source=exhibition',
    ]);
    expect(filtered.out).toContain('1 leads');
  });

  it('refuses bad arguments with a code and a message', () => {
    const noEntity = salesops(['import', join(dir, 'leads.csv')]);
    expect(noEntity.code).toBe(1);
    expect(noEntity.err).toContain('VALIDATION_FAILED');
    const badFilter = salesops(['export', '--entity', 'leads', '--filter', 'colour=red']);
    expect(badFilter.err).toContain('filter.colour');
  });

  it('imports a dry run’s valid rows with --resume, once', () => {
    const file = join(dir, 'more-leads.csv');
    writeFileSync(
      file,
      '姓名,公司名称,手机,来源\n周敏,常州远帆材料有限公司,13800130011,官网\n吴刚,扬州启航物流有限公司,13800130012,展会\n郑丽,坏号码公司,123,官网\n',
    );
    const dry = salesops(['import', '--entity', 'leads', file, '--tenant', 'CLI导入公司', '--dry-run']);
    expect(dry.out).toContain('dry run, nothing created: 3 rows, 2 valid, 0 created');
    const id = /salesops import --resume (\S+)/.exec(dry.out)?.[1];
    expect(id, dry.out).toBeTruthy();

    const resumed = salesops(['import', '--resume', id!, '--tenant', 'CLI导入公司']);
    expect(resumed.out, resumed.err).toContain(`import ${id} committed: 3 rows, 2 valid, 2 created`);
    expect(resumed.err).toContain('2/2');
    // Committed already: refused with a code, nothing created twice.
    const twice = salesops(['import', '--resume', id!, '--tenant', 'CLI导入公司']);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('INVALID_STATE');
    const unknown = salesops(['import', '--resume', 'imp_nonexistent', '--tenant', 'CLI导入公司']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/NOT_FOUND/);
  });
});
