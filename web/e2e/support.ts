import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

// What every browser test file shares: a real server on a fresh SQLite file with the demo
// company, Debian's chromium, signed-in API clients for preparing data, and screenshots.

export const ROOT = join(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

export const DEMO = {
  admin: 'admin@demo.salesops.cn',
  ops: 'ops@demo.salesops.cn',
  manager: 'manager.sh1@demo.salesops.cn',
  rep: 'rep01@demo.salesops.cn',
} as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  base: string;
  browser: Browser;
  /** Stops the browser and the server and removes the database. */
  stop(): Promise<void>;
}

/**
 * Starts `salesops serve` on a free port over a new SQLite file with the demo company, serving
 * a copy of the built web app (a build running meanwhile must not swap the files under us),
 * and launches chromium.
 */
export async function startServer(name: string): Promise<TestServer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `salesops-e2e-${name}-`));
  cpSync(process.env.WEB_DIST ?? join(ROOT, 'web/dist'), join(dir, 'dist'), { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'server/bin/salesops.mjs'),
      '--database-url',
      join(dir, 'e2e.db'),
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--demo-if-empty',
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', WEB_DIST: join(dir, 'dist') },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let up = false;
  for (let i = 0; i < 240 && !up; i++) {
    try {
      up = (await fetch(`${base}/api/health`)).ok;
    } catch {
      // not up yet
    }
    if (!up) await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(up, 'the server came up');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    base,
    browser,
    async stop() {
      await browser.close();
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiClient {
  user: { id: string; name: string; role?: string };
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** A signed-in API client for preparing data, as a user of the demo company. */
export async function apiAs(base: string, email: string): Promise<ApiClient> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo1234' }),
  });
  assert.equal(res.status, 200, `login ${email}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken, user } = (await res.json()) as { csrfToken: string; user: ApiClient['user'] };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        Cookie: cookie,
        'X-CSRF-Token': csrfToken,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await r.json().catch(() => ({}));
    assert.ok(r.ok, `${method} ${path} → ${r.status} ${JSON.stringify(data)}`);
    return data as T;
  };
  return { user, call };
}

/** Signs in through the login screen (in Chinese, the default) and waits for the menu. */
export async function signIn(page: Page, base: string, email: string): Promise<void> {
  await page.goto(base);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill('demo1234');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByRole('menuitem', { name: '工作台' }).waitFor();
}

/** A full-page screenshot into the test artefacts. */
export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

/** The visible UI text without the user's data (elements marked data-value) and the language button. */
export async function uiText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true) as HTMLElement;
    for (const el of clone.querySelectorAll('[data-value], [data-testid="language-switch"], script, style'))
      el.remove();
    const placeholders = [...document.querySelectorAll('input, textarea')]
      .map((el) => (el as HTMLInputElement).placeholder)
      .join(' ');
    return `${clone.textContent ?? ''} ${placeholders}`;
  });
}

/** Fails naming the Chinese words left on a page that should be all English. */
export function assertNoCjk(text: string, where: string): void {
  const found = text.match(new RegExp(CJK.source, 'g'));
  assert.ok(
    !found,
    `${where} still has Chinese: ${text
      .match(/[\u3400-\u9fff]+/g)
      ?.slice(0, 20)
      .join(' | ')}`,
  );
}

/**
 * Picks `text` in an Ant Design select (typing it first to search) and waits until the select
 * shows it: a click on an option that is still sliding in can be lost, so it tries again.
 */
export async function chooseOption(page: Page, select: Locator, text: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await select.click();
    await page.keyboard.type(text);
    const option = page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: text });
    await option.first().waitFor();
    await option.first().click();
    try {
      await select.getByText(text).first().waitFor({ timeout: 3000 });
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  await select.getByText(text).first().waitFor();
}
