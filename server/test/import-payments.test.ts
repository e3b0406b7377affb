import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedQuote, type Q2C, setUpQuoteToCash, signedContract } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Payments (回款记录) import: columns matched by their Chinese or English headers, amounts in 元
// to exact 分, each receipt matched to a signed contract by its number or by a customer with one
// signed contract, and created by the payments module's own path (plan, overpayment, dates).
// Every contract is 1,039.60 元 (103960 分).

type Row = { rowNo: number; status: string; errors: Array<{ field: string; code: string; message: string }> };

describe('payments import', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let finance: Client;
  let rep: Client;
  let q2c: Q2C;
  const c: Record<string, { id: string; number: string; accountId: string }> = {};
  const accountName: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    const managerA = await clientFor(app, org.users.managerA);
    rep = await clientFor(app, org.users.repA1);
    finance = await clientFor(app, org.users.finance);
    q2c = await setUpQuoteToCash(app, database, org, admin);
    // c1 and c3 are both contracts of customer X; c2 is customer Z's only contract.
    const one = await acceptedQuote(rep, managerA, q2c.product.id);
    c.c1 = await signedContract(rep, managerA, q2c.legal, one.quote.id, '2026-06-01');
    accountName.x = one.account.name;
    const two = await acceptedQuote(rep, managerA, q2c.product.id);
    c.c2 = await signedContract(rep, managerA, q2c.legal, two.quote.id, '2026-06-01');
    accountName.z = two.account.name;
    const deal = (await rep.post('/api/deals', makeDealInput(one.account.id))).json();
    const q = (
      await rep.post('/api/quotes', {
        dealId: deal.id,
        taxMode: 'exclusive',
        lines: [{ productId: q2c.product.id, quantity: 10, discountPercent: 8, taxRatePercent: 13 }],
        terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
      })
    ).json();
    const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
    if (sub.status === 'pending_approval')
      await managerA.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
    const approved = (await rep.get(`/api/quotes/${q.id}`)).json();
    await rep.post(`/api/quotes/${q.id}/accept`, {}, { ifMatch: approved.version });
    c.c3 = await signedContract(rep, managerA, q2c.legal, q.id, '2026-06-01');
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const upload = (client: Client, csv: string, extra: Record<string, unknown> = {}) =>
    client.post('/api/imports', {
      entity: 'payments',
      fileName: 'receipts.csv',
      contentBase64: Buffer.from(csv).toString('base64'),
      ...extra,
    });
  const received = async (key: string) =>
    (await finance.get(`/api/contracts/${c[key]!.id}/payment-plan`)).json().received as number;

  it('imports receipts with Chinese headers: contract by number or customer, exact 分, per-row issues; idempotent; undoable', async () => {
    const csv = [
      '合同编号,客户名称,回款金额（元）,收款日期,付款方式,银行流水号,备注',
      `${c.c1!.number},,"500.50",2026/6/2,银行转账,TX001,首付款`,
      `,${accountName.z},311.88,2026年6月3日,承兑汇票,TX002,`,
      `,${accountName.x},100,2026-06-03,,,`,
      'HT-NOPE-1,,100,2026-06-03,,,',
      `${c.c1!.number},,abc,2026-06-03,,,`,
      `${c.c1!.number},,"100.00",2026-06-04,,,同日同额`,
      `${c.c1!.number},,"100.00",2026-06-04,,,同日同额`,
      `${c.c1!.number},,"9,999.00",2026-06-05,,,超出应收`,
      `${c.c2!.number},,10,2099-01-01,,,未来日期`,
    ].join('\n');
    const res = await upload(finance, csv);
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(job.mapping).toMatchObject({
      合同编号: 'contractNumber',
      客户名称: 'accountName',
      '回款金额（元）': 'amount',
      收款日期: 'receivedOn',
      付款方式: 'method',
      银行流水号: 'reference',
      备注: 'note',
    });
    expect(job.counts).toMatchObject({ total: 9, valid: 6, rejected: 3, skipped: 0 });
    const rows = new Map<number, Row>([...job.preview, ...job.rejected].map((r: Row) => [r.rowNo, r]));
    expect(rows.get(2)).toMatchObject({
      status: 'valid',
      input: { contractId: c.c1!.id, amount: 50050, receivedOn: '2026-06-02', method: 'bank_transfer' },
    });
    expect(rows.get(3)).toMatchObject({
      status: 'valid',
      input: { contractId: c.c2!.id, amount: 31188, receivedOn: '2026-06-03', method: 'acceptance_bill' },
    });
    expect(rows.get(4)!.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
      'accountName:contract_ambiguous',
    ]);
    expect(rows.get(4)!.errors[0]!.message).toContain('合同编号');
    expect(rows.get(5)!.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
      'contractNumber:not_found_by_name',
    ]);
    expect(rows.get(6)!.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['amount:invalid_number']);
    // Two identical receipts are two receipts, not a duplicate.
    expect(rows.get(7)!.status).toBe('valid');
    expect(rows.get(8)!.status).toBe('valid');

    const committed = (await finance.post(`/api/imports/${job.id}/commit`)).json();
    // 9,999.00 元 is more than c1 still owes; a receipt dated in the future is refused: both by
    // the payments module's own checks, row by row, the rest of their batch created.
    expect(committed.counts).toMatchObject({ created: 4, rejected: 5 });
    const codes = new Map<number, string[]>(
      committed.rejected.map((r: Row) => [r.rowNo, r.errors.map((e) => `${e.field}:${e.code}`)]),
    );
    expect(codes.get(9)).toEqual(['amount:import_failed']);
    expect(codes.get(10)).toEqual(['receivedOn:invalid_date']);
    expect(await received('c1')).toBe(50050 + 10000 + 10000);
    expect(await received('c2')).toBe(31188);
    expect(await received('c3')).toBe(0);
    const list = (await finance.get(`/api/receipts?contractId=${c.c1!.id}`)).json();
    expect(list.items.map((r: { reference: string | null }) => r.reference)).toContain('TX001');

    // The same file again creates nothing new: the imported rows are skipped.
    const again = (await upload(finance, csv)).json();
    expect(again.counts).toMatchObject({ skipped: 4, rejected: 3, valid: 2 });

    // Undo removes the receipts the import created.
    const undone = (await finance.post(`/api/imports/${job.id}/undo`)).json();
    expect(undone.status).toBe('undone');
    expect(undone.report.undo).toEqual({ undone: 4, changed: [] });
    expect(await received('c1')).toBe(0);
    expect(await received('c2')).toBe(0);
  });

  it('matches English headers, and only finance and admins may import payments', async () => {
    const csv = [
      'Contract No,Payment Amount,Payment Date,Payment Method,Reference',
      `${c.c3!.number},12.34,2026-06-10,wire,W-1`,
    ].join('\n');
    const job = (await upload(finance, csv)).json();
    expect(job.mapping).toEqual({
      'Contract No': 'contractNumber',
      'Payment Amount': 'amount',
      'Payment Date': 'receivedOn',
      'Payment Method': 'method',
      Reference: 'reference',
    });
    expect(job.preview[0]).toMatchObject({
      status: 'valid',
      input: { contractId: c.c3!.id, amount: 1234, method: 'bank_transfer', reference: 'W-1' },
    });
    const denied = await upload(rep, csv);
    expect(denied.statusCode).toBe(403);
    // A file without an amount column is refused as a whole.
    const missing = await upload(finance, `合同编号,收款日期\n${c.c3!.number},2026-06-10\n`);
    expect(missing.statusCode).toBe(422);
    expect(missing.json().details.missing).toEqual(['amount']);
  });
});
