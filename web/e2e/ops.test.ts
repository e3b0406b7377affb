import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { shot, startServer, type TestServer } from './support';

// Operations screens end to end (SQLite, demo company, Debian's chromium): a rep imports leads
// through the wizard and quotes a deal, the manager approves it, the bells ring.
const CSV = [
  '姓名,公司名称,手机,线索来源,备注',
  '钱多多,杭州云栖导入测试科技有限公司,13912345601,展会,浙江展会名单',
  '孙小美,宁波港湾导入测试贸易有限公司,139 1234 5602,官网,',
  '赵错号,温州瓯江导入测试电子有限公司,12345,转介绍,手机号写错了',
].join('\r\n');

describe('operations screens', () => {
  let srv: TestServer;
  let browser: Browser;
  let base: string;
  let quoteId = '';
  /** The rep stays signed in from one step to the next. */
  let rep: { ctx: BrowserContext; page: Page };

  before(async () => {
    srv = await startServer('ops');
    ({ browser, base } = srv);
  });

  after(async () => {
    await rep?.ctx.close();
    await srv?.stop();
  });

  async function signIn(
    email: string,
    width = 1280,
    height = 860,
  ): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const page = await ctx.newPage();
    await page.goto(base);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill('demo1234');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('menuitem', { name: '线索' }).waitFor();
    return { ctx, page };
  }

  it('a rep imports leads with one bad row, commits, and downloads the rejected row', async () => {
    rep = await signIn('rep01@demo.salesops.cn');
    const { page } = rep;
    await page.getByRole('menuitem', { name: '线索' }).click();
    await page.getByTestId('import').click();
    await page.getByTestId('import-wizard').waitFor();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '展会线索.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${CSV}`) });
    await page.getByTestId('import-upload').click();
    // Mapping: detected encoding and the columns matched by their headers.
    await page.getByTestId('import-mapping').waitFor();
    assert.equal(await page.getByTestId('import-encoding').textContent(), 'UTF-8');
    const mapping = await page.getByTestId('import-mapping').innerText();
    for (const label of ['姓名', '公司', '手机', '来源', '备注']) assert.ok(mapping.includes(label), label);
    await page.getByTestId('mapping-name').fill('展会名单');
    await page.getByTestId('mapping-save').click();
    await page.getByText('已保存映射“展会名单”').waitFor();
    await shot(page, 'ops-01-import-mapping.png');

    await page.getByTestId('import-next').click();
    await page.getByTestId('import-counts').waitFor();
    const count = async (k: string) =>
      Number(
        (await page.getByTestId(`count-${k}`).locator('.ant-statistic-content-value').innerText()).replace(
          /\D/g,
          '',
        ),
      );
    assert.equal(await count('total'), 3);
    assert.equal(await count('valid'), 2);
    assert.equal(await count('rejected'), 1);
    const rejected = await page.getByTestId('import-rejected').innerText();
    assert.match(rejected, /赵错号/);
    assert.match(rejected, /手机.*不是有效的手机号/);
    await shot(page, 'ops-02-import-report.png');

    await page.getByTestId('import-commit').click();
    await page.locator('[data-testid=import-status][data-status=committed]').waitFor({ timeout: 30_000 });
    assert.match(await page.getByText(/已导入 \d+ 条/).innerText(), /已导入 2 条，1 行有错误/);
    await shot(page, 'ops-03-import-done.png');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('rejected-csv').click(),
    ]);
    const file = readFileSync(await download.path());
    const text = file.toString('utf8');
    assert.match(text, /赵错号/);
    assert.match(text, /错误/);
    assert.doesNotMatch(text, /钱多多/);

    // The imported leads are in the rep's list.
    const found = await page.evaluate(
      async () => (await (await fetch('/api/leads?q=导入测试&limit=10')).json()).items,
    );
    assert.deepEqual(found.map((l: { name: string }) => l.name).sort(), ['孙小美', '钱多多'].sort());
  });

  it('a rep quotes an open deal (bad input refused), the totals come from the server, and submits it', async () => {
    const { page } = rep;
    await page.goto(base);
    await page.getByRole('menuitem', { name: '报价', exact: true }).click();
    await page.getByTestId('quote-new').click();
    await page.getByTestId('quote-deal').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await page.getByTestId('line-0-product').click();
    await Promise.all([
      page.waitForResponse(
        (r) => r.url().includes('/api/products') && r.url().includes(encodeURIComponent('温度传感器')),
      ),
      page.keyboard.type('温度传感器'),
    ]);
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: 'SKU-1000' })
      .click();
    // Bad input: a negative quantity and a discount over 100 % are refused on the fields.
    await page.getByTestId('line-0-quantity').fill('-2');
    await page.getByTestId('line-0-discount').fill('120');
    await page.getByTestId('quote-save').click();
    await page.getByText('数量须为正数，最多 4 位小数').waitFor();
    await page.getByText('0–100，最多 2 位小数').waitFor();
    await shot(page, 'ops-04-quote-refused.png');

    await page.getByTestId('line-0-quantity').fill('2');
    await page.getByTestId('line-0-discount').fill('8');
    await page.getByTestId('quote-save').click();
    await page.waitForURL(/\/quotes\/qt_/);
    quoteId = page.url().split('/quotes/')[1]!;
    const quote = await page.evaluate(async (id) => (await fetch(`/api/quotes/${id}`)).json(), quoteId);
    const gross = quote.grossAmount as number;
    const expected = `¥${Math.floor(gross / 100).toLocaleString('en-US')}.${String(gross % 100).padStart(2, '0')}`;
    assert.equal(await page.getByTestId('quote-gross').innerText(), expected);
    // 2 × list price less 8 %, tax included: the server's figure, not the browser's.
    assert.equal(quote.lines[0].totals.listAmount - quote.lines[0].totals.discountAmount, gross);
    await shot(page, 'ops-05-quote-created.png');

    await page.getByTestId('quote-submit').click();
    await page.getByTestId('quote-submit-confirm').click();
    await page.locator('[data-testid=quote-status][data-status=pending_approval]').waitFor();
    await page.getByTestId('approval-steps').waitFor();
    // The step is named by the authority matrix (level 销售经理).
    await page.getByTestId('approval-steps').getByText('销售经理').waitFor();
    await shot(page, 'ops-06-quote-submitted.png');
  });

  it('the manager sees the bell, approves from the inbox; the rep is told', async () => {
    const { ctx, page } = await signIn('manager.sh1@demo.salesops.cn');
    // The bell asks the server once the page is up; 0 until it answers.
    await page.locator('[data-testid=bell-count]:not([data-count="0"])').waitFor();
    const bell = Number(await page.getByTestId('bell-count').getAttribute('data-count'));
    assert.ok(bell >= 1, `manager has ${bell} unread`);
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('inbox-item').filter({ hasText: '待审批：报价单' }).first().waitFor();
    await shot(page, 'ops-07-manager-inbox.png');

    await page.getByRole('menuitem', { name: '审批' }).click();
    const row = page.locator('.ant-table-row').filter({ has: page.locator(`a[href="/quotes/${quoteId}"]`) });
    await row.waitFor();
    // Reject needs a comment: the server's rule, shown on the field.
    await row.getByTestId('reject').click();
    await page.getByTestId('decide-ok').click();
    await page.getByText('驳回或退回时请填写意见').waitFor();
    await page
      .locator('.ant-modal')
      .getByRole('button', { name: /取\s*消/ })
      .click();
    await row.getByTestId('approve').click();
    await page.getByTestId('decide-comment').fill('折扣在权限内，同意');
    await page.getByTestId('decide-ok').click();
    await page.getByText('已同意').first().waitFor();
    await row.waitFor({ state: 'detached' });
    const status = await page.evaluate(
      async (id) => (await (await fetch(`/api/quotes/${id}`)).json()).status,
      quoteId,
    );
    assert.equal(status, 'approved');
    await page.getByTestId('approval-box').getByText('全部可见').click();
    await page
      .locator('.ant-table-row')
      .filter({ has: page.locator(`a[href="/quotes/${quoteId}"]`) })
      .waitFor();
    await shot(page, 'ops-08-approved.png');
    await ctx.close();

    await rep.page.goto(base);
    await rep.page.locator('[data-testid=bell-count]:not([data-count="0"])').waitFor();
    const repBell = Number(await rep.page.getByTestId('bell-count').getAttribute('data-count'));
    assert.ok(repBell >= 1, `rep has ${repBell} unread`);
    await shot(rep.page, 'ops-09-rep-bell.png');
    await rep.page.getByTestId('notification-bell').click();
    await rep.page.getByTestId('inbox-item').first().waitFor();
    await shot(rep.page, 'ops-10-rep-inbox.png');
    await rep.page.getByTestId('mark-all-read').click();
    await rep.page.locator('[data-testid=bell-count][data-count="0"]').waitFor();

    // Negotiation goes on: the approved quote is revised as version 2, and the versions compare.
    await rep.page.goto(`${base}/quotes/${quoteId}`);
    await rep.page.getByRole('tab', { name: '修改' }).click();
    await rep.page.getByTestId('line-0-quantity').fill('3');
    await rep.page.getByTestId('quote-save').click();
    await rep.page.getByText('已保存为 v2').waitFor();
    await rep.page.locator('[data-testid=quote-status][data-status=draft]').waitFor();
    await rep.page.getByRole('tab', { name: '版本' }).click();
    await rep.page
      .getByTestId('quote-diff')
      .getByText(/数量 2 → 3/)
      .waitFor();
    await shot(rep.page, 'ops-10b-quote-diff.png');
  });

  it('KPIs and SOP compliance show tables and charts; the phone layout does not overflow', async () => {
    const { ctx, page } = await signIn('manager.east@demo.salesops.cn');
    await page.goto(`${base}/kpi`);
    await page.getByTestId('kpi-table').locator('.ant-table-row').first().waitFor();
    await page.getByTestId('kpi-chart').locator('canvas').waitFor();
    await page.getByTestId('kpi-drill-total').click();
    await page.getByTestId('kpi-records').locator('.ant-table-row').first().waitFor();
    await shot(page, 'ops-11-kpi.png');
    await page.goto(`${base}/compliance`);
    await page.getByTestId('compliance-table').locator('.ant-table-row').first().waitFor();
    await page.getByTestId('compliance-chart').locator('canvas').waitFor();
    await shot(page, 'ops-12-compliance.png');
    await ctx.close();

    // The rep's session on a phone-sized screen.
    const phoneCtx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await rep.ctx.storageState(),
    });
    const phone = { ctx: phoneCtx, page: await phoneCtx.newPage() };
    for (const path of ['/approvals', '/import', '/notifications', `/quotes/${quoteId}`]) {
      await phone.page.goto(`${base}${path}`);
      await phone.page.locator('.ant-card').first().waitFor();
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${path} is ${width}px wide`);
    }
    await shot(phone.page, 'ops-13-phone-quote.png');
    // The same screens in English: no Chinese left in headings, columns or switches.
    await phone.page.evaluate(() => localStorage.setItem('salesops.language', 'en-US'));
    await phone.page.goto(`${base}/approvals`);
    await phone.page.getByText('Waiting for me').waitFor();
    await phone.page.locator('.ant-table-thead th').first().waitFor();
    const heads = await phone.page.locator('.ant-card-head, th, .ant-segmented').allInnerTexts();
    assert.doesNotMatch(heads.join(' '), /[\u4e00-\u9fff]/);
    await shot(phone.page, 'ops-14-phone-approvals-en.png');
    await phone.ctx.close();
  });
});
