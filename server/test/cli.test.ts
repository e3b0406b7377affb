import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'salesops.mjs');

function salesops(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANG: 'C.UTF-8' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Each call starts the CLI under tsx (seconds apiece on a busy machine), hence the longer timeout.
describe('salesops CLI', { timeout: 300_000 }, () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'salesops-cli-'));
    db = join(dir, 'cli.db');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('documents every command with --help', () => {
    const top = salesops(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'seed', 'user', 'backup', 'restore', 'kpi'])
      expect(top.out).toContain(cmd);
    const help: Record<string, string> = {};
    for (const cmd of [['serve'], ['migrate'], ['seed'], ['user', 'add'], ['backup'], ['restore'], ['kpi']]) {
      const r = salesops([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.out).toMatch(/Usage: salesops/);
      help[cmd.join(' ')] = r.out;
    }
    for (const option of [
      '--by <dimension>',
      '--from <date>',
      '--to <date>',
      '--metric <key>',
      '--tenant',
      '--json',
    ])
      expect(help.kpi).toContain(option);
    expect(help.kpi).toContain('channel');
  });

  it('migrates once and refuses a user for an unknown tenant', () => {
    expect(salesops(['--database-url', db, 'migrate']).out).toMatch(/applied/);
    expect(salesops(['--database-url', db, 'migrate']).out).toMatch(/up to date/);
    const noTenant = salesops([
      '--database-url',
      db,
      'user',
      'add',
      '--tenant',
      'nope',
      '--email',
      'a@b.cn',
      '--name',
      '甲',
      '--role',
      'rep',
    ]);
    expect(noTenant.code).toBe(1);
    expect(noTenant.err).toMatch(/REFERENCE_NOT_FOUND.*\(tenant\)/);
  });

  it('rejects bad arguments with a code, a message and the field', () => {
    const badRole = salesops([
      '--database-url',
      db,
      'user',
      'add',
      '--tenant',
      't',
      '--email',
      'a@b.cn',
      '--name',
      '甲',
      '--role',
      'boss',
    ]);
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/^error VALIDATION_FAILED: .*\(role\)/m);
    const badEmail = salesops([
      '--database-url',
      db,
      'user',
      'add',
      '--tenant',
      't',
      '--email',
      'nope',
      '--name',
      '甲',
      '--role',
      'rep',
    ]);
    expect(badEmail.err).toMatch(/\(email\)/);
    const badPort = salesops(['--database-url', db, 'serve', '--port', 'eighty']);
    expect(badPort.code).toBe(1);
    expect(badPort.err).toMatch(/\(port\)/);
    const missing = salesops(['--database-url', db, 'restore', join(dir, 'missing.gz'), '--yes']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/\(file\)/);
  });
});
