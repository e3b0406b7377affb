#!/usr/bin/env node
// `npm start`: build the web app when it is missing or older than its sources, then migrate, load the demo company into an empty
// database, and serve. Everything else is the `salesops serve` command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Newest modification time under a folder, so that a pulled change rebuilds the app. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const builtIndex = join(web, 'dist', 'index.html');
const stale =
  existsSync(join(web, 'index.html')) &&
  (!existsSync(builtIndex) || newest(join(web, 'src')) > statSync(builtIndex).mtimeMs);
if (stale) {
  console.log('Building the web app (first run, or its sources changed) …');
  const built = spawnSync(npm, ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) console.warn('warning: the web app did not build; serving the API only.');
}

const server = spawn(
  process.execPath,
  [join(root, 'server', 'bin', 'salesops.mjs'), 'serve', '--demo-if-empty', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    // Request logs stay quiet unless asked for; warnings and errors still show.
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
