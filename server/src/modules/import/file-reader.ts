import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';

// What reading an uploaded CSV or XLSX shares: the table's shape, the encodings a CSV may be in
// (detected by the stream reader: a BOM, else strict UTF-8, else GB18030, a superset of GBK and
// GB2312, which is what Excel in China writes) and how cells become plain strings. The files
// themselves are read as streams (stream-reader.ts).

export type TableFormat = 'csv' | 'xlsx';

/** A cell that held a formula: its computed value is used, or none when there was none. */
export interface FormulaCell {
  rowNo: number;
  column: string;
  hasValue: boolean;
}

export const ENCODINGS = ['utf-8', 'gb18030', 'gbk', 'utf-16le', 'utf-16be'] as const;

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

/** The column names of a header row: trimmed, without trailing empty cells (Excel's formatted-but-empty columns). */
export function headerNames(cells: string[]): string[] {
  const headers = cells.map((h) => h.trim());
  while (headers.length && !headers[headers.length - 1]) headers.pop();
  return headers;
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

/** An XLSX cell as text; a formula's cached result, and whether it had one. */
export function cellText(value: ExcelJS.CellValue): { text: string; formula?: boolean; hasValue?: boolean } {
  if (value === null || value === undefined) return { text: '' };
  if (value instanceof Date) {
    const iso = value.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso };
  }
  if (typeof value === 'object') {
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: ExcelJS.CellValue }).result;
      // An error result (#N/A) is no value: an object when read whole, NaN when streamed.
      const inner =
        result === undefined ||
        (typeof result === 'number' && Number.isNaN(result)) ||
        (typeof result === 'object' && result && 'error' in result)
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
