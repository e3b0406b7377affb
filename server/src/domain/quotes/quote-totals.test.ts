import { describe, expect, it } from 'vitest';
import { parseScaled } from './decimal';
import { diffQuoteVersions } from './quote-diff';
import { computeQuoteTotals, maxLineDiscountBp } from './quote-totals';

// Expected figures are worked out by hand in the comments; amounts are 分.
describe('quote totals', () => {
  it('computes lines and totals exactly when prices exclude tax', () => {
    const r = computeQuoteTotals([
      // 3 × 100.00 = 300.00, −10 % = 270.00, VAT 13 % = 35.10, gross 305.10; cost 3 × 60 = 180
      { quantity: 3, unitPrice: 10000, discountPercent: 10, taxRatePercent: 13, unitCost: 6000 },
      // 2.5 × 33.33 = 83.325 → 83.33 (half up); VAT 10.8329 → 10.83; gross 94.16; cost 50.00
      { quantity: '2.5', unitPrice: 3333, taxRatePercent: '13', unitCost: 2000 },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.totals.lines.map((l) => [l.listAmount, l.netAmount, l.taxAmount, l.grossAmount])).toEqual([
      [30000, 27000, 3510, 30510],
      [8333, 8333, 1083, 9416],
    ]);
    expect(r.totals).toMatchObject({
      listAmount: 38333,
      discountAmount: 3000,
      netAmount: 35333,
      taxAmount: 4593,
      grossAmount: 39926,
      discountBp: 783, // 3000 / 38333 = 7.826 %
      costAmount: 23000,
      marginAmount: 12333,
      marginBp: 3491, // 12333 / 35333 = 34.905 % → 3490.5 bp, half up
    });
  });

  it('carves tax out of tax-inclusive prices (含税价)', () => {
    const r = computeQuoteTotals(
      [
        // 113.00 incl. 13 % → 100.00 + 13.00
        { quantity: 1, unitPrice: 11300, taxRatePercent: 13 },
        // 3 × 9.99 × 0.95 = 28.4715 → 28.47 gross; /1.06 = 26.858 → 26.86 net; tax 1.61
        { quantity: 3, unitPrice: 999, discountPercent: 5, taxRatePercent: 6 },
      ],
      { pricesIncludeTax: true },
    );
    expect(r.ok && r.totals.lines.map((l) => [l.grossAmount, l.netAmount, l.taxAmount])).toEqual([
      [11300, 10000, 1300],
      [2847, 2686, 161],
    ]);
    expect(r.ok && r.totals.grossAmount).toBe(14147);
  });

  it('never drifts like floating point does', () => {
    // 0.1 + 0.2 kg at 10.00/kg: floats give 3.0000000000000004; here each line is exact.
    const r = computeQuoteTotals([
      { quantity: 0.1, unitPrice: 1000 },
      { quantity: 0.2, unitPrice: 1000 },
    ]);
    expect(r.ok && r.totals.netAmount).toBe(300);
    // 33.33 % off 30.00 = 20.001 → 20.00
    const d = computeQuoteTotals([{ quantity: 3, unitPrice: 1000, discountPercent: '33.33' }]);
    expect(d.ok && d.totals.netAmount).toBe(2000);
    expect(d.ok && d.totals.lines[0]!.discountAmount).toBe(1000);
  });

  it('leaves margin unknown when a line has no cost', () => {
    const r = computeQuoteTotals([
      { quantity: 1, unitPrice: 1000, unitCost: 500 },
      { quantity: 1, unitPrice: 1000 },
    ]);
    expect(r.ok && [r.totals.costAmount, r.totals.marginAmount, r.totals.marginBp]).toEqual([
      null,
      null,
      null,
    ]);
  });

  it.each([
    ['zero quantity', { quantity: 0, unitPrice: 100 }, 'lines.0.quantity', 'must_be_positive'],
    ['negative quantity', { quantity: '-2', unitPrice: 100 }, 'lines.0.quantity', 'must_be_positive'],
    [
      'a quantity that is not a number',
      { quantity: 'abc', unitPrice: 100 },
      'lines.0.quantity',
      'not_a_number',
    ],
    ['five decimals', { quantity: '1.00001', unitPrice: 100 }, 'lines.0.quantity', 'too_many_decimals'],
    ['a fractional price', { quantity: 1, unitPrice: 1.5 }, 'lines.0.unitPrice', 'invalid_money'],
    ['a negative price', { quantity: 1, unitPrice: -1 }, 'lines.0.unitPrice', 'invalid_money'],
    [
      'a discount over 100 %',
      { quantity: 1, unitPrice: 100, discountPercent: '100.01' },
      'lines.0.discountPercent',
      'out_of_range',
    ],
    [
      'a negative discount',
      { quantity: 1, unitPrice: 100, discountPercent: -5 },
      'lines.0.discountPercent',
      'out_of_range',
    ],
    [
      'a discount with three decimals',
      { quantity: 1, unitPrice: 100, discountPercent: '12.345' },
      'lines.0.discountPercent',
      'too_many_decimals',
    ],
    [
      'a tax rate over 100 %',
      { quantity: 1, unitPrice: 100, taxRatePercent: 113 },
      'lines.0.taxRatePercent',
      'out_of_range',
    ],
  ])('refuses %s', (_label, line, field, code) => {
    const r = computeQuoteTotals([line]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.violations).toContainEqual({ field, code });
  });

  it('lists every problem at once and refuses an empty quote', () => {
    const r = computeQuoteTotals([
      { quantity: 0, unitPrice: 100 },
      { quantity: 1, unitPrice: 100, discountPercent: 150 },
    ]);
    expect(!r.ok && r.violations.map((v) => v.field)).toEqual([
      'lines.0.quantity',
      'lines.1.discountPercent',
    ]);
    expect(computeQuoteTotals([])).toEqual({ ok: false, violations: [{ field: 'lines', code: 'required' }] });
  });

  it('finds the worst line discount', () => {
    expect(maxLineDiscountBp([{ discountPercent: 5 }, { discountPercent: '17.5' }, {}])).toBe(1750);
  });

  it('parses decimals without floats and refuses exponent forms', () => {
    expect(parseScaled('1,234.5', 2)).toEqual({ ok: true, scaled: 123450n });
    expect(parseScaled(1e21, 2)).toEqual({ ok: false, code: 'not_a_number' });
    expect(parseScaled('12345678901234567', 0)).toEqual({ ok: false, code: 'too_large' });
  });
});

describe('quote version diff', () => {
  it('lists added, removed and changed lines and terms, ignoring order', () => {
    const v1 = {
      lines: [
        { productId: 'p1', spec: 'A型', quantity: '10', unitPrice: 10000, discountPercent: '5' },
        { productId: 'p2', spec: null, quantity: '1', unitPrice: 50000 },
      ],
      terms: { paymentTerms: '30/60/10', deliveryDate: '2026-12-31', validUntil: '2026-12-01' },
    };
    const v2 = {
      lines: [
        { productId: 'p3', spec: null, quantity: '2', unitPrice: 8000 },
        { productId: 'p1', spec: 'A型', quantity: '12', unitPrice: 10000, discountPercent: '8' },
      ],
      terms: { paymentTerms: '30/60/10', deliveryDate: '2027-01-15', validUntil: '2026-12-01' },
    };
    expect(diffQuoteVersions(v1, v2)).toEqual({
      added: [v2.lines[0]],
      removed: [v1.lines[1]],
      changed: [
        {
          key: 'p1|A型',
          changes: [
            { field: 'discountPercent', from: '5', to: '8' },
            { field: 'quantity', from: '10', to: '12' },
          ],
        },
      ],
      terms: [{ field: 'deliveryDate', from: '2026-12-31', to: '2027-01-15' }],
    });
    expect(diffQuoteVersions(v1, v1)).toEqual({ added: [], removed: [], changed: [], terms: [] });
  });
});
