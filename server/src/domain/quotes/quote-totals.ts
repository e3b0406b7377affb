import { type DecimalInput, divRoundHalfUp, formatScaled, parseScaled } from './decimal';

// Quote arithmetic (报价计算). Money is integer 分; quantities have up to 4 decimals, discounts and
// tax rates are percentages with up to 2 decimals (basis points inside). Each line is rounded
// once, half up, to the 分, and totals are sums of rounded lines — what a Chinese VAT invoice
// (增值税发票) shows line by line.

const QTY_SCALE = 4;
const PCT_SCALE = 2; // 13.5 % → 1350 basis points
const QTY_ONE = 10n ** BigInt(QTY_SCALE);
const PCT_ONE = 100n * 10n ** BigInt(PCT_SCALE); // 100 % = 10000

export interface QuoteLineInput {
  /** Units; positive, up to 4 decimals (e.g. "2.5" tonnes). */
  quantity: DecimalInput;
  /** List or negotiated unit price in 分 (integer, ≥ 0). */
  unitPrice: number;
  /** Percent off the unit price, 0–100, up to 2 decimals. */
  discountPercent?: DecimalInput;
  /** VAT rate in percent (13, 9, 6, 3, 0 in China), up to 2 decimals. */
  taxRatePercent?: DecimalInput;
  /** Unit cost in 分, when the caller may see it; gives the margin. */
  unitCost?: number | null;
}

export interface QuoteLineTotals {
  quantity: string;
  /** quantity × unit price, before discount, rounded to 分. */
  listAmount: number;
  discountAmount: number;
  /** Amount without tax (不含税金额). */
  netAmount: number;
  taxAmount: number;
  /** Amount with tax (价税合计). */
  grossAmount: number;
  costAmount: number | null;
  marginAmount: number | null;
}

export interface QuoteTotals {
  lines: QuoteLineTotals[];
  listAmount: number;
  discountAmount: number;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  /** Overall discount off list in basis points (10000 = 100 %). */
  discountBp: number;
  costAmount: number | null;
  marginAmount: number | null;
  /** Margin on net amount in basis points; null without cost or with a zero net amount. */
  marginBp: number | null;
}

export interface QuoteViolation {
  field: string;
  code: string;
}

export type QuoteTotalsResult =
  | { ok: true; totals: QuoteTotals }
  | { ok: false; violations: QuoteViolation[] };

export interface QuoteTotalsOptions {
  /** Unit prices include VAT (含税价, the usual way in China): tax is carved out of the gross. */
  pricesIncludeTax?: boolean;
}

const MAX_MONEY = 10n ** 15n; // a quadrillion 分 is far beyond any quote

/** Computes every line and the totals, or lists every problem (negative quantity, discount over 100 %, …). */
export function computeQuoteTotals(
  lines: QuoteLineInput[],
  opts: QuoteTotalsOptions = {},
): QuoteTotalsResult {
  const violations: QuoteViolation[] = [];
  if (lines.length === 0) violations.push({ field: 'lines', code: 'required' });
  const computed: QuoteLineTotals[] = [];
  lines.forEach((line, i) => {
    const at = (f: string) => `lines.${i}.${f}`;
    const qty = parseScaled(line.quantity, QTY_SCALE);
    const discount = parseScaled(line.discountPercent ?? 0, PCT_SCALE);
    const tax = parseScaled(line.taxRatePercent ?? 0, PCT_SCALE);
    const before = violations.length;
    if (!qty.ok) violations.push({ field: at('quantity'), code: qty.code });
    else if (qty.scaled <= 0n) violations.push({ field: at('quantity'), code: 'must_be_positive' });
    if (!Number.isSafeInteger(line.unitPrice) || line.unitPrice < 0)
      violations.push({ field: at('unitPrice'), code: 'invalid_money' });
    if (!discount.ok) violations.push({ field: at('discountPercent'), code: discount.code });
    else if (discount.scaled < 0n || discount.scaled > PCT_ONE)
      violations.push({ field: at('discountPercent'), code: 'out_of_range' });
    if (!tax.ok) violations.push({ field: at('taxRatePercent'), code: tax.code });
    else if (tax.scaled < 0n || tax.scaled > PCT_ONE)
      violations.push({ field: at('taxRatePercent'), code: 'out_of_range' });
    if (line.unitCost != null && (!Number.isSafeInteger(line.unitCost) || line.unitCost < 0))
      violations.push({ field: at('unitCost'), code: 'invalid_money' });
    if (violations.length > before || !qty.ok || !discount.ok || !tax.ok) return;

    const price = BigInt(line.unitPrice);
    const list = divRoundHalfUp(qty.scaled * price, QTY_ONE);
    const discounted = divRoundHalfUp(qty.scaled * price * (PCT_ONE - discount.scaled), QTY_ONE * PCT_ONE);
    let net: bigint;
    let taxAmount: bigint;
    if (opts.pricesIncludeTax) {
      net = divRoundHalfUp(discounted * PCT_ONE, PCT_ONE + tax.scaled);
      taxAmount = discounted - net;
    } else {
      net = discounted;
      taxAmount = divRoundHalfUp(net * tax.scaled, PCT_ONE);
    }
    const gross = net + taxAmount;
    if (gross > MAX_MONEY) {
      violations.push({ field: at('quantity'), code: 'too_large' });
      return;
    }
    const cost = line.unitCost == null ? null : divRoundHalfUp(qty.scaled * BigInt(line.unitCost), QTY_ONE);
    computed.push({
      quantity: formatScaled(qty.scaled, QTY_SCALE),
      listAmount: Number(list),
      discountAmount: Number(list - discounted),
      netAmount: Number(net),
      taxAmount: Number(taxAmount),
      grossAmount: Number(gross),
      costAmount: cost === null ? null : Number(cost),
      marginAmount: cost === null ? null : Number(net - cost),
    });
  });
  if (violations.length) return { ok: false, violations };

  const sum = (f: (l: QuoteLineTotals) => number) => computed.reduce((s, l) => s + f(l), 0);
  const listAmount = sum((l) => l.listAmount);
  const discountAmount = sum((l) => l.discountAmount);
  const netAmount = sum((l) => l.netAmount);
  const allCosted = computed.every((l) => l.costAmount !== null);
  const costAmount = allCosted ? sum((l) => l.costAmount ?? 0) : null;
  const marginAmount = costAmount === null ? null : netAmount - costAmount;
  return {
    ok: true,
    totals: {
      lines: computed,
      listAmount,
      discountAmount,
      netAmount,
      taxAmount: sum((l) => l.taxAmount),
      grossAmount: sum((l) => l.grossAmount),
      discountBp:
        listAmount === 0 ? 0 : Number(divRoundHalfUp(BigInt(discountAmount) * 10000n, BigInt(listAmount))),
      costAmount,
      marginAmount,
      marginBp:
        marginAmount === null || netAmount === 0
          ? null
          : Number(divRoundHalfUp(BigInt(marginAmount) * 10000n, BigInt(netAmount))),
    },
  };
}

/** The highest line discount in basis points: the approval matrix looks at the worst line too. */
export function maxLineDiscountBp(lines: Pick<QuoteLineInput, 'discountPercent'>[]): number {
  let max = 0n;
  for (const l of lines) {
    const d = parseScaled(l.discountPercent ?? 0, PCT_SCALE);
    if (d.ok && d.scaled > max) max = d.scaled;
  }
  return Number(max);
}
