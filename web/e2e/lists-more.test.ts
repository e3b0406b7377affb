import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { apiAs, chooseOption, DEMO, shot, signIn, startServer, type TestServer } from './support';

// More lists that page, sort and search on the server (issue 4 item 3): the users screen
// (search, filters, sort, pages, an error with retry, the empty answer) and quotes with their total.

/** The request the list sends next, matching `pattern`: proof that the server does the work. */
const nextRequest = (page: Page, pattern: RegExp) =>
  page.waitForRequest((r) => r.method() === 'GET' && pattern.test(decodeURIComponent(r.url())));

describe('more server-side lists in the browser', () => {
  let srv: TestServer;
  const stamp = Date.now().toString(36);

  before(async () => {
    srv = await startServer('lists-more');
  });
  after(async () => {
    await srv?.stop();
  });

  async function openAs(email: string): Promise<Page> {
    const page = await srv.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, srv.base, email);
    return page;
  }

  it('users: searched, filtered, sorted and paged by the server; errors offer a retry', async () => {
    const admin = await apiAs(srv.base, DEMO.admin);
    for (let i = 1; i <= 23; i++) {
      const n = String(i).padStart(2, '0');
      await admin.call('POST', '/api/users', {
        name: `Lister ${n} ${stamp}`,
        email: `lister${n}.${stamp}@example.test`,
        password: 'lister-pass-1',
        role: i === 7 ? 'finance' : 'rep',
      });
    }
    const all = await admin.call<{ total: number }>('GET', '/api/users?status=active&limit=1');
    assert.ok(all.total >= 23);

    const page = await openAs(DEMO.admin);
    await page.goto(`${srv.base}/users`);
    const table = page.getByTestId('user-table');
    await page.getByTestId('list-total').getByText(`共 ${all.total} 条`).waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), Math.min(20, all.total), 'one page of 20');

    // Search by part of the e-mail: the server answers with the 23 of this run.
    const searched = nextRequest(page, new RegExp(`/api/users\\?.*q=\\.${stamp}@`));
    await page.getByTestId('user-search').locator('input').fill(`.${stamp}@`);
    await searched;
    await page.getByTestId('list-total').getByText('共 23 条').waitFor();
    await page.getByTestId('list-page').getByText('第 1 页 / 2').waitFor();
    // Sorted by name by default; a click on the header sorts descending on the server.
    await table.locator('.ant-table-row').first().getByText(`Lister 01 ${stamp}`).waitFor();
    const desc = nextRequest(page, /\/api\/users\?.*sort=-name/);
    await table.locator('th').filter({ hasText: '姓名' }).click();
    await desc;
    await table.locator('.ant-table-row').first().getByText(`Lister 23 ${stamp}`).waitFor();
    // The second page holds the rest, still in that order.
    const second = nextRequest(page, /\/api\/users\?.*offset=20/);
    await page.getByTestId('next-page').click();
    await second;
    await table.locator('.ant-table-row').first().getByText(`Lister 03 ${stamp}`).waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), 3);
    await page.getByTestId('list-page').getByText('第 2 页 / 2').waitFor();
    // Sorting by e-mail goes back to the first page.
    const byMail = nextRequest(page, /\/api\/users\?.*sort=email/);
    await table.locator('th').filter({ hasText: '邮箱' }).click();
    await byMail;
    await page.getByTestId('list-page').getByText('第 1 页 / 2').waitFor();
    await table.locator('.ant-table-row').first().getByText(`lister01.${stamp}@example.test`).waitFor();
    await shot(page, 'lists-more-01-users.png');

    // The role filter is the server's too.
    const byRole = nextRequest(page, /\/api\/users\?.*role=finance/);
    await chooseOption(page, page.getByTestId('user-role-filter'), '财务');
    await byRole;
    await page.getByTestId('list-total').getByText('共 1 条').waitFor();
    await table.locator('.ant-table-row').first().getByText(`Lister 07 ${stamp}`).waitFor();

    // Nothing found says so.
    await page.getByTestId('user-search').locator('input').fill(`${stamp}-nobody`);
    await table.getByText('没有符合搜索或筛选条件的记录').waitFor();

    // A failed load shows the error with a retry that loads again.
    let fail = true;
    await page.route(/\/api\/users\?/, (route) =>
      fail
        ? route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({ code: 'INTERNAL', message: 'boom' }),
          })
        : route.continue(),
    );
    await page.getByTestId('user-search').locator('input').fill(`lister07.${stamp}`);
    await page.getByTestId('list-error').waitFor();
    fail = false;
    await page.getByTestId('list-retry').click();
    await page.getByTestId('list-error').waitFor({ state: 'detached' });
    await page.getByTestId('list-total').getByText('共 1 条').waitFor();
    await page.close();
  });

  it('quotes: the total is shown; search and sort by amount happen on the server', async () => {
    const rep = await apiAs(srv.base, DEMO.rep);
    const product = (await rep.call<{ items: Array<{ id: string }> }>('GET', '/api/products?limit=1'))
      .items[0]!;
    const deals = await rep.call<{ items: Array<{ id: string; stage: string }> }>(
      'GET',
      '/api/deals?limit=50',
    );
    const deal = deals.items.find((d) => d.stage !== 'won' && d.stage !== 'lost')!;
    for (const quantity of [3, 1, 2])
      await rep.call('POST', '/api/quotes', {
        dealId: deal.id,
        title: `Quote list ${quantity} ${stamp}`,
        taxMode: 'exclusive',
        lines: [{ productId: product.id, quantity, discountPercent: 0, taxRatePercent: 13 }],
        terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
      });
    const { total } = await rep.call<{ total: number }>('GET', '/api/quotes?limit=1');
    assert.ok(total >= 3);

    const page = await openAs(DEMO.rep);
    await page.goto(`${srv.base}/quotes`);
    const table = page.getByTestId('quote-table');
    await page.getByTestId('list-total').getByText(`共 ${total} 条`).waitFor();
    const searched = nextRequest(page, new RegExp(`/api/quotes\\?.*q=${stamp}`, 'i'));
    await page.getByTestId('quote-search').locator('input').fill(stamp.toUpperCase());
    await searched;
    await page.getByTestId('list-total').getByText('共 3 条').waitFor();
    const asc = nextRequest(page, /\/api\/quotes\?.*sort=grossAmount/);
    await table.locator('th').filter({ hasText: '含税总额' }).click();
    await asc;
    await table.locator('.ant-table-row').first().getByText(`Quote list 1 ${stamp}`).waitFor();
    const desc = nextRequest(page, /\/api\/quotes\?.*sort=-grossAmount/);
    await table.locator('th').filter({ hasText: '含税总额' }).click();
    await desc;
    await table.locator('.ant-table-row').first().getByText(`Quote list 3 ${stamp}`).waitFor();
    await shot(page, 'lists-more-02-quotes.png');
    await page.close();
  });
});
