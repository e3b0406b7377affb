import ExcelJS from 'exceljs';
import { AGEING_BUCKETS } from '../../domain/payments/receivables';
import type { Locale } from '../../shared/locale';
import { type Cell, safeCell } from '../export/spreadsheet';
import type { Dashboard } from './dashboard.service';

// The dashboard as an Excel workbook: one sheet per panel, built from the very answer of
// GET /api/dashboards/:kind, so the numbers in the file equal those on screen. Money in 分
// (as the API gives it), ratios 0–1.

type Sheet = { name: [string, string]; headers: Array<[string, string]>; rows: Cell[][] };

function sheets(d: Dashboard, locale: Locale): Sheet[] {
  const p = d.panels;
  return [
    {
      name: ['概览', 'Summary'],
      headers: [
        ['指标', 'KPI'],
        ['单位', 'Unit'],
        ['数值', 'Value'],
        ['记录数', 'Count'],
        ['分子', 'Numerator'],
        ['分母', 'Denominator'],
      ],
      rows: p.summary.map((s) => [s.kpi, s.unit, s.value, s.count, s.numerator, s.denominator]),
    },
    {
      name: ['漏斗', 'Funnel'],
      headers: [
        ['阶段', 'Stage'],
        ['进入', 'Entered'],
        ['推进', 'Advanced'],
        ['转化率', 'Conversion'],
        ['流失率', 'Drop-off'],
      ],
      rows: p.funnel.stages.map((s) => [s.stage, s.entered, s.advanced, s.conversion, s.dropOff]),
    },
    {
      name: ['趋势', 'Trend'],
      headers: [
        ['月份', 'Month'],
        ['销售额（分）', 'Revenue (fen)'],
        ['赢单数', 'Deals won'],
      ],
      rows: p.trend.map((t) => [t.month, t.revenue, t.wonDeals]),
    },
    {
      name: ['目标达成', 'Attainment'],
      headers: [
        ['指标', 'Metric'],
        ['层级', 'Level'],
        ['对象', 'Subject'],
        ['目标', 'Target'],
        ['实际', 'Actual'],
        ['达成率', 'Attainment'],
      ],
      rows: p.attainment.map((a) => [a.metric, a.level, a.subjectName, a.target, a.actual, a.attainment]),
    },
    {
      name: ['阶段停留', 'Stage duration'],
      headers: [
        ['阶段', 'Stage'],
        ['次数', 'Count'],
        ['平均小时', 'Average hours'],
        ['中位小时', 'Median hours'],
        ...(p.stageDuration[0]?.buckets.map((b): [string, string] => [b.bucket, b.bucket]) ?? []),
      ],
      rows: p.stageDuration.map((s) => [
        s.stage,
        s.count,
        s.avgHours,
        s.medianHours,
        ...s.buckets.map((b) => b.count),
      ]),
    },
    {
      name: ['SLA 热力图', 'SLA heat map'],
      headers: [
        ['销售', 'Rep'],
        ['阶段', 'Stage'],
        ['按时', 'On time'],
        ['已判定', 'Decided'],
        ['按时率', 'On-time rate'],
      ],
      rows: p.slaHeatmap.rows.flatMap((r) =>
        r.cells.map((c) => [r.name, c.stage, c.onTime, c.decided, c.rate]),
      ),
    },
    {
      name: ['应收账龄', 'Collection ageing'],
      headers: [
        ['分组', 'Group'],
        ['未到期', 'Not due'],
        ['0-30 天', '0-30 days'],
        ['31-60 天', '31-60 days'],
        ['61-90 天', '61-90 days'],
        ['90 天以上', 'Over 90 days'],
        ['未回款', 'Outstanding'],
        ['逾期', 'Overdue'],
      ],
      rows: [
        ...p.collectionAgeing.items.map((i) => [
          i.name ?? i.key,
          ...AGEING_BUCKETS.map((b) => i.buckets[b]),
          i.outstanding,
          i.overdue,
        ]),
        [
          locale === 'en-US' ? 'Total' : '合计',
          ...AGEING_BUCKETS.map((b) => p.collectionAgeing.buckets[b]),
          p.collectionAgeing.outstanding,
          p.collectionAgeing.overdue,
        ],
      ],
    },
  ];
}

export async function dashboardWorkbook(d: Dashboard, locale: Locale): Promise<Buffer> {
  const i = locale === 'en-US' ? 1 : 0;
  const workbook = new ExcelJS.Workbook();
  for (const s of sheets(d, locale)) {
    const sheet = workbook.addWorksheet(s.name[i].slice(0, 31));
    sheet.addRow(s.headers.map((h) => safeCell(h[i])));
    sheet.getRow(1).font = { bold: true };
    for (const r of s.rows) sheet.addRow(r.map(safeCell));
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
  }
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
