import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDocumentPdf } from '../src/modules/documents/document.renderer';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The quote PDF in Chinese and English: rendered with the shipped Noto Sans SC font and read
// back with pdf-parse, so the assertions are on the text a customer would see.
async function pdfText(buf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(buf) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('quote PDF', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let repB: Client;
  let manager: Client;
  let quote: { id: string; number: string; grossAmount: number; netAmount: number; taxAmount: number };
  const customer = '杭州西湖智能装备有限公司';

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, repB, manager] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repB1),
      clientFor(app, org.users.managerA),
    ]);
    const admin = await clientFor(app, org.users.admin);
    const gateway = (
      await admin.post('/api/products', {
        sku: 'GW-8',
        name: '工业网关八口',
        spec: '8口千兆/宽温',
        listPrice: 1_288_800, // 12,888.00 元
        cost: 777_700,
      })
    ).json();
    const account = (await rep.post('/api/accounts', makeAccountInput({ name: customer }))).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const res = await rep.post('/api/quotes', {
      dealId: deal.id,
      title: '产线联网改造',
      taxMode: 'exclusive',
      lines: [{ productId: gateway.id, quantity: 3, discountPercent: 5, taxRatePercent: 13 }],
      terms: {
        paymentTerms: '预付30%，验收后付清',
        paymentDays: 45,
        validUntil: '2099-12-31',
        deliveryDate: '2099-01-15',
      },
    });
    expect(res.statusCode).toBe(201);
    quote = res.json();
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const yuan = (fen: number) =>
    `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

  it('renders the Chinese quote with the product, customer, terms and totals in 元', async () => {
    const res = await rep.get(`/api/quotes/${quote.id}/pdf?lang=zh-CN`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-disposition'])).toContain(
      encodeURIComponent(`报价单-${quote.number}.pdf`),
    );
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('报价单');
    expect(text).toContain(quote.number);
    expect(text).toContain('工业网关八口');
    expect(text).toContain('8口千兆/宽温');
    expect(text).toContain(customer);
    expect(text).toContain(org.tenant.name);
    expect(text).toContain('预付30%，验收后付清');
    expect(text).toContain('2099-12-31');
    expect(text).toContain('2099-01-15');
    // 3 × 12,888.00 less 5 % = 36,730.80 net; 13 % VAT 4,775.00; total 41,505.80.
    expect([quote.netAmount, quote.taxAmount, quote.grossAmount]).toEqual([3_673_080, 477_500, 4_150_580]);
    expect(text).toContain(`${yuan(quote.grossAmount)} 元`);
    expect(text).toContain('41,505.80 元');
    expect(text).toContain('肆万壹仟伍佰零伍元捌角整');
    // Cost (7,777.00 元 a unit) is never printed.
    expect(text).not.toContain('7,777.00');
    expect(text).not.toMatch(/成本|毛利/);
  });

  it('renders the English quotation, and by default the caller’s language', async () => {
    const res = await rep.get(`/api/quotes/${quote.id}/pdf?lang=en-US`);
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('Quotation');
    expect(text).toContain('CNY 41,505.80');
    expect(text).toContain('工业网关八口');
    expect(text).not.toContain('报价单');

    const byDefault = await pdfText((await rep.get(`/api/quotes/${quote.id}/pdf`)).rawPayload);
    expect(byDefault).toContain('报价单'); // test users speak zh-CN
  });

  it('lets the team manager print it but not another team’s rep (404), and refuses an unknown language', async () => {
    expect((await manager.get(`/api/quotes/${quote.id}/pdf`)).statusCode).toBe(200);
    const other = await repB.get(`/api/quotes/${quote.id}/pdf`);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('RECORD_NOT_FOUND');
    const bad = await rep.get(`/api/quotes/${quote.id}/pdf?lang=fr-FR`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'lang' });
  });

  it('renders a contract-shaped model with many lines over several pages, numbering them', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      name: `配件${i + 1}号`,
      quantity: '1',
      unitPrice: 1000 + i,
      amount: 1000 + i,
    }));
    const total = lines.reduce((s, l) => s + l.amount, 0);
    const pdf = await renderDocumentPdf(
      {
        title: '销售合同',
        number: 'HT20261125-001',
        date: '2026-11-25',
        currency: 'CNY',
        parties: [
          { role: '甲方（买方）', name: customer, details: ['统一社会信用代码 91330106MA2XXXXXXX'] },
          { role: '乙方（卖方）', name: '示例销售公司' },
        ],
        lines,
        totals: [{ label: '合同总额', amount: total, emphasis: true, inWords: true }],
        clauses: [{ title: '质保', text: '自验收之日起质保十二个月。' }],
        signatures: ['甲方（盖章）', '乙方（盖章）'],
      },
      'zh-CN',
    );
    const text = await pdfText(pdf);
    expect(text).toContain('销售合同');
    expect(text).toContain('配件1号');
    expect(text).toContain('配件60号');
    expect(text).toContain('自验收之日起质保十二个月。');
    expect(text).toContain('甲方（盖章）');
    expect(text).toMatch(/第 1 页 \/ 共 [2-9] 页/);
    expect(text).toContain(`${yuan(total)} 元`);
  });
});
