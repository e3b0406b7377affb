import { cleanCell } from './text';

// Matching a spreadsheet's column headers to record fields: 客户名称 / 公司名称 / Company → name.
// Headers compare in a loose form: half-width, lower case, without spaces, punctuation, a leading
// required-marker (*) or a bracketed unit such as （元） or (必填).

export function headerKey(raw: string): string {
  return cleanCell(raw)
    .toLowerCase()
    .replace(/[(（[【][^)）\]】]*[)）\]】]/g, '')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

export interface HeaderMatch {
  /** header text → field, or null when the header matched nothing */
  mapping: Record<string, string | null>;
  unknown: string[];
}

/**
 * Matches each header to the first field whose name or synonyms share its key. A field is used
 * once: a second column with the same meaning is left unmapped (reported as unknown).
 */
export function matchHeaders(headers: string[], synonyms: Record<string, readonly string[]>): HeaderMatch {
  const byKey = new Map<string, string>();
  for (const [field, words] of Object.entries(synonyms)) {
    for (const w of [field, ...words]) {
      const key = headerKey(w);
      if (key && !byKey.has(key)) byKey.set(key, field);
    }
  }
  const mapping: Record<string, string | null> = {};
  const used = new Set<string>();
  const unknown: string[] = [];
  for (const h of headers) {
    const field = byKey.get(headerKey(h));
    if (field && !used.has(field)) {
      mapping[h] = field;
      used.add(field);
    } else {
      mapping[h] = null;
      if (h.trim()) unknown.push(h);
    }
  }
  return { mapping, unknown };
}
