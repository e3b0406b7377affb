import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiAs, DEMO, shot, signIn, startServer, type TestServer } from './support';

// The import page end to end (SQLite, demo company, Debian's chromium): a large CSV goes up as
// the raw file with an upload progress bar, the server's validation progress follows, and the
// history is paged, searched and sorted by the server.

const HEADER = '姓名,公司名称,手机,邮箱,线索来源,备注\n';

function bigCsv(rows: number): Buffer {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const mobile = i % 500 === 499 ? '12345' : `1370${String(1_000_000 + i).slice(-7)}`;
    lines.push(`批量${i},进度展示${i}号贸易有限公司,${mobile},p${i}@example.cn,展会,第${i}行\n`);
  }
  return Buffer.from(lines.join(''));
}

describe('import page', () => {
  let srv: TestServer;
  let browser: Browser;
  let base: string;

  before(async () => {
    srv = await startServer('import');
    ({ browser, base } = srv);
  });
  after(async () => {
    await srv?.stop();
  });

  async function open(): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await signIn(page, base, DEMO.ops);
    await page.goto(`${base}/import`);
    await page.getByTestId('import-wizard').waitFor();
    return page;
  }

  it('shows the upload progress, then the validation progress, then the report of a large file', async () => {
    const page = await open();
    const file = bigCsv(12_000);
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '大批线索.csv', mimeType: 'text/csv', buffer: file });
    // A slow uplink, so that the upload takes a few seconds.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/imports?'));
    await page.getByTestId('import-upload').click();
    const request = await posted;
    // The file goes raw (no base64 in JSON), with its name and type in the query.
    assert.equal(request.headers()['content-type'], 'text/csv');
    assert.match(request.url(), /entity=leads/);
    assert.match(request.url(), /wait=false/);
    const upload = page.getByTestId('import-upload-progress');
    await upload.waitFor();
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-testid=import-upload-progress]')?.textContent ?? '';
      return /正在上传 [1-9][\d.]* (KB|MB)/.test(t);
    });
    await shot(page, 'import-01-upload-progress.png');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    // Then the server reads and checks the rows: its progress is polled and shown.
    const checking = page.getByTestId('import-validate-progress');
    await checking.waitFor({ timeout: 60_000 });
    assert.match(await checking.innerText(), /正在校验/);
    await shot(page, 'import-02-validate-progress.png');
    await page.getByTestId('import-mapping').waitFor({ timeout: 180_000 });
    assert.equal(await page.getByTestId('import-encoding').textContent(), 'UTF-8');
    await page.getByTestId('import-next').click();
    await page.getByTestId('import-counts').waitFor();
    const count = async (k: string) =>
      Number(
        (await page.getByTestId(`count-${k}`).locator('.ant-statistic-content-value').innerText()).replace(
          /\D/g,
          '',
        ),
      );
    assert.equal(await count('total'), 12_000);
    // Every 500th mobile is bad; from its second time on it is also a duplicate in the file.
    assert.equal(await count('rejected'), 24);
    assert.equal(await count('valid'), 12_000 - 24);
    await shot(page, 'import-03-report.png');
    await page.context().close();
  });

  it('pages, searches and sorts the history on the server, and retries after an error', async () => {
    const ops = await apiAs(base, DEMO.ops);
    for (let i = 0; i < 12; i++) {
      const csv = `${HEADER}历史${i},历史页${i}号科技有限公司,1360000${String(1000 + i)},h${i}@example.cn,官网,\n`;
      await ops.call('POST', '/api/imports', {
        entity: 'leads',
        fileName: `历史-${String(i).padStart(2, '0')}.csv`,
        contentBase64: Buffer.from(csv).toString('base64'),
      });
    }
    const page = await open();
    const history = page.getByTestId('import-history');
    const rows = history.locator('.ant-table-tbody tr.ant-table-row');
    await rows.first().waitFor();
    // 12 here (and the large file of the test before, when it ran): two pages of 10.
    assert.equal(await rows.count(), 10);
    const page2 = page.waitForResponse(
      (r) => r.url().includes('/api/imports?') && r.url().includes('offset=10'),
    );
    await page.locator('.ant-pagination-item-2').click();
    const body = (await (await page2).json()) as { total: number; items: unknown[] };
    assert.ok(body.total === 12 || body.total === 13, String(body.total));
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=import-history] tr.ant-table-row').length === n,
      body.total - 10,
    );

    // Search by file name, on the server.
    const searched = page.waitForResponse((r) => r.url().includes('/api/imports?') && r.url().includes('q='));
    await page.getByTestId('import-history-search').locator('input').fill('历史-03');
    await page.getByTestId('import-history-search').locator('input').press('Enter');
    await searched;
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=import-history] tr.ant-table-row').length === 1,
    );
    assert.match(await rows.first().innerText(), /历史-03\.csv/);
    await page.getByTestId('import-history-search').locator('input').fill('');
    await page.getByTestId('import-history-search').locator('input').press('Enter');

    // Sort by file name, ascending: the server answers in that order.
    const sorted = page.waitForResponse(
      (r) => r.url().includes('/api/imports?') && r.url().includes('sort=fileName'),
    );
    await history.locator('th', { hasText: '文件' }).click();
    const asc = (await (await sorted).json()) as { items: Array<{ fileName: string }> };
    assert.equal(asc.items[0]?.fileName, '历史-00.csv');
    await page.waitForFunction(() =>
      /历史-00\.csv/.test(
        document.querySelector('[data-testid=import-history] tr.ant-table-row')?.textContent ?? '',
      ),
    );
    await shot(page, 'import-04-history.png');

    // The server fails once: the error is shown with a retry that loads the page again.
    await page.route('**/api/imports?*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'INTERNAL', message: '服务暂时不可用' }),
      }),
    );
    await page.getByTestId('import-history-search').locator('input').fill('历史');
    await page.getByTestId('import-history-search').locator('input').press('Enter');
    await page.getByTestId('import-history-error').waitFor();
    assert.match(await page.getByTestId('import-history-error').innerText(), /服务暂时不可用/);
    await page.unroute('**/api/imports?*');
    await page.getByTestId('import-history-retry').click();
    await page.getByTestId('import-history-error').waitFor({ state: 'detached' });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=import-history] tr.ant-table-row').length === 10,
    );
    await page.context().close();
  });
});
