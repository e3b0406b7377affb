import { describe, expect, it } from 'vitest';
import { linearTrend, movingAverage } from './trend';
import { defaultCategory, effectiveCategory, summarisePipeline, weightedAmount } from './weighted';

describe('weighted pipeline', () => {
  it.each([
    [1_000_000, 65, 650_000],
    [333, 45, 150], // 149.85 → 150
    [101, 10, 10], // 10.1 → 10
    [5, 10, 1], // 0.5 → 1 (half up)
    [0, 85, 0],
  ])('%i at %i %% weighs %i', (amount, p, expected) => expect(weightedAmount(amount, p)).toBe(expected));

  it.each([
    [null, null, 85, 'commit'],
    [null, null, 65, 'best_case'],
    [null, null, 25, 'pipeline'],
    [null, 'commit', 25, 'commit'],
    ['omitted', 'commit', 25, 'omitted'],
    ['best_case', 'commit', 85, 'best_case'],
    [null, 'nonsense', 10, 'pipeline'],
  ])('manager %s, rep %s at %i %% → %s', (m, r, p, expected) =>
    expect(effectiveCategory(m, r, p)).toBe(expected),
  );

  it('sums commit, best case and weighted amounts; omitted deals are left out', () => {
    const out = summarisePipeline([
      { id: 'a', amount: 1_000_000, probability: 85, category: 'commit' },
      { id: 'b', amount: 2_000_000, probability: 65, category: 'best_case' },
      { id: 'c', amount: 3_000_000, probability: 10, category: 'pipeline' },
      { id: 'd', amount: 9_000_000, probability: 45, category: 'omitted' },
    ]);
    // weighted: 850,000 + 1,300,000 + 300,000 = 2,450,000
    expect(out).toEqual({
      deals: 3,
      pipeline: 6_000_000,
      weighted: 2_450_000,
      commit: 1_000_000,
      bestCase: 3_000_000,
    });
    expect(defaultCategory(45)).toBe('best_case');
  });
});

describe('trend forecast', () => {
  it.each([
    // a straight line continues: 100, 200, 300 → 400, 500
    [[100, 200, 300], 2, 100, 100, [400, 500]],
    // flat history stays flat
    [[50, 50, 50, 50], 1, 0, 50, [50]],
    // least squares through 1, 3, 2: slope 0.5, intercept 1.5 → x=3: 3
    [[1, 3, 2], 1, 0.5, 1.5, [3]],
    // a falling line stops at zero
    [[300, 200, 100], 3, -100, 300, [0, 0, 0]],
  ])('%j ahead %i', (history, ahead, slope, intercept, forecast) =>
    expect(linearTrend(history, ahead)).toEqual({ slope, intercept, forecast }),
  );

  it('needs two points; the moving average needs a full window', () => {
    expect(linearTrend([5], 1)).toBeUndefined();
    expect(movingAverage([10, 20, 30, 40], 3)).toBe(30);
    expect(movingAverage([10], 3)).toBeUndefined();
  });
});
