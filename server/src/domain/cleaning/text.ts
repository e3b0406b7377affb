import { toHalfWidth } from '../credit-code';

// Spreadsheet cells arrive with full-width characters (ＡＢＣ１２３，), non-breaking and zero-width
// spaces, line breaks inside a cell and stray padding. One clean form before any other rule.

const CJK_BRACKETS: Record<string, string> = {
  '\u3010': '[', // 【
  '\u3011': ']', // 】
  '\u300c': '"', // 「
  '\u300d': '"', // 」
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
};

/** Full-width ASCII and CJK brackets/quotes to half-width; 、and 。 stay (they are Chinese text). */
export function toHalfWidthText(raw: string): string {
  return toHalfWidth(raw).replace(
    /[\u3010\u3011\u300c\u300d\u2018\u2019\u201c\u201d]/g,
    (c) => CJK_BRACKETS[c] ?? c,
  );
}

/**
 * A cell as text: half-width, invisible spaces removed, whitespace collapsed, trimmed; '' when
 * empty. A leading apostrophe before = + - @ is the text marker our exports add against formula
 * injection (and Excel's own): it is not part of the value.
 */
export function cleanCell(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  return toHalfWidthText(String(raw))
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .replace(/^'(?=[=+\-@])/, '');
}

/** E-mail addresses compare without case, padding or a `mailto:` prefix. */
export function cleanEmail(raw: string): string {
  return cleanCell(raw)
    .replace(/^mailto:/i, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}
