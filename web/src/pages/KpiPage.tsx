import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Drawer,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { LocalText } from '../api/types';
import { fmtTime, PATH_OF_TYPE, useLocalText } from '../lib';
import { formatFen } from '../money';

const EChart = lazy(() => import('../components/EChart').then((m) => ({ default: m.EChart })));

export interface KpiDef {
  key: string;
  name: LocalText;
  unit: 'fen' | 'count' | 'ratio' | 'days' | 'hours' | 'score';
  direction: 'higher_is_better' | 'lower_is_better';
  dimensions: string[];
  formula: LocalText;
  available: boolean;
}
interface KpiCell {
  value: number | null;
  count: number;
  numerator?: number;
  denominator?: number;
  median?: number | null;
  previous?: number | null;
  stages?: Array<{
    stage: string;
    value: number | null;
    count: number;
    numerator?: number;
    denominator?: number;
  }>;
}
interface KpiAnswer {
  kpi: KpiDef;
  from: string;
  to: string;
  by: string | null;
  total: KpiCell;
  groups: KpiGroup[];
}
type KpiGroup = { key: string; label: string } & KpiCell;
interface DrillRecord {
  entity: string;
  id: string;
  name: string;
  ownerId: string | null;
  at: string;
  amount?: number;
  counted?: boolean;
  stage?: string;
  hours?: number;
  /** Customer satisfaction: the score (1–5) and the order whose after-sales visit recorded it. */
  score?: number;
  recordId?: string | null;
}
const TIME_DIMENSIONS = new Set(['day', 'week', 'month', 'quarter', 'year']);

/** A KPI value in its unit: 元 for 分, a percentage for ratios. */
export function formatKpi(
  unit: KpiDef['unit'],
  v: number | null | undefined,
  t: (k: string) => string,
): string {
  if (v === null || v === undefined) return '—';
  if (unit === 'fen') return `¥${formatFen(v)}`;
  if (unit === 'ratio') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'days' || unit === 'hours') return `${v.toFixed(2)} ${t(`ops.kpi.unit.${unit}`)}`;
  return String(v);
}
/** The number a chart plots (yuan for fen, percent for ratios). */
function chartValue(unit: KpiDef['unit'], v: number | null): number | null {
  if (v === null) return null;
  if (unit === 'fen') return v / 100;
  if (unit === 'ratio') return Math.round(v * 1000) / 10;
  return v;
}

/** 指标: the KPI library; one KPI by a dimension and period, as a table and a chart, with drill-down. */
export function KpiPage() {
  const { t } = useTranslation();
  const text = useLocalText();
  const [key, setKey] = useState('revenue');
  const [by, setBy] = useState<string | undefined>('month');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const [drill, setDrill] = useState<{ group?: string; label: string; stage?: string } | null>(null);
  const library = useQuery({
    queryKey: ['kpis'],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => api<{ items: KpiDef[] }>('GET', '/api/kpis'),
  });
  const def = library.data?.items.find((k) => k.key === key);
  const dim = by && def?.dimensions.includes(by) ? by : undefined;
  const period = `from=${range[0].format('YYYY-MM-DD')}&to=${range[1].format('YYYY-MM-DD')}`;
  const answer = useQuery({
    queryKey: ['kpi', key, dim, period],
    enabled: !!def?.available,
    queryFn: () => api<KpiAnswer>('GET', `/api/kpis/${key}?${period}${dim ? `&by=${dim}` : ''}`),
  });
  const records = useQuery({
    queryKey: ['kpi-records', key, dim, period, drill],
    enabled: !!drill,
    queryFn: () => {
      const params = new URLSearchParams(period);
      params.set('limit', '200');
      if (dim && drill?.group !== undefined) {
        params.set('by', dim);
        params.set('group', drill.group);
      }
      if (drill?.stage) params.set('stage', drill.stage);
      return api<{ total: number; items: DrillRecord[] }>('GET', `/api/kpis/${key}/records?${params}`);
    },
  });
  const unit = def?.unit ?? 'count';
  const fmt = (v: number | null | undefined) => formatKpi(unit, v, t);
  const groupLabel = (g: { key: string; label: string }) =>
    g.key === '-'
      ? t('ops.kpi.none')
      : dim === 'source'
        ? t(`source.${g.key}`, { defaultValue: g.label })
        : g.label;
  const option = (() => {
    const groups = answer.data?.groups ?? [];
    const time = dim ? TIME_DIMENSIONS.has(dim) : false;
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: groups.map(groupLabel),
        axisLabel: { rotate: groups.length > 8 ? 40 : 0 },
      },
      yAxis: { type: 'value', name: unit === 'fen' ? t('ops.kpi.yuan') : unit === 'ratio' ? '%' : '' },
      series: [
        {
          type: time ? 'line' : 'bar',
          name: def ? text(def.name) : '',
          data: groups.map((g) => chartValue(unit, g.value)),
          smooth: time,
        },
      ],
    };
  })();

  const nameOfEntity = (r: DrillRecord) => {
    if (r.entity === 'survey')
      return r.recordId ? <Link to={`/orders/${r.recordId}`}>{r.name}</Link> : r.name;
    const path = PATH_OF_TYPE[r.entity];
    return path ? <Link to={`/${path}/${r.id}`}>{r.name}</Link> : r.name;
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('ops.kpi.title')}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 240, maxWidth: '100%' }}
            value={key}
            onChange={setKey}
            loading={library.isLoading}
            options={(library.data?.items ?? []).map((k) => ({
              value: k.key,
              label: text(k.name),
              disabled: !k.available,
            }))}
            data-testid="kpi-select"
          />
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('ops.kpi.by')}
            value={dim}
            onChange={setBy}
            options={(def?.dimensions ?? []).map((d) => ({ value: d, label: t(`ops.kpi.dim.${d}`) }))}
            data-testid="kpi-by"
          />
          <DatePicker.RangePicker
            allowClear={false}
            value={range}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
            presets={[
              { label: t('ops.kpi.thisMonth'), value: [dayjs().startOf('month'), dayjs()] },
              {
                label: t('ops.kpi.thisQuarter'),
                value: [
                  dayjs()
                    .startOf('month')
                    .subtract(dayjs().month() % 3, 'month'),
                  dayjs(),
                ],
              },
              { label: t('ops.kpi.thisYear'), value: [dayjs().startOf('year'), dayjs()] },
              {
                label: t('ops.kpi.lastYear'),
                value: [
                  dayjs().subtract(1, 'year').startOf('year'),
                  dayjs().subtract(1, 'year').endOf('year'),
                ],
              },
            ]}
          />
        </Space>
        {def && <Typography.Paragraph type="secondary">{text(def.formula)}</Typography.Paragraph>}
        {def && !def.available && <Alert type="info" showIcon title={t('ops.kpi.notAvailable')} />}
        {answer.isError && <Alert type="error" showIcon title={(answer.error as Error).message} />}
        {answer.isLoading && <Spin />}
        {answer.data && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Space wrap size={32}>
              <Statistic
                title={t('ops.kpi.total')}
                value={fmt(answer.data.total.value)}
                data-testid="kpi-total"
              />
              <Statistic title={t('ops.kpi.count')} value={answer.data.total.count} />
              {answer.data.total.median !== undefined && (
                <Statistic title={t('ops.kpi.median')} value={fmt(answer.data.total.median)} />
              )}
              <Button onClick={() => setDrill({ label: t('ops.kpi.total') })} data-testid="kpi-drill-total">
                {t('ops.kpi.drill')}
              </Button>
            </Space>
            {dim && answer.data.groups.length > 0 && (
              <Suspense fallback={<Spin />}>
                <EChart option={option} testId="kpi-chart" />
              </Suspense>
            )}
            {dim && (
              <Table
                size="small"
                rowKey="key"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={answer.data.groups}
                scroll={{ x: 560 }}
                locale={{ emptyText: t('ops.kpi.empty') }}
                data-testid="kpi-table"
                columns={[
                  {
                    title: t(`ops.kpi.dim.${dim}`),
                    key: 'label',
                    render: (_: unknown, g: KpiGroup) => groupLabel(g),
                  },
                  { title: t('ops.kpi.value'), dataIndex: 'value', align: 'right' as const, render: fmt },
                  { title: t('ops.kpi.count'), dataIndex: 'count', align: 'right' as const },
                  ...(unit === 'ratio'
                    ? [
                        {
                          title: t('ops.kpi.fraction'),
                          key: 'frac',
                          render: (_: unknown, g: KpiGroup) =>
                            g.numerator !== undefined ? `${g.numerator} / ${g.denominator}` : '',
                        },
                      ]
                    : []),
                  {
                    title: '',
                    key: 'drill',
                    render: (_: unknown, g: KpiGroup) => (
                      <Button
                        size="small"
                        type="link"
                        onClick={() => setDrill({ group: g.key, label: groupLabel(g) })}
                      >
                        {t('ops.kpi.drill')}
                      </Button>
                    ),
                  },
                ]}
              />
            )}
            {answer.data.total.stages && (
              <Table
                size="small"
                rowKey="stage"
                pagination={false}
                dataSource={answer.data.total.stages}
                columns={[
                  {
                    title: t('fields.stage'),
                    dataIndex: 'stage',
                    render: (s: string) => t(`stage.${s}`, { defaultValue: s }),
                  },
                  { title: t('ops.kpi.value'), dataIndex: 'value', align: 'right' as const, render: fmt },
                  { title: t('ops.kpi.count'), dataIndex: 'count', align: 'right' as const },
                  {
                    title: '',
                    key: 'drill',
                    render: (_: unknown, s: { stage: string }) => (
                      <Button
                        size="small"
                        type="link"
                        onClick={() =>
                          setDrill({
                            stage: s.stage,
                            label: t(`stage.${s.stage}`, { defaultValue: s.stage }),
                          })
                        }
                      >
                        {t('ops.kpi.drill')}
                      </Button>
                    ),
                  },
                ]}
              />
            )}
          </Space>
        )}
      </Card>
      <Card title={t('ops.kpi.library')}>
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          loading={library.isLoading}
          dataSource={library.data?.items ?? []}
          scroll={{ x: 640 }}
          onRow={(k) => ({
            onClick: () => k.available && setKey(k.key),
            style: { cursor: k.available ? 'pointer' : 'default' },
          })}
          columns={[
            {
              title: t('ops.kpi.name'),
              key: 'name',
              width: 180,
              render: (_: unknown, k: KpiDef) => text(k.name),
            },
            {
              title: t('ops.kpi.unitTitle'),
              dataIndex: 'unit',
              width: 90,
              render: (u: string) => t(`ops.kpi.unit.${u}`),
            },
            {
              title: t('ops.kpi.direction'),
              dataIndex: 'direction',
              width: 110,
              render: (d: string) => t(`ops.kpi.${d}`),
            },
            {
              title: t('ops.kpi.formula'),
              key: 'formula',
              render: (_: unknown, k: KpiDef) => text(k.formula),
            },
            {
              title: '',
              key: 'available',
              render: (_: unknown, k: KpiDef) => (k.available ? null : <Tag>{t('ops.kpi.soon')}</Tag>),
            },
          ]}
        />
      </Card>
      <Drawer
        open={!!drill}
        onClose={() => setDrill(null)}
        title={drill ? t('ops.kpi.drillTitle', { name: def ? text(def.name) : key, group: drill.label }) : ''}
        size="large"
      >
        {records.isError && <Alert type="error" showIcon title={(records.error as Error).message} />}
        <Typography.Paragraph type="secondary">
          {t('ops.kpi.drillTotal', { count: records.data?.total ?? 0 })}
        </Typography.Paragraph>
        <Table
          size="small"
          rowKey={(r) => `${r.entity}:${r.id}:${r.stage ?? ''}:${r.at}`}
          loading={records.isLoading}
          dataSource={records.data?.items ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 480 }}
          data-testid="kpi-records"
          columns={[
            { title: t('fields.name'), key: 'name', render: (_: unknown, r: DrillRecord) => nameOfEntity(r) },
            { title: t('ops.common.time'), dataIndex: 'at', render: fmtTime },
            {
              title: t('fields.amount'),
              dataIndex: 'amount',
              align: 'right' as const,
              render: (v?: number) => (v === undefined ? '' : formatFen(v)),
            },
            ...(records.data?.items.some((r) => r.score !== undefined)
              ? [{ title: t('ops.kpi.score'), dataIndex: 'score', align: 'right' as const }]
              : []),
            {
              title: t('ops.kpi.counted'),
              dataIndex: 'counted',
              render: (v?: boolean) => (v === undefined ? '' : v ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
            },
          ]}
        />
      </Drawer>
    </Space>
  );
}
