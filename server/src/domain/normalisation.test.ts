import { describe, expect, it } from 'vitest';
import { normalizeCompanyName } from './company-name';
import { creditCodeCheckChar, isValidCreditCode, normalizeCreditCode, toHalfWidth } from './credit-code';
import { isValidMobile, isValidPhone, normalizeMobile, normalizePhone } from './phone';

describe('统一社会信用代码', () => {
  it.each([
    ['91350100M000100Y43', true],
    ['91350100m000100y43', true],
    ['９１３５０１００Ｍ０００１００Ｙ４３', true],
    ['91350100M000100Y44', false],
    ['91350100M000100Y4', false],
    ['91350100M0001O0Y43', false], // O is not in the alphabet
    ['', false],
  ])('%s is valid → %s', (code, expected) => {
    expect(isValidCreditCode(code)).toBe(expected);
  });

  it('computes a check character that validates when appended to 17 random characters', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 200; i++) {
      let body = '91';
      while (body.length < 17) body += alphabet[(i * 7 + body.length * 13) % 31];
      expect(isValidCreditCode(body + creditCodeCheckChar(body))).toBe(true);
    }
  });

  it('normalises spaces, dashes and case', () => {
    expect(normalizeCreditCode(' 9135-0100 m000100y43 ')).toBe('91350100M000100Y43');
  });
});

describe('phone numbers', () => {
  it.each([
    ['13812345678', '13812345678', true],
    ['+86 138 1234 5678', '13812345678', true],
    ['0086-138-1234-5678', '13812345678', true],
    ['８６１３８１２３４５６７８', '13812345678', true],
    ['12812345678', '12812345678', false],
    ['1381234567', '1381234567', false],
  ])('mobile %s → %s (%s)', (raw, norm, valid) => {
    expect(normalizeMobile(raw)).toBe(norm);
    expect(isValidMobile(raw)).toBe(valid);
  });

  it.each([
    ['021-12345678', '021-12345678', true],
    ['(0571) 8765 4321', '0571-87654321', true],
    ['010 12345678 转 8001', '010-12345678-8001', true],
    ['+86 13812345678', '13812345678', true],
    ['400-123-4567', '400-123-4567', true],
    ['12', '12', false],
  ])('phone %s → %s (%s)', (raw, norm, valid) => {
    expect(normalizePhone(raw)).toBe(norm);
    expect(isValidPhone(raw)).toBe(valid);
  });
});

describe('company names', () => {
  it.each([
    ['华为技术有限公司', '华为技术'],
    ['华为技术', '华为技术'],
    ['华为技术股份有限公司', '华为技术'],
    ['腾讯科技（深圳）有限公司', '腾讯科技深圳'],
    ['腾讯科技(深圳)有限公司', '腾讯科技深圳'],
    ['Acme Co., Ltd.', 'acme'],
    ['ＡＣＭＥ　Ｌｔｄ', 'acme'],
    ['阿里巴巴集团有限公司', '阿里巴巴'],
  ])('%s → %s', (raw, key) => {
    expect(normalizeCompanyName(raw)).toBe(key);
  });

  it('turns full-width ASCII into half-width', () => {
    expect(toHalfWidth('ＡＢＣ１２３，（）　x')).toBe('ABC123,() x');
  });
});
