import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, startServer, type TestServer } from './support';

// Browser journeys against the real server (SQLite, demo company) in Debian's chromium.
describe('web journeys', () => {
  let srv: TestServer;
  let browser: Browser;
  let base: string;

  before(async () => {
    srv = await startServer('journey');
    ({ browser, base } = srv);
  });

  after(async () => {
    await srv?.stop();
  });

  async function signIn(page: Page, email: string) {
    await page.goto(base);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill('demo1234');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByRole('menuitem', { name: '线索' }).waitFor();
  }

  it('a rep signs in, sees own leads, finds one by pinyin initials and switches to English', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(base);
    await page.getByLabel('邮箱').fill('rep01@demo.salesops.cn');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('login-error').waitFor();
    assert.match((await page.getByTestId('login-error').textContent()) ?? '', /邮箱或密码不正确/);
    await page.screenshot({ path: join(ARTIFACTS, '01-login-refused.png') });

    await signIn(page, 'rep01@demo.salesops.cn');
    await page.getByRole('menuitem', { name: '线索' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    const total = await page.getByText(/共 \d+ 条/).textContent();
    const apiTotal = await page.evaluate(
      async () => (await (await fetch('/api/leads?includeTotal=true&limit=1&pool=exclude')).json()).total,
    );
    assert.equal(total, `共 ${apiTotal} 条`);
    await page.screenshot({ path: join(ARTIFACTS, '02-leads.png') });

    const firstName = (
      (await page.locator('.ant-table-row').first().locator('td').first().textContent()) ?? ''
    ).trim();
    const { pinyin } = await import('pinyin-pro');
    const initials = pinyin(firstName, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
    await page.getByTestId('list-search').locator('input').fill(initials);
    await page.waitForTimeout(800);
    const names = await page.locator('.ant-table-row td:first-child').allInnerTexts();
    assert.ok(names.map((n) => n.trim()).includes(firstName), `${initials} finds ${firstName}`);
    await page.screenshot({ path: join(ARTIFACTS, '03-search-initials.png') });

    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'Leads' }).waitFor();
    await page.getByTestId('list-search').locator('input').fill('');
    await page.waitForTimeout(800);
    // Every visible string but the user's data (names, companies) is English now.
    const chrome = await page.evaluate(() => {
      const texts: string[] = [];
      for (const el of document.querySelectorAll(
        '.ant-layout-header, .ant-card-head, th, .ant-segmented, .ant-tag, input',
      )) {
        texts.push((el as HTMLElement).textContent ?? '', (el as HTMLInputElement).placeholder ?? '');
      }
      return texts.join(' ');
    });
    const header = (await page.locator('.ant-layout-header').textContent()) ?? '';
    const userName = (await page.evaluate(
      async () => (await (await fetch('/api/auth/me')).json()).user.name,
    )) as string;
    const withoutUserData = chrome.replace(userName, '').replace(/中\s*文/g, '');
    assert.doesNotMatch(
      withoutUserData,
      /[\u4e00-\u9fff]/,
      `untranslated: ${withoutUserData.match(/[\u4e00-\u9fff]+/g)}`,
    );
    assert.match(header, /Sign out/);
    await page.screenshot({ path: join(ARTIFACTS, '04-english.png') });
    await page.getByTestId('language-switch').click();
    await page.close();
  });

  it('a manager sees the team and the deals list on a phone-sized screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, 'manager.sh1@demo.salesops.cn');
    await page.goto(`${base}/deals?view=list`);
    await page.locator('.ant-table-row').first().waitFor();
    const owners = new Set(
      (await page.evaluate(async () =>
        (
          await (await fetch('/api/deals?limit=200')).json()
        ).items.map((d: { ownerName: string }) => d.ownerName),
      )) as string[],
    );
    assert.ok(
      owners.size >= 2 && owners.size <= 6,
      `team of up to 5 reps plus the manager, saw ${owners.size}`,
    );
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: join(ARTIFACTS, '05-phone-deals.png'), fullPage: false });
    await page.close();
  });
});
