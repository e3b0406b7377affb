import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { apiAs, assertNoCjk, DEMO, shot, signIn, startServer, type TestServer, uiText } from './support';

// Every screen of the app, in English, as the admin sees it (the admin sees every menu): no
// Chinese may be left but the user's own data (marked data-value in the pages).
describe('the whole app in English', () => {
  let srv: TestServer;
  let page: Page;

  before(async () => {
    srv = await startServer('english');
    page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, srv.base, DEMO.admin);
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'Workbench' }).waitFor();
  });
  after(async () => {
    await srv?.stop();
  });

  /** Opens a path, waits for what shows it has loaded, and checks the visible text. */
  async function check(path: string, ready: (p: Page) => Promise<unknown>, name: string) {
    await page.goto(`${srv.base}${path}`);
    await ready(page);
    // Lists and cards fill in after their first request: let them settle before reading.
    await page.waitForLoadState('networkidle');
    await page
      .locator('.ant-spin-spinning')
      .first()
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    assertNoCjk(await uiText(page), name);
    await shot(page, `60-en-${name}.png`);
  }

  const table = (p: Page) => p.locator('.ant-table').first().waitFor();

  it('lists: customers, contacts, the opportunity kanban and list', async () => {
    await check('/accounts', table, 'accounts');
    await check('/contacts', table, 'contacts');
    await check('/deals', (p) => p.getByTestId('kanban-card').first().waitFor(), 'deals-kanban');
    await check('/deals?view=list', table, 'deals-list');
  });

  it('record pages: a customer with its contacts and opportunities', async () => {
    const admin = await apiAs(srv.base, DEMO.admin);
    const { items } = await admin.call<{ items: { id: string }[] }>('GET', '/api/accounts?limit=1');
    await check(`/accounts/${items[0]!.id}`, (p) => p.getByText('Log a follow-up').waitFor(), 'account-page');
  });

  it('operations: quotes, approvals, import, inbox, KPIs and SOP compliance', async () => {
    await check('/quotes', table, 'quotes');
    await check('/approvals', (p) => p.locator('.ant-tabs, .ant-table').first().waitFor(), 'approvals');
    await check('/import', (p) => p.locator('.ant-steps, .ant-upload').first().waitFor(), 'import');
    await check('/notifications', (p) => p.locator('.ant-card').first().waitFor(), 'inbox');
    await check('/kpi', (p) => p.locator('canvas, .ant-empty').first().waitFor(), 'kpi');
    await check('/compliance', (p) => p.locator('.ant-table, .ant-empty').first().waitFor(), 'compliance');
  });

  it('administration: playbooks and the designer, automation, settings, users', async () => {
    await check('/playbooks', table, 'playbooks');
    await page.locator('.ant-table-row').first().getByRole('link').first().click();
    await page.waitForURL(/\/playbooks\/versions\//);
    await check(new URL(page.url()).pathname, (p) => p.locator('.ant-form').first().waitFor(), 'designer');
    await check('/automation', (p) => p.locator('.ant-table, .ant-empty').first().waitFor(), 'automation');
    await check('/settings', (p) => p.locator('.ant-form').first().waitFor(), 'settings');
    await check('/users', table, 'users');
  });
});
