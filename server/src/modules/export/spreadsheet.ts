import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

// Writing tables for people to open in Excel or WPS: CSV in UTF-8 with a BOM (without it Excel
// in China reads the file as GBK and shows mojibake) and XLSX. Every text cell is made safe
// against formula injection (CSV/DDE injection, OWASP): a value starting with = + - @ or a tab
// or carriage return gets a leading apostrophe, so a spreadsheet shows it as text, never runs it.

export type ExportFormat = 'csv' | 'xlsx';
export type Cell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(value: Cell): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function toCsv(headers: string[], rows: Cell[][]): Buffer {
  const body = stringify([headers.map((h) => safeCell(h)), ...rows.map((r) => r.map(safeCell))], {
    record_delimiter: '\r\n',
  });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]);
}

export async function toXlsx(headers: string[], rows: Cell[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.addRow(headers.map((h) => safeCell(h)));
  sheet.getRow(1).font = { bold: true };
  // Plain values only: a string is stored as a string cell, never as a formula.
  for (const r of rows) sheet.addRow(r.map(safeCell));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

export async function writeTable(
  format: ExportFormat,
  headers: string[],
  rows: Cell[][],
  sheetName?: string,
) {
  return format === 'csv' ? toCsv(headers, rows) : toXlsx(headers, rows, sheetName);
}
