import { toHalfWidth } from '../credit-code';

// Dates as people type them in Chinese spreadsheets: 2025/1/2, 2025-01-02, 2025.1.2, 2025年1月2日,
// 20250102, or an Excel serial number (days since 1899-12-30, the 1900 date system).

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function validYmd(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** Excel serial (1 = 1900-01-01; the Lotus leap-year bug makes 60 = the non-existent 1900-02-29). */
export function excelSerialToDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
  const whole = Math.floor(serial);
  const days = whole < 60 ? whole + 1 : whole;
  const dt = new Date(EXCEL_EPOCH_MS + days * DAY_MS);
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

/** 'YYYY-MM-DD', or undefined when the text is not a real calendar date. */
export function parseDate(raw: string | number | Date): string | undefined {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return undefined;
    return `${raw.getUTCFullYear()}-${pad(raw.getUTCMonth() + 1)}-${pad(raw.getUTCDate())}`;
  }
  if (typeof raw === 'number') return excelSerialToDate(raw);
  const s = toHalfWidth(raw).trim();
  if (!s) return undefined;
  let m = s.match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = s.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  // A bare number of 5 digits or fewer is what Excel shows when a date cell is read as text.
  if (/^\d{1,5}(\.\d+)?$/.test(s)) return excelSerialToDate(Number(s));
  return undefined;
}

/**
 * A moment as an ISO UTC string. Text without an offset is local time in `offset` (the tenant's,
 * default Asia/Shanghai +08:00); a date alone means midnight local time.
 */
export function parseDateTime(raw: string | number | Date, offset = '+08:00'): string | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.toISOString();
  if (typeof raw === 'number') {
    const day = excelSerialToDate(raw);
    if (!day) return undefined;
    const fraction = raw - Math.floor(raw);
    const ms = Date.parse(`${day}T00:00:00${offset}`) + Math.round(fraction * DAY_MS);
    return new Date(ms).toISOString();
  }
  const s = toHalfWidth(raw).trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const m = s.match(/^(.+?)(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$/);
  if (!m) return undefined;
  const day = parseDate(m[1]!);
  if (!day) return undefined;
  const [h, mi, se] = [Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (h > 23 || mi > 59 || se > 59) return undefined;
  const t = Date.parse(`${day}T${pad(h)}:${pad(mi)}:${pad(se)}${offset}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
