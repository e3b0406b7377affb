import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, DEMO, shot, signIn, startServer, type TestServer } from './support';

// Lists that never cut off silently: saved views kept on the server (they follow the user to
// another browser), a timeline and a customer's contacts that page with "load more".
describe('saved views and paged record pages', () => {
  let srv: TestServer;
  const stamp = Date.now().toString(36);

  before(async () => {
    srv = await startServer('views-timeline');
  });
  after(async () => {
    await srv?.stop();
  });

  it('a manager saves a view, finds it in a fresh browser and deletes it', async () => {
    const manager = await apiAs(srv.base, DEMO.manager);
    const viewName = `新线索${stamp}`;
    const ctx = await srv.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, srv.base, DEMO.manager);
    await page.getByRole('menuitem', { name: '线索' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    await page.getByTestId('filter-status').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '新线索' }).click();
    await page.keyboard.press('Escape');
    const { total } = await manager.call<{ total: number }>(
      'GET',
      '/api/leads?status=new&pool=exclude&includeTotal=true&limit=1',
    );
    await page.getByText(`共 ${total} 条`).waitFor();
    await page.getByTestId('views').click();
    await page.getByText('保存当前视图').click();
    await page.getByTestId('view-name').fill(viewName);
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /保\s*存/ })
      .click();
    await page.getByText(`已保存视图「${viewName}」`).waitFor();
    const saved = await manager.call<{ items: { id: string; name: string; definition: unknown }[] }>(
      'GET',
      '/api/saved-views?entity=leads',
    );
    assert.deepEqual(
      saved.items.map((v) => v.name),
      [viewName],
      'the view is kept on the server',
    );
    assert.deepEqual((saved.items[0]!.definition as { filters: unknown }).filters, { status: ['new'] });
    // The same name again is refused and the dialog says why.
    await page.getByTestId('views').click();
    await page.getByText('保存当前视图').click();
    await page.getByTestId('view-name').fill(viewName);
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /保\s*存/ })
      .click();
    await page.getByText(`已有名为「${viewName}」的视图，请换一个名称`).waitFor();
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /取\s*消/ })
      .click();
    await ctx.close();

    // Another device: a fresh browser context with nothing in its storage.
    const ctx2 = await srv.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page2 = await ctx2.newPage();
    await signIn(page2, srv.base, DEMO.manager);
    assert.equal(await page2.evaluate(() => localStorage.length), 0, 'nothing kept in this browser');
    await page2.getByRole('menuitem', { name: '线索' }).click();
    await page2.locator('.ant-table-row').first().waitFor();
    await page2.getByText(`共 ${total} 条`).waitFor({ state: 'hidden' });
    await page2.getByTestId('views').click();
    const item = page2.locator('.ant-dropdown-menu-item').filter({ hasText: viewName });
    await item.waitFor();
    await shot(page2, 'views-01-on-another-device.png');
    await item.click();
    await page2.getByText(`共 ${total} 条`).waitFor();

    // Delete it, confirming first: cancel keeps it, OK removes it.
    await page2.getByTestId('views').click();
    await item.getByTestId('view-delete').click();
    const confirm = page2.locator('.ant-modal-confirm');
    await confirm.locator('.ant-modal-confirm-title').getByText(`删除视图「${viewName}」？`).waitFor();
    await shot(page2, 'views-02-delete-confirm.png');
    await confirm.getByRole('button', { name: /取\s*消/ }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.equal(
      (await manager.call<{ items: unknown[] }>('GET', '/api/saved-views?entity=leads')).items.length,
      1,
      'cancel keeps the view',
    );
    if (!(await item.isVisible())) await page2.getByTestId('views').click();
    await item.getByTestId('view-delete').click();
    await confirm.getByRole('button', { name: /删\s*除/ }).click();
    await page2.getByText(`已删除视图「${viewName}」`).waitFor();
    assert.deepEqual(
      (await manager.call<{ items: unknown[] }>('GET', '/api/saved-views?entity=leads')).items,
      [],
      'the view is gone from the server',
    );
    await ctx2.close();
  });

  it('moves views still kept in the browser to the server once, then forgets them there', async () => {
    const rep = await apiAs(srv.base, DEMO.rep);
    const ctx = await srv.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, srv.base, DEMO.rep);
    const legacyName = `旧视图${stamp}`;
    await page.evaluate(
      (name) =>
        localStorage.setItem(
          'salesops.views.leads',
          JSON.stringify([{ name, search: '', sort: '-createdAt', scope: 'all', filters: { grade: ['A'] } }]),
        ),
      legacyName,
    );
    await page.getByRole('menuitem', { name: '线索' }).click();
    await page.getByTestId('views').click();
    await page.locator('.ant-dropdown-menu-item').filter({ hasText: legacyName }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('salesops.views.leads')), null);
    const views = await rep.call<{ items: { name: string }[] }>('GET', '/api/saved-views?entity=leads');
    assert.deepEqual(
      views.items.map((v) => v.name),
      [legacyName],
    );
    await ctx.close();
  });

  it('a timeline with more than a page of follow-ups loads the rest', async () => {
    const manager = await apiAs(srv.base, DEMO.manager);
    const account = await manager.call<{ id: string }>('POST', '/api/accounts', {
      name: `跟进很多${stamp}科技有限公司`,
    });
    const n = 57;
    for (let i = 0; i < n; i++) {
      await manager.call('POST', '/api/activities', {
        accountId: account.id,
        kind: 'call',
        subject: `第${i + 1}次电话${stamp}`,
      });
    }
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, srv.base, DEMO.manager);
    await page.goto(`${srv.base}/accounts/${account.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.getByTestId('timeline-total').getByText(`跟进 ${n} 条`).waitFor();
    await timeline.getByTestId('timeline-activity').first().waitFor();
    assert.equal(await timeline.getByTestId('timeline-activity').count(), 50, 'the first page');
    // Newest first (logged one after the other, just now); the oldest are on the next page.
    await timeline.getByText(`第${n}次电话${stamp}`).waitFor();
    assert.equal(await timeline.getByText(`第1次电话${stamp}`).count(), 0);
    // The customer's creation is older than every follow-up: it waits for the last page.
    assert.equal(await timeline.getByTestId('timeline-audit').count(), 0);
    const more = timeline.getByTestId('timeline-more');
    await more.getByText(`已显示 50 / 共 ${n} 条`).waitFor();
    await shot(page, 'timeline-01-first-page.png');
    await more.click();
    await timeline.getByText(`第1次电话${stamp}`).waitFor();
    assert.equal(await timeline.getByTestId('timeline-activity').count(), n);
    await more.waitFor({ state: 'hidden' });
    await timeline.getByTestId('timeline-audit').first().waitFor();
    await shot(page, 'timeline-02-all-loaded.png');
    await page.close();
  });

  it("a customer's page shows how many contacts it has and loads more of them", async () => {
    const manager = await apiAs(srv.base, DEMO.manager);
    const account = await manager.call<{ id: string }>('POST', '/api/accounts', {
      name: `联系人很多${stamp}科技有限公司`,
    });
    const n = 63;
    for (let i = 0; i < n; i++)
      await manager.call('POST', '/api/contacts', {
        accountId: account.id,
        name: `联系人${i + 1}号${stamp}`,
      });
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, srv.base, DEMO.manager);
    await page.goto(`${srv.base}/accounts/${account.id}`);
    await page.getByTestId('related-total-contacts').getByText(`共 ${n} 条`).waitFor();
    const list = page.getByTestId('related-contacts');
    await list.getByTestId('related-item').first().waitFor();
    assert.equal(await list.getByTestId('related-item').count(), 50, 'the first page');
    await page.getByTestId('related-total-deals').getByText('共 0 条').waitFor();
    assert.equal(await page.getByTestId('related-more-deals').count(), 0, 'nothing more to load');
    await shot(page, 'related-01-first-page.png');
    await page.getByTestId('related-more-contacts').click();
    await page.getByTestId('related-more-contacts').waitFor({ state: 'hidden' });
    assert.equal(await list.getByTestId('related-item').count(), n);
    // The create button still works beside the total.
    await page.getByTestId('related-create-contacts').click();
    await page.locator('.ant-drawer-content-wrapper').getByLabel('姓名').waitFor();
    await shot(page, 'related-02-all-loaded.png');
    await page.close();
  });
});
