// Exact decimal inputs for money arithmetic. Quantities, discounts and tax rates arrive as
// decimal strings (or numbers) and become scaled BigInts, so that no float ever touches money.

export type DecimalInput = string | number;

export type ParsedDecimal =
  | { ok: true; scaled: bigint }
  | { ok: false; code: 'not_a_number' | 'too_many_decimals' | 'too_large' };

const DECIMAL = /^([+-])?(\d{1,15})(?:\.(\d+))?$/;

/**
 * `"2.5"` with scale 4 → 25000n. Numbers are read through their shortest decimal form, so
 * `0.1` stays `0.1`. More fraction digits than the scale allows is an error, never a rounding.
 */
export function parseScaled(input: DecimalInput, scale: number): ParsedDecimal {
  const text = typeof input === 'number' ? numberToPlain(input) : input.trim().replace(/,/g, '');
  if (text === undefined) return { ok: false, code: 'not_a_number' };
  const m = DECIMAL.exec(text);
  if (!m) return { ok: false, code: /^\d{16,}/.test(text) ? 'too_large' : 'not_a_number' };
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return { ok: false, code: 'too_many_decimals' };
  const scaled = BigInt(m[2]!) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0') || '0');
  return { ok: true, scaled: m[1] === '-' ? -scaled : scaled };
}

function numberToPlain(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const s = String(n);
  return /e/i.test(s) ? undefined : s;
}

/** a ÷ b rounded half away from zero (四舍五入), b > 0. */
export function divRoundHalfUp(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError('divisor must be positive');
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = (abs * 2n + b) / (2n * b);
  return negative ? -q : q;
}

/** 25000n with scale 4 → "2.5". */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const int = abs.slice(0, abs.length - scale);
  const frac = abs.slice(abs.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}
