import type { Locale } from '../../shared/locale';

// Money on documents: integer 分 in, text out, no floating point on the way.

/** 123456 → "1,234.56" (two decimals, thousands grouped). */
export function formatAmount(fen: number): string {
  const negative = fen < 0;
  const abs = BigInt(Math.abs(Math.trunc(fen)));
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/** A total with its currency: "1,234.56 元" in Chinese for CNY, "CNY 1,234.56" otherwise. */
export function formatMoney(fen: number, currency: string, lang: Locale): string {
  if (currency === 'CNY' && lang === 'zh-CN') return `${formatAmount(fen)} 元`;
  return `${currency} ${formatAmount(fen)}`;
}

/** The unit a money column is in, for its heading: 元 or the currency code. */
export function currencyUnit(currency: string, lang: Locale): string {
  return currency === 'CNY' && lang === 'zh-CN' ? '元' : currency;
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const BIG_UNITS = ['', '万', '亿', '兆'];

/** A group of up to four digits in capital numerals, with 零 where a digit is skipped inside. */
function group(n: number): string {
  let out = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const d = Math.floor(n / 10 ** i) % 10;
    if (d === 0) {
      if (out) zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[d] + SMALL_UNITS[i]!;
  }
  return out;
}

/**
 * The amount in capital numerals as written on Chinese contracts and invoices (大写金额):
 * 123456 分 → "壹仟贰佰叁拾肆元伍角陆分", 100000 → "壹仟元整".
 */
export function amountInChineseWords(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError('amount must be an integer number of 分');
  if (fen < 0) return `负${amountInChineseWords(-fen)}`;
  let yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let head = '';
  if (yuan === 0) head = '';
  else {
    const groups: number[] = [];
    while (yuan > 0) {
      groups.push(yuan % 10000);
      yuan = Math.floor(yuan / 10000);
    }
    let needZero = false;
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i]!;
      if (g === 0) {
        needZero = head.length > 0;
        continue;
      }
      // A group under 1000 after a higher one reads with 零 (壹万零伍拾).
      if (head && (needZero || g < 1000)) head += '零';
      head += group(g) + BIG_UNITS[i]!;
      needZero = false;
    }
    head += '元';
  }
  if (jiao === 0 && cents === 0) return head ? `${head}整` : '零元整';
  let tail = '';
  if (jiao) tail += `${DIGITS[jiao]}角`;
  else if (head) tail += '零';
  if (cents) tail += `${DIGITS[cents]}分`;
  else tail += '整';
  return head + tail;
}
