import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  type ApiClient,
  apiAs,
  assertNoCjk,
  DEMO,
  shot,
  signIn,
  startServer,
  type TestServer,
  uiText,
} from './support';

// Quote to cash end to end (SQLite, demo company, Debian's chromium): an accepted quote becomes a
// contract in the UI, is approved by the approvers the matrix picks (through the API), signed
// with its scan uploaded, turned into an order that is handed off, shipped and accepted; finance
// records the money (an over-payment only after confirming) and the receivables page shows it.

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const LEGAL = 'legal@demo.salesops.cn';
const FINANCE = 'finance@demo.salesops.cn';
const DELIVERY_NAME = '郭交付';

interface Approval {
  status: string;
  pendingApprovers: string[];
}
interface Contract {
  id: string;
  status: string;
  approvalId: string | null;
  grossAmount: number;
  clauses: Array<{ key: string; title: string; body: string }>;
  scanAttachmentId: string | null;
}

const yuan = (fen: number) =>
  `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
const yuanInput = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describe('quote to cash screens', () => {
  let srv: TestServer;
  let approvers: ApiClient[];
  let rep: ApiClient;
  let quoteId = '';
  let contractId = '';
  let orderId = '';
  let gross = 0;
  let accountName = '';
  /** The rep stays signed in from one step to the next. */
  let repUi: { ctx: BrowserContext; page: Page };

  /** Decides every pending step as whoever the matrix put there. */
  async function approveAll(approvalId: string): Promise<string> {
    for (let i = 0; i < 8; i++) {
      const req = await approvers[0]!.call<Approval>('GET', `/api/approvals/${approvalId}`);
      if (req.status !== 'pending') return req.status;
      const who = approvers.find((a) => req.pendingApprovers.includes(a.user.id));
      assert.ok(who, `an approver among ${req.pendingApprovers.join(',')}`);
      await who.call('POST', `/api/approvals/${approvalId}/decide`, { decision: 'approve', comment: '同意' });
    }
    throw new Error('the approval did not finish');
  }

  async function open(email: string, width = 1280, height = 860) {
    const ctx = await srv.browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const page = await ctx.newPage();
    await signIn(page, srv.base, email);
    return { ctx, page };
  }
  const option = (page: Page, text: string | RegExp) =>
    page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first();
  /** The UI text; approvers' names and comments in the shared approval steps are user data. */
  async function englishText(page: Page) {
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('[data-testid=approval-steps] .ant-typography'))
        el.setAttribute('data-value', '');
    });
    return uiText(page);
  }
  /** Saves the order page's dialog; a refusal fails the test with the message the page shows. */
  async function saveDialog(page: Page) {
    await page.getByTestId('order-dialog-ok').click();
    const error = page.getByTestId('order-dialog-error');
    const outcome = await Promise.race([
      page
        .locator('.ant-modal-wrap:visible')
        .waitFor({ state: 'hidden' })
        .then(() => 'closed'),
      error.waitFor().then(() => 'error'),
    ]);
    if (outcome === 'error') assert.fail(`the dialog was refused: ${await error.innerText()}`);
  }
  const contract = () => rep.call<Contract>('GET', `/api/contracts/${contractId}`);

  before(async () => {
    srv = await startServer('q2c');
    rep = await apiAs(srv.base, DEMO.rep);
    approvers = await Promise.all(
      [DEMO.admin, DEMO.manager, DEMO.ops, FINANCE, LEGAL].map((e) => apiAs(srv.base, e)),
    );
    await approvers[0]!.call('POST', '/api/contract-templates', {
      name: '标准销售合同',
      clauses: [
        { key: 'parties', title: '合同双方', body: '甲方：{customerName}' },
        {
          key: 'price',
          title: '合同价款',
          body: '合同总价 {grossAmount} {currency}；付款：{paymentSchedule}',
        },
        { key: 'delivery', title: '交货', body: '乙方于 {deliveryDate} 前交货。' },
      ],
    });
    // The rep's quote on an open deal of theirs: two of a catalogue product, no discount.
    const deal = (
      await rep.call<{ items: Array<{ id: string; accountId: string }> }>(
        'GET',
        '/api/deals?status=open&limit=1',
      )
    ).items[0]!;
    accountName = (await rep.call<{ name: string }>('GET', `/api/accounts/${deal.accountId}`)).name;
    const product = (
      await rep.call<{ items: Array<{ id: string }> }>('GET', '/api/products?status=active&limit=1')
    ).items[0]!;
    const q = await rep.call<{ id: string }>('POST', '/api/quotes', {
      dealId: deal.id,
      title: '端到端测试报价',
      lines: [{ productId: product.id, quantity: '2', discountPercent: '0' }],
      terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
    });
    quoteId = q.id;
  });

  after(async () => {
    await repUi?.ctx.close();
    await srv?.stop();
  });

  it('the rep gets the quote accepted, downloads its PDF and drafts a contract from it with a template', async () => {
    repUi = await open(DEMO.rep);
    const { page } = repUi;
    await page.goto(`${srv.base}/quotes/${quoteId}`);
    await page.getByTestId('quote-submit').click();
    await page.getByTestId('quote-submit-confirm').click();
    await page.locator('[data-testid=quote-status]:not([data-status=draft])').waitFor();
    const submitted = await rep.call<{ status: string; approvalId: string | null }>(
      'GET',
      `/api/quotes/${quoteId}`,
    );
    if (submitted.status === 'pending_approval') await approveAll(submitted.approvalId!);
    await page.reload();
    await page.getByRole('button', { name: '客户接受' }).click();
    await page.locator('[data-testid=quote-status][data-status=accepted]').waitFor();

    // The quote as a PDF, in Chinese and in English.
    for (const [lang, name] of [
      ['zh', /^报价单-.*\.pdf$/],
      ['en', /^Quotation-.*\.pdf$/],
    ] as const) {
      await page.getByTestId('quote-pdf').hover();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`quote-pdf-${lang}`).click(),
      ]);
      assert.match(download.suggestedFilename(), name);
      assert.equal(
        readFileSync(await download.path())
          .subarray(0, 5)
          .toString('latin1'),
        '%PDF-',
      );
    }
    await shot(page, 'q2c-01-quote-accepted.png');

    await page.getByTestId('quote-create-contract').click();
    await page.waitForURL(/\/contracts\/new\?quoteId=/);
    await page.getByTestId('contract-quote').getByText('端到端测试报价', { exact: false }).waitFor();
    await page.getByTestId('contract-template').click();
    await option(page, '标准销售合同').click();
    await page.getByTestId('clause-2-body').waitFor();
    await page.getByTestId('clause-2-body').fill('乙方于合同签订后 15 个工作日内交货，运费由乙方承担。');
    // Payment terms that do not add up to 100 % are refused on the form.
    await page.getByTestId('term-0-name').fill('预付款');
    await page.getByTestId('term-0-percent').fill('30');
    await page.getByTestId('term-0-days').fill('0');
    await page.getByTestId('contract-create').click();
    await page.getByText('各期比例合计须为 100%，当前为 30%').waitFor();
    await page.getByTestId('term-add').click();
    await page.getByTestId('term-1-name').fill('到货款');
    await page.getByTestId('term-1-percent').fill('70');
    await page.getByTestId('term-1-days').fill('30');
    await shot(page, 'q2c-02-contract-new.png');
    await page.getByTestId('contract-create').click();
    await page.waitForURL(/\/contracts\/ct_/);
    contractId = page.url().split('/contracts/')[1]!;
    await page.locator('[data-testid=contract-status][data-status=draft]').waitFor();
    const drafted = await contract();
    gross = drafted.grossAmount;
    assert.equal(await page.getByTestId('contract-gross').innerText(), yuan(gross));
    // Placeholders filled by the server; the edited clause kept as typed.
    assert.equal(drafted.clauses[0]!.body, `甲方：${accountName}`);
    assert.match(drafted.clauses[2]!.body, /15 个工作日/);
  });

  it('is submitted in the UI, approved by the matrix’s approvers, and linked from the approvals list', async () => {
    const { page } = repUi;
    await page.getByTestId('contract-submit').click();
    await page.getByTestId('contract-submit-confirm').click();
    await page.locator('[data-testid=contract-status][data-status=pending_approval]').waitFor();
    // The contract matrix always asks the manager and legal.
    await page.getByTestId('approval-steps').getByText('销售经理').waitFor();
    await page.getByTestId('approval-steps').getByText('法务').waitFor();
    await shot(page, 'q2c-03-contract-pending.png');

    // The rep's own requests link to the contract.
    await page.goto(`${srv.base}/approvals`);
    await page.getByTestId('approval-box').getByText('我发起的').click();
    await page.locator(`a[href="/contracts/${contractId}"]`).first().click();
    await page.waitForURL(new RegExp(`/contracts/${contractId}$`));

    assert.equal(await approveAll((await contract()).approvalId!), 'approved');
    await page.reload();
    await page.locator('[data-testid=contract-status][data-status=approved]').waitFor();
  });

  it('is signed with its scan uploaded (a wrong file refused), then read-only, with the payment plan', async () => {
    const { page } = repUi;
    await page.getByTestId('contract-sign').click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.getByTestId('signatory-0-name').fill('王总');
    await dialog.getByTestId('signatory-1-name').fill('周建华');
    // A script dressed up as a PDF: the server reads the content and says no.
    await dialog.locator('input[type=file]').setInputFiles({
      name: '扫描件.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('#!/bin/sh\necho hi\n'),
    });
    await dialog.getByTestId('sign-attachments-error').waitFor();
    await dialog.locator('input[type=file]').setInputFiles({
      name: '合同签署扫描件.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await dialog.getByTestId('sign-attachments-item').waitFor();
    await dialog.getByTestId('sign-scan').getByText('合同签署扫描件.pdf').waitFor();
    await shot(page, 'q2c-04-contract-sign.png');
    await page.getByTestId('sign-ok').click();
    await page.locator('[data-testid=contract-status][data-status=signed]').waitFor();
    const signed = await contract();
    assert.ok(signed.scanAttachmentId, 'the scan is on the signed version');
    // Signed: no more editing, only an amendment.
    assert.equal(await page.getByTestId('contract-submit').count(), 0);
    await page.getByTestId('contract-amend').waitFor();
    await page.getByRole('tab', { name: '条款' }).click();
    assert.ok(await page.getByTestId('clause-0-title').isDisabled());
    await page.getByRole('tab', { name: '回款' }).click();
    await page.getByTestId('instalments').locator('.ant-table-row').nth(1).waitFor();
    assert.equal(await page.getByTestId('instalments').locator('.ant-table-row').count(), 2);
    assert.equal(await page.getByTestId('receipt-new').count(), 0, 'a rep does not record receipts');
    await shot(page, 'q2c-05-contract-signed.png');

    // The list finds it by customer name (server-side search) and by status; none for another status.
    await page.goto(`${srv.base}/contracts`);
    await page.getByTestId('contract-search').locator('input').fill(accountName.slice(0, 4));
    const rows = page.getByTestId('contract-table').locator('.ant-table-row');
    await rows.filter({ has: page.locator(`a[href="/contracts/${contractId}"]`) }).waitFor();
    await page.getByTestId('contract-status-filter').click();
    await option(page, '草稿').click();
    await page.getByTestId('contract-table').getByText('没有符合条件的合同').waitFor();
    await shot(page, 'q2c-05b-contract-list.png');
    await page.goto(`${srv.base}/contracts/${contractId}`);
    await page.getByTestId('contract-summary').waitFor();
  });

  it('becomes an order that is handed off, shipped and accepted with its document', async () => {
    const { page } = repUi;
    await page.getByRole('tab', { name: '概要' }).click();
    const sopAnswer = page.waitForResponse((r) => /\/api\/orders\/so_[^/]+\/sop$/.test(r.url()));
    await page.getByTestId('order-create').click();
    await page.waitForURL(/\/orders\/so_/);
    // The order's SOP panel, where the server runs one for orders.
    if ((await sopAnswer).ok()) await page.getByTestId('order-sop').waitFor();
    orderId = page.url().split('/orders/')[1]!;
    await page.locator('[data-testid=order-status][data-status=open]').waitFor();

    await page.getByTestId('handoff-new').click();
    await page.getByTestId('handoff-department').click();
    await option(page, '生产').click();
    await page.getByTestId('handoff-assignee').click();
    await page.keyboard.type(DELIVERY_NAME);
    await option(page, DELIVERY_NAME).click();
    await saveDialog(page);
    await page.locator('[data-testid=order-status][data-status=in_fulfilment]').waitFor();
    await page.getByTestId('handoff-done').click();
    await page.locator('[data-testid=handoff-status][data-status=done]').waitFor();

    await page.getByTestId('shipment-new').click();
    await page.getByTestId('shipment-carrier').fill('顺丰速运');
    await page.getByTestId('shipment-tracking').fill('SF1234567890');
    // Shipping more than was ordered is refused on the field.
    await page.getByTestId('shipment-line-0').fill('3');
    await page.getByTestId('order-dialog-ok').click();
    await page.getByText('不能超过待发数量 2').waitFor();
    await page.getByTestId('shipment-line-0').fill('2');
    await saveDialog(page);
    await page.locator('[data-testid=order-status][data-status=shipped]').waitFor();
    await page.getByTestId('shipments').getByText('SF1234567890').waitFor();
    assert.equal(await page.getByTestId('order-cancel').count(), 0, 'a shipped order cannot be cancelled');

    await page.getByTestId('acceptance-new').click();
    await page.getByTestId('acceptance-document').fill('QS-2026-001');
    await page
      .locator('.ant-modal:visible input[type=file]')
      .setInputFiles({ name: '签收单.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByTestId('acceptance-scan').getByText('签收单.pdf').waitFor();
    await saveDialog(page);
    await page.getByTestId('shipment-accepted').waitFor();
    await page.locator('[data-testid=order-status][data-status=accepted]').waitFor();
    await page.getByTestId('order-attachments-item').first().waitFor();
    await shot(page, 'q2c-06-order-accepted.png');
  });

  it('finance records a receipt, the receivables page shows what is left, and an over-payment needs confirming', async () => {
    const { ctx, page } = await open(FINANCE);
    await page.goto(`${srv.base}/contracts/${contractId}`);
    await page.getByRole('tab', { name: '回款' }).click();
    const prepayment = Math.round(gross * 0.3);
    await page.getByTestId('receipt-new').click();
    await page.getByTestId('receipt-amount').fill(yuanInput(prepayment));
    await page.getByTestId('receipt-ok').click();
    await page.getByTestId('receipts').locator('.ant-table-row').first().waitFor();
    assert.equal(
      await page.getByTestId('plan-received').locator('.ant-statistic-content-value').innerText(),
      yuan(prepayment),
    );
    await page.locator('[data-testid=instalment-status][data-status=paid]').waitFor();
    await shot(page, 'q2c-07-receipt.png');

    // What is left (70 %, not yet due) by customer; the first instalment collected in full.
    await page.getByRole('menuitem', { name: '报价到回款' }).hover();
    await page.getByRole('menuitem', { name: '应收款' }).click();
    await page.waitForURL(/\/receivables$/);
    const row = page.getByTestId('ageing-table').locator('.ant-table-row').filter({ hasText: accountName });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(yuan(gross - prepayment).replace(/[.$]/g, '\\$&')));
    await page.getByTestId('ageing-chart').locator('canvas').waitFor();
    await page
      .getByTestId('collection-table')
      .locator('.ant-table-row')
      .filter({ hasText: accountName })
      .waitFor();
    assert.equal(
      await page.getByTestId('collection-rate').locator('.ant-statistic-content-value').innerText(),
      '100.00%',
    );
    await shot(page, 'q2c-08-receivables.png');

    // More than is owed: the server asks, the UI says so and records it once confirmed.
    await page.goto(`${srv.base}/contracts/${contractId}`);
    await page.getByRole('tab', { name: '回款' }).click();
    await page.getByTestId('receipt-new').click();
    await page.getByTestId('receipt-amount').fill(yuanInput(gross - prepayment + 10000));
    await page.getByTestId('receipt-ok').click();
    await page.locator('.ant-modal-confirm-title').getByText('回款超过应收').waitFor();
    await page.getByTestId('overpay-confirm').waitFor();
    await page.waitForTimeout(500); // the dialog's opening animation, for the screenshot
    await shot(page, 'q2c-09-overpayment-confirm.png');
    await page.getByTestId('overpay-confirm').click();
    await page.getByTestId('receipts').locator('.ant-table-row').nth(1).waitFor();
    assert.equal(
      await page.getByTestId('plan-overpaid').locator('.ant-statistic-content-value').innerText(),
      yuan(10000),
    );
    // Paid in full and accepted: the order is closed by the server.
    const order = await rep.call<{ status: string }>('GET', `/api/orders/${orderId}`);
    assert.equal(order.status, 'closed');
    await ctx.close();
  });

  it('the new screens are all English in English, and the contract fits a phone', async () => {
    const { page } = repUi;
    await page.evaluate(() => localStorage.setItem('salesops.language', 'en-US'));
    const screens: Array<[string, string]> = [
      ['/contracts', 'contract-table'],
      ['/contracts/new', 'contract-form'],
      [`/contracts/${contractId}`, 'contract-summary'],
      ['/orders', 'order-table'],
      [`/orders/${orderId}`, 'shipments'],
      ['/receivables', 'ageing-table'],
    ];
    for (const [path, testId] of screens) {
      await page.goto(`${srv.base}${path}`);
      await page.getByTestId(testId).waitFor();
      await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning'));
      assertNoCjk(await englishText(page), path);
    }
    await page.goto(`${srv.base}/contracts/${contractId}`);
    await page.getByRole('tab', { name: 'Payments' }).click();
    await page.getByTestId('payment-plan').waitFor();
    assertNoCjk(await englishText(page), 'contract payments');
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('contract-versions').waitFor();
    assertNoCjk(await englishText(page), 'contract history');
    await shot(page, 'q2c-10-contract-en.png');

    const phoneCtx = await srv.browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await repUi.ctx.storageState(),
    });
    const phone = await phoneCtx.newPage();
    for (const path of [`/contracts/${contractId}`, `/orders/${orderId}`, '/contracts']) {
      await phone.goto(`${srv.base}${path}`);
      await phone.locator('.ant-card').first().waitFor();
      await phone.waitForFunction(() => !document.querySelector('.ant-spin-spinning'));
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `${path} is ${width}px wide`);
    }
    await phone.goto(`${srv.base}/contracts/${contractId}`);
    await phone.getByTestId('contract-summary').waitFor();
    await shot(phone, 'q2c-11-phone-contract.png');
    await phoneCtx.close();
  });

  it('the quote editor offers the price lists per channel', async () => {
    await approvers[0]!.call('POST', '/api/price-lists', { name: '经销商价格表', channel: 'distributor' });
    const { page } = repUi;
    await page.goto(`${srv.base}/quotes/new`);
    await page.getByTestId('quote-price-list').click();
    await option(page, /经销商价格表 · Distributor · CNY/).waitFor();
    await shot(page, 'q2c-12-price-list.png');
  });

  it('a signed contract is amended as a new version; the history keeps both', async () => {
    const { page } = repUi;
    await page.goto(`${srv.base}/contracts/${contractId}`);
    await page.getByTestId('contract-amend').click();
    await page.locator('.ant-modal:visible').getByTestId('contract-note').fill('交货期延长 10 天');
    await page.getByTestId('amend-ok').click();
    await page.locator('[data-testid=contract-status][data-status=draft]').waitFor();
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('contract-versions').getByText('Amendment').waitFor();
    assert.equal(await page.getByTestId('contract-versions').locator('.ant-collapse-item').count(), 2);
    await shot(page, 'q2c-13-amendment.png');
    // The amendment is a draft: its clauses are edited and saved before it goes for approval.
    await page.getByRole('tab', { name: 'Edit clauses' }).click();
    await page
      .getByTestId('contract-edit-form')
      .getByTestId('clause-2-body')
      .fill('乙方于合同签订后 25 个工作日内交货。');
    await page.getByTestId('contract-save').click();
    await page.getByText('Saved').waitFor();
    assert.match((await contract()).clauses[2]!.body, /25 个工作日/);
    await page.getByTestId('contract-submit').waitFor();
  });
});
