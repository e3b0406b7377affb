import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

function csvRows(payload: Buffer): string[][] {
  expect(payload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  return parse(payload.subarray(3).toString('utf8')) as string[][];
}

describe('export', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  let repA1: Client;
  let repA2: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    repA1 = await clientFor(app, org.users.repA1);
    repA2 = await clientFor(app, org.users.repA2);
    const mk = async (c: Client, body: Record<string, unknown>) => {
      const r = await c.post('/api/accounts', body);
      expect(r.statusCode, r.body).toBe(201);
    };
    await mk(repA1, {
      name: '导出甲有限公司',
      industry: '制造业',
      notes: '=HYPERLINK("http://evil","点我")',
    });
    await mk(repA1, { name: '+导出乙有限公司', industry: '零售', notes: '@SUM(A1)' });
    await mk(repA2, { name: '导出丙有限公司', industry: '制造业', notes: '-2+3' });
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('exports CSV with a BOM, Chinese headers and formula-injection-safe cells', async () => {
    const res = await ops.get('/api/accounts/export?format=csv&sort=name');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    const rows = csvRows(res.rawPayload);
    const header = rows[0]!;
    const name = header.indexOf('客户名称');
    const notes = header.indexOf('备注');
    expect(name).toBeGreaterThanOrEqual(0);
    expect(header).toContain('负责人');
    const byName = new Map(rows.slice(1).map((r) => [r[name], r]));
    expect(byName.get("'+导出乙有限公司")?.[notes]).toBe("'@SUM(A1)");
    expect(byName.get('导出甲有限公司')?.[notes]).toBe('\'=HYPERLINK("http://evil","点我")');
    expect(byName.get('导出丙有限公司')?.[notes]).toBe("'-2+3");
    expect(res.headers['x-export-rows']).toBe('3');
  });

  it('exports XLSX whose cells are text, never formulas', async () => {
    const res = await ops.get('/api/accounts/export?format=xlsx');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const values: unknown[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => values.push(cell.value)));
    expect(values.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
    expect(values).toContain('\'=HYPERLINK("http://evil","点我")');
    expect(sheet.rowCount).toBe(4);
  });

  it('respects visibility and the list filters: a rep exports only own rows', async () => {
    const mine = csvRows((await repA1.get('/api/accounts/export?format=csv')).rawPayload);
    expect(mine).toHaveLength(3);
    const theirs = csvRows((await repA2.get('/api/accounts/export?format=csv')).rawPayload);
    expect(theirs).toHaveLength(2);
    expect(theirs[1]).toContain('导出丙有限公司');
    const filtered = csvRows((await ops.get('/api/accounts/export?format=csv&industry=制造业')).rawPayload);
    expect(filtered).toHaveLength(3);
    const searched = csvRows(
      (await ops.get(`/api/accounts/export?format=csv&q=${encodeURIComponent('导出丙')}`)).rawPayload,
    );
    expect(searched).toHaveLength(2);
  });

  it('exports money in 元 under English headers for an English caller, and re-imports what it exported', async () => {
    const account = (await ops.get('/api/accounts?q=导出甲')).json().items[0];
    const deal = await ops.post('/api/deals', {
      accountId: account.id,
      name: '导出商机',
      amount: 1_234_56,
      expectedCloseDate: '2026-12-31',
    });
    expect(deal.statusCode, deal.body).toBe(201);
    const zh = csvRows((await ops.get('/api/deals/export?format=csv')).rawPayload);
    expect(zh[0]).toContain('金额（元）');
    expect(zh[1]![zh[0]!.indexOf('金额（元）')]).toBe('1234.56');
    const en = await ops.request({
      method: 'GET',
      url: '/api/deals/export?format=csv',
      headers: { 'accept-language': 'en-US' },
    });
    expect(en.statusCode).toBe(200);
    const enRows = csvRows(en.rawPayload);
    expect(enRows[0]).toEqual(expect.arrayContaining(['Amount (yuan)', 'Opportunity', 'Owner']));

    // The exported file is a valid import file for the same entity: headers map back to fields.
    const file = await ops.get('/api/accounts/export?format=xlsx');
    const job = await ops.post('/api/imports', {
      entity: 'accounts',
      fileName: 'accounts.xlsx',
      contentBase64: file.rawPayload.toString('base64'),
    });
    expect(job.statusCode, job.body).toBe(201);
    expect(job.json().mapping).toMatchObject({
      客户名称: 'name',
      行业: 'industry',
      备注: 'notes',
      负责人: 'ownerId',
    });
    // Every row is already in the database: refused as duplicates, nothing new is created.
    expect(job.json().counts).toMatchObject({ total: 3, valid: 0, rejected: 3 });
  });

  it('refuses bad export parameters', async () => {
    const bad = await ops.get('/api/accounts/export?format=pdf');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('format');
    expect((await ops.get('/api/accounts/export?nope=1')).statusCode).toBe(400);
  });
});
