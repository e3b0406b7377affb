import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import type { DB } from '../../db/schema';
import type { Locale } from '../../shared/locale';
import { getQuote, type StoredLine } from '../quotes/quote.service';
import type { DocumentModel } from './document.model';

const TEXT = {
  'zh-CN': {
    title: '报价单',
    seller: '报价方',
    buyer: '客户',
    subject: '项目',
    contact: '销售代表',
    validUntil: '报价有效期至',
    deliveryDate: '交货日期',
    amountInclusive: '含税金额',
    amountExclusive: '不含税金额',
    net: '不含税金额',
    tax: '税额',
    gross: '价税合计',
    discount: '优惠金额',
    paymentTerms: '付款条件',
    paymentDays: (d: number) => `账期 ${d} 天。`,
    validity: '有效期',
    validityText: (d: string) => `本报价有效期至 ${d}，逾期需重新确认。`,
    delivery: '交货',
    deliveryText: (d: string) => `预计交货日期 ${d}。`,
    taxNote: (inclusive: boolean) => (inclusive ? '以上单价含增值税。' : '以上单价不含增值税，税额另计。'),
  },
  'en-US': {
    title: 'Quotation',
    seller: 'From',
    buyer: 'Customer',
    subject: 'Subject',
    contact: 'Sales contact',
    validUntil: 'Valid until',
    deliveryDate: 'Delivery date',
    amountInclusive: 'Amount incl. VAT',
    amountExclusive: 'Amount excl. VAT',
    net: 'Net amount',
    tax: 'VAT',
    gross: 'Total incl. VAT',
    discount: 'Discount',
    paymentTerms: 'Payment terms',
    paymentDays: (d: number) => `Payment due within ${d} days.`,
    validity: 'Validity',
    validityText: (d: string) => `This quotation is valid until ${d}.`,
    delivery: 'Delivery',
    deliveryText: (d: string) => `Expected delivery on ${d}.`,
    taxNote: (inclusive: boolean) =>
      inclusive ? 'Unit prices include VAT.' : 'Unit prices exclude VAT; VAT is added.',
  },
} as const;

/** YYYY-MM-DD of an instant in a time zone. */
function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/**
 * The printable quote. Built field by field from the quote the actor may read (404 otherwise):
 * cost and margin are never copied into the model, whoever asks.
 */
export async function buildQuoteDocument(
  db: Kysely<DB>,
  actor: Actor,
  quoteId: string,
  lang: Locale,
): Promise<{ model: DocumentModel; number: string }> {
  const quote = await getQuote(db, actor, quoteId);
  const t = TEXT[lang];
  const [tenant, account, owner] = await Promise.all([
    db
      .selectFrom('tenants')
      .select(['name', 'timeZone'])
      .where('id', '=', actor.tenantId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('accounts')
      .select('name')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', quote.accountId)
      .executeTakeFirst(),
    quote.ownerId
      ? db
          .selectFrom('users')
          .select(['name', 'email'])
          .where('tenantId', '=', actor.tenantId)
          .where('id', '=', quote.ownerId)
          .executeTakeFirst()
      : undefined,
  ]);
  const inclusive = quote.taxMode === 'inclusive';
  const lines = quote.lines as unknown as StoredLine[];
  const terms = quote.terms as { paymentTerms?: string | null; paymentDays?: number };
  const facts = [
    { label: t.subject, value: quote.title },
    ...(owner
      ? [{ label: t.contact, value: owner.email ? `${owner.name} <${owner.email}>` : owner.name }]
      : []),
    { label: t.validUntil, value: quote.validUntil },
    ...(quote.deliveryDate ? [{ label: t.deliveryDate, value: quote.deliveryDate }] : []),
  ];
  const discount = lines.reduce((sum, l) => sum + l.totals.discountAmount, 0);
  const paymentText = [terms.paymentTerms?.trim(), t.paymentDays(quote.paymentDays)]
    .filter(Boolean)
    .join(' ');
  const model: DocumentModel = {
    title: t.title,
    number: quote.number,
    date: localDate(quote.createdAt, tenant.timeZone),
    currency: quote.currency,
    parties: [
      { role: t.seller, name: tenant.name },
      { role: t.buyer, name: account?.name ?? '' },
    ],
    facts,
    lines: lines.map((l) => ({
      name: l.productName,
      sku: l.sku,
      spec: l.spec,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: l.unitPrice,
      discountPercent: l.discountPercent,
      taxRatePercent: l.taxRatePercent,
      amount: inclusive ? l.totals.grossAmount : l.totals.netAmount,
    })),
    amountHeading: inclusive ? t.amountInclusive : t.amountExclusive,
    totals: [
      ...(discount > 0 ? [{ label: t.discount, amount: discount }] : []),
      { label: t.net, amount: quote.netAmount },
      { label: t.tax, amount: quote.taxAmount },
      { label: t.gross, amount: quote.grossAmount, emphasis: true, inWords: true },
    ],
    clauses: [
      { title: t.paymentTerms, text: paymentText },
      ...(quote.deliveryDate ? [{ title: t.delivery, text: t.deliveryText(quote.deliveryDate) }] : []),
      { title: t.validity, text: `${t.validityText(quote.validUntil)} ${t.taxNote(inclusive)}` },
    ],
  };
  return { model, number: quote.number };
}
