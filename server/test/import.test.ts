import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMaxBytes, prepareImport } from '../src/modules/import/import.service';
import { commitImport } from '../src/modules/import/import-commit.service';
import { AppError } from '../src/shared/errors';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

const FIXTURES = join(import.meta.dirname, 'fixtures/import');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

function upload(
  client: Client,
  entity: string,
  fileName: string,
  content: Buffer,
  extra: Record<string, unknown> = {},
) {
  return client.post('/api/imports', {
    entity,
    fileName,
    contentBase64: content.toString('base64'),
    ...extra,
  });
}

type Row = {
  rowNo: number;
  status: string;
  input: Record<string, unknown>;
  errors: Array<{ field: string; code: string }>;
};
const byRow = (job: { preview: Row[]; rejected: Row[] }) => {
  const m = new Map<number, Row>();
  for (const r of [...job.preview, ...job.rejected]) m.set(r.rowNo, r);
  return m;
};
const codes = (r: Row | undefined) => (r?.errors ?? []).map((e) => `${e.field}:${e.code}`);

describe('import', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  async function freshOrg(): Promise<{ org: Org; ops: Client; rep: Client }> {
    const org = await makeOrg(database.db);
    return { org, ops: await clientFor(app, org.users.ops), rep: await clientFor(app, org.users.repA1) };
  }

  it('reads UTF-8 CSV, matches Chinese headers, cleans values and reports each bad row and field', async () => {
    const { rep } = await freshOrg();
    const res = await upload(rep, 'leads', 'leads.csv', fixture('leads-utf8.csv'));
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(job.encoding).toBe('utf-8');
    expect(job.mapping).toEqual({
      姓名: 'name',
      公司名称: 'companyName',
      手机: 'mobile',
      邮箱: 'email',
      来源: 'source',
      备注: 'notes',
    });
    expect(job.counts).toEqual({ total: 6, valid: 2, rejected: 4, skipped: 0, created: 0 });
    expect(job.report.emptyLines).toBe(1);
    const rows = byRow(job);
    expect(rows.get(2)?.input).toMatchObject({
      name: '张伟',
      mobile: '13800130001',
      email: 'zhang.wei@qinghe.cn',
      source: 'exhibition',
    });
    expect(rows.get(3)?.input).toMatchObject({ mobile: '13800130002', source: 'website' });
    expect(codes(rows.get(4))).toEqual(['mobile:invalid_mobile']);
    expect(rows.get(4)?.errors[0]).toMatchObject({ message: '手机 不是有效的手机号' });
    expect(codes(rows.get(6))).toEqual(['source:invalid_value']);
    expect(codes(rows.get(7))).toEqual(['email:invalid_email']);
    expect(codes(rows.get(8))).toEqual(['companyName:duplicate_in_file']);
    expect(rows.get(4)?.errors[0]).toHaveProperty('message');

    // Nothing exists before the commit; then exactly the valid rows.
    expect((await rep.get('/api/leads?includeTotal=true')).json().total).toBe(0);
    const committed = await rep.post(`/api/imports/${job.id}/commit`);
    expect(committed.statusCode, committed.body).toBe(200);
    expect(committed.json().status).toBe('committed');
    expect(committed.json().counts.created).toBe(2);
    expect(committed.json().progress).toEqual({ done: 2, total: 2 });
    const leads = (await rep.get('/api/leads?includeTotal=true')).json();
    expect(leads.total).toBe(2);
    expect(leads.items.map((l: { name: string }) => l.name).sort()).toEqual(['张伟', '王芳']);
  });

  it('reads GBK and BOM files; a second import of the same rows creates nothing', async () => {
    const { rep } = await freshOrg();
    const gbk = (await upload(rep, 'leads', 'leads-gbk.csv', fixture('leads-gbk.csv'))).json();
    expect(gbk.encoding).toBe('gb18030');
    expect(gbk.headers).toEqual(['姓名', '公司名称', '手机', '邮箱', '来源', '备注']);
    expect(byRow(gbk).get(2)?.input).toMatchObject({ name: '张伟', companyName: '杭州青禾数据科技有限公司' });
    expect(gbk.counts.valid).toBe(2);
    await rep.post(`/api/imports/${gbk.id}/commit`);

    // The same rows again (UTF-8 this time): recognised by their fingerprints, skipped.
    const again = (await upload(rep, 'leads', 'leads.csv', fixture('leads-utf8.csv'))).json();
    expect(again.counts).toMatchObject({ valid: 0, skipped: 2, rejected: 4 });
    const second = (await rep.post(`/api/imports/${again.id}/commit`)).json();
    expect(second.counts.created).toBe(0);
    expect((await rep.get('/api/leads?includeTotal=true')).json().total).toBe(2);

    const bom = (await upload(rep, 'leads', 'leads-bom.csv', fixture('leads-bom.csv'))).json();
    expect(bom.encoding).toBe('utf-8');
    expect(bom.mapping).toMatchObject({
      Name: 'name',
      Company: 'companyName',
      Mobile: 'mobile',
      'Lead Source': 'source',
    });
    expect(bom.report.unknownHeaders).toEqual(['Unknown Column']);
    expect(bom.counts.valid).toBe(2);
  });

  it('reads XLSX with formula cells and reports a formula without a value', async () => {
    const { ops } = await freshOrg();
    const job = (await upload(ops, 'accounts', 'accounts.xlsx', fixture('accounts.xlsx'))).json();
    expect(job.format).toBe('xlsx');
    expect(job.report.unknownHeaders).toEqual(['成立日期']);
    expect(job.report.emptyLines).toBe(1);
    const rows = byRow(job);
    expect(rows.get(2)?.status).toBe('valid');
    expect(rows.get(2)?.input).toMatchObject({ name: '星河智能制造有限公司', phone: '021-12345678' });
    expect(codes(rows.get(3))).toEqual(['creditCode:invalid_credit_code']);
    expect(rows.get(4)?.input).toMatchObject({ phone: '400-800-1234' });
    expect(codes(rows.get(6))).toEqual(['phone:formula_without_value']);
    expect(job.counts).toMatchObject({ total: 4, valid: 2, rejected: 2 });
  });

  it('round-trips the rejected rows: download, fix, import again', async () => {
    const { ops } = await freshOrg();
    const account = await ops.post('/api/accounts', { name: '示例导入客户有限公司' });
    expect(account.statusCode).toBe(201);
    const job = (await upload(ops, 'deals', 'deals.csv', fixture('deals.csv'))).json();
    const rows = byRow(job);
    expect(rows.get(2)?.input).toMatchObject({
      amount: 123450,
      expectedCloseDate: '2025-01-02',
      stage: 'initial_contact',
    });
    expect(rows.get(3)?.input).toMatchObject({
      amount: 1_500_000,
      expectedCloseDate: '2025-03-01',
      probability: 30,
    });
    expect(codes(rows.get(6))).toEqual(['expectedCloseDate:invalid_date']);
    expect(codes(rows.get(7))).toEqual(['accountName:not_found_by_name']);
    expect(codes(rows.get(8))).toEqual(['amount:invalid_number']);
    expect(codes(rows.get(9))).toEqual(['amount:invalid_number']);
    expect(job.report.emptyLines).toBe(2);
    expect((await ops.post(`/api/imports/${job.id}/commit`)).json().counts.created).toBe(2);

    const file = await ops.get(`/api/imports/${job.id}/rejected.csv`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('text/csv');
    expect(file.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const table = parse(file.rawPayload.toString('utf8').slice(1)) as string[][];
    expect(table[0]).toEqual([
      '客户名称',
      '商机名称',
      '金额（元）',
      '预计成交日期',
      '阶段',
      '赢率',
      '错误 Errors',
    ]);
    expect(table.slice(1).map((r) => r[1])).toEqual(['硬件采购', '软件许可', '坏金额', '公式单元格']);
    expect(table[4]![2]).toBe("'=1+1"); // formula-injection safe
    expect(table[1]![6]).toContain('预计成交日期');

    const fixes: Record<string, [number, string]> = {
      硬件采购: [3, '2025-02-28'],
      软件许可: [0, '示例导入客户有限公司'],
      坏金额: [2, '100'],
      公式单元格: [2, '2'],
    };
    const fixed = table.map((r, i) => {
      if (i === 0) return r;
      const [col, value] = fixes[r[1]!]!;
      const copy = [...r];
      copy[col] = value;
      return copy;
    });
    const csv = fixed.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n');
    const again = (await upload(ops, 'deals', 'deals.rejected.csv', Buffer.from(csv, 'utf8'))).json();
    expect(again.report.unknownHeaders).toEqual(['错误 Errors']);
    expect(again.counts).toMatchObject({ total: 4, valid: 4, rejected: 0 });
    expect((await ops.post(`/api/imports/${again.id}/commit`)).json().counts.created).toBe(4);
    const deals = (await ops.get('/api/deals?includeTotal=true')).json();
    expect(deals.total).toBe(6);
    expect(deals.items.find((d: { name: string }) => d.name === '公式单元格').amount).toBe(200);
  });

  it('undoes an import, keeping and listing a record changed since', async () => {
    const { rep, org } = await freshOrg();
    const job = (await upload(rep, 'leads', 'leads.csv', fixture('leads-utf8.csv'))).json();
    const done = (await rep.post(`/api/imports/${job.id}/commit`)).json();
    const ids = done.preview
      .filter((r: Row & { recordId: string }) => r.status === 'imported')
      .map((r: { recordId: string }) => r.recordId);
    expect(ids).toHaveLength(2);
    const changed = await rep.patch(`/api/leads/${ids[0]}`, { title: '采购经理' }, 1);
    expect(changed.statusCode, changed.body).toBe(200);

    const other = await clientFor(app, org.users.repB1);
    expect((await other.post(`/api/imports/${job.id}/undo`)).statusCode).toBe(404);

    const undone = await rep.post(`/api/imports/${job.id}/undo`);
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json().status).toBe('undone');
    expect(undone.json().report.undo).toEqual({ undone: 1, changed: [{ rowNo: 2, recordId: ids[0] }] });
    expect((await rep.get(`/api/leads/${ids[0]}`)).statusCode).toBe(200);
    expect((await rep.get(`/api/leads/${ids[1]}`)).statusCode).toBe(404);
    const history = (await rep.get(`/api/leads/${ids[1]}/history`)).json();
    expect(history.events.map((e: { action: string }) => e.action)).toContain('delete');
    expect((await rep.post(`/api/imports/${job.id}/undo`)).statusCode).toBe(409);

    // After the undo, the undone row can be imported again; the kept one is still skipped.
    const again = (await upload(rep, 'leads', 'leads.csv', fixture('leads-utf8.csv'))).json();
    expect(again.counts).toMatchObject({ valid: 1, skipped: 1 });
  });

  it('keeps the complete rows of a CSV cut off in the middle and rejects the cut row with its text', async () => {
    const { ops, rep } = await freshOrg();
    // unterminated.csv: the quote opened in row 2 never closes (the file was cut there).
    const cut = (await upload(ops, 'accounts', 'unterminated.csv', fixture('unterminated.csv'))).json();
    expect(cut.counts).toMatchObject({ total: 1, valid: 0, rejected: 1 });
    expect(cut.rejected[0]).toMatchObject({ rowNo: 2, status: 'rejected' });
    expect(codes(cut.rejected[0])).toEqual(['row:row_cut_off']);
    expect(cut.rejected[0].errors[0].message).toContain('截断');
    // leads-utf8.csv cut inside its last row: the five rows before are read as they always are
    // (two valid, three with their own issues), the sixth is rejected as cut off.
    const whole = fixture('leads-utf8.csv').toString('utf8');
    const truncated = Buffer.from(whole.slice(0, whole.indexOf('杨磊,杭州青禾') + '杨磊,杭州青禾'.length));
    const job = (await upload(rep, 'leads', 'leads-cut.csv', truncated)).json();
    expect(job.counts).toMatchObject({ total: 6, valid: 2, rejected: 4 });
    const rows = byRow(job);
    expect(codes(rows.get(8))).toEqual(['row:row_cut_off']);
    expect(rows.get(2)?.status).toBe('valid');
    expect(codes(rows.get(7))).toEqual(['email:invalid_email']);
    // And an open quote in the last row: the rows before it are kept as well.
    const quoted = Buffer.from(`${whole.slice(0, whole.indexOf('杨磊'))}杨磊,"杭州青禾数据`);
    const job2 = (await upload(rep, 'leads', 'leads-quote.csv', quoted)).json();
    expect(job2.counts).toMatchObject({ total: 6, valid: 2, rejected: 4 });
    expect(codes(byRow(job2).get(8))).toEqual(['row:row_cut_off']);
    // The rejected-rows file gives the cut row back with its text, to complete and import again.
    const file = await rep.get(`/api/imports/${job2.id}/rejected.csv`);
    expect(file.body).toContain('杭州青禾数据');
    const committed = (await rep.post(`/api/imports/${job2.id}/commit`)).json();
    expect(committed.counts.created).toBe(2);
  });

  it('refuses unreadable, cut-off, wrongly encoded and column-less files with clear codes', async () => {
    const { ops } = await freshOrg();
    const cases: Array<[string, string, Buffer, number, string, Record<string, unknown>?]> = [
      ['accounts', 'cut-header.csv', Buffer.from('客户名称,"行业\n'), 422, 'IMPORT_FILE_UNREADABLE'],
      ['accounts', 'truncated.xlsx', fixture('truncated.xlsx'), 422, 'IMPORT_FILE_UNREADABLE'],
      ['accounts', 'binary.csv', fixture('binary.csv'), 422, 'IMPORT_ENCODING_INVALID'],
      [
        'leads',
        'leads-gbk.csv',
        fixture('leads-gbk.csv'),
        422,
        'IMPORT_ENCODING_INVALID',
        { encoding: 'utf-8' },
      ],
      ['accounts', 'missing-columns.csv', fixture('missing-columns.csv'), 422, 'IMPORT_COLUMNS_MISSING'],
      ['accounts', 'empty.csv', Buffer.from('\n\n'), 422, 'IMPORT_FILE_UNREADABLE'],
      ['invoices', 'p.csv', Buffer.from('a\n1\n'), 400, 'VALIDATION_FAILED'],
      [
        'leads',
        'leads.csv',
        fixture('leads-utf8.csv'),
        400,
        'VALIDATION_FAILED',
        { mapping: { 姓名: 'nonsense' } },
      ],
    ];
    for (const [entity, name, content, status, code, extra] of cases) {
      const res = await upload(ops, entity, name, content, extra);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(status);
      expect(res.json().code, name).toBe(code);
      expect(res.json().message).toBeTruthy();
    }
    const missing = (
      await upload(ops, 'accounts', 'missing-columns.csv', fixture('missing-columns.csv'))
    ).json();
    expect(missing.field).toBe('mapping');
    expect(missing.message).toContain('name');
    // Nothing was stored for any refused file.
    const jobs = (await ops.get('/api/imports')).json();
    expect(jobs.items).toHaveLength(0);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const { org } = await freshOrg();
    const actor = {
      userId: org.users.ops.id,
      tenantId: org.tenant.id,
      role: 'sales_ops' as const,
      name: 'ops',
      orgUnitId: null,
      locale: 'zh-CN' as const,
      readableOwners: 'all' as const,
      writableOwners: 'all' as const,
      via: 'system' as const,
    };
    const saved = process.env.IMPORT_MAX_BYTES;
    process.env.IMPORT_MAX_BYTES = String(64 * 1024);
    const huge = Buffer.alloc(importMaxBytes() + 1, 0x41);
    await expect(
      prepareImport(database, actor, { entity: 'leads', fileName: 'huge.csv', content: huge }),
    ).rejects.toMatchObject({
      code: 'IMPORT_FILE_TOO_LARGE',
    });
    const ops = await clientFor(app, org.users.ops);
    const res = await ops.request({
      method: 'POST',
      url: '/api/imports',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        entity: 'leads',
        fileName: 'huge.csv',
        contentBase64: huge.toString('base64'),
      }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('IMPORT_FILE_TOO_LARGE');
    if (saved === undefined) delete process.env.IMPORT_MAX_BYTES;
    else process.env.IMPORT_MAX_BYTES = saved;

    // Progress is reported batch by batch to whoever runs the commit (the CLI's progress bar).
    const job = await prepareImport(database, actor, {
      entity: 'leads',
      fileName: 'l.csv',
      content: Buffer.from('姓名,手机,来源\n赵六,13700137001,官网\n钱七,13700137002,展会\n'),
    });
    const seen: Array<[number, number]> = [];
    const done = await commitImport(database, actor, job.id, (d, t) => {
      seen.push([d, t]);
    });
    expect(seen).toEqual([[2, 2]]);
    expect(done.counts.created).toBe(2);
    expect(AppError).toBeDefined();
  });

  it('rejects a row that fails at commit without leaving any of its batch half-written', async () => {
    const { ops } = await freshOrg();
    const existing = await ops.post('/api/products', { sku: 'P-001', name: '旧产品', listPrice: 100 });
    expect(existing.statusCode, existing.body).toBe(201);
    const csv = Buffer.from(
      '产品编码,产品名称,单价（元）\nP-000,新产品零,"1,000"\nP-001,撞编码,5\nP-002,新产品二,1.5万\n',
    );
    const job = (await upload(ops, 'products', 'products.csv', csv)).json();
    expect(job.counts).toMatchObject({ total: 3, valid: 3 });
    const done = (await ops.post(`/api/imports/${job.id}/commit`)).json();
    expect(done.counts).toMatchObject({ created: 2, rejected: 1, valid: 2 });
    expect(done.rejected.map((r: Row) => r.rowNo)).toEqual([3]);
    const products = (await ops.get('/api/products?sort=sku')).json().items;
    expect(products.map((p: { sku: string; listPrice: number }) => [p.sku, p.listPrice])).toEqual([
      ['P-000', 100_000],
      ['P-001', 100],
      ['P-002', 1_500_000],
    ]);
  });

  it('saves a column mapping and applies it by name', async () => {
    const { rep } = await freshOrg();
    const saved = await rep.post('/api/import-mappings', {
      entity: 'leads',
      name: '展会名单',
      mapping: { 客户: 'companyName', 联系人姓名: 'name', 电话号: 'mobile', 渠道: 'source' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const list = (await rep.get('/api/import-mappings?entity=leads')).json();
    expect(list.items.map((m: { name: string }) => m.name)).toEqual(['展会名单']);
    const csv = Buffer.from('客户,联系人姓名,电话号,渠道\n松果科技,孙八,13600136001,展会\n');
    const job = (await upload(rep, 'leads', 'expo.csv', csv, { mappingId: '展会名单' })).json();
    expect(job.mapping).toEqual({
      客户: 'companyName',
      联系人姓名: 'name',
      电话号: 'mobile',
      渠道: 'source',
    });
    expect(job.counts.valid).toBe(1);
    const bad = await rep.post('/api/import-mappings', { entity: 'leads', name: '', mapping: {} });
    expect(bad.statusCode).toBe(400);
  });

  it('merges two duplicate customers field by field, moving contacts and keeping history', async () => {
    const { ops, rep } = await freshOrg();
    const a = (await ops.post('/api/accounts', { name: '合并甲方有限公司', industry: '制造业' })).json();
    const b = (
      await ops.post('/api/accounts', { name: '合并甲方贸易部', industry: '零售', region: '华南' })
    ).json();
    const contact = await ops.post('/api/contacts', { accountId: b.id, name: '周九', mobile: '13500135001' });
    expect(contact.statusCode, contact.body).toBe(201);
    const res = await ops.post('/api/duplicates/merge', {
      entity: 'account',
      winnerId: a.id,
      loserId: b.id,
      fields: { industry: 'loser', region: 'loser' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().winner).toMatchObject({
      id: a.id,
      name: '合并甲方有限公司',
      industry: '零售',
      region: '华南',
    });
    expect(res.json().merge.moved).toMatchObject({ contacts: 1 });
    expect((await ops.get(`/api/accounts/${b.id}`)).statusCode).toBe(404);
    expect((await ops.get(`/api/contacts/${contact.json().id}`)).json().accountId).toBe(a.id);
    const history = (await ops.get(`/api/accounts/${b.id}/history`)).json();
    expect(JSON.stringify(history.events)).toContain(a.id);

    const invalid = await ops.post('/api/duplicates/merge', {
      entity: 'account',
      winnerId: a.id,
      loserId: a.id,
    });
    expect(invalid.statusCode).toBe(400);
    const unknownField = await ops.post('/api/duplicates/merge', {
      entity: 'account',
      winnerId: a.id,
      loserId: b.id,
      fields: { password: 'loser' },
    });
    expect(unknownField.statusCode).toBe(400);
    // A rep cannot merge records out of reach: they are not found.
    const c = (await ops.post('/api/accounts', { name: '别人的客户有限公司' })).json();
    const d = (await ops.post('/api/accounts', { name: '别人的客户二有限公司' })).json();
    expect(
      (await rep.post('/api/duplicates/merge', { entity: 'account', winnerId: c.id, loserId: d.id }))
        .statusCode,
    ).toBe(404);
  });
});
