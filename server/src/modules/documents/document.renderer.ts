import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Locale } from '../../shared/locale';
import type { DocumentLine, DocumentModel } from './document.model';
import { amountInChineseWords, currencyUnit, formatAmount, formatMoney } from './money-format';

// Renders a DocumentModel to an A4 PDF with pdfkit. Every string is set in Noto Sans SC (shipped
// by @expo-google-fonts/noto-sans-sc), which covers Chinese and Latin, so the same layout serves
// both languages; pdfkit embeds only the glyphs used (subset), keeping files small.

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(
      require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
    ),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

const LABELS = {
  'zh-CN': {
    no: '序号',
    item: '产品名称',
    spec: '规格型号',
    quantity: '数量',
    unit: '单位',
    unitPrice: '单价',
    discount: '折扣',
    taxRate: '税率',
    amount: '金额',
    number: '编号',
    date: '日期',
    inWords: '大写',
    page: (n: number, of: number) => `第 ${n} 页 / 共 ${of} 页`,
  },
  'en-US': {
    no: 'No.',
    item: 'Item',
    spec: 'Specification',
    quantity: 'Qty',
    unit: 'Unit',
    unitPrice: 'Unit price',
    discount: 'Discount',
    taxRate: 'VAT',
    amount: 'Amount',
    number: 'No.',
    date: 'Date',
    inWords: 'In words',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
  },
} as const;

const MARGIN = 48;
const PAGE_BOTTOM = 842 - MARGIN - 24; // A4 height, leaving room for the page number
const GREY = '#555555';
const LINE = '#bbbbbb';

interface Column {
  key: string;
  heading: string;
  width: number;
  align: 'left' | 'right' | 'center';
  cell: (l: DocumentLine, i: number) => string;
}

function columns(model: DocumentModel, lang: Locale): Column[] {
  const t = LABELS[lang];
  const unit = currencyUnit(model.currency, lang);
  const pct = (v: string | null | undefined) => (v && Number(v) !== 0 ? `${v}%` : '—');
  const inUnit = (h: string) => (lang === 'zh-CN' ? `${h}（${unit}）` : `${h} (${unit})`);
  return [
    { key: 'no', heading: t.no, width: 28, align: 'center', cell: (_l, i) => String(i + 1) },
    {
      key: 'item',
      heading: t.item,
      width: 112,
      align: 'left',
      cell: (l) => (l.sku ? `${l.name}\n${l.sku}` : l.name),
    },
    { key: 'spec', heading: t.spec, width: 80, align: 'left', cell: (l) => l.spec ?? '' },
    {
      key: 'quantity',
      heading: t.quantity,
      width: 48,
      align: 'right',
      cell: (l) => (l.unit ? `${l.quantity} ${l.unit}` : l.quantity),
    },
    {
      key: 'unitPrice',
      heading: inUnit(t.unitPrice),
      width: 66,
      align: 'right',
      cell: (l) => formatAmount(l.unitPrice),
    },
    { key: 'discount', heading: t.discount, width: 44, align: 'right', cell: (l) => pct(l.discountPercent) },
    { key: 'tax', heading: t.taxRate, width: 36, align: 'right', cell: (l) => pct(l.taxRatePercent) },
    {
      key: 'amount',
      heading: inUnit(model.amountHeading ?? t.amount),
      width: 85,
      align: 'right',
      cell: (l) => formatAmount(l.amount),
    },
  ];
}

/** Renders a document (quote, contract…) to PDF bytes in the language given. */
export async function renderDocumentPdf(model: DocumentModel, lang: Locale): Promise<Buffer> {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${model.title} ${model.number}`, Creator: 'salesops' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  const t = LABELS[lang];
  const sep = lang === 'zh-CN' ? '：' : ': ';
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;

  const ensureRoom = (height: number) => {
    if (doc.y + height > PAGE_BOTTOM) doc.addPage();
  };

  // Title, number and date.
  doc
    .font('bold')
    .fontSize(20)
    .fillColor('black')
    .text(model.title, left, MARGIN, { width, align: 'center' });
  doc.moveDown(0.3);
  doc
    .font('regular')
    .fontSize(9)
    .fillColor(GREY)
    .text(`${t.number}${sep}${model.number}    ${t.date}${sep}${model.date}`, { width, align: 'right' });
  doc.moveDown(0.8);

  // Parties.
  doc.fillColor('black').fontSize(10);
  for (const p of model.parties) {
    ensureRoom(40);
    doc.font('bold').text(`${p.role}${sep}`, left, doc.y, { continued: true }).font('regular').text(p.name);
    for (const d of p.details ?? []) doc.fillColor(GREY).fontSize(9).text(d).fillColor('black').fontSize(10);
    doc.moveDown(0.3);
  }
  for (const fact of model.facts ?? []) {
    ensureRoom(16);
    doc
      .font('bold')
      .text(`${fact.label}${sep}`, left, doc.y, { continued: true })
      .font('regular')
      .text(fact.value);
  }
  doc.moveDown(0.8);

  // Lines.
  const cols = columns(model, lang);
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(8.5);
    const heights = cells.map((c, i) => doc.heightOfString(c || ' ', { width: cols[i]!.width - 6 }));
    const h = Math.max(...heights) + 8;
    if (doc.y + h > PAGE_BOTTOM) {
      doc.addPage();
      // A table continued on a new page gets its headings again.
      if (!bold) heading();
      doc.font('regular').fontSize(8.5);
    }
    const top = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      const col = cols[i]!;
      doc.text(c, x + 3, top + 4, { width: col.width - 6, align: col.align });
      x += col.width;
    });
    doc
      .moveTo(left, top + h)
      .lineTo(left + width, top + h)
      .strokeColor(LINE)
      .lineWidth(0.5)
      .stroke();
    doc.x = left;
    doc.y = top + h;
  };
  function heading() {
    drawRow(
      cols.map((c) => c.heading),
      true,
    );
  }
  heading();
  model.lines.forEach((line, i) => {
    drawRow(
      cols.map((c) => c.cell(line, i)),
      false,
    );
  });
  doc.moveDown(0.8);

  // Totals, right-aligned.
  for (const total of model.totals) {
    ensureRoom(total.inWords ? 34 : 18);
    const text = `${total.label}${sep}${formatMoney(total.amount, model.currency, lang)}`;
    doc
      .font(total.emphasis ? 'bold' : 'regular')
      .fontSize(total.emphasis ? 11 : 10)
      .text(text, left, doc.y, { width, align: 'right' });
    if (total.inWords && lang === 'zh-CN' && model.currency === 'CNY')
      doc
        .font('regular')
        .fontSize(9)
        .fillColor(GREY)
        .text(`${t.inWords}${sep}人民币${amountInChineseWords(total.amount)}`, { width, align: 'right' })
        .fillColor('black');
  }
  doc.moveDown(1);

  // Clauses, numbered.
  model.clauses.forEach((c, i) => {
    ensureRoom(36);
    doc
      .font('bold')
      .fontSize(10)
      .text(`${i + 1}. ${c.title}`, left, doc.y, { width });
    doc.font('regular').fontSize(9.5).text(c.text, { width });
    doc.moveDown(0.5);
  });
  if (model.note) {
    ensureRoom(30);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(GREY)
      .text(model.note, left, doc.y, { width })
      .fillColor('black');
  }

  // Signature and seal blocks side by side.
  if (model.signatures?.length) {
    doc.moveDown(1.5);
    ensureRoom(80);
    const top = doc.y;
    const w = width / model.signatures.length;
    model.signatures.forEach((s, i) => {
      doc
        .font('regular')
        .fontSize(10)
        .text(s, left + i * w, top, { width: w - 12 });
      doc.text(lang === 'zh-CN' ? '签字：' : 'Signature:', left + i * w, top + 28, { width: w - 12 });
      doc.text(lang === 'zh-CN' ? '日期：' : 'Date:', left + i * w, top + 48, { width: w - 12 });
    });
    doc.x = left;
  }

  // Page numbers on every page.
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // Writing inside the bottom margin would make pdfkit start a new page.
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(8)
      .fillColor(GREY)
      .text(t.page(i + 1, range.count), left, 842 - MARGIN, { width, align: 'center', lineBreak: false });
  }
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}
