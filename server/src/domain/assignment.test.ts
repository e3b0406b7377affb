import { describe, expect, it } from 'vitest';
import { type Candidate, isIdle, pickAssignee, ruleMatches } from './assignment';

const lead = { grade: 'A', source: 'exhibition', region: '华东', industry: '制造业' };

describe('ruleMatches', () => {
  it.each([
    [{}, true],
    [{ grades: ['A', 'B'] }, true],
    [{ grades: ['C'] }, false],
    [{ sources: ['exhibition'], regions: ['华东'] }, true],
    [{ sources: ['exhibition'], regions: ['华南'] }, false],
    [{ industries: ['制造业'] }, true],
  ])('matches %j → %s', (conditions, expected) => {
    expect(ruleMatches(conditions, lead)).toBe(expected);
  });

  it('does not match a condition when the lead has no value', () => {
    expect(ruleMatches({ regions: ['华东'] }, { ...lead, region: null })).toBe(false);
  });
});

describe('pickAssignee', () => {
  const reps = (loads: number[]): Candidate[] =>
    loads.map((n, i) => ({ userId: `u${i}`, openLeads: n, customersHeld: n }));
  const rr = { method: 'round_robin' as const, cursor: null, loadCap: null, customerCap: null };

  it('spreads evenly over 300 leads when round robin has no caps', () => {
    const counts = new Map<string, number>();
    let cursor: string | null = null;
    for (let i = 0; i < 300; i++) {
      const who: string = pickAssignee(reps([0, 0, 0, 0, 0]), { ...rr, cursor })!;
      counts.set(who, (counts.get(who) ?? 0) + 1);
      cursor = who;
    }
    expect([...counts.values()]).toEqual([60, 60, 60, 60, 60]);
  });

  it('skips a rep at the load cap when round robin reaches them', () => {
    expect(pickAssignee(reps([0, 5, 0]), { ...rr, cursor: 'u0', loadCap: 5 })).toBe('u2');
  });

  it('wraps around after the last candidate', () => {
    expect(pickAssignee(reps([0, 0, 0]), { ...rr, cursor: 'u2' })).toBe('u0');
  });

  it('returns undefined when everyone is at the customer cap', () => {
    expect(pickAssignee(reps([3, 3]), { ...rr, customerCap: 3 })).toBeUndefined();
  });

  it('takes the least loaded rep when the method is least_loaded', () => {
    expect(pickAssignee(reps([4, 1, 2]), { ...rr, method: 'least_loaded' })).toBe('u1');
  });
});

describe('isIdle', () => {
  it.each([
    ['2026-11-01T00:00:00.000Z', 7, true],
    ['2026-11-20T00:00:00.000Z', 7, false],
    ['2026-11-15T00:00:00.000Z', 7, true],
  ])('last touch %s, %d days → %s', (last, days, expected) => {
    expect(isIdle(last, new Date('2026-11-22T00:00:00.000Z'), days)).toBe(expected);
  });
});
