/**
 * A business document ready to print (quote, contract, order confirmation): plain data, already
 * in the reader's language except the table headings, which the renderer supplies. Money is
 * integer 分; quantities and percentages are decimal strings as the quote domain keeps them.
 *
 * @example
 * const pdf = await renderDocumentPdf({
 *   title: '销售合同', number: 'HT20261125-001', date: '2026-11-25', currency: 'CNY',
 *   parties: [{ role: '甲方（买方）', name: '上海某某科技有限公司' }, { role: '乙方（卖方）', name: '本公司' }],
 *   lines: [{ name: '工业网关 W100', quantity: '3', unitPrice: 10000, amount: 30000 }],
 *   totals: [{ label: '合同总额', amount: 30000, emphasis: true, inWords: true }],
 *   clauses: [{ title: '付款方式', text: '合同签订后 5 个工作日内预付 30%。' }],
 *   signatures: ['甲方（盖章）', '乙方（盖章）'],
 * }, 'zh-CN');
 */
export interface DocumentModel {
  title: string;
  number: string;
  /** YYYY-MM-DD, in the tenant's time zone. */
  date: string;
  currency: string;
  parties: DocumentParty[];
  /** Short facts under the parties: validity, delivery date, sales contact… */
  facts?: Array<{ label: string; value: string }>;
  lines: DocumentLine[];
  /** Heading of the amount column when it is not the plain "amount" (e.g. 金额（含税）). */
  amountHeading?: string;
  totals: DocumentTotal[];
  clauses: DocumentClause[];
  /** Signature and seal blocks, one per party (contracts). */
  signatures?: string[];
  note?: string | null;
}

export interface DocumentParty {
  role: string;
  name: string;
  details?: string[];
}

export interface DocumentLine {
  name: string;
  sku?: string | null;
  spec?: string | null;
  quantity: string;
  unit?: string | null;
  /** 分 */
  unitPrice: number;
  discountPercent?: string | null;
  taxRatePercent?: string | null;
  /** 分 */
  amount: number;
}

export interface DocumentTotal {
  label: string;
  /** 分 */
  amount: number;
  emphasis?: boolean;
  /** Also write the amount in capital numerals (大写) — Chinese documents only. */
  inWords?: boolean;
}

export interface DocumentClause {
  title: string;
  text: string;
}
