import { describe, expect, it } from 'vitest';
import {
  ageingBucket,
  ageReceivables,
  collectionFigures,
  daysBetween,
  matchReceipts,
  planFromTerms,
} from './receivables';

// One contract of 1,000.00 元 in three instalments; the figures below are worked out by hand.
const PLANS = [
  { id: 'p1', dueDate: '2026-01-31', amount: 40000 },
  { id: 'p2', dueDate: '2026-03-31', amount: 30000 },
  { id: 'p3', dueDate: '2026-06-30', amount: 30000 },
];
const RECEIPTS = [
  { id: 'r1', receivedOn: '2026-02-10', amount: 25000 },
  { id: 'r2', receivedOn: '2026-04-20', amount: 35000, planId: null },
  { id: 'r3', receivedOn: '2026-05-01', amount: 50000 },
];

describe('matching receipts to the payment plan', () => {
  it('pays the oldest instalment first and keeps the over-payment apart', () => {
    const m = matchReceipts(PLANS, RECEIPTS);
    // r1 → p1 250; r2 → p1 150 + p2 200; r3 → p2 100 + p3 300, 100 left over
    expect(m.allocations.map((a) => [a.receiptId, a.planId, a.amount])).toEqual([
      ['r1', 'p1', 25000],
      ['r2', 'p1', 15000],
      ['r2', 'p2', 20000],
      ['r3', 'p2', 10000],
      ['r3', 'p3', 30000],
    ]);
    expect(m.outstanding).toEqual({ p1: 0, p2: 0, p3: 0 });
    expect(m.overpaid).toEqual([{ receiptId: 'r3', amount: 10000 }]);
  });

  it('pays a named instalment first (part payment)', () => {
    const m = matchReceipts(PLANS, [{ id: 'r', receivedOn: '2026-02-01', amount: 10000, planId: 'p3' }]);
    expect(m.outstanding).toEqual({ p1: 40000, p2: 30000, p3: 20000 });
  });
});

describe('ageing', () => {
  it.each([
    ['2026-03-31', '2026-03-31', 'not_due'],
    ['2026-03-31', '2026-04-01', 'd0_30'],
    ['2026-03-31', '2026-04-30', 'd0_30'],
    ['2026-03-31', '2026-05-01', 'd31_60'],
    ['2026-03-31', '2026-05-30', 'd31_60'],
    ['2026-03-31', '2026-05-31', 'd61_90'],
    ['2026-03-31', '2026-06-29', 'd61_90'],
    ['2026-03-31', '2026-06-30', 'd90_plus'],
  ])('due %s, as of %s → %s', (due, asOf, bucket) => {
    expect(ageingBucket(due, asOf)).toBe(bucket);
  });

  it('ages what is still owed, counting only receipts received by then', () => {
    // By 15 March only r1 is in: p1 owes 150 and is 43 days late; p2 and p3 are not due.
    expect(ageReceivables(PLANS, RECEIPTS, '2026-03-15')).toEqual({
      not_due: 60000,
      d0_30: 0,
      d31_60: 15000,
      d61_90: 0,
      d90_plus: 0,
    });
    // By 30 April r1 and r2: p2 owes 100, 30 days late; p3 300 not due.
    expect(ageReceivables(PLANS, RECEIPTS, '2026-04-30')).toMatchObject({ not_due: 30000, d0_30: 10000 });
    // Nothing received, end of year: everything over 90 days.
    expect(ageReceivables(PLANS, [], '2026-12-31').d90_plus).toBe(100000);
  });
});

describe('collection rate and cycle', () => {
  it('counts money due in the period and received by its end', () => {
    // Q1: due p1 + p2 = 700; received r1 250 on p1, 10 days after due → 35.71 %, 10.0 days
    expect(collectionFigures(PLANS, RECEIPTS, '2026-01-01', '2026-03-31')).toEqual({
      due: 70000,
      collected: 25000,
      rateBp: 3571,
      cycleDays: 10,
    });
  });

  it('weights the cycle by amount, early payments counting negative', () => {
    // H1: 250×10 + 150×79 + 200×20 + 100×31 + 300×(−60) = 3450 ÷ 1000 = 3.45 → 3.5 days
    expect(collectionFigures(PLANS, RECEIPTS, '2026-01-01', '2026-06-30')).toEqual({
      due: 100000,
      collected: 100000,
      rateBp: 10000,
      cycleDays: 3.5,
    });
    expect(collectionFigures(PLANS, [], '2027-01-01', '2027-12-31')).toEqual({
      due: 0,
      collected: 0,
      rateBp: null,
      cycleDays: null,
    });
  });

  it('counts days across a month end', () => {
    expect(daysBetween('2026-01-31', '2026-04-20')).toBe(79);
  });
});

describe('payment plan from contract terms', () => {
  it('splits the total exactly, the last instalment taking the remainder', () => {
    expect(
      planFromTerms(1_000_001, '2026-01-15', [
        { name: '预付款', percent: 30, daysAfterSigning: 0 },
        { name: '到货款', percent: 60, daysAfterSigning: 90 },
        { name: '质保金', percent: 10, daysAfterSigning: 365 },
      ]),
    ).toEqual([
      { name: '预付款', dueDate: '2026-01-15', amount: 300000 },
      { name: '到货款', dueDate: '2026-04-15', amount: 600001 },
      { name: '质保金', dueDate: '2027-01-15', amount: 100000 },
    ]);
  });

  it('refuses terms that do not add up to 100 %', () => {
    expect(() =>
      planFromTerms(100, '2026-01-01', [{ name: 'a', percent: 90, daysAfterSigning: 0 }]),
    ).toThrow();
  });
});
