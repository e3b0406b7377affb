import { describe, expect, it } from 'vitest';
import { attainment, decompose, decomposeEvenly, rollUp } from './decompose';
import { checkMilestones, currentMilestone } from './milestones';
import { monthsOf, parsePeriod, sameLastYear } from './target-period';

describe('target periods', () => {
  it.each([
    ['2026', { kind: 'year', from: '2026-01-01', to: '2026-12-31' }],
    ['2026-Q1', { kind: 'quarter', from: '2026-01-01', to: '2026-03-31' }],
    ['2026-Q4', { kind: 'quarter', from: '2026-10-01', to: '2026-12-31' }],
    ['2028-02', { kind: 'month', from: '2028-02-01', to: '2028-02-29' }],
    ['2026-02', { kind: 'month', from: '2026-02-01', to: '2026-02-28' }],
  ])('%s covers its local days', (key, expected) => expect(parsePeriod(key)).toMatchObject(expected));

  it.each(['2026-13', '2026-Q5', '26', '2026-1', 'abc', '2026-00'])('%s is not a period', (key) =>
    expect(parsePeriod(key)).toBeUndefined(),
  );

  it('finds the same period last year and the months of a quarter', () => {
    expect(sameLastYear('2026-Q2')).toBe('2025-Q2');
    expect(sameLastYear('2026-04')).toBe('2025-04');
    expect(monthsOf(parsePeriod('2026-Q2')!)).toEqual(['2026-04', '2026-05', '2026-06']);
  });
});

describe('decomposition sums back to the parent', () => {
  it.each([
    // total, weights, expected children
    [100, [1, 1, 1], [34, 33, 33]],
    [10_000_001, [1, 1], [5_000_001, 5_000_000]],
    [1_000_000, [5, 3, 2], [500_000, 300_000, 200_000]],
    [7, [1, 1, 1, 1], [2, 2, 2, 1]],
    // Last year's shares in 分: 3,000,000 : 1,000,000 of a 9,999,999 target.
    [9_999_999, [3_000_000, 1_000_000], [7_499_999, 2_500_000]],
    [100, [0.5, 0.25, 0.25], [50, 25, 25]],
    [1, [1, 1, 1], [1, 0, 0]],
    [0, [2, 1], [0, 0]],
    // Remainder to the larger fraction first: 10 × 2/3 = 6.67, 10 × 1/3 = 3.33.
    [10, [1, 2], [3, 7]],
  ])('%i over %j → %j', (total, weights, expected) => {
    const out = decompose(total, weights);
    expect(out).toEqual({ ok: true, values: expected });
    if (out.ok) expect(out.values.reduce((s, v) => s + v, 0)).toBe(total);
  });

  it('answers a violation, not a split, when there is nothing to split over', () => {
    expect(decompose(100, [])).toEqual({ ok: false, reason: 'no_children' });
    expect(decompose(100, [0, 0])).toEqual({ ok: false, reason: 'no_weight' });
  });

  it('splits evenly and rolls up with the gap', () => {
    expect(decomposeEvenly(1_000_000_01, 3)).toEqual({
      ok: true,
      values: [33_333_334, 33_333_334, 33_333_333],
    });
    expect(rollUp(1_000, [300, 500])).toEqual({ childrenSum: 800, gap: 200 });
    expect(rollUp(1_000, [600, 500])).toEqual({ childrenSum: 1_100, gap: -100 });
  });

  it.each([
    [500, 1_000, 0.5],
    [1_234, 1_000, 1.234],
    [1, 3, 0.3333],
    [10, 0, null],
  ])('attainment %i of %i is %s', (actual, target, expected) =>
    expect(attainment(actual, target)).toBe(expected),
  );
});

describe('milestones', () => {
  const q2 = { from: '2026-04-01', to: '2026-06-30' };
  it.each([
    [
      [
        { date: '2026-04-30', value: 30 },
        { date: '2026-06-30', value: 100 },
      ],
      [],
    ],
    [[{ date: '2026-03-31', value: 30 }], [{ index: 0, code: 'outside_period' }]],
    [
      [
        { date: '2026-05-31', value: 60 },
        { date: '2026-04-30', value: 30 },
      ],
      [{ index: 1, code: 'not_increasing' }],
    ],
    [[{ date: '2026-06-30', value: 101 }], [{ index: 0, code: 'above_target' }]],
  ])('%j → %j', (ms, expected) => expect(checkMilestones(ms, q2, 100)).toEqual(expected));

  it('the current milestone is the last one due by today', () => {
    const ms = [
      { date: '2026-04-30', value: 30 },
      { date: '2026-05-31', value: 60 },
    ];
    expect(currentMilestone(ms, '2026-04-29')).toBeUndefined();
    expect(currentMilestone(ms, '2026-05-15')).toEqual(ms[0]);
    expect(currentMilestone(ms, '2026-06-01')).toEqual(ms[1]);
  });
});
