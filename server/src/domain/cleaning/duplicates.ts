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

/** How the fuzzy name check went: complete, or skipped because it would take too many comparisons. */
export interface FuzzyCheck {
  status: 'complete' | 'skipped_too_large';
  /** Name pairs compared (complete) or that would have been compared (skipped). */
  comparisons: number;
}

/** Default limit on fuzzy name comparisons per check (after blocking). */
export const FUZZY_COMPARISON_BUDGET = 2_000_000;

/**
 * Blocking keys of a normalised name: pairs of its first three characters (1st+2nd, 2nd+3rd,
 * 1st+3rd). Two names are compared only when they share a key, so the check grows with the
 * block sizes, not with the square of the file. Names at the 0.9 threshold share their
 * beginning (the Jaro-Winkler prefix; 深圳市大疆 and 深圳大疆 share 深圳), and one changed,
 * added or dropped character among the first three still leaves a key in common. The ends of
 * Chinese names (科技, 贸易) are too common to block on.
 */
export function blockKeys(norm: string): string[] {
  const c = [...norm];
  if (c.length <= 2) return [norm];
  return [...new Set([c[0]! + c[1]!, c[1]! + c[2]!, c[0]! + c[2]!])];
}

function lengthsFar(a: number, b: number): boolean {
  return Math.abs(a - b) > Math.max(2, a / 3);
}

export function findDuplicatePairs(rows: DuplicateKeys[], threshold = FUZZY_NAME_THRESHOLD): DuplicatePair[] {
  return findDuplicates(rows, { threshold }).pairs;
}

/** Exact key duplicates and blocked fuzzy name duplicates inside one file, with how the fuzzy check went. */
export function findDuplicates(
  rows: DuplicateKeys[],
  opts: { threshold?: number; budget?: number } = {},
): { pairs: DuplicatePair[]; fuzzy: FuzzyCheck } {
  const threshold = opts.threshold ?? FUZZY_NAME_THRESHOLD;
  const budget = opts.budget ?? FUZZY_COMPARISON_BUDGET;
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
  // Fuzzy: distinct names that share a blocking key, skipping pairs whose lengths differ too
  // much to match. A threshold above 1 switches it off.
  const distinct = threshold <= 1 ? [...firstName.keys()] : [];
  const blocks = new Map<string, number[]>();
  distinct.forEach((n, x) => {
    for (const k of blockKeys(n)) {
      const list = blocks.get(k);
      if (list) list.push(x);
      else blocks.set(k, [x]);
    }
  });
  let comparisons = 0;
  for (const list of blocks.values()) comparisons += (list.length * (list.length - 1)) / 2;
  if (comparisons > budget)
    return { pairs: sorted(pairs), fuzzy: { status: 'skipped_too_large', comparisons } };
  const prepared = distinct.map((n) => ({ p: prepareName(n), i: firstName.get(n)! }));
  const compared = new Set<number>();
  for (const list of blocks.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const ia = list[x]!;
        const ib = list[y]!;
        // A pair sharing both keys is in two blocks: compare it once.
        const id = ia * distinct.length + ib;
        if (compared.has(id)) continue;
        compared.add(id);
        const a = prepared[ia]!;
        const b = prepared[ib]!;
        if (lengthsFar(a.p.chars.length, b.p.chars.length)) continue;
        const score = preparedSimilarity(a.p, b.p, threshold);
        if (score >= threshold)
          push({ first: Math.min(a.i, b.i), second: Math.max(a.i, b.i), on: 'fuzzyName', score });
      }
    }
  }
  return { pairs: sorted(pairs), fuzzy: { status: 'complete', comparisons: compared.size } };
}

function sorted(pairs: DuplicatePair[]): DuplicatePair[] {
  return pairs.sort((x, y) => x.second - y.second || x.first - y.first);
}

/**
 * Existing names (customers in the database) by blocking key, for matching many imported names
 * against them without comparing each with all.
 */
export class FuzzyNameIndex {
  private readonly blocks = new Map<string, Array<{ id: string; nameNorm: string }>>();
  constructor(existing: Array<{ id: string; nameNorm: string }>) {
    for (const e of existing) {
      if (!e.nameNorm) continue;
      for (const k of blockKeys(e.nameNorm)) {
        const list = this.blocks.get(k);
        if (list) list.push(e);
        else this.blocks.set(k, [e]);
      }
    }
  }

  /** Names an imported name would be compared with. */
  candidates(name: string): Array<{ id: string; nameNorm: string }> {
    const norm = normalizeCompanyName(name);
    if (!norm) return [];
    const seen = new Set<{ id: string; nameNorm: string }>();
    for (const k of blockKeys(norm)) for (const e of this.blocks.get(k) ?? []) seen.add(e);
    return [...seen];
  }

  /** Comparisons the given names would take (to check a budget before starting). */
  comparisonsFor(names: string[]): number {
    let n = 0;
    for (const name of names) n += this.candidates(name).length;
    return n;
  }

  best(name: string, threshold = FUZZY_NAME_THRESHOLD): { id: string; score: number } | undefined {
    return bestFuzzyMatch(name, this.candidates(name), threshold);
  }
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
    if (lengthsFar(norm.length, c.nameNorm.length)) continue;
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
