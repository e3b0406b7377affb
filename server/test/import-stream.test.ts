import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
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

// The streamed upload: the raw file as the body (text/csv), read, decoded, parsed and validated
// chunk by chunk, its rows written batch by batch; and the paged import history.

const HEADER = '姓名,公司名称,手机,邮箱,来源,备注\n';
let base = Math.floor(Math.random() * 1e5) * 100_000;

/** `n` lead rows, unique names and mobiles; every 1000th has a bad mobile. */
function leadLines(n: number, tag: string): string[] {
  const from = base;
  base += n;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = from + i;
    const mobile = i % 1000 === 999 ? '12345' : `139${String(k % 1e8).padStart(8, '0')}`;
    lines.push(`${tag}${k},${tag}流式${k}号科技有限公司,${mobile},u${k}@example.cn,展会,第${i}行\n`);
  }
  return lines;
}

/** A body streamed in chunks of `size` bytes (cut anywhere, even inside a character). */
function chunked(buf: Buffer, size = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
  );
}

function streamUpload(
  client: Client,
  query: Record<string, string>,
  body: Buffer | Readable,
  headers: Record<string, string> = {},
) {
  return client.request({
    method: 'POST',
    url: `/api/imports?${new URLSearchParams(query)}`,
    headers: { 'content-type': 'text/csv', ...headers },
    payload: body,
  });
}

type Issue = { field: string; code: string; message: string };
type RowView = { rowNo: number; status: string; errors: Issue[]; input: Record<string, unknown> };

describe('streamed import', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  let rep: Client;
  let admin: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    rep = await clientFor(app, org.users.repA1);
    admin = await clientFor(app, org.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('streams a large CSV through the raw upload and validates every row, duplicates included', async () => {
    const lines = leadLines(20_000, '流');
    // Two duplicates inside the file: the same mobile as row 2, the same company as row 3.
    const m2 = lines[0]!.split(',')[2]!;
    const c3 = lines[1]!.split(',')[1]!;
    lines.push(`重复手机,另一家流式科技有限公司,${m2},dup1@example.cn,官网,\n`);
    lines.push(`重复公司,${c3},13011112222,dup2@example.cn,官网,\n`);
    const file = Buffer.from(HEADER + lines.join(''));
    expect(file.length).toBeGreaterThan(1_500_000);
    const res = await streamUpload(ops, { entity: 'leads', fileName: '大文件.csv' }, chunked(file));
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(job.status).toBe('validated');
    expect(job.encoding).toBe('utf-8');
    expect(job.fileSize).toBe(file.length);
    expect(job.fileHash).toMatch(/^[0-9a-f]{64}$/);
    expect(job.counts.total).toBe(20_002);
    // 20 bad mobiles (every 1000th row) and the two duplicates.
    expect(job.counts.rejected).toBe(22);
    expect(job.counts.valid).toBe(19_980);
    expect(job.validation).toMatchObject({ rows: 20_002, bytes: file.length });
    const rejected = job.rejected as RowView[];
    const dupMobile = rejected.find((r) => r.rowNo === 20_002);
    expect(dupMobile?.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['mobile:duplicate_in_file']);
    expect(dupMobile?.errors[0]?.message).toContain('2');
    const dupCompany = rejected.find((r) => r.rowNo === 20_003);
    expect(dupCompany?.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['companyName:duplicate_in_file']);
    // The bad mobile "12345" is also a duplicate inside the file from its second time on.
    expect(job.report.issuesByField).toMatchObject({ mobile: 20 + 19 + 1, companyName: 1 });
  }, 120_000);

  it('answers 202 with wait=false and shows the validation progress until the job is validated', async () => {
    const file = Buffer.from(HEADER + leadLines(8_000, '后').join(''));
    const res = await streamUpload(ops, { entity: 'leads', fileName: 'background.csv', wait: 'false' }, file);
    expect(res.statusCode, res.body).toBe(202);
    const first = res.json();
    expect(first.status).toBe('validating');
    expect(first.validation.totalBytes).toBe(file.length);
    const seen: string[] = [];
    let job = first;
    for (let i = 0; i < 1200 && job.status === 'validating'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await ops.get(`/api/imports/${first.id}`)).json();
      seen.push(`${job.status}:${job.validation?.rows}`);
    }
    expect(job.status, seen.join(' ')).toBe('validated');
    expect(job.counts).toMatchObject({ total: 8_000, valid: 7_992, rejected: 8 });
    // It can be committed like any validated job (not here: the rows are many).
    expect(job.validation.bytes).toBe(file.length);
  }, 60_000);

  it('streams GBK in small chunks (characters cut between them) and commits it', async () => {
    const text = `${HEADER}张国强,深圳流式华强电子有限公司,13912340001,zgq@example.cn,展会,老客户介绍\n李小红,广州流式天河贸易有限公司,13912340002,lxh@example.cn,官网,\n`;
    const gbk = iconv.encode(text, 'gbk');
    const res = await streamUpload(rep, { entity: 'leads', fileName: 'gbk.csv' }, chunked(gbk, 7));
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(job.encoding).toBe('gb18030');
    expect(job.counts).toMatchObject({ total: 2, valid: 2 });
    expect((job.preview as RowView[]).map((r) => r.input.name)).toEqual(['张国强', '李小红']);
    const done = (await rep.post(`/api/imports/${job.id}/commit`)).json();
    expect(done.status).toBe('committed');
    expect(done.counts.created).toBe(2);
    // Forced encoding: the same bytes read as UTF-8 are refused, with the field.
    const wrong = await streamUpload(
      rep,
      { entity: 'leads', fileName: 'gbk.csv', encoding: 'utf-8' },
      chunked(gbk, 7),
    );
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'IMPORT_ENCODING_INVALID', field: 'encoding' });
  });

  it('keeps the complete rows of a file cut off in the middle, in a line or in a character', async () => {
    const lines = leadLines(3_000, '截');
    const whole = Buffer.from(HEADER + lines.join(''));
    // Cut inside the last line (after its second column): 2,999 complete rows and the cut one.
    const lastStart = whole.length - Buffer.byteLength(lines[lines.length - 1]!);
    const cutAt =
      lastStart + Buffer.byteLength(lines[lines.length - 1]!.split(',').slice(0, 2).join(',')) + 1;
    const res = await streamUpload(
      ops,
      { entity: 'leads', fileName: 'cut.csv' },
      chunked(whole.subarray(0, cutAt)),
    );
    expect(res.statusCode, res.body).toBe(201);
    const job = res.json();
    expect(job.counts.total).toBe(3_000);
    expect(job.counts.valid).toBe(2_997); // 3 bad mobiles among the first 2,999
    const cut = (job.rejected as RowView[]).find((r) => r.rowNo === 3_001);
    expect(cut?.errors.map((e) => e.code)).toEqual(['row_cut_off']);
    // The rejected-rows file gives the cut row back with its text.
    const csv = (await ops.get(`/api/imports/${job.id}/rejected.csv`)).body.replace(/^\ufeff/, '');
    const rows = parse(csv) as string[][];
    expect(rows.some((r) => r[1] === lines[lines.length - 1]!.split(',')[1])).toBe(true);

    // Cut inside a three-byte character of the last line's company name.
    const inChar = lastStart + Buffer.byteLength(lines[lines.length - 1]!.split(',')[0]!) + 2;
    const res2 = await streamUpload(
      ops,
      { entity: 'leads', fileName: 'cut-char.csv' },
      chunked(whole.subarray(0, inChar)),
    );
    expect(res2.statusCode, res2.body).toBe(201);
    const job2 = res2.json();
    expect(job2.counts.total).toBe(3_000);
    const cut2 = (job2.rejected as RowView[]).find((r) => r.rowNo === 3_001);
    expect(cut2?.errors.map((e) => e.code)).toEqual(['row_cut_off']);
    // Same rows as the first cut file: skipped as already in it? No — neither was committed.
    expect(job2.counts.valid).toBe(2_997);
  }, 60_000);

  it('refuses bad query parameters, other content types and an oversized stream with clear errors', async () => {
    const file = Buffer.from(`${HEADER}王五,流式查询科技有限公司,13900001111,w@example.cn,展会,\n`);
    const cases: Array<[Record<string, string>, number, string, string]> = [
      [{ entity: 'invoices', fileName: 'a.csv' }, 400, 'VALIDATION_FAILED', 'entity'],
      [{ fileName: 'a.csv' }, 400, 'VALIDATION_FAILED', 'entity'],
      [{ entity: 'leads' }, 400, 'VALIDATION_FAILED', 'fileName'],
      [{ entity: 'leads', fileName: 'a.csv', encoding: 'latin1' }, 400, 'VALIDATION_FAILED', 'encoding'],
      [{ entity: 'leads', fileName: 'a.csv', wait: 'later' }, 400, 'VALIDATION_FAILED', 'wait'],
      [{ entity: 'leads', fileName: 'a.csv', colour: 'red' }, 400, 'VALIDATION_FAILED', 'colour'],
      [{ entity: 'leads', fileName: 'a.csv', mappingId: 'nope' }, 422, 'REFERENCE_NOT_FOUND', 'mappingId'],
      [{ entity: 'leads', fileName: 'a.csv', mapping: '{bad' }, 400, 'VALIDATION_FAILED', 'mapping'],
      [
        { entity: 'leads', fileName: 'a.csv', mapping: JSON.stringify({ 姓名: 'nonsense' }) },
        400,
        'VALIDATION_FAILED',
        'mapping.姓名',
      ],
    ];
    for (const [query, status, code, field] of cases) {
      const res = await streamUpload(ops, query, file);
      expect(res.statusCode, `${JSON.stringify(query)}: ${res.body}`).toBe(status);
      expect(res.json()).toMatchObject({ code, field });
      expect(res.json().message).toBeTruthy();
    }
    // A mapping in the query (JSON) is applied: 备注 ignored, the other columns matched.
    const mapped = await streamUpload(
      ops,
      { entity: 'leads', fileName: 'mapped.csv', mapping: JSON.stringify({ 备注: null }) },
      file,
    );
    expect(mapped.statusCode, mapped.body).toBe(201);
    expect(mapped.json().mapping).toMatchObject({ 姓名: 'name', 备注: null });
    // The JSON form takes no query.
    const json = await ops.request({
      method: 'POST',
      url: '/api/imports?entity=leads',
      payload: { entity: 'leads', fileName: 'a.csv', contentBase64: file.toString('base64') },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().field).toBe('entity');
    // text/csv is taken by the import upload only.
    const elsewhere = await ops.request({
      method: 'POST',
      url: '/api/leads',
      headers: { 'content-type': 'text/csv' },
      payload: file,
    });
    expect(elsewhere.statusCode).toBe(415);

    const saved = process.env.IMPORT_MAX_BYTES;
    process.env.IMPORT_MAX_BYTES = String(256 * 1024);
    try {
      const big = Buffer.from(HEADER + leadLines(4_000, '超').join(''));
      expect(big.length).toBeGreaterThan(256 * 1024);
      // Announced by its length: refused before it is read.
      const announced = await streamUpload(ops, { entity: 'leads', fileName: 'big.csv' }, big);
      expect(announced.statusCode).toBe(413);
      expect(announced.json()).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', field: 'file' });
      expect(announced.json().message).toContain('256 KB');
      // Streamed without a length: refused once the limit is passed.
      const streamed = await streamUpload(
        ops,
        { entity: 'leads', fileName: 'big.csv' },
        chunked(big, 16 * 1024),
      );
      expect(streamed.statusCode).toBe(413);
      expect(streamed.json().code).toBe('IMPORT_FILE_TOO_LARGE');
    } finally {
      if (saved === undefined) delete process.env.IMPORT_MAX_BYTES;
      else process.env.IMPORT_MAX_BYTES = saved;
    }
    const jobs = (await ops.get('/api/imports?q=big.csv')).json();
    expect(jobs.total).toBe(0);
  });

  it('refuses a file whose encoding breaks half-way: nothing of it is kept', async () => {
    // 1.5 MB of valid UTF-8, then GBK bytes: the encoding was guessed from the start.
    const start = Buffer.from(HEADER + leadLines(15_000, '编').join(''));
    const bad = iconv.encode('赵六,错误编码科技有限公司,13900002222,z@example.cn,展会,\n', 'gbk');
    const file = Buffer.concat([start, bad]);
    const res = await streamUpload(ops, { entity: 'leads', fileName: 'half-gbk.csv' }, chunked(file));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'IMPORT_ENCODING_INVALID', field: 'encoding' });
    expect((await ops.get('/api/imports?q=half-gbk')).json().total).toBe(0);
    // In the background the job ends `invalid`, with the error and without rows.
    const bg = await streamUpload(
      ops,
      { entity: 'leads', fileName: 'half-gbk-bg.csv', wait: 'false' },
      chunked(file),
    );
    expect(bg.statusCode).toBe(202);
    let job = bg.json();
    for (let i = 0; i < 1200 && job.status === 'validating'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await ops.get(`/api/imports/${job.id}`)).json();
    }
    expect(job.status).toBe('invalid');
    expect(job.report.error.code).toBe('IMPORT_ENCODING_INVALID');
    expect(job.report.errorMessage).toContain('编码');
    expect(job.counts.total).toBe(0);
    expect(job.preview).toEqual([]);
    const commit = await ops.post(`/api/imports/${job.id}/commit`);
    expect(commit.statusCode).toBe(409);
  }, 120_000);

  it('documents both forms of the upload and the history query', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const post = doc.paths['/api/imports'].post;
    expect(Object.keys(post.requestBody.content).sort()).toEqual([
      'application/json',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
    ]);
    expect(post.requestBody.content['application/json'].schema.properties.contentBase64).toBeTruthy();
    const names = (ps: Array<{ name: string }>) => ps.map((p) => p.name);
    expect(names(post.parameters)).toEqual(
      expect.arrayContaining(['entity', 'fileName', 'encoding', 'wait']),
    );
    expect(post.summary).toContain('text/csv');
    expect(names(doc.paths['/api/imports'].get.parameters)).toEqual(
      expect.arrayContaining(['limit', 'offset', 'sort', 'entity', 'status', 'q', 'mine']),
    );
  });

  it('pages, sorts and searches the import history on the server', async () => {
    const o = await makeOrg(database.db);
    const a = await clientFor(app, o.users.ops);
    const r = await clientFor(app, o.users.repA1);
    const names = ['c-客户.csv', 'a-线索.csv', 'b-线索.csv', 'd-线索.csv', 'e-线索.csv'];
    for (const [i, name] of names.entries()) {
      const client = i === 4 ? r : a;
      const entity = i === 0 ? 'accounts' : 'leads';
      const body =
        entity === 'accounts'
          ? Buffer.from(`客户名称,行业\n历史客户${base}科技有限公司,制造业\n`)
          : Buffer.from(HEADER + leadLines(1 + i, `历${i}`).join(''));
      const res = await streamUpload(client, { entity, fileName: name }, body);
      expect(res.statusCode, res.body).toBe(201);
    }
    const page1 = (await a.get('/api/imports?limit=2&offset=0&sort=fileName')).json();
    expect(page1.total).toBe(5);
    expect(page1.items.map((j: { fileName: string }) => j.fileName)).toEqual(['a-线索.csv', 'b-线索.csv']);
    expect(page1.items[0].preview).toBeUndefined();
    const page3 = (await a.get('/api/imports?limit=2&offset=4&sort=fileName')).json();
    expect(page3.items.map((j: { fileName: string }) => j.fileName)).toEqual(['e-线索.csv']);
    const desc = (await a.get('/api/imports?limit=1&sort=-totalRows')).json();
    expect(desc.items[0].fileName).toBe('e-线索.csv');
    const newest = (await a.get('/api/imports?limit=5')).json();
    expect(newest.items.map((j: { fileName: string }) => j.fileName)).toEqual([...names].reverse());
    const leads = (await a.get('/api/imports?entity=leads&q=线索&sort=fileName')).json();
    expect(leads.total).toBe(4);
    const search = (await a.get(`/api/imports?q=${encodeURIComponent('D-线')}`)).json();
    expect(search.items.map((j: { fileName: string }) => j.fileName)).toEqual(['d-线索.csv']);
    // LIKE wildcards in the search are plain characters.
    expect((await a.get('/api/imports?q=%25')).json().total).toBe(0);
    expect((await a.get('/api/imports?status=committed')).json().total).toBe(0);
    expect((await a.get('/api/imports?status=validated')).json().total).toBe(5);
    // Sales ops see all of the company's, or only their own with mine=true; a rep only their own.
    expect((await a.get('/api/imports?mine=true')).json().total).toBe(4);
    const own = (await r.get('/api/imports')).json();
    expect(own.items.map((j: { fileName: string }) => j.fileName)).toEqual(['e-线索.csv']);
    // Other tenants' imports never show.
    expect((await admin.get('/api/imports?q=线索.csv')).json().total).toBe(0);
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
      ['offset=-1', 'offset'],
      ['sort=size', 'sort'],
      ['status=done', 'status'],
      ['entity=invoices', 'entity'],
      ['page=2', 'page'],
    ]) {
      const res = await a.get(`/api/imports?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().field, q).toBe(field);
    }
  });
});
