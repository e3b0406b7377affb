import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import dayjs from 'dayjs';
import type { Page } from 'playwright-core';
import type { Dashboard, Forecast, KpiComparison, TargetDetail, WeeklyReport } from '../src/api/types';
import { formatFen } from '../src/money';
import {
  ARTIFACTS,
  apiAs,
  assertNoCjk,
  chooseOption,
  DEMO,
  shot,
  signIn,
  startServer,
  type TestServer,
  uiText,
} from './support';

// Performance screens end to end (SQLite, demo company with a year of deals, Debian's chromium):
// dashboards equal the API and export to Excel, a manager decomposes a team target, forecast
// categories are set and overridden, a weekly report is submitted and commented, before/after.

const YEAR = String(dayjs().year());
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
function shown(unit: string, v: number | null): string {
  if (v === null) return '—';
  if (unit === 'fen') return `¥${formatFen(v)}`;
  if (unit === 'ratio') return pct(v);
  if (unit === 'days' || unit === 'hours') return v.toFixed(2);
  return String(v);
}
const text = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).trim();

describe('performance screens', () => {
  let srv: TestServer;
  let base: string;

  before(async () => {
    srv = await startServer('analytics');
    base = srv.base;
  });
  after(async () => {
    await srv?.stop();
  });

  it('the executive dashboard shows the API’s numbers and exports to Excel', async () => {
    const admin = await apiAs(base, DEMO.admin);
    const d = await admin.call<Dashboard>('GET', `/api/dashboards/executive?period=${YEAR}`);
    const ctx = await srv.browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await ctx.newPage();
    await signIn(page, base, DEMO.admin);
    await page.goto(`${base}/dashboards/executive?period=${YEAR}`);
    await page.getByTestId('dash-stat-revenue').waitFor();
    for (const s of d.panels.summary) {
      assert.equal(await text(page, `dash-stat-${s.kpi}`), shown(s.unit, s.value), `summary ${s.kpi}`);
    }
    assert.equal(await text(page, 'dash-funnel-overall'), pct(d.panels.funnel.overall.value));
    for (const s of d.panels.funnel.stages) {
      assert.equal(await text(page, `dash-drop-${s.stage}`), pct(s.dropOff), `drop-off ${s.stage}`);
    }
    assert.ok(
      d.panels.funnel.stages.some((s) => s.entered > 0),
      'the demo year has a funnel',
    );
    await page.getByTestId('dashboard-funnel').locator('canvas').first().waitFor();
    await page.getByTestId('dashboard-trend').locator('canvas').first().waitFor();
    await page.waitForTimeout(800);
    await shot(page, 'analytics-01-executive-dashboard.png');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('dashboard-export').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = join(ARTIFACTS, 'analytics-dashboard.xlsx');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    assert.ok(bytes.length > 1000, 'the workbook has content');
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an xlsx (zip) file');
    await ctx.close();
  });

  it('a manager decomposes a team target over the reps by weights and the parts add up', async () => {
    const admin = await apiAs(base, DEMO.admin);
    const manager = await apiAs(base, DEMO.manager);
    const units = await admin.call<{ items: { id: string; name: string; managerId: string | null }[] }>(
      'GET',
      '/api/org-units',
    );
    const team = units.items.find((u) => u.managerId === manager.user.id)!;
    const value = 10_000_000_001; // 100,000,000.01 元: does not split evenly
    const target = await admin.call<TargetDetail>('POST', '/api/targets', {
      metric: 'revenue',
      period: YEAR,
      level: 'team',
      unitId: team.id,
      value,
    });
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.manager);
    await page.goto(`${base}/targets`);
    await page.getByTestId(`target-decompose-${target.id}`).click();
    await page.getByTestId('decompose-preview').waitFor();
    await page.getByTestId('decompose-method').getByText('按权重').click();
    const weights = page.locator('[data-testid^="decompose-weight-"]');
    await page.getByTestId('decompose-weight-0').waitFor();
    const n = await weights.count();
    assert.ok(n >= 2, 'the team has reps');
    for (let i = 0; i < n; i++) await weights.nth(i).fill(String(i + 1));
    await page.getByTestId('decompose-share-0').click(); // blur the last input
    assert.equal(await text(page, 'decompose-sum'), `¥${formatFen(value)}`);
    await shot(page, 'analytics-02-decompose-preview.png');
    const previewed = [];
    for (let i = 0; i < n; i++) previewed.push(await text(page, `decompose-share-${i}`));
    await page.getByTestId('decompose-save').click();
    await page.getByTestId('decompose-confirm').click();
    await page.getByTestId(`target-gap-${target.id}`).getByText('已平衡').waitFor();

    const saved = await manager.call<TargetDetail>('GET', `/api/targets/${target.id}`);
    assert.equal(saved.children.length, n);
    assert.equal(
      saved.children.reduce((s, c) => s + c.value, 0),
      value,
      'the rep targets add up to the team target',
    );
    assert.deepEqual(saved.rollUp, { childrenSum: value, gap: 0 });
    const savedShown = saved.children.map((c) => `¥${formatFen(c.value)}`).sort();
    assert.deepEqual(savedShown, [...previewed].sort(), 'the preview is what was saved');
    for (const c of saved.children) await page.getByTestId(`target-value-${c.id}`).waitFor();
    await shot(page, 'analytics-03-targets-tree.png');
    await page.close();
  });

  it('a rep sees only their own targets', async () => {
    const rep = await apiAs(base, DEMO.rep);
    const own = await rep.call<{ items: TargetDetail[] }>('GET', `/api/targets?period=${YEAR}`);
    assert.ok(own.items.length >= 1, 'the rep got a target from the decomposition');
    assert.ok(own.items.every((t) => t.level === 'rep' && t.subjectId === rep.user.id));
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.rep);
    await page.goto(`${base}/targets`);
    await page.getByTestId(`target-row-${own.items[0]!.id}`).waitFor();
    assert.equal(await page.locator('[data-testid^="target-row-"]').count(), own.items.length);
    assert.equal(
      await page.locator('[data-testid^="target-decompose-"]').count(),
      0,
      'a rep decomposes nothing',
    );
    assert.equal(await page.getByTestId('target-new').count(), 0, 'a rep sets no targets');
    await page.close();
  });

  it('a rep sets a forecast category and the manager overrides it', async () => {
    const rep = await apiAs(base, DEMO.rep);
    const manager = await apiAs(base, DEMO.manager);
    const before = await rep.call<Forecast>('GET', '/api/forecast');
    const deal = before.deals.find((d) => d.category !== 'best_case') ?? before.deals[0]!;
    assert.ok(deal, 'the rep has open deals closing this quarter');

    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.rep);
    await page.goto(`${base}/forecast`);
    assert.equal(await text(page, 'fc-commit'), `¥${formatFen(before.forecast.commit)}`);
    assert.equal(await text(page, 'fc-weighted'), `¥${formatFen(before.pipeline.weighted)}`);
    await page.getByTestId(`fc-select-rep-${deal.id}`).click();
    await page.locator('.ant-select-item-option').filter({ hasText: '乐观' }).click();
    await page.getByTestId(`fc-cat-${deal.id}`).getByText('乐观').waitFor();
    await shot(page, 'analytics-04-forecast-rep.png');
    let now = await rep.call<Forecast>('GET', '/api/forecast');
    assert.equal(now.deals.find((d) => d.id === deal.id)?.repCategory, 'best_case');
    assert.equal(await text(page, 'fc-commit'), `¥${formatFen(now.forecast.commit)}`);
    await page.close();

    const mpage = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(mpage, base, DEMO.manager);
    await mpage.goto(`${base}/forecast`);
    await mpage.getByTestId(`fc-select-mgr-${deal.id}`).click();
    await mpage.locator('.ant-select-item-option').filter({ hasText: '剔除' }).click();
    await mpage.getByTestId(`fc-cat-${deal.id}`).getByText('剔除').waitFor();
    assert.equal(await text(mpage, `fc-rep-${deal.id}`), '乐观');
    now = await rep.call<Forecast>('GET', '/api/forecast');
    const d = now.deals.find((x) => x.id === deal.id)!;
    assert.deepEqual([d.repCategory, d.managerCategory, d.category], ['best_case', 'omitted', 'omitted']);
    const team = await manager.call<Forecast>('GET', '/api/forecast');
    assert.equal(await text(mpage, 'fc-commit'), `¥${formatFen(team.forecast.commit)}`);
    await shot(mpage, 'analytics-05-forecast-manager.png');
    await mpage.close();
  });

  it('a rep writes and submits the weekly report and the manager comments on it', async () => {
    const rep = await apiAs(base, DEMO.rep);
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.rep);
    await page.goto(`${base}/weekly-reports`);
    await page.getByTestId('weekly-sections').waitFor();
    await page.getByTestId('weekly-plan').fill('拜访无锡客户，推进两个商机到报价谈判');
    await page.getByTestId('weekly-help').fill('需要售前支持一次技术交流');
    await page.getByTestId('weekly-submit').click();
    await page.getByTestId('weekly-submit-confirm').click();
    await page.getByText('周报已提交').waitFor();
    await shot(page, 'analytics-06-weekly-rep.png');
    const list = await rep.call<{ week: string; items: WeeklyReport[] }>('GET', '/api/weekly-reports');
    const mine = list.items[0]!;
    assert.equal(mine.status, 'submitted');
    assert.equal(mine.plan, '拜访无锡客户，推进两个商机到报价谈判');

    const mpage = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(mpage, base, DEMO.manager);
    await mpage.goto(`${base}/weekly-reports`);
    await mpage.getByTestId(`report-status-${rep.user.id}`).waitFor();
    const manager = await apiAs(base, DEMO.manager);
    const team = await manager.call<{ dueAt: string; items: WeeklyReport[] }>('GET', '/api/weekly-reports');
    const other = team.items.find((i) => i.ownerId !== rep.user.id && i.status === 'not_started')!;
    if (Date.parse(team.dueAt) < Date.now()) {
      // Past the deadline, the reps without a report show as missing.
      await mpage.getByTestId(`report-status-${other.ownerId}`).getByText('未提交（已逾期）').waitFor();
    }
    assert.equal(
      await text(mpage, 'weekly-total-submitted'),
      String(team.items.filter((i) => i.status === 'submitted').length),
    );
    await shot(mpage, 'analytics-07-weekly-team.png');
    await mpage.getByTestId(`weekly-open-${rep.user.id}`).click();
    await mpage.getByTestId('report-plan').getByText('拜访无锡客户').waitFor();
    await mpage.getByTestId('weekly-comment').fill('计划清楚，售前支持已安排');
    await mpage.getByTestId('weekly-comment-save').click();
    await mpage.getByText('点评已发送').waitFor();
    await shot(mpage, 'analytics-08-weekly-comment.png');
    const after = await rep.call<WeeklyReport>('GET', `/api/weekly-reports/${rep.user.id}/${mine.week}`);
    assert.equal(after.managerComment, '计划清楚，售前支持已安排');
    await mpage.close();

    await page.reload();
    await page.getByTestId('weekly-comment-shown').getByText('售前支持已安排').waitFor();
    await page.close();
  });

  it('an admin sets the weekly report deadline, which publishes a new version of the deal SOP', async () => {
    const admin = await apiAs(base, DEMO.admin);
    type Settings = {
      deadlineWeekday: number;
      deadlineTime: string;
      playbook: { id: string; versionId: string; version: number };
    };
    const before = await admin.call<Settings>('GET', '/api/weekly-reports/settings');
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.admin);
    await page.goto(`${base}/weekly-reports`);
    const source = page.getByTestId('weekly-deadline-source');
    await source.getByText(`第 ${before.playbook.version} 版`).waitFor();
    await chooseOption(page, page.getByTestId('weekly-deadline-weekday'), '周四');
    await page.getByTestId('weekly-deadline-save').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await source.getByText(`第 ${before.playbook.version + 1} 版`).waitFor();
    await shot(page, 'analytics-09-weekly-deadline-sop.png');
    const after = await admin.call<Settings>('GET', '/api/weekly-reports/settings');
    assert.deepEqual(
      [after.deadlineWeekday, after.deadlineTime, after.playbook.version],
      [4, before.deadlineTime, before.playbook.version + 1],
    );
    // The designer shows the deadline as part of the playbook's new version.
    await source.getByRole('link').click();
    await page.getByTestId('designer-weekly-time').waitFor();
    assert.equal(await page.getByTestId('designer-weekly-time').inputValue(), before.deadlineTime);
    assert.match(await page.getByTestId('designer-weekly-weekday').innerText(), /周四/);
    await page.close();
  });

  it('a before/after comparison shows both sides and the change', async () => {
    const ops = await apiAs(base, DEMO.ops);
    const a = [dayjs().subtract(2, 'month').startOf('month'), dayjs().subtract(2, 'month').endOf('month')];
    const b = [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')];
    const f = (x: dayjs.Dayjs) => x.format('YYYY-MM-DD');
    const c = await ops.call<KpiComparison>(
      'GET',
      `/api/kpis/win_rate/compare?aFrom=${f(a[0]!)}&aTo=${f(a[1]!)}&bFrom=${f(b[0]!)}&bTo=${f(b[1]!)}`,
    );
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.ops);
    await page.goto(`${base}/compare`);
    await page.getByTestId('compare-run').click();
    await page.getByTestId('compare-result').waitFor();
    assert.equal(await text(page, 'compare-a-value'), pct(c.a.value));
    assert.equal(await text(page, 'compare-b-value'), pct(c.b.value));
    assert.equal(await text(page, 'compare-a-count'), String(c.a.count));
    assert.equal(await text(page, 'compare-b-count'), String(c.b.count));
    const rel = c.change.relative;
    assert.equal(
      await text(page, 'compare-relative'),
      rel === null ? '—' : `${rel > 0 ? '+' : ''}${pct(rel)}`,
    );
    await page.getByTestId('compare-chart').locator('canvas').first().waitFor();
    await page.waitForTimeout(500);
    await shot(page, 'analytics-09-compare.png');
    await page.close();
  });

  it('the performance screens in English contain no Chinese', async () => {
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, base, DEMO.manager);
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'Workbench' }).waitFor();
    const screens: [string, string][] = [
      [`/dashboards/team?period=${YEAR}`, 'dash-stat-revenue'],
      [`/dashboards/personal?period=${YEAR}`, 'dash-stat-revenue'],
      ['/targets', 'targets-table'],
      ['/forecast', 'forecast-deals'],
      ['/weekly-reports', 'weekly-team'],
      ['/compare', 'compare-run'],
    ];
    for (const [path, ready] of screens) {
      await page.goto(`${base}${path}`);
      await page.getByTestId(ready).waitFor();
      await page.waitForTimeout(600);
      assertNoCjk(await uiText(page), path);
      if (path.startsWith('/dashboards/team')) await shot(page, 'analytics-13-team-dashboard-en.png');
    }
    await page.getByTestId('compare-run').click();
    await page.getByTestId('compare-result').waitFor();
    assertNoCjk(await uiText(page), 'before/after result');
    await shot(page, 'analytics-10-compare-en.png');

    await page.goto(`${base}/targets`);
    await page.locator('[data-testid^="target-decompose-"]').first().click();
    await page.getByTestId('decompose-preview').waitFor();
    await page.waitForTimeout(400);
    assertNoCjk(await uiText(page), 'decompose drawer');
    await page.keyboard.press('Escape');

    await page.goto(`${base}/weekly-reports`);
    await page.locator('[data-testid^="weekly-open-"]').first().click();
    await page.getByTestId('weekly-sections').waitFor();
    await page.waitForTimeout(400);
    assertNoCjk(await uiText(page), 'weekly report drawer');
    await shot(page, 'analytics-11-weekly-en.png');
    await page.close();
  });

  it('the personal dashboard fits a 390×844 phone without sideways scrolling', async () => {
    // A lead contacted at once: a decided first-contact clock, so the SLA heat map has a cell.
    const rep = await apiAs(base, DEMO.rep);
    const lead = await rep.call<{ id: string }>('POST', '/api/leads', {
      name: '热图测试',
      companyName: '热图测试科技有限公司',
      mobile: '13912340077',
      source: 'website',
    });
    await rep.call('POST', '/api/activities', {
      kind: 'call',
      subject: '首次电话',
      leadId: lead.id,
      occurredAt: new Date().toISOString(),
    });
    const page = await srv.browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, base, DEMO.rep);
    await page.goto(`${base}/dashboards?period=${YEAR}`);
    await page.getByTestId('dash-stat-revenue').waitFor();
    await page.getByTestId('dashboard-funnel').locator('canvas').first().waitFor();
    await page.getByTestId('dashboard-sla').locator('canvas').first().waitFor();
    await page.waitForTimeout(800);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the personal dashboard is ${overflow}px wider than the phone`);
    await shot(page, 'analytics-12-phone-dashboard.png');
    await page.close();
  });
});
