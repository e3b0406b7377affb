import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, shot, startServer, type TestServer } from './support';

// The configuration screens against the real server (SQLite, demo company) in Debian's chromium:
// the admin changes the deal playbook and publishes it, creates an automation rule and changes
// the working hours; each refusal of the server shows on the field it names.

interface PlaybookList {
  items: {
    process: string;
    publishedVersionId: string | null;
    versions: { id: string; number: number; status: string }[];
  }[];
}

describe('admin screens', () => {
  let srv: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let base: string;

  before(async () => {
    srv = await startServer('admin');
    ({ browser, base } = srv);
  });

  after(async () => {
    await srv?.stop();
  });

  // One signed-in session (and browser cache) for every test: the machine is shared.
  async function adminPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    if (!context) {
      context = await browser.newContext({ viewport });
      context.setDefaultTimeout(90_000);
      const page = await context.newPage();
      await page.goto(base);
      await page.getByLabel('邮箱').fill('admin@demo.salesops.cn');
      await page.getByLabel('密码').fill('demo1234');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByRole('menuitem', { name: '线索' }).waitFor();
      return page;
    }
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    return page;
  }

  it('adds a required checklist action to a deal stage, saves a draft and publishes it', async () => {
    const page = await adminPage();
    await page.goto(`${base}/playbooks`);
    const dealCard = page.getByTestId('playbook-deal');
    const publishedRow = dealCard.getByRole('row').filter({ hasText: '已发布' });
    await publishedRow.waitFor();
    await shot(page, 'admin-01-playbooks.png');
    const before = (await (await page.request.get(`${base}/api/playbooks`)).json()) as PlaybookList;
    const deal = before.items.find((p) => p.process === 'deal')!;
    const current = deal.versions.find((v) => v.id === deal.publishedVersionId)!;

    await publishedRow.getByRole('link').click();
    await page
      .getByTestId('version-tag')
      .filter({ hasText: `第 ${current.number} 版 · 已发布` })
      .waitFor();
    const panel = page
      .locator('.ant-collapse-item')
      .filter({ has: page.locator('.ant-collapse-header', { hasText: 'needs_analysis' }) });
    await panel.locator('.ant-collapse-header').click();
    await panel.getByRole('tab', { name: '关键动作' }).click();
    const actions = panel.getByRole('tabpanel');
    const countBefore = await actions.locator('.ant-card').count();
    await actions.getByRole('button', { name: '添加关键动作' }).click();
    const card = actions.locator('.ant-card').nth(countBefore);
    await card.getByLabel('标识（key）').fill('onsite_demo');
    await card.getByLabel('动作名称（中文）').fill('现场演示产品');
    await card.getByLabel('动作名称（英文）').fill('Demonstrate the product on site');
    await card.getByRole('checkbox', { name: /必做/ }).check();
    // The standard in one language only: the server refuses the draft and names the path.
    await card.getByLabel('动作标准（中文）').fill('在客户现场演示并记录反馈');
    await page.getByLabel('版本说明').fill('需求分析阶段增加现场演示');
    // A terminal stage lists the reasons a move into it must give.
    const lost = page
      .locator('.ant-collapse-item')
      .filter({ has: page.locator('.ant-collapse-header', { hasText: /\blost\b/ }) });
    await lost.locator('.ant-collapse-header').click();
    await lost.getByText('进入时须选择的原因').waitFor();
    assert.ok((await lost.getByText(/^原因 \d+$/).count()) > 0);
    await page.getByRole('button', { name: '另存为新草稿' }).click();
    const problems = page.getByTestId('problems');
    await problems.waitFor();
    assert.match(await problems.innerText(), /stages\[1\]\.checklist\[\d+\]\.standard/);
    await card.locator('.ant-form-item-has-error').first().waitFor();
    await shot(page, 'admin-02-draft-refused.png');

    await card.getByLabel('动作标准（英文）').fill('Demonstrate at the customer and record the feedback');
    await page.getByRole('button', { name: '另存为新草稿' }).click();
    const draftNumber = current.number + 1;
    await page
      .getByTestId('version-tag')
      .filter({ hasText: `第 ${draftNumber} 版 · 草稿` })
      .waitFor();
    await shot(page, 'admin-03-draft-saved.png');

    await page.getByRole('button', { name: /^发\s*布$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: '留在原版本，直到结束' }).waitFor();
    await dialog.getByRole('button', { name: /^发\s*布$/ }).click();
    await page
      .getByTestId('version-tag')
      .filter({ hasText: `第 ${draftNumber} 版 · 已发布` })
      .waitFor();
    await shot(page, 'admin-04-published.png');

    const afterList = (await (await page.request.get(`${base}/api/playbooks`)).json()) as PlaybookList;
    const published = afterList.items.find((p) => p.process === 'deal')!;
    const v = published.versions.find((x) => x.id === published.publishedVersionId)!;
    assert.equal(v.number, draftNumber);
    const def = (await (await page.request.get(`${base}/api/playbook-versions/${v.id}`)).json()) as {
      definition: { stages: { key: string; checklist: { key: string; required: boolean }[] }[] };
    };
    const stage = def.definition.stages.find((s) => s.key === 'needs_analysis')!;
    assert.deepEqual(
      stage.checklist.find((a) => a.key === 'onsite_demo'),
      {
        key: 'onsite_demo',
        name: { 'zh-CN': '现场演示产品', 'en-US': 'Demonstrate the product on site' },
        required: true,
        standard: {
          'zh-CN': '在客户现场演示并记录反馈',
          'en-US': 'Demonstrate at the customer and record the feedback',
        },
      },
    );
    // The list shows the new version published and the old one retired.
    await page.goto(`${base}/playbooks`);
    await dealCard
      .getByRole('row')
      .filter({ hasText: `第 ${draftNumber} 版` })
      .filter({ hasText: '已发布' })
      .waitFor();
    await dealCard
      .getByRole('row')
      .filter({ hasText: `第 ${current.number} 版` })
      .filter({ hasText: '已停用' })
      .waitFor();
    await page.close();
  });

  it('creates an automation rule, refused first for an unknown field in its condition', async () => {
    const page = await adminPage();
    await page.goto(`${base}/automation`);
    await page.getByRole('button', { name: '新建规则' }).click();
    const drawer = page.locator('.ant-drawer-section');
    await drawer.getByLabel('规则名称').fill('A 级线索 2 小时内回访');
    await drawer.getByLabel('条件（CEL，可留空表示总是）').fill('record.nosuchfield == "A"');
    await drawer.getByLabel('任务标题').fill('回访 {record.name}');
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    await drawer.locator('.ant-form-item-has-error textarea').waitFor();
    await shot(page, 'admin-05-rule-refused.png');
    await drawer.getByLabel('条件（CEL，可留空表示总是）').fill('record.grade == "A"');
    await drawer.getByRole('button', { name: /保\s*存/ }).click();
    const row = page.getByRole('row').filter({ hasText: 'A 级线索 2 小时内回访' });
    await row.waitFor();
    await shot(page, 'admin-06-rule-created.png');
    const rules = (await (await page.request.get(`${base}/api/automation-rules`)).json()) as {
      items: { name: string; status: string; condition: string; trigger: unknown; actions: unknown[] }[];
    };
    const rule = rules.items.find((r) => r.name === 'A 级线索 2 小时内回访')!;
    assert.equal(rule.condition, 'record.grade == "A"');
    assert.deepEqual(rule.trigger, { event: 'record.created', recordType: 'lead' });
    assert.deepEqual(rule.actions, [
      {
        type: 'create_task',
        title: '回访 {record.name}',
        due: { value: 2, unit: 'working_hours' },
        assignee: 'owner',
      },
    ]);
    assert.equal(rule.status, 'active');
    // Pausing from the list.
    await row.getByRole('switch').click();
    await page.getByText('规则已暂停').waitFor();
    const paused = (await (await page.request.get(`${base}/api/automation-rules`)).json()) as typeof rules;
    assert.equal(paused.items.find((r) => r.name === rule.name)!.status, 'paused');
    await page.close();
  });

  it('changes the working hours; an overlapping period is refused on its field', async () => {
    const page = await adminPage();
    await page.goto(`${base}/settings`);
    await page.getByLabel('开始 2').waitFor();
    await page.getByLabel('开始 2').fill('11:00');
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await page.locator('.ant-form-item-has-error input[aria-label="开始 2"]').waitFor();
    await shot(page, 'admin-07-hours-refused.png');
    await page.getByLabel('开始 1').fill('08:30');
    await page.getByLabel('结束 1').fill('12:00');
    await page.getByLabel('开始 2').fill('13:00');
    await page.getByLabel('结束 2').fill('17:30');
    await page.getByRole('button', { name: '保存工作日历' }).click();
    await page.getByText('已保存').first().waitFor();
    await page.getByText(/第 1 版/).waitFor();
    await shot(page, 'admin-08-hours-saved.png');
    const cal = (await (await page.request.get(`${base}/api/settings/calendar`)).json()) as {
      workingHours: { start: string; end: string }[];
      version: number;
    };
    assert.equal(cal.version, 1);
    assert.deepEqual(cal.workingHours, [
      { start: '08:30', end: '12:00' },
      { start: '13:00', end: '17:30' },
    ]);
    await page.close();
  });

  it('adds a user (a taken e-mail is refused on its field) and deactivates them after confirming', async () => {
    const page = await adminPage();
    await page.goto(`${base}/users`);
    await page.getByRole('button', { name: '添加用户' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('姓名').fill('测试新人');
    await dialog.getByLabel('邮箱').fill('rep01@demo.salesops.cn');
    await dialog.getByLabel('初始密码').fill('newcomer123');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog
      .locator('.ant-form-item-has-error input#email, .ant-form-item-has-error input[id$="email"]')
      .waitFor();
    await dialog.getByLabel('邮箱').fill('newcomer@demo.salesops.cn');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByPlaceholder('搜索姓名、拼音或邮箱').fill('newcomer');
    const row = page.getByRole('row').filter({ hasText: 'newcomer@demo.salesops.cn' });
    await row.waitFor();
    await row.getByRole('button', { name: '停用' }).click();
    await page
      .getByRole('tooltip')
      .getByRole('button', { name: /停\s*用/ })
      .click();
    await page.getByText('已停用').first().waitFor();
    // Deactivated users leave the default (active) list; the status filter shows them.
    await row.waitFor({ state: 'detached' });
    await page.locator('.ant-select').filter({ hasText: '在职' }).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '已停用' }).click();
    await row.filter({ hasText: '已停用' }).waitFor();
    await shot(page, 'admin-09-user-deactivated.png');
    const users = (await (await page.request.get(`${base}/api/users?q=newcomer&status=disabled`)).json()) as {
      items: { email: string; role: string; status: string }[];
    };
    assert.deepEqual(
      users.items.map((u) => [u.email, u.role, u.status]),
      [['newcomer@demo.salesops.cn', 'rep', 'disabled']],
    );
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await adminPage({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/playbooks', 'admin-10-phone-playbooks.png'],
      ['/automation', 'admin-11-phone-automation.png'],
      ['/settings', 'admin-12-phone-settings.png'],
      ['/users', 'admin-13-phone-users.png'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.locator('h4').first().waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${path} is ${width}px wide`);
      await page.screenshot({ path: join(ARTIFACTS, name) });
    }
    await page.close();
  });
});
