import { toHalfWidth } from './credit-code';

// Mainland mobile numbers: 11 digits starting 13–19, written with +86/0086, spaces or dashes.
export function normalizeMobile(raw: string): string {
  let digits = toHalfWidth(raw).replace(/[\s\-().]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return digits;
}

export function isValidMobile(raw: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalizeMobile(raw));
}

// Landlines: area code 0xx/0xxx and a 7–8 digit number, optionally an extension (转/ext).
export function normalizePhone(raw: string): string {
  const s = toHalfWidth(raw).trim();
  if (isValidMobile(s)) return normalizeMobile(s);
  const m = s.replace(/^(\+86|0086)\s*/, '0').match(/^\(?(0\d{2,3})\)?[\s-]*(\d{7,8})(?:\s*(?:转|ext\.?|x|-)\s*(\d{1,6}))?$/i);
  if (!m) return s.replace(/\s+/g, '');
  return `${m[1]}-${m[2]}${m[3] ? `-${m[3]}` : ''}`;
}

export function isValidPhone(raw: string): boolean {
  const n = normalizePhone(raw);
  return /^1[3-9]\d{9}$/.test(n) || /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/.test(n) || /^400-?\d{3}-?\d{4}$/.test(n);
}
