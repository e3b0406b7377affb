import { toHalfWidth } from './credit-code';

// Legal-form suffixes that do not tell two companies apart: "华为技术有限公司" and "华为技术"
// are the same customer for duplicate checks. Written without spaces or punctuation, because those
// are removed first; longest first so that 股份有限公司 wins over 有限公司.
const LEGAL_SUFFIXES = [
  '股份有限公司',
  '有限责任公司',
  '集团有限公司',
  '有限公司',
  '集团公司',
  '分公司',
  '总公司',
  '公司',
  '集团',
  'companylimited',
  'corporation',
  'coltd',
  'limited',
  'ltd',
  'inc',
  'corp',
  'gmbh',
  'llc',
];

/** The key two names must share to be the same company: no brackets, spaces, punctuation or legal form. */
export function normalizeCompanyName(raw: string): string {
  // Bracketed parts are usually a city or "中国": 腾讯科技（深圳）有限公司 → 腾讯科技深圳
  let s = toHalfWidth(raw)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
  let changed = true;
  while (changed) {
    changed = false;
    for (const suffix of LEGAL_SUFFIXES) {
      if (s.length > suffix.length && s.endsWith(suffix)) {
        s = s.slice(0, -suffix.length);
        changed = true;
      }
    }
  }
  return s;
}
