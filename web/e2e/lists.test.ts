import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { apiAs, DEMO, shot, signIn, startServer, type TestServer } from './support';

// Lists that page, sort and search on the server (issue 4 item 3): automation rules, the inbox,
// orders through the shared list page, the deal board's columns from the published playbook,
// and a record's audit history loading more.

const LEGAL = 'legal@demo.salesops.cn';
const FINANCE = 'finance@demo.salesops.cn';

type Call = <T>(method: string, path: string, body?: unknown, ifMatch?: number) => Promise<T>;

/** An API session that can also send If-Match (the support client cannot). */
async function session(base: string, email: string): Promise<{ id: string; call: Call }> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo1234' }),
  });
  assert.equal(res.status, 200, `login ${email}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken, user } = (await res.json()) as { csrfToken: string; user: { id: string } };
  const call: Call = async <T>(method: string, path: string, body?: unknown, ifMatch?: number) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        Cookie: cookie,
        'X-CSRF-Token': csrfToken,
        ...(ifMatch === undefined ? {} : { 'If-Match': `"v${ifMatch}"` }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await r.json().catch(() => ({}));
    assert.ok(r.ok, `${method} ${path} → ${r.status} ${JSON.stringify(data)}`);
    return data as T;
  };
  return { id: user.id, call };
}

/** The request the list sends next, matching `pattern`: proof that the server does the work. */
const nextRequest = (page: Page, pattern: RegExp) =>
  page.waitForRequest((r) => r.method() === 'GET' && pattern.test(decodeURIComponent(r.url())));

describe('server-side lists in the browser', () => {
  let srv: TestServer;
  const stamp = Date.now().toString(36);
  let rep: Awaited<ReturnType<typeof session>>;
  let ops: Awaited<ReturnType<typeof session>>;
  let approvers: Array<Awaited<ReturnType<typeof session>>>;

  before(async () => {
    srv = await startServer('lists');
    rep = await session(srv.base, DEMO.rep);
    ops = await session(srv.base, DEMO.ops);
    approvers = await Promise.all(
      [DEMO.admin, DEMO.manager, DEMO.ops, FINANCE, LEGAL].map((e) => session(srv.base, e)),
    );
  });
  after(async () => {
    await srv?.stop();
  });

  async function openAs(email: string): Promise<Page> {
    const page = await srv.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, srv.base, email);
    return page;
  }

  async function approveAll(approvalId: string) {
    for (let i = 0; i < 8; i++) {
      const req = await ops.call<{ status: string; pendingApprovers: string[] }>(
        'GET',
        `/api/approvals/${approvalId}`,
      );
      if (req.status !== 'pending') return req.status;
      const who = approvers.find((a) => req.pendingApprovers.includes(a.id));
      assert.ok(who, `an approver among ${req.pendingApprovers.join(',')}`);
      await who.call('POST', `/api/approvals/${approvalId}/decide`, { decision: 'approve', comment: 'ok' });
    }
    throw new Error('the approval did not finish');
  }

  it('automation rules: paged, searched and sorted by the server', async () => {
    // 23 paused rules (paused: they must not fire in the other tests).
    for (let i = 1; i <= 23; i++)
      await ops.call('POST', '/api/automation-rules', {
        name: `List rule ${String(i).padStart(2, '0')} ${stamp}`,
        status: 'paused',
        trigger: { event: i % 2 ? 'record.created' : 'record.updated', recordType: 'lead' },
        actions: [{ type: 'notify', to: { owner: true }, title: 'x' }],
      });
    const { total } = await ops.call<{ total: number }>('GET', '/api/automation-rules?limit=1');
    assert.ok(total >= 23);
    const page = await openAs(DEMO.ops);
    await page.goto(`${srv.base}/automation`);
    const table = page.getByTestId('rule-table');
    await page.getByTestId('list-total').getByText(`共 ${total} 条`).waitFor();
    await table.locator('.ant-table-row').first().waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), Math.min(20, total), 'one page of 20');

    // Search: the server answers with the 23 of this run, 20 on the first page.
    const searched = nextRequest(page, new RegExp(`/api/automation-rules\\?.*q=${stamp}`));
    await page.getByTestId('rule-search').locator('input').fill(stamp);
    await searched;
    await page.getByTestId('list-total').getByText('共 23 条').waitFor();
    await page.getByTestId('list-page').getByText('第 1 页 / 2').waitFor();

    // Sort by name on the server: ascending, then descending.
    const asc = nextRequest(page, /\/api\/automation-rules\?.*sort=name/);
    await table.locator('th').filter({ hasText: '规则名称' }).click();
    await asc;
    await table.locator('.ant-table-row').first().getByText(`List rule 01 ${stamp}`).waitFor();
    const desc = nextRequest(page, /\/api\/automation-rules\?.*sort=-name/);
    await table.locator('th').filter({ hasText: '规则名称' }).click();
    await desc;
    await table.locator('.ant-table-row').first().getByText(`List rule 23 ${stamp}`).waitFor();
    // The second page holds the rest.
    const second = nextRequest(page, /\/api\/automation-rules\?.*offset=20/);
    await page.getByTestId('next-page').click();
    await second;
    await table.locator('.ant-table-row').first().getByText(`List rule 03 ${stamp}`).waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), 3);
    await shot(page, 'lists-01-automation-rules.png');

    // A filter that finds nothing says so.
    await page.getByTestId('rule-search').locator('input').fill(`${stamp}-none`);
    await table.getByText('没有符合搜索或筛选条件的记录').waitFor();
    await page.close();
  });

  it('the inbox is searched and sorted on the server', async () => {
    await ops.call('POST', '/api/automation-rules', {
      name: `Inbox ${stamp}`,
      trigger: { event: 'record.created', recordType: 'lead' },
      actions: [
        {
          type: 'notify',
          to: { owner: true },
          title: { 'zh-CN': `新线索提醒${stamp}`, 'en-US': `New lead ${stamp}` },
        },
      ],
    });
    for (let i = 1; i <= 3; i++)
      await rep.call('POST', '/api/leads', {
        name: `收件箱${i}${stamp}`,
        companyName: `收件箱公司${i}${stamp}`,
        source: 'website',
      });
    const page = await openAs(DEMO.rep);
    await page.goto(`${srv.base}/notifications`);
    await page.getByTestId('inbox-total').waitFor();
    const searched = nextRequest(page, new RegExp(`/api/notifications\\?.*q=${stamp}`));
    await page.getByTestId('inbox-search').locator('input').fill(stamp);
    await searched;
    await page.getByTestId('inbox-total').getByText('共 3 条').waitFor();
    assert.equal(await page.getByTestId('inbox-item').count(), 3);
    await shot(page, 'lists-02-inbox-search.png');
    const oldest = nextRequest(page, /\/api\/notifications\?.*sort=createdAt/);
    await page.getByTestId('inbox-sort').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option')
      .filter({ hasText: '最早在前' })
      .click();
    await oldest;
    await page.getByTestId('inbox-item').first().waitFor();
    await page.getByTestId('inbox-search').locator('input').fill(`${stamp}-nothing`);
    await page.getByText('没有符合搜索的通知').waitFor();
    await page.close();
  });

  it('orders are searched and sorted through the shared list page', async () => {
    const deals = (await rep.call<{ items: Array<{ id: string }> }>('GET', '/api/deals?status=open&limit=2'))
      .items;
    const product = (
      await rep.call<{ items: Array<{ id: string }> }>('GET', '/api/products?status=active&limit=1')
    ).items[0]!;
    const orders: Array<{ id: string; number: string; grossAmount: number }> = [];
    for (const [i, quantity] of [2, 5].entries()) {
      const q = await rep.call<{ id: string; version: number }>('POST', '/api/quotes', {
        dealId: deals[i]!.id,
        title: `List quote ${stamp}`,
        lines: [{ productId: product.id, quantity: String(quantity), discountPercent: '0' }],
        terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
      });
      const sub = await rep.call<{ status: string; approvalId: string | null }>(
        'POST',
        `/api/quotes/${q.id}/submit`,
        undefined,
        q.version,
      );
      if (sub.status === 'pending_approval') await approveAll(sub.approvalId!);
      const approved = await rep.call<{ version: number }>('GET', `/api/quotes/${q.id}`);
      await rep.call('POST', `/api/quotes/${q.id}/accept`, {}, approved.version);
      const c = await rep.call<{ id: string; version: number }>('POST', '/api/contracts', {
        quoteId: q.id,
        paymentTerms: [{ name: '全款', percent: 100, daysAfterSigning: 30 }],
      });
      const cs = await rep.call<{ approvalId: string }>(
        'POST',
        `/api/contracts/${c.id}/submit`,
        undefined,
        c.version,
      );
      assert.equal(await approveAll(cs.approvalId), 'approved');
      const ca = await rep.call<{ version: number }>('GET', `/api/contracts/${c.id}`);
      await rep.call(
        'POST',
        `/api/contracts/${c.id}/sign`,
        { signedOn: '2026-11-20', signatories: [{ party: 'customer', name: '客户代表' }] },
        ca.version,
      );
      orders.push(await rep.call('POST', '/api/orders', { contractId: c.id, deliveryDate: '2026-12-20' }));
    }
    const page = await openAs(DEMO.rep);
    await page.goto(`${srv.base}/orders`);
    const table = page.getByTestId('order-table');
    await page.getByTestId('list-total').getByText('共 2 条').waitFor();
    // Search by the order number, on the server.
    const searched = nextRequest(page, new RegExp(`/api/orders\\?.*q=${orders[1]!.number}`));
    await page.getByTestId('order-search').locator('input').fill(orders[1]!.number);
    await searched;
    await page.getByTestId('list-total').getByText('共 1 条').waitFor();
    await table.locator(`a[href="/orders/${orders[1]!.id}"]`).waitFor();
    assert.equal(await table.locator('.ant-table-row').count(), 1);
    await shot(page, 'lists-03-orders-search.png');
    // Sort by amount, on the server: the smaller order first, then last.
    await page.getByTestId('order-search').locator('input').fill('');
    await page.getByTestId('list-total').getByText('共 2 条').waitFor();
    const asc = nextRequest(page, /\/api\/orders\?.*sort=grossAmount/);
    await table.locator('th').filter({ hasText: '订单金额' }).click();
    await asc;
    await table.locator('.ant-table-row').first().locator(`a[href="/orders/${orders[0]!.id}"]`).waitFor();
    const desc = nextRequest(page, /\/api\/orders\?.*sort=-grossAmount/);
    await table.locator('th').filter({ hasText: '订单金额' }).click();
    await desc;
    await table.locator('.ant-table-row').first().locator(`a[href="/orders/${orders[1]!.id}"]`).waitFor();
    await shot(page, 'lists-04-orders-sorted.png');
    await page.getByTestId('order-search').locator('input').fill(`no-such-${stamp}`);
    await table.getByText('没有符合条件的订单').waitFor();
    await page.close();
  });

  it('the deal board shows a stage added by a newly published playbook, and keeps deals of a dropped one', async () => {
    const opsApi = await apiAs(srv.base, DEMO.ops);
    const pb = (
      await opsApi.call<{ items: Array<{ id: string; process: string; publishedVersionId: string }> }>(
        'GET',
        '/api/playbooks',
      )
    ).items.find((p) => p.process === 'deal')!;
    const current = (
      await opsApi.call<{ definition: { stages: Array<Record<string, unknown>> } }>(
        'GET',
        `/api/playbook-versions/${pb.publishedVersionId}`,
      )
    ).definition;
    const stages: Array<Record<string, unknown>> = current.stages
      .filter((s) => s.key !== 'solution')
      .map((s) => ({ ...s, allowedNext: (s.allowedNext as string[]).filter((k) => k !== 'solution') }));
    stages[0] = { ...stages[0], checklist: [], forms: [], allowedNext: ['tech_review', 'lost'] };
    stages[1] = { ...stages[1], allowedNext: ['negotiation', 'lost'] };
    stages.splice(1, 0, {
      key: 'tech_review',
      name: { 'zh-CN': '技术评审', 'en-US': 'Technical review' },
      ownerRole: 'rep',
      probability: 20,
      allowedNext: ['needs_analysis', 'lost'],
    });
    // A deal of the rep's on the stage the new version drops.
    const account = (await rep.call<{ items: Array<{ id: string }> }>('GET', '/api/accounts?limit=1'))
      .items[0]!;
    const early = await ops.call<{ id: string }>('POST', '/api/deals', {
      accountId: account.id,
      name: `方案商机${stamp}`,
      amount: 660_000,
      expectedCloseDate: '2026-12-31',
      stage: 'solution',
      ownerId: rep.id,
    });
    const draft = await opsApi.call<{ id: string }>('POST', `/api/playbooks/${pb.id}/versions`, {
      definition: { ...current, stages },
    });
    await opsApi.call('POST', `/api/playbook-versions/${draft.id}/publish`, { openRecords: 'stay' });
    // A deal of the new version moves into the new stage.
    const deal = await rep.call<{ id: string; version: number; name: string }>('POST', '/api/deals', {
      accountId: account.id,
      name: `评审商机${stamp}`,
      amount: 880_000,
      expectedCloseDate: '2026-12-31',
    });
    await rep.call('POST', `/api/deals/${deal.id}/move`, { toStage: 'tech_review' }, deal.version);

    const page = await openAs(DEMO.rep);
    await page.goto(`${srv.base}/deals`);
    const column = page.getByTestId('kanban-col-tech_review');
    await column.getByText('技术评审').waitFor();
    await column.locator(`[data-deal-id="${deal.id}"]`).waitFor();
    assert.equal(await page.getByTestId('kanban-col-solution').count(), 0, 'the dropped stage has no column');
    // Deals still on the dropped stage are in the extra column, not gone.
    const other = page.getByTestId('kanban-col-_other');
    await other.getByText('其他阶段').waitFor();
    await other.locator(`[data-deal-id="${early.id}"]`).waitFor();
    await shot(page, 'lists-05-kanban-playbook-stages.png');
    await page.close();
  });

  it("a record's audit history loads more, a page at a time", async () => {
    let lead = await rep.call<{ id: string; version: number }>('POST', '/api/leads', {
      name: `历史很多${stamp}`,
      companyName: `历史很多公司${stamp}`,
      source: 'website',
    });
    for (let i = 1; i <= 55; i++)
      lead = await rep.call('PATCH', `/api/leads/${lead.id}`, { notes: `第${i}次修改` }, lead.version);
    const history = await rep.call<{ total: number }>('GET', `/api/leads/${lead.id}/history?limit=1`);
    assert.equal(history.total, 56);
    const page = await openAs(DEMO.rep);
    await page.goto(`${srv.base}/leads/${lead.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.getByTestId('timeline-audit').first().waitFor();
    assert.equal(await timeline.getByTestId('timeline-audit').count(), 50, 'the first page of changes');
    const more = timeline.getByTestId('timeline-more');
    await more.getByText('已显示 50 / 共 56 条').waitFor();
    await shot(page, 'lists-06-history-first-page.png');
    const next = nextRequest(page, new RegExp(`/api/leads/${lead.id}/history\\?limit=50&offset=50`));
    await more.click();
    await next;
    await more.waitFor({ state: 'hidden' });
    assert.equal(await timeline.getByTestId('timeline-audit').count(), 56);
    await shot(page, 'lists-07-history-all.png');
    await page.close();
  });
});
