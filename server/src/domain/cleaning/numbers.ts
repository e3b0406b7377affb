import { toHalfWidth } from '../credit-code';

// Numbers as typed in Chinese spreadsheets: 1,234.50 · ¥12,000 · 1.5万 · 2亿 · 3千 · (1,000).
// Parsed as exact decimals (scaled integers), never through floating point, so that 1.005万 元
// becomes exactly 1,005,000 分.

const UNITS: Record<string, bigint> = { 千: 1_000n, 万: 10_000n, 亿: 100_000_000n };

export interface Decimal {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

export function parseDecimal(raw: string | number): Decimal | undefined {
  let s = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : '') : toHalfWidth(raw);
  s = s
    .replace(/\s+/g, '')
    .replace(/^(RMB|CNY|¥|￥)/i, '')
    .replace(/(元|RMB|CNY)$/i, '');
  if (!s) return undefined;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  let multiplier = 1n;
  const unit = s.match(/(千|万|亿)+$/);
  if (unit) {
    for (const c of unit[0]) multiplier *= UNITS[c]!;
    s = s.slice(0, -unit[0].length);
  }
  // Thousands separators only in groups of three: "1,234,567.8"; "1,2" is not a number.
  if (s.includes(',')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return undefined;
    s = s.replace(/,/g, '');
  }
  if (/^\d+(\.\d+)?[eE][+-]?\d+$/.test(s)) {
    // Excel writes large numbers in scientific notation when a cell is too narrow.
    const n = Number(s);
    if (!Number.isSafeInteger(n)) return undefined;
    s = String(n);
  }
  const m = s.match(/^(\d+)(?:\.(\d+))?$/);
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  let units = BigInt(m[1]! + fraction) * multiplier;
  if (negative) units = -units;
  return { units, scale: fraction.length };
}

/** A plain number (for counts and percentages), or undefined. */
export function parseNumber(raw: string | number): number | undefined {
  const d = parseDecimal(raw);
  if (!d) return undefined;
  return Number(d.units) / 10 ** d.scale;
}

/** An amount in 元 to integer 分, rounded half up; undefined when not a number. */
export function toFen(raw: string | number): number | undefined {
  const d = parseDecimal(raw);
  if (!d) return undefined;
  let fen: bigint;
  if (d.scale <= 2) fen = d.units * 10n ** BigInt(2 - d.scale);
  else {
    const div = 10n ** BigInt(d.scale - 2);
    const abs = d.units < 0n ? -d.units : d.units;
    let q = abs / div;
    if ((abs % div) * 2n >= div) q += 1n;
    fen = d.units < 0n ? -q : q;
  }
  const n = Number(fen);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An integer (counts, minutes, percentages); undefined for fractions or text. */
export function parseInteger(raw: string | number): number | undefined {
  const d = parseDecimal(raw);
  if (!d) return undefined;
  const div = 10n ** BigInt(d.scale);
  if (d.units % div !== 0n) return undefined;
  const n = Number(d.units / div);
  return Number.isSafeInteger(n) ? n : undefined;
}
