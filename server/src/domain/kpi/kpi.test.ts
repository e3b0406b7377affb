import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, workingMinutesBetween } from '../calendar/business-calendar';
import { aggregate, groupKeys, type KpiFact } from './aggregate';
import { clockOutcome } from './clock-outcome';
import { DIMENSIONS, KPI_DEFINITIONS } from './definitions';
import { deliverablesOnLeaving } from './deliverables';
import { periodInstants, shiftMonths, timeBucket } from './periods';
import { stageEntries, stageStays } from './stage-timeline';
import { median, percentile, ratio } from './stats';
import { workingHoursCounter } from './working-hours';

const SH = 'Asia/Shanghai';

describe('KPI statistics', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %s', (values, expected) => expect(median(values)).toBe(expected));

  it.each([
    [[24, 48, 240, 288], 50, 48],
    [[24, 48, 240, 288], 90, 288],
    [[10], 90, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[], 50, null],
  ])('nearest-rank percentile of %j at p%s is %s', (values, p, expected) =>
    expect(percentile(values, p)).toBe(expected),
  );

  it.each([
    [1, 3, 0.3333],
    [2, 3, 0.6667],
    [0, 0, null],
  ])('ratio %s / %s is %s', (n, d, expected) => expect(ratio(n, d)).toBe(expected));
});

describe('periods in the tenant time zone', () => {
  it('bounds local days as UTC instants', () => {
    expect(periodInstants('2026-04-01', '2026-04-30', SH)).toEqual({
      start: '2026-03-31T16:00:00.000Z',
      end: '2026-04-30T16:00:00.000Z',
    });
  });

  it.each([
    ['2026-03-31T17:00:00.000Z', 'day', '2026-04-01'],
    ['2026-03-31T15:59:59.000Z', 'day', '2026-03-31'],
    ['2026-11-25T10:00:00.000Z', 'week', '2026-11-23'],
    ['2026-11-29T15:00:00.000Z', 'week', '2026-11-23'],
    ['2026-11-29T16:00:00.000Z', 'week', '2026-11-30'],
    ['2026-03-31T17:00:00.000Z', 'month', '2026-04'],
    ['2026-09-30T16:00:00.000Z', 'quarter', '2026-Q4'],
    ['2025-12-31T16:00:00.000Z', 'year', '2026'],
  ] as const)('%s falls in %s %s', (at, dim, expected) => expect(timeBucket(at, dim, SH)).toBe(expected));

  it('shifts by calendar months in local time', () => {
    expect(shiftMonths('2026-03-31T16:00:00.000Z', -1, SH)).toBe('2026-02-28T16:00:00.000Z');
    expect(shiftMonths('2025-04-15T02:00:00.000Z', 12, SH)).toBe('2026-04-15T02:00:00.000Z');
  });
});

describe('clock outcomes', () => {
  const now = new Date('2026-05-01T00:00:00Z');
  const due = '2026-04-02T03:00:00.000Z';
  it.each([
    ['met', '2026-04-02T02:00:00.000Z', due, 'on_time'],
    ['met', due, due, 'on_time'],
    ['met', '2026-04-02T03:00:01.000Z', due, 'late'],
    ['breached', null, due, 'late'],
    ['running', null, due, 'late'],
    ['warned', null, '2026-06-01T00:00:00.000Z', 'open'],
    ['cancelled', null, due, 'cancelled'],
  ] as const)('%s (stopped %s, due %s) is %s', (status, stoppedAt, dueAt, expected) =>
    expect(clockOutcome({ status, stoppedAt, dueAt }, now)).toBe(expected),
  );
});

describe('stage timeline', () => {
  it('uses creation as the first entry when no event records it', () => {
    const entries = stageEntries({ createdAt: '2026-04-01T00:00:00.000Z', stage: 'won' }, [
      { fromStage: 'needs_analysis', toStage: 'won', at: '2026-04-03T00:00:00.000Z' },
      { fromStage: 'initial_contact', toStage: 'needs_analysis', at: '2026-04-02T00:00:00.000Z' },
    ]);
    expect(entries.map((e) => e.stage)).toEqual(['initial_contact', 'needs_analysis', 'won']);
    expect(stageStays(entries).map((s) => [s.stage, s.hours])).toEqual([
      ['initial_contact', 24],
      ['needs_analysis', 24],
    ]);
  });

  it('starts from the first event when it has no previous stage', () => {
    const entries = stageEntries({ createdAt: '2026-04-01T00:00:00.000Z', stage: 'solution' }, [
      { fromStage: null, toStage: 'initial_contact', at: '2026-04-01T00:00:00.000Z' },
    ]);
    expect(entries).toEqual([{ stage: 'initial_contact', at: '2026-04-01T00:00:00.000Z' }]);
  });

  it('gives a record with no events only its current stage and no stay', () => {
    const entries = stageEntries({ createdAt: '2026-04-01T00:00:00.000Z', stage: 'solution' }, []);
    expect(entries).toEqual([{ stage: 'solution', at: '2026-04-01T00:00:00.000Z' }]);
    expect(stageStays(entries)).toEqual([]);
  });
});

describe('deliverables on leaving a stage', () => {
  const stage = {
    checklist: [
      { key: 'visit', required: true },
      { key: 'call', required: false },
    ],
    forms: [{ key: 'first_form', required: true }],
  };
  it.each([
    [{}, {}, 0],
    [{ visit: '2026-04-01T00:00:00.000Z', call: '2026-04-01T00:00:00.000Z' }, {}, 1],
    [{ visit: '2026-04-01T00:00:00.000Z' }, { first_form: '2026-04-02T00:00:00.000Z' }, 2],
    [{ visit: '2026-04-01T00:00:00.000Z' }, { first_form: '2026-04-02T00:00:01.000Z' }, 1],
  ])('checklist %j and forms %j complete %s of 2', (done, submitted, expected) => {
    const progress = {
      checklist: Object.fromEntries(Object.entries(done).map(([k, v]) => [k, { doneAt: v }])),
      forms: Object.fromEntries(Object.entries(submitted).map(([k, v]) => [k, { submittedAt: v }])),
    };
    expect(deliverablesOnLeaving(stage, progress, '2026-04-02T00:00:00.000Z')).toEqual({
      required: 2,
      completed: expected,
    });
  });
});

describe('KPI aggregates', () => {
  const fact = (over: Partial<KpiFact>): KpiFact => ({
    entity: 'deal',
    id: 'd',
    name: 'd',
    ownerId: 'u1',
    at: '2026-04-10T00:00:00.000Z',
    region: null,
    industry: null,
    source: null,
    productIds: [],
    ...over,
  });
  const ctx = { stageOrder: ['a', 'b', 'won'], repCount: (g: string | undefined) => (g ? 1 : 4) };

  it('growth compares with the comparison window and is null without one', () => {
    const facts = [fact({ amount: 300 }), fact({ amount: 100, previous: true })];
    expect(aggregate('growth', facts, ctx)).toMatchObject({
      value: 2,
      numerator: 300,
      previous: 100,
      count: 1,
    });
    expect(aggregate('growth', [fact({ amount: 300 })], ctx).value).toBeNull();
  });

  it('per capita divides by the reps behind the group, rounded to 分', () => {
    expect(aggregate('per_capita', [fact({ amount: 1000 }), fact({ amount: 1 })], ctx).value).toBe(250);
    expect(aggregate('per_capita', [fact({ amount: 1001 })], ctx, 'u1').value).toBe(1001);
  });

  it('repeat rate counts customers with two or more wins', () => {
    const facts = [fact({ accountId: 'x' }), fact({ accountId: 'x' }), fact({ accountId: 'y' })];
    expect(aggregate('repeat_rate', facts, ctx)).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
  });

  it('stage conversion counts later stages and overall wins', () => {
    const facts = [
      fact({ stage: 'a', hit: true, reachedWon: true }),
      fact({ stage: 'a', hit: true, reachedWon: false }),
      fact({ stage: 'a', hit: false }),
      fact({ stage: 'b', hit: true }),
    ];
    const cell = aggregate('stage_conversion', facts, ctx);
    expect(cell).toMatchObject({ value: 0.3333, numerator: 1, denominator: 3 });
    expect(cell.stages).toEqual([
      { stage: 'a', count: 3, numerator: 2, value: 0.6667 },
      { stage: 'b', count: 1, numerator: 1, value: 1 },
    ]);
  });

  it('a deal counts in each of its products; no product is its own group', () => {
    const g = { timeZone: SH, unitOf: () => 'team' };
    expect(groupKeys(fact({ productIds: ['p1', 'p2'] }), 'product', g)).toEqual(['p1', 'p2']);
    expect(groupKeys(fact({}), 'product', g)).toEqual(['-']);
    expect(groupKeys(fact({ ownerId: null }), 'rep', g)).toEqual(['-']);
  });
});

describe('the KPI library', () => {
  it('defines each key once, in snake_case, with names in both languages and known dimensions', () => {
    const keys = KPI_DEFINITIONS.map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of KPI_DEFINITIONS) {
      expect(k.key).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(k.name['zh-CN'] && k.name['en-US'] && k.formula['zh-CN'] && k.formula['en-US']).toBeTruthy();
      for (const d of k.dimensions) expect(DIMENSIONS).toContain(d);
      // Computable from facts, served by another module, or waiting for named tables — exactly one.
      expect([!!k.compute, !!k.servedBy, !!k.requires].filter(Boolean)).toHaveLength(1);
    }
  });
});

describe('working hours for many stays', () => {
  const hours = workingHoursCounter(DEFAULT_CALENDAR);
  it.each([
    // Thu 04-02 10:00 → Thu 04-09 10:00 (Shanghai), 清明 04-04..06 off: 6.5 + 7.5 + 7.5 + 7.5 + 1.
    ['2026-04-02T02:00:00.000Z', '2026-04-09T02:00:00.000Z', 30],
    // Same day, across lunch: 10:00 → 15:00 is 2 + 1.5.
    ['2026-04-02T02:00:00.000Z', '2026-04-02T07:00:00.000Z', 3.5],
    // Wed 10:00 → Thu 10:00: 2 + 4.5 + 1.
    ['2026-04-01T02:00:00.000Z', '2026-04-02T02:00:00.000Z', 7.5],
    // Sun 04-05 10:00 → Mon 04-06 10:00, both holidays.
    ['2026-04-05T02:00:00.000Z', '2026-04-06T02:00:00.000Z', 0],
    ['2026-04-06T02:00:00.000Z', '2026-04-05T02:00:00.000Z', 0],
  ])('%s → %s is %s working hours', (a, b, expected) => {
    expect(hours(new Date(a), new Date(b))).toBe(expected);
  });

  it('agrees with the calendar over a long span', () => {
    const a = new Date('2026-01-15T05:17:00.000Z');
    const b = new Date('2026-06-03T11:42:00.000Z');
    expect(hours(a, b)).toBeCloseTo(workingMinutesBetween(DEFAULT_CALENDAR, a, b) / 60, 6);
  });
});
