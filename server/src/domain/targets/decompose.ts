// Top-down decomposition (目标分解): a parent value split over children by weights so that the
// children add up to the parent exactly. Integer parts first, then the remaining units one each
// to the largest fractional remainders (largest remainder method); ties go to the earlier child,
// so the same input always gives the same split.

export type DecomposeResult =
  | { ok: true; values: number[] }
  | { ok: false; reason: 'no_children' | 'no_weight' };

export function decompose(total: number, weights: readonly number[]): DecomposeResult {
  if (weights.length === 0) return { ok: false, reason: 'no_children' };
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!(sum > 0)) return { ok: false, reason: 'no_weight' };
  // Exact integer arithmetic: each share is total × w ÷ sum, kept as quotient and remainder.
  // Whole-number weights (last year's 分) are used as they are; fractional ones scaled to 6 places.
  const scale = weights.every(Number.isInteger) ? 1 : 1_000_000;
  const big = BigInt(total);
  const bigSum = BigInt(Math.round(sum * scale));
  const shares = weights.map((w, i) => {
    const num = big * BigInt(Math.round(w * scale));
    return { i, q: num / bigSum, r: num % bigSum };
  });
  let left = big - shares.reduce((s, x) => s + x.q, 0n);
  const order = [...shares].sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const values = shares.map((s) => s.q);
  for (const s of order) {
    if (left <= 0n) break;
    values[s.i] = (values[s.i] ?? 0n) + 1n;
    left -= 1n;
  }
  return { ok: true, values: values.map(Number) };
}

/** Even split: every child weighs the same. */
export function decomposeEvenly(total: number, children: number): DecomposeResult {
  return decompose(
    total,
    Array.from({ length: children }, () => 1),
  );
}

/**
 * Bottom-up roll-up against the top-down value: the children's sum and the gap (parent − sum);
 * a positive gap means the children do not yet cover the parent.
 */
export function rollUp(parent: number, children: readonly number[]): { childrenSum: number; gap: number } {
  const childrenSum = children.reduce((s, v) => s + v, 0);
  return { childrenSum, gap: parent - childrenSum };
}

/** Attainment: actual ÷ target with four decimals; null when there is no target to divide by. */
export function attainment(actual: number, target: number): number | null {
  if (!(target > 0)) return null;
  return Math.round((actual / target) * 10_000) / 10_000;
}
