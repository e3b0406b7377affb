import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Parser } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../../shared/errors';
import {
  cellText,
  type FormulaCell,
  hasControlCharacters,
  headerNames,
  isEmptyRow,
  lenientCells,
  type TableFormat,
} from './file-reader';

// Reads an uploaded file as a stream of rows, so that a file of hundreds of megabytes is never
// held in memory whole. CSV is decoded and parsed chunk by chunk (the encoding is detected from
// the first bytes: a BOM, else UTF-8 when the first non-ASCII bytes are valid UTF-8, else
// GB18030); XLSX workbooks are unzipped and their first sheet's XML parsed as the bytes come
// (ExcelJS's streaming reader), under the same cap as CSV.

export interface StreamRow {
  /** 1-based record number in the file (the header and empty lines count). */
  rowNo: number;
  cells: string[];
  /** The row where a cut-off file stops. */
  cutOff?: { reason: string };
  /** Columns of this row whose formula had no computed value (XLSX). */
  formulasWithoutValue?: string[];
}

export interface TableStream {
  format: TableFormat;
  encoding: string | null;
  headers: string[];
  /** The data rows after the header (empty lines left out); read once. */
  rows: AsyncGenerator<StreamRow>;
  /** Empty lines after the header, known once the rows are read. */
  emptyLines(): number;
  /** XLSX formula cells (whole workbook); empty for CSV. */
  formulaCells: FormulaCell[];
}

const MiB = 1024 * 1024;

/** The bytes of an async source, with the first few looked at before the rest is read. */
class Peeked {
  private readonly it: AsyncIterator<Buffer>;
  head: Buffer[] = [];
  headBytes = 0;
  ended = false;
  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.it.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    return true;
  }
  /** Reads on until at least `n` bytes are in the head (or the source ends). */
  async fill(n: number): Promise<Buffer> {
    while (this.headBytes < n && (await this.more()));
    return Buffer.concat(this.head);
  }
  async *all(): AsyncGenerator<Buffer> {
    const head = this.head;
    this.head = [];
    try {
      yield* head;
      for (;;) {
        if (this.ended) return;
        const next = await this.it.next();
        if (next.done) {
          this.ended = true;
          return;
        }
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    } finally {
      // Left before the end (a refused file): the source (a file on disk) is closed now.
      if (!this.ended) await this.it.return?.(undefined);
    }
  }
}

function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
}

const unreadable = (reason: string, cause?: unknown) =>
  new AppError('IMPORT_FILE_UNREADABLE', { field: 'file', params: { reason }, cause });
const badEncoding = (encoding: string) =>
  new AppError('IMPORT_ENCODING_INVALID', { field: 'encoding', params: { encoding } });

export async function openTableStream(
  fileName: string,
  source: AsyncIterable<Buffer>,
  opts: { encoding?: string } = {},
): Promise<TableStream> {
  const peek = new Peeked(source);
  const first = await peek.fill(4);
  if (!first.length) throw unreadable('empty file');
  if (isZip(first) || /\.xlsx$/i.test(fileName)) return openXlsx(peek);
  return openCsv(peek, opts.encoding?.toLowerCase());
}

/** What ExcelJS's streaming reader has but does not declare. */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}
interface StreamingWorkbook extends AsyncIterable<SheetReader> {
  model?: { sheets?: Array<{ name: string }> };
}

/** Waits until a stream wants more bytes, or is gone. */
async function drained(stream: PassThrough): Promise<void> {
  if (stream.destroyed) return;
  const ac = new AbortController();
  await Promise.race([
    once(stream, 'drain', { signal: ac.signal }),
    once(stream, 'close', { signal: ac.signal }),
  ]).catch(() => undefined);
  ac.abort();
}

/**
 * An XLSX workbook read as its bytes come: the zip's entries are unzipped in turn and the first
 * sheet's rows parsed from its XML by ExcelJS's streaming reader (a sheet stored before the shared
 * strings or styles it uses is spooled by ExcelJS to a temporary file until they are read, so its
 * rows come once the whole file is read). The rest of the file is still read to its end, so that
 * its size and hash are the whole file's. A workbook that breaks off (cut, damaged) in its first
 * sheet keeps the rows read before the damage; the damage becomes one rejected row, as a cut-off
 * CSV's does (a few rows just before it, unzipped but not yet parsed, are lost with it: the row
 * says from where). Before the header, it is unreadable. The unzip stream buffers a bounded
 * number of chunks, so memory stays flat whatever the size of the file.
 */
async function openXlsx(peek: Peeked): Promise<TableStream> {
  // Fed by hand rather than piped: a source that fails (the size cap) ends the zip stream, which
  // then stops with an error instead of waiting forever, and the source's own error is reported.
  const input = new PassThrough();
  let sourceError: unknown;
  let abandoned = false;
  const pump = (async () => {
    try {
      for await (const chunk of peek.all()) {
        if (abandoned) break;
        // Once the first sheet is read (input destroyed), the rest is only counted and hashed.
        if (input.destroyed) continue;
        if (!input.write(chunk)) await drained(input);
      }
    } catch (err) {
      sourceError = err;
    } finally {
      if (!input.destroyed) input.end();
    }
  })();
  // Styles are read for the number formats: they tell Excel serial dates from plain numbers.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as StreamingWorkbook;
  // The unzip stream reports a cut inside an entry on itself, not on the entry's stream, which
  // its sheet reader waits on forever: each read of a row is raced against that failure.
  let zipFailed: (err: unknown) => void = () => undefined;
  const zipFailure = new Promise<never>((_, reject) => {
    zipFailed = reject;
  });
  zipFailure.catch(() => undefined);
  const pipe = input.pipe.bind(input);
  input.pipe = ((dest: NodeJS.WritableStream) => {
    dest.on('error', (err) => zipFailed(err));
    return pipe(dest);
  }) as typeof input.pipe;
  async function* firstSheet(): AsyncGenerator<ExcelJS.Row> {
    for await (const sheet of reader) {
      // Sheets come in the zip's order: the first is the one first in the workbook (as Excel
      // shows them); the others' entries are skipped unread.
      const first = reader.model?.sheets?.[0]?.name;
      if (first !== undefined && sheet.name !== first) continue;
      yield* sheet;
      return;
    }
    throw unreadable('no worksheet');
  }
  const sheetRows = firstSheet();
  const nextRow = () => Promise.race([sheetRows.next(), zipFailure]);
  let finished = false;
  /** Stops reading the workbook; `drain` reads the rest of the file (size, hash, cap) first. */
  const finish = async (drain: boolean) => {
    if (finished) return;
    finished = true;
    abandoned = !drain;
    input.destroy();
    // Not awaited: a sheet reader left waiting on a cut entry never returns.
    sheetRows.return(undefined).catch(() => undefined);
    if (drain) await pump;
  };

  const formulaCells: FormulaCell[] = [];
  let headerCells: string[] | undefined;
  let width = 0;
  const readRow = (row: ExcelJS.Row) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based, with holes
    const cells: string[] = [];
    const withoutValue: string[] = [];
    for (let c = 1; c <= Math.max(width, values.length - 1); c++) {
      const t = cellText(values[c]);
      cells.push(t.text);
      if (t.formula && headerCells) {
        const column = headerCells[c - 1] ?? `#${c}`;
        formulaCells.push({ rowNo: row.number, column, hasValue: !!t.hasValue });
        if (!t.hasValue) withoutValue.push(column);
      }
    }
    return { cells, withoutValue };
  };

  let last = 0;
  try {
    for (;;) {
      const next = await nextRow();
      if (next.done) break;
      const { cells } = readRow(next.value);
      if (isEmptyRow(cells)) continue;
      headerCells = cells.map((h) => h.trim());
      width = cells.length;
      last = next.value.number;
      break;
    }
  } catch (err) {
    await finish(false);
    if (sourceError) throw sourceError;
    if (err instanceof AppError) throw err;
    throw unreadable('not a complete XLSX workbook (the file may be cut off)', err);
  }
  if (!headerCells) {
    await finish(true);
    throw sourceError ?? unreadable('empty file');
  }
  const headers = headerNames(headerCells);

  let emptyLines = 0;
  async function* rows(): AsyncGenerator<StreamRow> {
    try {
      for (;;) {
        let next: IteratorResult<ExcelJS.Row>;
        try {
          next = await nextRow();
        } catch (err) {
          if (sourceError) throw sourceError;
          // Only what was unzipped before the damage can be read: the rows after it are lost
          // (the report says from which row), the rows before are kept.
          const why = err instanceof Error ? err.message.slice(0, 100) : 'damaged';
          yield {
            rowNo: last + 1,
            cells: [],
            cutOff: {
              reason: `XLSX cut off or damaged (${why}): rows from ${last + 1} on could not be read`,
            },
          };
          break;
        }
        if (next.done) break;
        const row = next.value;
        // Rows missing from the sheet's XML are empty lines too.
        emptyLines += Math.max(0, row.number - last - 1);
        last = row.number;
        const { cells, withoutValue } = readRow(row);
        if (isEmptyRow(cells)) emptyLines++;
        else if (withoutValue.length) yield { rowNo: row.number, cells, formulasWithoutValue: withoutValue };
        else yield { rowNo: row.number, cells };
      }
      await finish(true);
      if (sourceError) throw sourceError;
    } finally {
      await finish(false);
    }
  }
  return {
    format: 'xlsx',
    encoding: null,
    headers,
    rows: rows(),
    emptyLines: () => emptyLines,
    formulaCells,
  };
}

/** Detects the encoding from the first bytes: BOM, else UTF-8 when its first non-ASCII bytes are valid. */
async function detectEncoding(
  peek: Peeked,
  forced?: string,
): Promise<{ encoding: string; skip: number; detected: boolean }> {
  const head = await peek.fill(4);
  if (!forced) {
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
      return { encoding: 'utf-8', skip: 3, detected: false };
    if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', skip: 2, detected: false };
    if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', skip: 2, detected: false };
  } else {
    if (forced !== 'utf-8' && !iconv.encodingExists(forced)) throw badEncoding(forced);
    return { encoding: forced, skip: 0, detected: false };
  }
  // Read on until some non-ASCII text has been seen (64 KiB past it), or 4 MiB of plain ASCII.
  let nonAsciiAt = -1;
  let scanned = 0;
  for (;;) {
    const buf = Buffer.concat(peek.head);
    if (nonAsciiAt < 0) {
      for (let i = scanned; i < buf.length; i++) {
        if (buf[i]! >= 0x80) {
          nonAsciiAt = i;
          break;
        }
      }
      scanned = buf.length;
    }
    const enough = nonAsciiAt >= 0 ? buf.length >= nonAsciiAt + 64 * 1024 : buf.length >= 4 * MiB;
    if (enough || !(await peek.more())) {
      if (nonAsciiAt < 0) return { encoding: 'utf-8', skip: 0, detected: true };
      try {
        // stream: true leaves a character cut at the end of the sample undecided, not wrong.
        new TextDecoder('utf-8', { fatal: true }).decode(buf, { stream: !peek.ended });
        return { encoding: 'utf-8', skip: 0, detected: true };
      } catch {
        return { encoding: 'gb18030', skip: 0, detected: true };
      }
    }
  }
}

/** The push parser inside csv-parse's stream (`Parser#api`, csv-parse 6): parse(bytes, end, push, close) → error. */
interface PushParser {
  parse(
    buf: Buffer | undefined,
    end: boolean,
    push: (r: { record: string[]; info: { bytes: number } }) => void,
    close: () => void,
  ): unknown;
}

interface Decoder {
  write(buf: Buffer): string;
  end(): string;
}

function decoderFor(encoding: string, state: { cutInCharacter: boolean }): Decoder {
  if (encoding === 'utf-8') {
    const d = new TextDecoder('utf-8', { fatal: true });
    return {
      write: (buf) => {
        try {
          return d.decode(buf, { stream: true });
        } catch {
          throw badEncoding(encoding);
        }
      },
      end: () => {
        try {
          return d.decode();
        } catch {
          // The last bytes begin a character that never ends: the file was cut there.
          state.cutInCharacter = true;
          return '';
        }
      },
    };
  }
  const d = iconv.getDecoder(encoding);
  return { write: (buf) => d.write(buf), end: () => d.end() ?? '' };
}

/** Comma unless the header line has more semicolons or tabs (European Excel, TSV). */
function guessDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

async function openCsv(peek: Peeked, forced?: string): Promise<TableStream> {
  const { encoding, skip } = await detectEncoding(peek, forced);
  const state = { cutInCharacter: false };
  const decoder = decoderFor(encoding, state);
  // The decoded text as UTF-8 bytes not yet parsed into a record: what a cut-off file has left.
  const tail: Buffer[] = [];
  let tailStart = 0;
  let consumed = 0;
  let newlines = 0;
  let lastChar = '';
  let firstText = true;
  const check = (text: string): string => {
    let t = text;
    if (firstText && t) {
      t = t.replace(/^\ufeff/, '');
      firstText = false;
    }
    // Undecodable bytes or control characters mean the guess was wrong (or the file is binary).
    if (t.includes('\ufffd') || hasControlCharacters(t)) throw badEncoding(encoding);
    return t;
  };
  /** Remembers a decoded chunk (as the parser's UTF-8 bytes) until its records are read. */
  const keep = (text: string): Buffer => {
    while (tail.length && tailStart + tail[0]!.length <= consumed) tailStart += tail.shift()!.length;
    const bytes = Buffer.from(text, 'utf8');
    tail.push(bytes);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
    lastChar = text[text.length - 1]!;
    return bytes;
  };
  async function* text(): AsyncGenerator<string> {
    let skipped = 0;
    for await (const raw of peek.all()) {
      let chunk = raw;
      if (skipped < skip) {
        const n = Math.min(skip - skipped, chunk.length);
        chunk = chunk.subarray(n);
        skipped += n;
      }
      const t = check(decoder.write(chunk));
      if (t) yield t;
    }
    const t = check(decoder.end());
    if (t) yield t;
  }
  const texts = text();
  // The header line decides the delimiter: read text until its end.
  let start = '';
  for (;;) {
    const n = await texts.next();
    if (n.done) break;
    start += n.value;
    if (start.includes('\n') || start.length > 1024 * 1024) break;
  }
  const nl = start.indexOf('\n');
  const delimiter = guessDelimiter(nl === -1 ? start : start.slice(0, nl));
  // csv-parse's push parser, fed chunk by chunk: records come out as soon as they are complete.
  const api = (
    new Parser({ relax_column_count: true, skip_empty_lines: false, delimiter, info: true }) as unknown as {
      api: PushParser;
    }
  ).api;
  let queue: Array<{ record: string[]; info: { bytes: number } }> = [];
  let at = 0;
  let parseError: unknown;
  let finished = false;
  const push = (r: { record: string[]; info: { bytes: number } }) => queue.push(r);
  const close = () => undefined;
  const feed = async (): Promise<void> => {
    if (start) {
      const t = start;
      start = '';
      parseError = api.parse(keep(t), false, push, close);
      return;
    }
    const n = await texts.next();
    if (n.done) {
      finished = true;
      parseError = api.parse(undefined, true, push, close);
    } else parseError = api.parse(keep(n.value), false, push, close);
  };
  let recordNo = 0;
  let quoteCut: { rest: string; line: number } | undefined;
  const next = async (): Promise<string[] | undefined> => {
    while (at >= queue.length) {
      queue = [];
      at = 0;
      if (quoteCut) return undefined;
      if (parseError) {
        const e = parseError as { code?: string; lines?: number };
        if (e.code !== 'CSV_QUOTE_NOT_CLOSED') {
          throw unreadable(`${e.code ?? 'CSV'} at line ${e.lines ?? '?'}`, parseError);
        }
        const rest = Buffer.concat(tail)
          .subarray(Math.max(0, consumed - tailStart))
          .toString('utf8');
        let restLines = 0;
        for (let i = rest.indexOf('\n'); i >= 0; i = rest.indexOf('\n', i + 1)) restLines++;
        quoteCut = { rest, line: newlines - restLines + 1 };
        return undefined;
      }
      if (finished) return undefined;
      await feed();
    }
    const r = queue[at++]!;
    recordNo++;
    consumed = r.info.bytes;
    return r.record;
  };
  let headerRecord: string[] | undefined;
  for (;;) {
    const r = await next();
    if (!r) break;
    if (!isEmptyRow(r)) {
      headerRecord = r;
      break;
    }
  }
  if (!headerRecord) {
    // Not even the header line is whole, or there is none.
    throw unreadable(quoteCut ? `unterminated quote from line ${quoteCut.line}` : 'empty file');
  }
  const headerWidth = headerRecord.length;
  const headers = headerNames(headerRecord);
  let emptyLines = 0;
  async function* rows(): AsyncGenerator<StreamRow> {
    try {
      let held: StreamRow | undefined;
      for (;;) {
        const r = await next();
        if (!r) break;
        if (held) yield held;
        held = undefined;
        if (isEmptyRow(r)) emptyLines++;
        else held = { rowNo: recordNo, cells: r };
      }
      if (quoteCut) {
        if (held) yield held;
        yield {
          rowNo: recordNo + 1,
          cells: lenientCells(quoteCut.rest, delimiter),
          cutOff: { reason: `unterminated quote from line ${quoteCut.line}` },
        };
        return;
      }
      const endsLine = lastChar === '\r' || lastChar === '\n';
      if (held && state.cutInCharacter) {
        yield { ...held, cutOff: { reason: 'the file ends in the middle of a character' } };
      } else if (held && !endsLine && held.cells.length < headerWidth) {
        // The last line stops short of its columns and of its line end: the file was cut there.
        yield {
          ...held,
          cutOff: { reason: `last line has ${held.cells.length} of ${headerWidth} columns and no line end` },
        };
      } else if (held) yield held;
    } finally {
      await texts.return(undefined);
    }
  }
  return {
    format: 'csv',
    encoding,
    headers,
    rows: rows(),
    emptyLines: () => emptyLines,
    formulaCells: [],
  };
}

/** Reads a file's bytes from disk or memory as chunks (for the stream reader). */
export async function* chunksOf(buf: Buffer, size = 1024 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
