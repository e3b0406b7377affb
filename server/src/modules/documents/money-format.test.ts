import { describe, expect, it } from 'vitest';
import { amountInChineseWords, formatAmount, formatMoney } from './money-format';

describe('formatAmount', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123456, '1,234.56'],
    [39926, '399.26'],
    [100000000000, '1,000,000,000.00'],
    [-123456, '-1,234.56'],
  ])('%i 分 → %s', (fen, text) => {
    expect(formatAmount(fen)).toBe(text);
  });

  it('writes 元 in Chinese for CNY and the code otherwise', () => {
    expect(formatMoney(123456, 'CNY', 'zh-CN')).toBe('1,234.56 元');
    expect(formatMoney(123456, 'CNY', 'en-US')).toBe('CNY 1,234.56');
    expect(formatMoney(99, 'USD', 'zh-CN')).toBe('USD 0.99');
  });
});

describe('amountInChineseWords (大写金额)', () => {
  it.each([
    [0, '零元整'],
    [5, '伍分'],
    [10, '壹角整'],
    [150, '壹元伍角整'],
    [1000, '壹拾元整'],
    [10005, '壹佰元零伍分'],
    [100000, '壹仟元整'],
    [101000, '壹仟零壹拾元整'],
    [123456, '壹仟贰佰叁拾肆元伍角陆分'],
    [1005000, '壹万零伍拾元整'],
    [50000000, '伍拾万元整'],
    [10000000000, '壹亿元整'],
    [10001000000, '壹亿零壹万元整'],
    [-100, '负壹元整'],
  ])('%i 分 → %s', (fen, words) => {
    expect(amountInChineseWords(fen)).toBe(words);
  });

  it('refuses a fractional 分', () => {
    expect(() => amountInChineseWords(1.5)).toThrow(RangeError);
  });
});
