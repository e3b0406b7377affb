import { pinyin } from 'pinyin-pro';

/**
 * What list search matches against: the values themselves, plus the pinyin of any Chinese in
 * them, in full and as initials, so that `zhangsan` and `zs` both find 张三.
 */
export function buildSearchText(values: Array<string | null | undefined>): string {
  const parts: string[] = [];
  for (const value of values) {
    if (!value) continue;
    const v = value.toLowerCase();
    parts.push(v);
    if (/[\u4e00-\u9fff]/.test(v)) {
      const syllables = pinyin(value, { toneType: 'none', type: 'array', nonZh: 'removed' });
      parts.push(syllables.join(''));
      parts.push(syllables.map((s) => s[0] ?? '').join(''));
    }
  }
  return parts.join(' ').toLowerCase();
}

/** The user's query in the same form: lower case, trimmed, LIKE wildcards escaped. */
export function searchPattern(q: string): string {
  const escaped = q
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`);
  return `%${escaped}%`;
}
