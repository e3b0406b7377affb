import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../../shared/errors';

// Reads an uploaded CSV or XLSX into a header row and data rows of plain strings. Encodings of
// CSV files are detected: a BOM (UTF-8, UTF-16), else strict UTF-8, else GB18030 (a superset of
// GBK and GB2312, which is what Excel in China writes).

export type TableFormat = 'csv' | 'xlsx';

export interface Table {
  format: TableFormat;
  encoding: string | null;
  headers: string[];
  /** Data rows (empty lines already left out), each with its 1-based line/row number in the file. */
  rows: Array<{ rowNo: number; cells: string[]; cutOff?: { reason: string } }>;
  emptyLines: number;
  /** Cells that held a formula: their computed value is used, or none when there was none. */
  formulaCells: Array<{ rowNo: number; column: string; hasValue: boolean }>;
}

export const ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'utf-16le', 'utf-16be'] as const;

function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
}

export function detectFormat(fileName: string, buf: Buffer): TableFormat {
  if (isZip(buf) || /\.xlsx$/i.test(fileName)) return 'xlsx';
  return 'csv';
}

/** Decodes CSV bytes; throws IMPORT_ENCODING_INVALID when the bytes are not text in any of them. */
export function decodeText(buf: Buffer, forced?: string): { text: string; encoding: string } {
  let encoding = forced?.toLowerCase();
  let body = buf;
  if (!encoding) {
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      encoding = 'utf-8';
      body = buf.subarray(3);
    } else if (buf[0] === 0xff && buf[1] === 0xfe) {
      encoding = 'utf-16le';
      body = buf.subarray(2);
    } else if (buf[0] === 0xfe && buf[1] === 0xff) {
      encoding = 'utf-16be';
      body = buf.subarray(2);
    }
  }
  if (!encoding) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
    } catch {
      encoding = 'gb18030';
    }
  }
  let text: string;
  if (encoding === 'utf-8') {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body).replace(/^\ufeff/, '');
    } catch {
      throw new AppError('IMPORT_ENCODING_INVALID', { field: 'encoding', params: { encoding } });
    }
  } else {
    if (!iconv.encodingExists(encoding)) {
      throw new AppError('IMPORT_ENCODING_INVALID', { field: 'encoding', params: { encoding } });
    }
    text = iconv.decode(body, encoding).replace(/^\ufeff/, '');
  }
  // Undecodable bytes or control characters mean the guess was wrong (or the file is binary).
  if (text.includes('\ufffd') || hasControlCharacters(text)) {
    throw new AppError('IMPORT_ENCODING_INVALID', { field: 'encoding', params: { encoding } });
  }
  return { text, encoding };
}

/** NUL and other C0 controls besides tab, line feed, form feed and carriage return. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) return true;
  }
  return false;
}

export function isEmptyRow(cells: string[]): boolean {
  return cells.every((c) => !c.trim());
}

/**
 * A CSV cut off in the middle (an unterminated quote, or a last line without its end and with
 * fewer cells than the header) keeps its complete rows; the cut row is marked `cutOff` and
 * becomes a rejected row with its text, so nothing of the file is silently lost.
 */
function readCsv(buf: Buffer, forcedEncoding?: string): Table {
  const { text, encoding } = decodeText(buf, forcedEncoding);
  const delimiter = guessDelimiter(text);
  const records: string[][] = [];
  let parsedBytes = 0;
  let cut: { cells: string[]; reason: string } | undefined;
  try {
    parse(text, {
      relax_column_count: true,
      skip_empty_lines: false,
      info: false,
      delimiter,
      on_record: (record: string[], context: { bytes: number }) => {
        records.push(record);
        parsedBytes = context.bytes;
        return null;
      },
    });
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code !== 'CSV_QUOTE_NOT_CLOSED') {
      const reason = `${e.code ?? 'CSV'} at line ${e.lines ?? '?'}`;
      throw new AppError('IMPORT_FILE_UNREADABLE', { field: 'file', params: { reason }, cause: err });
    }
    const rest = Buffer.from(text, 'utf8').subarray(parsedBytes).toString('utf8');
    const line = text.slice(0, text.length - rest.length).split('\n').length;
    cut = { cells: lenientCells(rest, delimiter), reason: `unterminated quote from line ${line}` };
  }
  const endsLine = /[\r\n]$/.test(text);
  const headerWidth = records.find((r) => !isEmptyRow(r))?.length ?? 0;
  const last = records[records.length - 1];
  if (!cut && !endsLine && records.length > 1 && last && !isEmptyRow(last) && last.length < headerWidth) {
    // The last line stops short of its columns and of its line end: the file was cut there.
    records.pop();
    cut = { cells: last, reason: `last line has ${last.length} of ${headerWidth} columns and no line end` };
  }
  if (cut && !records.some((r) => !isEmptyRow(r))) {
    // Not even the header line is whole: nothing can be read.
    throw new AppError('IMPORT_FILE_UNREADABLE', { field: 'file', params: { reason: cut.reason } });
  }
  const all: Array<{ rowNo: number; cells: string[]; cutOff?: { reason: string } }> = records.map(
    (cells, i) => ({ rowNo: i + 1, cells }),
  );
  if (cut) all.push({ rowNo: records.length + 1, cells: cut.cells, cutOff: { reason: cut.reason } });
  return toTable('csv', encoding, all, []);
}

/** The cells of a cut-off row as far as they go (its open quote closed), or its whole text. */
export function lenientCells(rest: string, delimiter: string): string[] {
  try {
    const [first] = parse(`${rest.replace(/[\r\n]+$/, '')}"`, {
      relax_column_count: true,
      relax_quotes: true,
      delimiter,
    }) as string[][];
    if (first?.length) return first;
  } catch {
    // fall through: the text as one cell
  }
  return [rest.trim()];
}

/** Comma unless the header line has more semicolons or tabs (European Excel, TSV). */
function guessDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

function toTable(
  format: TableFormat,
  encoding: string | null,
  all: Array<{ rowNo: number; cells: string[]; cutOff?: { reason: string } }>,
  formulaCells: Table['formulaCells'],
): Table {
  let headerIndex = all.findIndex((r) => !isEmptyRow(r.cells));
  if (headerIndex < 0)
    throw new AppError('IMPORT_FILE_UNREADABLE', { field: 'file', params: { reason: 'empty file' } });
  const headers = all[headerIndex]!.cells.map((h) => h.trim());
  // Trailing empty header cells (Excel's formatted-but-empty columns) are not columns.
  while (headers.length && !headers[headers.length - 1]) headers.pop();
  const rows: Table['rows'] = [];
  let emptyLines = 0;
  for (const r of all.slice(++headerIndex)) {
    if (isEmptyRow(r.cells)) emptyLines++;
    else rows.push(r);
  }
  return { format, encoding, headers, rows, emptyLines, formulaCells };
}

function cellText(value: ExcelJS.CellValue): { text: string; formula?: boolean; hasValue?: boolean } {
  if (value === null || value === undefined) return { text: '' };
  if (value instanceof Date) {
    const iso = value.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso };
  }
  if (typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: ExcelJS.CellValue }).result;
      const inner =
        result === undefined || (typeof result === 'object' && result && 'error' in result)
          ? undefined
          : result;
      return {
        text: inner === undefined ? '' : cellText(inner).text,
        formula: true,
        hasValue: inner !== undefined,
      };
    }
    if ('richText' in value) return { text: value.richText.map((r) => r.text).join('') };
    if ('text' in value) return { text: String((value as { text: unknown }).text) };
    if ('error' in value) return { text: '' };
  }
  return { text: String(value) };
}

async function readXlsx(buf: Buffer): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw new AppError('IMPORT_FILE_UNREADABLE', {
      field: 'file',
      params: { reason: 'not a complete XLSX workbook (the file may be cut off)' },
      cause: err,
    });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet)
    throw new AppError('IMPORT_FILE_UNREADABLE', { field: 'file', params: { reason: 'no worksheet' } });
  const all: Array<{ rowNo: number; cells: string[] }> = [];
  const formulaCells: Table['formulaCells'] = [];
  const width = sheet.columnCount;
  let headers: string[] | undefined;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const t = cellText(row.getCell(c).value);
      cells.push(t.text);
      if (t.formula && headers)
        formulaCells.push({ rowNo: r, column: headers[c - 1] ?? `#${c}`, hasValue: !!t.hasValue });
    }
    if (!headers && !isEmptyRow(cells)) headers = cells.map((h) => h.trim());
    all.push({ rowNo: r, cells });
  }
  return toTable('xlsx', null, all, formulaCells);
}

export async function readTable(
  fileName: string,
  buf: Buffer,
  opts: { encoding?: string } = {},
): Promise<Table> {
  if (!buf.length)
    throw new AppError('IMPORT_FILE_UNREADABLE', { field: 'file', params: { reason: 'empty file' } });
  const format = detectFormat(fileName, buf);
  return format === 'xlsx' ? readXlsx(buf) : readCsv(buf, opts.encoding);
}
