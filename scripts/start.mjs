#!/usr/bin/env node
// `npm start`: build the web app on first run, then migrate, load the demo company into an empty
// database, and serve. Everything else is the `salesops serve` command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (existsSync(join(web, 'index.html')) && !existsSync(join(web, 'dist', 'index.html'))) {
  console.log('Building the web app (first run only) …');
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
