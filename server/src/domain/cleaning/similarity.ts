// String similarity for fuzzy duplicate detection (查重) on normalised company or person names.
// Two small, well-known measures: Jaro-Winkler (good for typos and shared prefixes, as in
// "华为技术" / "华为技木") and the Dice coefficient over character bigrams (good for reordered or
// inserted words, as in "上海浦东发展银行" / "浦东发展银行上海"). A pair is as similar as the
// better of the two says.

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  return jaroWinklerChars([...a], [...b]);
}

function jaroWinklerChars(s1: string[], s2: string[]): number {
  if (!s1.length || !s2.length) return 0;
  const window = Math.max(0, Math.floor(Math.max(s1.length, s2.length) / 2) - 1);
  const m1 = new Array<boolean>(s1.length).fill(false);
  const m2 = new Array<boolean>(s2.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s1.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(s2.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (m2[j] || s1[i] !== s2[j]) continue;
      m1[i] = true;
      m2[j] = true;
      matches++;
      break;
    }
  }
  if (!matches) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < s1.length; i++) {
    if (!m1[i]) continue;
    while (!m2[k]) k++;
    if (s1[i] !== s2[k]) transpositions++;
    k++;
  }
  const t = transpositions / 2;
  const jaro = (matches / s1.length + matches / s2.length + (matches - t) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && s1[prefix] !== undefined && s1[prefix] === s2[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

function bigrams(s: string): Map<string, number> {
  const chars = [...s];
  const out = new Map<string, number>();
  if (chars.length === 1) out.set(chars[0]!, 1);
  for (let i = 0; i < chars.length - 1; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient over character bigrams (multiset), 0…1. */
export function diceBigram(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  const x = bigrams(a);
  const y = bigrams(b);
  let total = 0;
  for (const n of x.values()) total += n;
  for (const n of y.values()) total += n;
  if (!total) return 0;
  let common = 0;
  for (const [g, n] of x) common += Math.min(n, y.get(g) ?? 0);
  return (2 * common) / total;
}

export function nameSimilarity(a: string, b: string): number {
  return Math.max(jaroWinkler(a, b), diceBigram(a, b));
}

/** A name with what comparing it needs, computed once (files compare every name with every other). */
export interface PreparedName {
  text: string;
  chars: string[];
  counts: Map<string, number>;
  bigrams: Map<string, number>;
  bigramTotal: number;
}

export function prepareName(text: string): PreparedName {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  const bigramMap = bigrams(text);
  let bigramTotal = 0;
  for (const n of bigramMap.values()) bigramTotal += n;
  return { text, chars, counts, bigrams: bigramMap, bigramTotal };
}

/**
 * nameSimilarity on prepared names, or 0 as soon as an upper bound shows the pair cannot reach
 * `atLeast`: Jaro counts at most the characters the two share, whatever their positions.
 */
export function preparedSimilarity(a: PreparedName, b: PreparedName, atLeast = 0): number {
  if (a.text === b.text) return a.text.length ? 1 : 0;
  if (!a.chars.length || !b.chars.length) return 0;
  let shared = 0;
  for (const [c, n] of a.counts) shared += Math.min(n, b.counts.get(c) ?? 0);
  const jaroBound = (shared / a.chars.length + shared / b.chars.length + 1) / 3;
  const jwBound = jaroBound + 0.4 * (1 - jaroBound);
  let common = 0;
  for (const [g, n] of a.bigrams) common += Math.min(n, b.bigrams.get(g) ?? 0);
  const dice = a.bigramTotal + b.bigramTotal ? (2 * common) / (a.bigramTotal + b.bigramTotal) : 0;
  if (jwBound < atLeast) return dice;
  return Math.max(jaroWinklerChars(a.chars, b.chars), dice);
}

/** The threshold chosen on the labelled sample in cleaning.test.ts (precision first: a false merge costs more). */
export const FUZZY_NAME_THRESHOLD = 0.9;
