import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../src/modules/import/key-index';

// The hashed key index the in-file duplicate checks keep instead of maps of strings.

describe('KeyIndex', () => {
  it('keeps the first number of each key across growth, and tells unknown keys apart', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 100_000; i++)
      expect(index.getOrSet(`139${String(i).padStart(8, '0')}`, i + 2)).toBe(undefined);
    expect(index.size).toBe(100_000);
    // A second sight of a key answers the row it was first seen in, and keeps it.
    expect(index.getOrSet('13900000000', 999_999)).toBe(2);
    expect(index.getOrSet('13900099999', 5)).toBe(100_001);
    expect(index.get('13900000000')).toBe(2);
    for (let i = 100_000; i < 101_000; i++)
      expect(index.get(`139${String(i).padStart(8, '0')}`)).toBe(undefined);
    // Keys differing only by order or by a character beyond ASCII are distinct.
    expect(index.getOrSet('杭州青禾数据科技', 7)).toBe(undefined);
    expect(index.getOrSet('杭州禾青数据科技', 8)).toBe(undefined);
    expect(index.get('杭州青禾数据科技')).toBe(7);
    index.set('杭州青禾数据科技', 0);
    expect(index.get('杭州青禾数据科技')).toBe(0);
    expect(index.size).toBe(100_002);
  });
});
