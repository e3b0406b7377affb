import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/auth/actor';
import { actorForUserId } from '../src/auth/auth.service';
import { prepareImportStream, type ValidationProgress } from '../src/modules/import/import.service';
import { chunksOf } from '../src/modules/import/stream-reader';
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

// XLSX read as a stream (ExcelJS's streaming reader) through the same batched validation as CSV:
// a large sheet with progress, formula cells, serial dates, rich text and numbers, a workbook in
// either entry order, and cut-off or oversized workbooks answered with clear errors.

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const LEAD_HEADER = ['姓名', '公司名称', '手机', '邮箱', '来源', '备注'];
let base = Math.floor(Math.random() * 1e5) * 100_000;

type Issue = { field: string; code: string; message: string };
type RowView = { rowNo: number; status: string; errors: Issue[]; input: Record<string, unknown> };

/** A workbook of `n` lead rows (unique names and mobiles), row 2 onwards; `extra` edits rows. */
async function leadWorkbook(n: number, tag: string, extra?: (ws: ExcelJS.Worksheet) => void) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('线索');
  ws.addRow(LEAD_HEADER);
  const from = base;
  base += n;
  for (let i = 0; i < n; i++) {
    const k = from + i;
    ws.addRow([
      `${tag}${k}`,
      `${tag}表格${k}号科技有限公司`,
      `139${String(k % 1e8).padStart(8, '0')}`,
      `x${k}@example.cn`,
      '展会',
      '',
    ]);
  }
  extra?.(ws);
  // A second sheet: never read (first sheet only).
  wb.addWorksheet('说明').addRow(['这张表不导入']);
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/**
 * The same workbook with its parts in the order Excel writes them (workbook, shared strings and
 * styles before the sheets), so that the sheet is parsed while it is unzipped rather than
 * spooled first, as it is for ExcelJS's own order (sheets first).
 */
async function excelOrder(buf: Buffer): Promise<Buffer> {
  const src = await JSZip.loadAsync(buf);
  const first = [
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
    'xl/sharedStrings.xml',
    'xl/styles.xml',
  ];
  const rank = (name: string) => {
    const i = first.indexOf(name.replace(/^\//, ''));
    return i < 0 ? first.length : i;
  };
  const names = Object.keys(src.files)
    .filter((name) => !src.files[name]!.dir)
    .sort((a, b) => rank(a) - rank(b));
  const out = new JSZip();
  for (const name of names) out.file(name.replace(/^\//, ''), await src.files[name]!.async('nodebuffer'));
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The bytes of a workbook cut in the middle of its first sheet's compressed data. */
function cutInFirstSheet(buf: Buffer): Buffer {
  const at = buf.indexOf('xl/worksheets/sheet1.xml');
  const next = buf.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), at);
  expect(at).toBeGreaterThan(0);
  expect(next).toBeGreaterThan(at);
  return buf.subarray(0, at + Math.floor((next - at) / 2));
}

describe('streamed XLSX import', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  let actor: Actor;

  const upload = (client: Client, query: Record<string, string>, body: Buffer) =>
    client.request({
      method: 'POST',
      url: `/api/imports?${new URLSearchParams(query)}`,
      headers: { 'content-type': XLSX_TYPE },
      payload: body,
    });

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    const a = await actorForUserId(database.db, org.users.ops.id, 'system');
    if (!a) throw new Error('no actor');
    actor = a;
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('streams a 20,000-row workbook through the raw upload with progress, formulas, rich text and numbers', async () => {
    const file = await leadWorkbook(19_999, '表', (ws) => {
      // A formula with its cached value, one without, rich text and a number.
      ws.getCell('F11').value = { formula: '"备"&"注"', result: '备注' } as ExcelJS.CellFormulaValue;
      ws.getCell('C21').value = { formula: 'A1&B1' } as ExcelJS.CellFormulaValue;
      ws.getCell('A31').value = { richText: [{ text: '富' }, { font: { bold: true }, text: '文本' }] };
      ws.getCell('C41').value = 13987654321;
      // Two rows left empty (absent from the sheet's XML), then the last row.
      ws.getRow(20_003).values = [
        '末行',
        '表格末行科技有限公司',
        '13900000000',
        'last@example.cn',
        '展会',
        '',
      ];
    });
    const res = await upload(ops, { entity: 'leads', fileName: '大表.xlsx', wait: 'false' }, file);
    expect(res.statusCode, res.body).toBe(202);
    const first = res.json();
    expect(first.status).toBe('validating');
    expect(first.format).toBe('xlsx');
    let job = first;
    const seen: string[] = [];
    for (let i = 0; i < 2400 && job.status === 'validating'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await ops.get(`/api/imports/${first.id}`)).json();
      seen.push(`${job.status}:${job.validation?.rows}`);
    }
    expect(job.status, seen.join(' ')).toBe('validated');
    expect(job.counts).toMatchObject({ total: 20_000, valid: 19_999, rejected: 1 });
    expect(job.validation).toMatchObject({ rows: 20_000, bytes: file.length, totalBytes: file.length });
    expect(job.fileSize).toBe(file.length);
    expect(job.fileHash).toBe(createHash('sha256').update(file).digest('hex'));
    expect(job.report.emptyLines).toBe(2);
    expect(job.report.formulaCells).toEqual([
      { rowNo: 11, column: '备注', hasValue: true },
      { rowNo: 21, column: '手机', hasValue: false },
    ]);
    const rejected = job.rejected as RowView[];
    expect(rejected.map((r) => [r.rowNo, r.errors.map((e) => `${e.field}:${e.code}`)])).toEqual([
      [21, ['mobile:formula_without_value']],
    ]);
    const inputOf = async (rowNo: number) => {
      const row = await database.db
        .selectFrom('importRows')
        .select('input')
        .where('jobId', '=', job.id)
        .where('rowNo', '=', rowNo)
        .executeTakeFirstOrThrow();
      return JSON.parse(row.input ?? '{}') as Record<string, unknown>;
    };
    expect((await inputOf(11)).notes).toBe('备注');
    expect((await inputOf(31)).name).toBe('富文本');
    expect((await inputOf(41)).mobile).toBe('13987654321');
    expect((await inputOf(20_003)).name).toBe('末行');
  }, 240_000);

  it('reads a workbook in Excel part order while unzipping it, reporting progress batch by batch', async () => {
    const file = await excelOrder(await leadWorkbook(5_000, '序'));
    const progress: ValidationProgress[] = [];
    const job = await prepareImportStream(
      database,
      actor,
      // Small chunks: the unzip stream holds only a few of them ahead of the parser.
      { entity: 'leads', fileName: 'excel.xlsx', source: chunksOf(file, 1024), size: file.length },
      { onProgress: (p) => void progress.push({ ...p }) },
    );
    expect(job.status).toBe('validated');
    expect(job.counts).toMatchObject({ total: 5_000, valid: 5_000 });
    expect(progress.map((p) => p.rows)).toEqual([1_000, 2_000, 3_000, 4_000, 5_000]);
    // The sheet is read while the file comes: the first batch is checked before its end is read.
    expect(progress[0]!.bytes).toBeLessThan(file.length);
    expect(job.fileSize).toBe(file.length);
    expect(job.fileHash).toBe(createHash('sha256').update(file).digest('hex'));
  }, 120_000);

  it('parses Excel serial dates in either part order', async () => {
    const account = await ops.post('/api/accounts', { name: '表格日期客户有限公司' });
    expect(account.statusCode, account.body).toBe(201);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('商机');
    ws.addRow(['客户名称', '商机名称', '金额（元）', '预计成交日期', '阶段']);
    ws.addRow(['表格日期客户有限公司', '年度服务', 12000, new Date(Date.UTC(2025, 2, 1)), '初步接触']);
    // A date typed as a plain serial number with a date format, as Excel stores every date.
    ws.addRow(['表格日期客户有限公司', '二期', 5000, 45_700, '需求分析']);
    ws.getCell('D3').numFmt = 'yyyy-mm-dd';
    const file = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    for (const [name, body] of [
      ['dates.xlsx', file],
      ['dates-excel.xlsx', await excelOrder(file)],
    ] as const) {
      const res = await upload(ops, { entity: 'deals', fileName: name }, body);
      expect(res.statusCode, res.body).toBe(201);
      const job = res.json();
      expect(job.counts, name).toMatchObject({ total: 2, valid: 2 });
      const inputs = (job.preview as RowView[]).map((r) => r.input.expectedCloseDate);
      expect(inputs, name).toEqual(['2025-03-01', '2025-02-12']);
    }
  }, 60_000);

  it('keeps the rows read before a cut in a streamed sheet; refuses a workbook cut before its rows', async () => {
    const whole = await leadWorkbook(3_000, '截');
    // Excel order: the sheet is parsed as it is unzipped, so the rows read before the cut are kept.
    const cut = cutInFirstSheet(await excelOrder(whole));
    const kept = await prepareImportStream(database, actor, {
      entity: 'leads',
      fileName: 'cut.xlsx',
      source: chunksOf(cut, 1024),
      size: cut.length,
    });
    expect(kept.status).toBe('validated');
    const rowsKept = kept.counts.total - 1;
    expect(rowsKept).toBeGreaterThan(0);
    expect(rowsKept).toBeLessThan(3_000);
    expect(kept.counts).toMatchObject({ valid: rowsKept, rejected: 1 });
    const last = kept.rejected.at(-1)!;
    expect(last.rowNo).toBe(rowsKept + 2);
    expect(last.errors.map((e) => e.code)).toEqual(['row_cut_off']);
    expect(last.errors[0]!.message).toContain(`第 ${rowsKept + 2} 行`);
    expect(last.errors[0]!.message).toContain(`rows from ${rowsKept + 2} on could not be read`);

    // ExcelJS's order (the sheet first, spooled until the shared strings come): nothing to keep.
    for (const body of [cutInFirstSheet(whole), whole.subarray(0, whole.length - 100)]) {
      const refused = await upload(ops, { entity: 'leads', fileName: 'cut.xlsx' }, body);
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'IMPORT_FILE_UNREADABLE', field: 'file' });
      expect(refused.json().message).toContain('XLSX');
    }
    const garbage = await upload(
      ops,
      { entity: 'leads', fileName: 'garbage.xlsx' },
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 7)]),
    );
    expect(garbage.statusCode, garbage.body).toBe(422);
    expect(garbage.json()).toMatchObject({ code: 'IMPORT_FILE_UNREADABLE', field: 'file' });
  }, 120_000);

  it('holds XLSX to the same cap as CSV while it streams, and ends cleanly', async () => {
    const file = await excelOrder(await leadWorkbook(3_000, '限'));
    const before = process.env.IMPORT_MAX_BYTES;
    process.env.IMPORT_MAX_BYTES = String(Math.floor(file.length / 2));
    try {
      const err = await prepareImportStream(database, actor, {
        entity: 'leads',
        fileName: 'big.xlsx',
        source: chunksOf(file, 16 * 1024),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', field: 'file' });
    } finally {
      if (before === undefined) delete process.env.IMPORT_MAX_BYTES;
      else process.env.IMPORT_MAX_BYTES = before;
    }
    const jobs = await database.db
      .selectFrom('importJobs')
      .select('id')
      .where('fileName', '=', 'big.xlsx')
      .execute();
    expect(jobs).toEqual([]);
  }, 60_000);
});
