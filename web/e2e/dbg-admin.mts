import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:4791';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(base);
await page.getByLabel('邮箱').fill('admin@demo.salesops.cn');
await page.getByLabel('密码').fill('demo1234');
await page.getByRole('button', { name: /登\s*录/ }).click();
await page.getByRole('menuitem', { name: '线索' }).waitFor();
const step = process.argv[2];
if (step === 'designer') {
  await page.goto(`${base}/playbooks`);
  await page.getByTestId('playbook-deal').getByRole('row').filter({ hasText: '已发布' }).getByRole('link').click();
  const panel = page.locator('.ant-collapse-item').filter({ has: page.locator('.ant-collapse-header', { hasText: 'needs_analysis' }) });
  await panel.locator('.ant-collapse-header').click();
  await panel.getByRole('tab', { name: '关键动作' }).click();
  await page.waitForTimeout(1000);
  const html = await panel.evaluate((e) => [...e.querySelectorAll('[class*=tabpane]')].map((x) => x.className).join('\n'));
  console.log(html);
  await page.screenshot({ path: '/tmp/admdbg/d.png' });
}
if (step === 'rule') {
  await page.goto(`${base}/automation`);
  await page.getByRole('button', { name: '新建规则' }).click();
  await page.waitForTimeout(1500);
  console.log(await page.evaluate(() => [...document.querySelectorAll('[class*=drawer]')].map((x) => x.className).slice(0, 8).join('\n')));
  await page.screenshot({ path: '/tmp/admdbg/r.png' });
}
await browser.close();
