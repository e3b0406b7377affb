import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, DEMO, shot, signIn, startServer, type TestServer } from './support';

// Customers, contacts and opportunities made by hand (not only by converting a lead): from the
// lists and from a customer's page, with the server's field errors shown at the fields.
describe('records made by hand', () => {
  let srv: TestServer;
  const stamp = Date.now().toString(36);
  const company = `苏州手建${stamp}电子有限公司`;

  before(async () => {
    srv = await startServer('records');
  });
  after(async () => {
    await srv?.stop();
  });

  it('a rep creates a customer, then a contact and an opportunity from its page', async () => {
    const page = await srv.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, srv.base, DEMO.rep);
    await page.getByRole('menuitem', { name: '客户' }).click();
    await page.getByTestId('create-record').click();
    const drawer = page.locator('.ant-drawer-content-wrapper');
    // The form checks like the server: a name is required, a credit code must pass its check digit.
    await page.getByTestId('create-record-submit').click();
    await drawer.getByText('请填写名称').waitFor();
    await drawer.getByLabel('名称').fill(company);
    await drawer.getByLabel('统一社会信用代码').fill('91320500MA1XXXXXX1');
    await page.getByTestId('create-record-submit').click();
    await drawer.getByText('统一社会信用代码不正确（18 位，含校验位）').waitFor();
    await drawer.getByLabel('统一社会信用代码').fill('');
    await shot(page, '50-new-customer.png');
    await page.getByTestId('create-record-submit').click();
    await page.waitForURL(/\/accounts\/acc_/);
    const accountId = page.url().split('/').pop()!;
    await page.getByText(company).first().waitFor();

    // A second customer of the same name is refused by the server (查重) and the drawer says so.
    await page.getByRole('menuitem', { name: '客户' }).click();
    await page.getByTestId('create-record').click();
    await drawer.getByLabel('名称').fill(company);
    await page.getByTestId('create-record-submit').click();
    await drawer
      .locator('.ant-form-item-explain-error, [data-testid="create-record-error"]')
      .first()
      .waitFor();
    await shot(page, '51-duplicate-customer.png');
    await drawer.locator('.ant-drawer-close').click();

    await page.goto(`${srv.base}/accounts/${accountId}`);
    await page.getByTestId('related-create-contacts').click();
    await drawer.getByLabel('姓名').fill(`李联系${stamp}`);
    await drawer.getByLabel('手机').fill('123');
    await page.getByTestId('create-record-submit').click();
    await drawer.getByText('手机号格式不正确').waitFor();
    await drawer.getByLabel('手机').fill(`137${String(Date.now()).slice(-8)}`);
    await page.getByTestId('create-record-submit').click();
    await page.waitForURL(/\/contacts\/con_/);

    await page.goto(`${srv.base}/accounts/${accountId}`);
    await page.getByText(`李联系${stamp}`).waitFor();
    await page.getByTestId('related-create-deals').click();
    await drawer.getByLabel('名称').fill(`${company}扩产项目`);
    await drawer.getByLabel('金额').fill('380000');
    await drawer.getByLabel('预计成交').fill('2027-03-31');
    await drawer.getByLabel('预计成交').press('Enter');
    await shot(page, '52-new-deal.png');
    await page.getByTestId('create-record-submit').click();
    await page.waitForURL(/\/deals\/deal_/);
    const dealId = page.url().split('/').pop()!;

    // Editing the opportunity: the required amount and close date are kept and saved.
    await page.getByTestId('edit').click();
    const editDrawer = page.locator('.ant-drawer-content-wrapper');
    await editDrawer.getByLabel('金额').fill('395000');
    await page.getByTestId('save').click();
    await editDrawer.waitFor({ state: 'hidden' }).catch(async () => {
      assert.fail(`saving the opportunity failed: ${await editDrawer.textContent()}`);
    });

    const rep = await apiAs(srv.base, DEMO.rep);
    const deal = await rep.call<{ accountId: string; amount: number; stage: string; ownerId: string }>(
      'GET',
      `/api/deals/${dealId}`,
    );
    assert.equal(deal.accountId, accountId);
    assert.equal(deal.amount, 39_500_000, 'the edited amount is kept exactly in 分');
    assert.equal(deal.stage, 'initial_contact', 'a new opportunity starts at the first SOP stage');
    assert.equal(deal.ownerId, rep.user.id);
    await page.close();
  });
});
