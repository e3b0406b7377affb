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

// Landlines: area code then a 7–8 digit number, optionally an extension (转/ext). Area codes
// starting 01 or 02 (Beijing 010, Shanghai 021, …) have three digits, the others four.
export function normalizePhone(raw: string): string {
  const s = toHalfWidth(raw).trim();
  if (isValidMobile(s)) return normalizeMobile(s);
  const ext = s.match(/(?:转|ext\.?|x)\s*(\d{1,6})$/i);
  let digits = (ext ? s.slice(0, ext.index) : s).replace(/^(\+86|0086)/, '0').replace(/\D/g, '');
  if (/^400\d{7}$/.test(digits)) return `400-${digits.slice(3, 6)}-${digits.slice(6)}`;
  if (!digits.startsWith('0')) return s.replace(/\s+/g, '');
  const areaLength = /^0[12]/.test(digits) ? 3 : 4;
  const area = digits.slice(0, areaLength);
  digits = digits.slice(areaLength);
  if (!/^\d{7,8}$/.test(digits)) return s.replace(/\s+/g, '');
  return `${area}-${digits}${ext ? `-${ext[1]}` : ''}`;
}

export function isValidPhone(raw: string): boolean {
  const n = normalizePhone(raw);
  return /^1[3-9]\d{9}$/.test(n) || /^0\d{2,3}-\d{7,8}(-\d{1,6})?$/.test(n) || /^400-?\d{3}-?\d{4}$/.test(n);
}
