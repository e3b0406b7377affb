import { normalizeCompanyName } from '../company-name';
import { FUZZY_NAME_THRESHOLD, type PreparedName, preparedSimilarity, prepareName } from './similarity';

// Duplicates inside one file: exact on the keys that identify a customer (normalised mobile,
// 统一社会信用代码, e-mail) and fuzzy on the normalised company name.

export interface DuplicateKeys {
  name?: string | null;
  mobile?: string | null;
  creditCode?: string | null;
  email?: string | null;
}

export interface DuplicatePair {
  /** Indexes into the input list; `first` < `second`. */
  first: number;
  second: number;
  on: 'mobile' | 'creditCode' | 'email' | 'name' | 'fuzzyName';
  score: number;
}

const EXACT_KEYS = ['creditCode', 'mobile', 'email'] as const;

export function findDuplicatePairs(rows: DuplicateKeys[], threshold = FUZZY_NAME_THRESHOLD): DuplicatePair[] {
  const pairs: DuplicatePair[] = [];
  const seenPair = new Set<string>();
  const push = (p: DuplicatePair) => {
    const key = `${p.first}:${p.second}`;
    if (seenPair.has(key)) return;
    seenPair.add(key);
    pairs.push(p);
  };
  for (const key of EXACT_KEYS) {
    const firstAt = new Map<string, number>();
    rows.forEach((r, i) => {
      const v = r[key];
      if (!v) return;
      const at = firstAt.get(v);
      if (at === undefined) firstAt.set(v, i);
      else push({ first: at, second: i, on: key, score: 1 });
    });
  }
  const names = rows.map((r) => (r.name ? normalizeCompanyName(r.name) : ''));
  const firstName = new Map<string, number>();
  names.forEach((n, i) => {
    if (!n) return;
    const at = firstName.get(n);
    if (at === undefined) firstName.set(n, i);
    else push({ first: at, second: i, on: 'name', score: 1 });
  });
  // Fuzzy: distinct names pairwise, skipping pairs whose lengths differ too much to match. A
  // threshold above 1 switches it off (the caller does that for very large files).
  const distinct = threshold <= 1 ? [...firstName.entries()].map(([n, i]) => ({ p: prepareName(n), i })) : [];
  for (let x = 0; x < distinct.length; x++) {
    const a = distinct[x]!;
    for (let y = x + 1; y < distinct.length; y++) {
      const b = distinct[y]!;
      const la = a.p.chars.length;
      if (Math.abs(la - b.p.chars.length) > Math.max(2, la / 3)) continue;
      const score = preparedSimilarity(a.p, b.p, threshold);
      if (score >= threshold)
        push({ first: Math.min(a.i, b.i), second: Math.max(a.i, b.i), on: 'fuzzyName', score });
    }
  }
  return pairs.sort((x, y) => x.second - y.second || x.first - y.first);
}

// Candidates are compared with many names in a row: prepare each once.
const PREPARED = new WeakMap<object, PreparedName>();

/** Best fuzzy match of a name among existing normalised names, if any reaches the threshold. */
export function bestFuzzyMatch(
  name: string,
  candidates: Array<{ id: string; nameNorm: string }>,
  threshold = FUZZY_NAME_THRESHOLD,
): { id: string; score: number } | undefined {
  const norm = normalizeCompanyName(name);
  if (!norm) return undefined;
  const p = prepareName(norm);
  let best: { id: string; score: number } | undefined;
  for (const c of candidates) {
    if (Math.abs(c.nameNorm.length - norm.length) > Math.max(2, norm.length / 3)) continue;
    let q = PREPARED.get(c);
    if (!q) {
      q = prepareName(c.nameNorm);
      PREPARED.set(c, q);
    }
    const score = preparedSimilarity(p, q, threshold);
    if (score >= threshold && (!best || score > best.score)) best = { id: c.id, score };
  }
  return best;
}
