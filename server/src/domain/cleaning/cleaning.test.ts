import { describe, expect, it } from 'vitest';
import { normalizeCompanyName } from '../company-name';
import { creditCodeCheckChar, isValidCreditCode } from '../credit-code';
import { isValidMobile, isValidPhone, normalizeMobile, normalizePhone } from '../phone';
import { excelSerialToDate, parseDate, parseDateTime } from './dates';
import { blockKeys, findDuplicatePairs, findDuplicates } from './duplicates';
import { matchEnum } from './enums';
import { headerKey, matchHeaders } from './headers';
import { parseInteger, parseNumber, toFen } from './numbers';
import { diceBigram, FUZZY_NAME_THRESHOLD, jaroWinkler, nameSimilarity } from './similarity';
import { cleanCell, cleanEmail, toHalfWidthText } from './text';

describe('cells and text', () => {
  it.each([
    ['  ＡＢＣ　１２３  ', 'ABC 123'],
    ['张三\u00a0\u00a0李四', '张三 李四'],
    ['\u200b华为\ufeff', '华为'],
    ['第一行\n第二行', '第一行 第二行'],
    ["'=SUM(A1)", '=SUM(A1)'],
    ["'+86 138", '+86 138'],
    ["it's", "it's"],
    [null, ''],
  ])('cleanCell(%j) → %j', (raw, out) => {
    expect(cleanCell(raw)).toBe(out);
  });

  it('turns full-width ASCII and CJK brackets into half-width', () => {
    expect(toHalfWidthText('（深圳）【重要】，ＡＢＣ')).toBe('(深圳)[重要],ABC');
  });

  it.each([
    [' Zhang.San@Example.COM ', 'zhang.san@example.com'],
    ['mailto:li@qq.com', 'li@qq.com'],
    ['ＷＡＮＧ＠１６３．ＣＯＭ', 'wang@163.com'],
  ])('cleanEmail(%s) → %s', (raw, out) => {
    expect(cleanEmail(raw)).toBe(out);
  });
});

describe('mobile and landline numbers', () => {
  it.each([
    ['+86 138-1234-5678', '13812345678', true],
    ['0086 13812345678', '13812345678', true],
    ['１３８ １２３４ ５６７８', '13812345678', true],
    ['(+86)13812345678', '13812345678', true],
    ['138123456789', '138123456789', false],
    ['021-1234567', '0211234567', false],
  ])('mobile %s → %s (%s)', (raw, norm, valid) => {
    expect(normalizeMobile(raw)).toBe(norm);
    expect(isValidMobile(raw)).toBe(valid);
  });

  it.each([
    ['０２１－１２３４５６７８', '021-12345678', true],
    ['+86 21 1234 5678', '021-12345678', true],
    ['0755 8765432', '0755-8765432', true],
    ['400 800 1234', '400-800-1234', true],
    ['abc', 'abc', false],
  ])('landline %s → %s (%s)', (raw, norm, valid) => {
    expect(normalizePhone(raw)).toBe(norm);
    expect(isValidPhone(raw)).toBe(valid);
  });
});

describe('company names for matching', () => {
  it.each([
    ['上海浦东软件股份有限公司', '上海浦东软件'],
    ['上海浦东软件有限责任公司', '上海浦东软件'],
    ['上海浦东软件集团', '上海浦东软件'],
    ['上海 浦东 软件（集团）有限公司', '上海浦东软件'],
    ['腾讯科技（深圳）有限公司', '腾讯科技深圳'],
  ])('%s → %s', (raw, key) => {
    expect(normalizeCompanyName(raw)).toBe(key);
  });
});

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it.each([
    ['91110000100000001', true],
    ['91440300708461136', true],
    ['12100000400000624', true],
  ])('the check character of %s makes a valid code', (body) => {
    const check = creditCodeCheckChar(body);
    expect(check).toBeDefined();
    expect(isValidCreditCode(`${body}${check}`)).toBe(true);
    // Any other last character is refused.
    const wrong = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('').find((c) => c !== check)!;
    expect(isValidCreditCode(`${body}${wrong}`)).toBe(false);
  });

  it('accepts full-width and lower case, refuses letters outside the alphabet', () => {
    expect(isValidCreditCode('９１３５０１００ｍ０００１００ｙ４３')).toBe(true);
    expect(isValidCreditCode('91350100M000100I43')).toBe(false);
  });
});

describe('dates', () => {
  it.each([
    ['2025/1/2', '2025-01-02'],
    ['2025-01-02', '2025-01-02'],
    ['2025.1.2', '2025-01-02'],
    ['2025年1月2日', '2025-01-02'],
    ['２０２５年１２月３１日', '2025-12-31'],
    ['20250102', '2025-01-02'],
    ['2025-01-02 14:30', '2025-01-02'],
    ['45659', '2025-01-02'],
    ['2025-02-30', undefined],
    ['2025/13/01', undefined],
    ['明天', undefined],
    ['', undefined],
  ])('parseDate(%s) → %s', (raw, out) => {
    expect(parseDate(raw)).toBe(out);
  });

  it.each([
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [45659, '2025-01-02'],
    [0, undefined],
  ])('Excel serial %d → %s', (serial, out) => {
    expect(excelSerialToDate(serial)).toBe(out);
  });

  it.each([
    ['2025-01-02 09:30', '2025-01-02T01:30:00.000Z'],
    ['2025年1月2日 9:30:15', '2025-01-02T01:30:15.000Z'],
    ['2025/1/2', '2025-01-01T16:00:00.000Z'],
    ['2025-01-02T09:30:00+08:00', '2025-01-02T01:30:00.000Z'],
    ['2025-01-02T01:30:00Z', '2025-01-02T01:30:00.000Z'],
    ['2025-01-02 25:00', undefined],
  ])('parseDateTime(%s) in Asia/Shanghai → %s', (raw, out) => {
    expect(parseDateTime(raw)).toBe(out);
  });

  it('reads an Excel serial with a time of day', () => {
    expect(parseDateTime(45659.5)).toBe('2025-01-02T04:00:00.000Z');
  });
});

describe('numbers and money', () => {
  it.each([
    ['1,234,567.89', 123456789],
    ['¥12,000', 1200000],
    ['￥12,000元', 1200000],
    ['1.5万', 1500000],
    ['1.005万', 1005000],
    ['2亿', 20000000000],
    ['3千', 300000],
    ['１２３．４５', 12345],
    ['0.015', 2],
    ['0.014', 1],
    ['(1,000)', -100000],
    ['1,23', undefined],
    ['12a', undefined],
    ['', undefined],
  ])('toFen(%s) → %s', (raw, fen) => {
    expect(toFen(raw)).toBe(fen);
  });

  it.each([
    ['1,234', 1234],
    ['2.5万', 25000],
    ['-3', -3],
    ['1e3', 1000],
  ])('parseNumber(%s) → %d', (raw, n) => {
    expect(parseNumber(raw)).toBe(n);
  });

  it.each([
    ['30', 30],
    ['1,200', 1200],
    ['1.5', undefined],
    ['1.50', undefined],
    ['2.0', 2],
  ])('parseInteger(%s) → %s', (raw, n) => {
    expect(parseInteger(raw)).toBe(n);
  });
});

describe('header matching', () => {
  const synonyms = {
    name: ['客户名称', '公司名称', 'Company'],
    mobile: ['联系电话', '手机', 'Mobile'],
    amount: ['金额', 'Amount'],
  };

  it.each([
    ['客户名称', 'name'],
    ['公司名称', 'name'],
    ['Company', 'name'],
    [' company ', 'name'],
    ['*客户名称', 'name'],
    ['联系电话', 'mobile'],
    ['手机', 'mobile'],
    ['MOBILE', 'mobile'],
    ['金额（元）', 'amount'],
    ['Amount (CNY)', 'amount'],
    ['name', 'name'],
  ])('%s → %s', (header, field) => {
    expect(matchHeaders([header], synonyms).mapping[header]).toBe(field);
  });

  it('leaves unknown headers and a second column of the same meaning unmapped', () => {
    const m = matchHeaders(['客户名称', '公司名称', '随便'], synonyms);
    expect(m.mapping).toEqual({ 客户名称: 'name', 公司名称: null, 随便: null });
    expect(m.unknown).toEqual(['公司名称', '随便']);
  });

  it('compares headers without spaces, punctuation or a bracketed unit', () => {
    expect(headerKey(' 预计金额（万元）* ')).toBe('预计金额');
  });
});

describe('enumerated values', () => {
  it.each([
    ['source', '展会', 'exhibition'],
    ['source', 'Website', 'website'],
    ['stage', '赢单', 'won'],
    ['stage', 'negotiation', 'negotiation'],
    ['kind', '上门拜访', 'visit'],
    ['currency', '¥', 'CNY'],
    ['currency', '人民币', 'CNY'],
    ['grade', 'a类', 'A'],
    ['source', '飞鸽传书', undefined],
  ])('%s: %s → %s', (kind, raw, value) => {
    expect(matchEnum(kind, raw)).toBe(value);
  });
});

// A labelled sample of company-name pairs: true when the two names are the same customer.
const LABELLED: Array<[string, string, boolean]> = [
  ['华为技术有限公司', '华为技术股份有限公司', true],
  ['腾讯科技（深圳）有限公司', '腾讯科技(深圳)有限公司', true],
  ['北京字节跳动科技有限公司', '北京字节跳动科技', true],
  ['上海浦东发展银行股份有限公司', '上海浦东发展银行', true],
  ['杭州海康威视数字技术股份有限公司', '杭州海康威视数字技术有限公司', true],
  ['深圳市大疆创新科技有限公司', '深圳大疆创新科技有限公司', true],
  ['阿里巴巴（中国）网络技术有限公司', '阿里巴巴中国网络技术有限公司', true],
  ['小米科技有限责任公司', '小米科技有限公司', true],
  ['广州视源电子科技股份有限公司', '广州视源电子科技有限公司', true],
  ['苏州汇川技术有限公司', '苏州汇川技术有限公', true],
  ['江苏恒瑞医药股份有限公司', '江苏恒瑞医药股份有限公司 ', true],
  ['宁德时代新能源科技股份有限公司', '宁德时代新能源科技有限公司', true],
  ['ACME Trading Co., Ltd.', 'Acme Trading Company Limited', true],
  ['Siemens Ltd. China', 'Siemens Ltd China', true],
  ['北京京东世纪贸易有限公司', '北京京东世纪商贸有限公司', true],
  ['上海携程国际旅行社有限公司', '上海携程国际旅行社有限责任公司', true],
  ['华为技术有限公司', '华为终端有限公司', false],
  ['腾讯科技（深圳）有限公司', '腾讯音乐娱乐科技（深圳）有限公司', false],
  ['北京百度网讯科技有限公司', '北京百度在线网络技术有限公司', false],
  ['上海浦东发展银行', '上海农村商业银行', false],
  ['杭州海康威视数字技术', '杭州大华技术', false],
  ['深圳市大疆创新科技有限公司', '深圳市大族激光科技股份有限公司', false],
  ['小米科技有限责任公司', '小米通讯技术有限公司', false],
  ['中国平安保险（集团）股份有限公司', '中国太平洋保险（集团）股份有限公司', false],
  ['中国银行股份有限公司', '中国建设银行股份有限公司', false],
  ['招商银行股份有限公司', '招商证券股份有限公司', false],
  ['ACME Trading Co., Ltd.', 'ACME Logistics Co., Ltd.', false],
  ['北京京东世纪贸易有限公司', '北京京东方科技集团', false],
  ['上海汽车集团股份有限公司', '上海电气集团股份有限公司', false],
  ['青岛海尔股份有限公司', '青岛海信电器股份有限公司', false],
  ['美的集团股份有限公司', '美团科技有限公司', false],
  ['江苏恒瑞医药股份有限公司', '江苏恒顺醋业股份有限公司', false],
];

describe('fuzzy duplicate names', () => {
  it('scores identical, similar and different strings', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(diceBigram('night', 'nacht')).toBeCloseTo(0.25, 3);
    expect(nameSimilarity('abc', 'abc')).toBe(1);
    expect(nameSimilarity('', 'abc')).toBe(0);
  });

  it('reaches precision ≥ 0.9 and recall ≥ 0.8 on the labelled sample', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const [a, b, same] of LABELLED) {
      const predicted =
        nameSimilarity(normalizeCompanyName(a), normalizeCompanyName(b)) >= FUZZY_NAME_THRESHOLD;
      if (predicted && same) tp++;
      else if (predicted && !same) fp++;
      else if (!predicted && same) fn++;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.8);
  });

  it('blocks names without losing a match of the labelled sample, and reports a skipped check', () => {
    const names = [...new Set([...LABELLED.map(([a]) => a), ...LABELLED.map(([, b]) => b)])];
    const norm = names.map((n) => normalizeCompanyName(n));
    // Every pair all-pairs matching finds (same normalised name, or similar enough and of
    // lengths within a third of each other, the pre-filter matching always had) …
    // A row is paired with the first row of its name; different names by their first rows.
    const expected: string[] = [];
    const len = (i: number) => [...norm[i]!].length;
    const first = (i: number) => norm.indexOf(norm[i]!) === i;
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++)
        if (
          first(i) &&
          (norm[i] === norm[j] ||
            (first(j) &&
              Math.abs(len(i) - len(j)) <= Math.max(2, len(i) / 3) &&
              nameSimilarity(norm[i]!, norm[j]!) >= FUZZY_NAME_THRESHOLD))
        )
          expected.push(`${i}:${j}`);
    // … blocked matching finds too, with far fewer comparisons.
    const { pairs, fuzzy } = findDuplicates(names.map((name) => ({ name })));
    expect(pairs.map((p) => `${p.first}:${p.second}`).sort()).toEqual(expected.sort());
    expect(fuzzy.status).toBe('complete');
    expect(fuzzy.comparisons).toBeLessThan((names.length * (names.length - 1)) / 4);
    expect(blockKeys('深圳大疆创新科技')).toEqual(['深圳', '圳大', '深大']);
    expect(
      findDuplicates(
        names.map((name) => ({ name })),
        { budget: 0 },
      ).fuzzy.status,
    ).toBe('skipped_too_large');
  });

  it('finds exact key duplicates and fuzzy name duplicates inside a file', () => {
    const pairs = findDuplicatePairs([
      { name: '华为技术有限公司', mobile: '13812345678' },
      { name: '中兴通讯', mobile: '13812345678' },
      { name: '华为技术股份有限公司' },
      { name: '深圳市大疆创新科技有限公司', email: 'a@b.cn' },
      { name: '深圳大疆创新科技有限公司', email: 'x@y.cn' },
      { name: '小米科技', creditCode: '91350100M000100Y43' },
      { name: '小米通讯技术', creditCode: '91350100M000100Y43' },
    ]);
    expect(pairs.map((p) => [p.first, p.second, p.on])).toEqual([
      [0, 1, 'mobile'],
      [0, 2, 'name'],
      [3, 4, 'fuzzyName'],
      [5, 6, 'creditCode'],
    ]);
  });
});
