import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { KpiComparison } from '../../api/types';
import { useLocalText } from '../../lib';
import { formatKpi } from '../KpiPage';
import { Chart, Figure, pct, useKpiLibrary } from './shared';

type Mode = 'periods' | 'versions';
interface Values {
  kpi: string;
  a?: [Dayjs, Dayjs];
  b?: [Dayjs, Dayjs];
  playbookVersionA?: string;
  playbookVersionB?: string;
  range?: [Dayjs, Dayjs];
}
interface PlaybookList {
  items: {
    id: string;
    name: string;
    process: string;
    versions: { id: string; number: number; status: string }[];
  }[];
}

/** The server's period fields (aFrom, aTo …) → the range picker they belong to. */
const FIELD_OF: Record<string, string> = {
  aFrom: 'a',
  aTo: 'a',
  bFrom: 'b',
  bTo: 'b',
  from: 'range',
  to: 'range',
};

/** 前后对比: one KPI for two periods or two SOP versions, with counts and the change. */
export function ComparePage() {
  const { t } = useTranslation();
  const text = useLocalText();
  const [form] = Form.useForm<Values>();
  const [mode, setMode] = useState<Mode>('periods');
  const [error, setError] = useState<string | null>(null);
  const library = useKpiLibrary();
  const playbooks = useQuery({
    queryKey: ['playbooks'],
    enabled: mode === 'versions',
    queryFn: () => api<PlaybookList>('GET', '/api/playbooks'),
  });
  const run = useMutation({
    mutationFn: (v: Values) => {
      const q = new URLSearchParams();
      const day = (d: Dayjs) => d.format('YYYY-MM-DD');
      if (mode === 'periods') {
        q.set('aFrom', day(v.a![0]));
        q.set('aTo', day(v.a![1]));
        q.set('bFrom', day(v.b![0]));
        q.set('bTo', day(v.b![1]));
      } else {
        q.set('playbookVersionA', v.playbookVersionA!);
        q.set('playbookVersionB', v.playbookVersionB!);
        if (v.range) {
          q.set('from', day(v.range[0]));
          q.set('to', day(v.range[1]));
        }
      }
      return api<KpiComparison>('GET', `/api/kpis/${v.kpi}/compare?${q}`);
    },
    onSuccess: () => setError(null),
    onError: (err) => {
      if (err instanceof ApiError) {
        const issues = err.issues?.length
          ? err.issues
          : err.field
            ? [{ field: err.field, message: err.message }]
            : [];
        const fields = issues
          .map((i) => ({
            name: (FIELD_OF[i.field] ?? (i.field === 'key' ? 'kpi' : i.field)) as keyof Values,
            errors: [i.message],
          }))
          .filter((f) => form.getFieldInstance(f.name) !== undefined);
        if (fields.length) {
          form.setFields(fields);
          setError(null);
          return;
        }
      }
      setError((err as Error).message);
    },
  });
  const c = run.data;
  const unit = (c?.kpi.unit ?? 'count') as Parameters<typeof formatKpi>[0];
  const fmt = (v: number | null | undefined) => formatKpi(unit, v, t);
  // A change of a ratio is in percentage points, not a percentage.
  const absolute = (v: number | null) =>
    v === null
      ? '—'
      : `${v > 0 ? '+' : ''}${unit === 'ratio' ? t('analytics.compare.points', { value: (v * 100).toFixed(1) }) : fmt(v)}`;
  const better =
    c?.change.absolute === null || c?.change.absolute === undefined || c.change.absolute === 0
      ? null
      : c.change.absolute > 0 === (c.kpi.direction === 'higher_is_better');
  const versions = (playbooks.data?.items ?? []).flatMap((p) =>
    p.versions.map((v) => ({ value: v.id, label: `${p.name} v${v.number}` })),
  );
  const sideLabel = (side: 'a' | 'b') => {
    const s = c?.[side];
    if (!s) return '';
    return c?.mode === 'periods' ? `${s.from} – ${s.to}` : `v${s.number}`;
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('analytics.compare.title')}>
        <Typography.Paragraph type="secondary">{t('analytics.compare.help')}</Typography.Paragraph>
        <Segmented
          value={mode}
          onChange={(m) => {
            setMode(m as Mode);
            run.reset();
          }}
          options={[
            { value: 'periods', label: t('analytics.compare.byPeriods') },
            { value: 'versions', label: t('analytics.compare.byVersions') },
          ]}
          style={{ marginBottom: 12 }}
          data-testid="compare-mode"
        />
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{
            kpi: 'win_rate',
            a: [dayjs().subtract(2, 'month').startOf('month'), dayjs().subtract(2, 'month').endOf('month')],
            b: [dayjs().subtract(1, 'month').startOf('month'), dayjs().subtract(1, 'month').endOf('month')],
          }}
          onFinish={(v) => run.mutate(v)}
        >
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item name="kpi" label={t('analytics.compare.kpi')} rules={[{ required: true }]}>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={library.isLoading}
                  options={(library.data?.items ?? [])
                    .filter((k) => k.available && k.key !== 'target_attainment')
                    .map((k) => ({ value: k.key, label: text(k.name) }))}
                  data-testid="compare-kpi"
                />
              </Form.Item>
            </Col>
            {mode === 'periods' ? (
              <>
                <Col xs={24} md={8}>
                  <Form.Item name="a" label={t('analytics.compare.before')} rules={[{ required: true }]}>
                    <DatePicker.RangePicker
                      style={{ width: '100%' }}
                      allowClear={false}
                      data-testid="compare-a"
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="b" label={t('analytics.compare.after')} rules={[{ required: true }]}>
                    <DatePicker.RangePicker
                      style={{ width: '100%' }}
                      allowClear={false}
                      data-testid="compare-b"
                    />
                  </Form.Item>
                </Col>
              </>
            ) : (
              <>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="playbookVersionA"
                    label={t('analytics.compare.versionA')}
                    rules={[{ required: true }]}
                  >
                    <Select loading={playbooks.isLoading} options={versions} data-testid="compare-va" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="playbookVersionB"
                    label={t('analytics.compare.versionB')}
                    rules={[{ required: true }]}
                  >
                    <Select loading={playbooks.isLoading} options={versions} data-testid="compare-vb" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="range"
                    label={t('analytics.compare.within')}
                    extra={t('analytics.compare.withinHelp')}
                  >
                    <DatePicker.RangePicker style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </>
            )}
          </Row>
          <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="compare-run">
            {t('analytics.compare.run')}
          </Button>
        </Form>
      </Card>
      {run.isPending && <Spin />}
      {c && (
        <Card title={text(c.kpi.name)} data-testid="compare-result">
          <Row gutter={[16, 16]}>
            {(['a', 'b'] as const).map((side) => (
              <Col xs={24} md={8} key={side}>
                <Figure
                  title={
                    <>
                      {t(side === 'a' ? 'analytics.compare.before' : 'analytics.compare.after')} ·{' '}
                      <span data-value="">{sideLabel(side)}</span>
                    </>
                  }
                  value={fmt(c[side].value)}
                  testId={`compare-${side}-value`}
                />
                <Typography.Text type="secondary">
                  {t('analytics.compare.count')}{' '}
                  <span data-value="" data-testid={`compare-${side}-count`}>
                    {c[side].count}
                  </span>
                  {c[side].denominator !== undefined && (
                    <span data-value="">{` (${c[side].numerator}/${c[side].denominator})`}</span>
                  )}
                </Typography.Text>
              </Col>
            ))}
            <Col xs={24} md={8}>
              <Figure
                title={t('analytics.compare.change')}
                value={
                  c.change.relative === null
                    ? '—'
                    : `${c.change.relative > 0 ? '+' : ''}${pct(c.change.relative)}`
                }
                testId="compare-relative"
                suffix={
                  better === null ? null : better ? (
                    <ArrowUpOutlined style={{ color: '#52c41a' }} />
                  ) : (
                    <ArrowDownOutlined style={{ color: '#f5222d' }} />
                  )
                }
              />
              <Typography.Text type="secondary">
                {t('analytics.compare.absolute')}{' '}
                <span data-value="" data-testid="compare-absolute">
                  {absolute(c.change.absolute)}
                </span>
                {better !== null && (
                  <> · {t(better ? 'analytics.compare.better' : 'analytics.compare.worse')}</>
                )}
              </Typography.Text>
            </Col>
          </Row>
          {c.a.count === 0 || c.b.count === 0 ? (
            <Alert type="warning" showIcon title={t('analytics.compare.noData')} style={{ marginTop: 12 }} />
          ) : null}
          <Suspense fallback={<Spin />}>
            <Chart
              testId="compare-chart"
              height={240}
              option={{
                tooltip: { trigger: 'axis' },
                grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: [sideLabel('a'), sideLabel('b')] },
                yAxis: { type: 'value' },
                series: [
                  {
                    type: 'bar',
                    barMaxWidth: 64,
                    data: [c.a.value, c.b.value].map((v) =>
                      v === null
                        ? null
                        : unit === 'fen'
                          ? v / 100
                          : unit === 'ratio'
                            ? Math.round(v * 1000) / 10
                            : v,
                    ),
                  },
                ],
              }}
            />
          </Suspense>
        </Card>
      )}
    </Space>
  );
}
