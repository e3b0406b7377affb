import { useQuery } from '@tanstack/react-query';
import { Alert, Card, DatePicker, Segmented, Space, Spin, Statistic, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';

const EChart = lazy(() => import('../components/EChart').then((m) => ({ default: m.EChart })));

interface Figures {
  onTime: { met: number; decided: number; rate: number | null };
  breaches: { count: number; explained: number; unexplained: number };
  timeInStage: {
    count: number;
    avgHours: number | null;
    p50Hours: number | null;
    p90Hours: number | null;
    avgWorkingHours: number | null;
  };
  deliverables: { required: number; completed: number; rate: number | null };
}
interface ComplianceAnswer {
  process: 'deal' | 'lead';
  by: 'stage' | 'rep' | 'team';
  from: string;
  to: string;
  total: Figures;
  groups: Group[];
}
type Group = { key: string; label: string } & Figures;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const hours = (v: number | null) => (v === null ? '—' : v.toFixed(1));

/** SOP 执行: on-time rate, breaches, time in stage and deliverable completeness by stage, rep or team. */
export function CompliancePage() {
  const { t } = useTranslation();
  const [process, setProcess] = useState<'deal' | 'lead'>('deal');
  const [by, setBy] = useState<'stage' | 'rep' | 'team'>('stage');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const period = `from=${range[0].format('YYYY-MM-DD')}&to=${range[1].format('YYYY-MM-DD')}`;
  const answer = useQuery({
    queryKey: ['compliance', process, by, period],
    queryFn: () => api<ComplianceAnswer>('GET', `/api/compliance?process=${process}&by=${by}&${period}`),
  });
  const label = (g: { key: string; label: string }) =>
    g.key === '-'
      ? t('ops.kpi.none')
      : by === 'stage'
        ? t(`stage.${g.key}`, { defaultValue: g.label })
        : g.label;
  const option = (() => {
    const groups = answer.data?.groups ?? [];
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: groups.map(label), axisLabel: { rotate: groups.length > 8 ? 40 : 0 } },
      yAxis: { type: 'value', max: 100, name: '%' },
      series: [
        {
          type: 'bar',
          name: t('ops.compliance.onTime'),
          data: groups.map((g) => (g.onTime.rate === null ? null : Math.round(g.onTime.rate * 1000) / 10)),
        },
        {
          type: 'bar',
          name: t('ops.compliance.deliverables'),
          data: groups.map((g) =>
            g.deliverables.rate === null ? null : Math.round(g.deliverables.rate * 1000) / 10,
          ),
        },
      ],
    };
  })();
  const total = answer.data?.total;
  return (
    <Card title={t('ops.compliance.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={process}
          onChange={(v) => setProcess(v as 'deal' | 'lead')}
          options={[
            { value: 'deal', label: t('ops.compliance.process.deal') },
            { value: 'lead', label: t('ops.compliance.process.lead') },
          ]}
        />
        <Segmented
          value={by}
          onChange={(v) => setBy(v as 'stage' | 'rep' | 'team')}
          options={(['stage', 'rep', 'team'] as const).map((b) => ({
            value: b,
            label: t(`ops.compliance.by.${b}`),
          }))}
          data-testid="compliance-by"
        />
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        />
      </Space>
      {answer.isError && <Alert type="error" showIcon title={(answer.error as Error).message} />}
      {answer.isLoading && <Spin />}
      {total && answer.data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Space wrap size={32} data-testid="compliance-total">
            <Statistic
              title={t('ops.compliance.onTime')}
              value={pct(total.onTime.rate)}
              suffix={<small>{` ${total.onTime.met}/${total.onTime.decided}`}</small>}
            />
            <Statistic
              title={t('ops.compliance.breaches')}
              value={total.breaches.count}
              suffix={
                <small>{` ${t('ops.compliance.unexplained', { count: total.breaches.unexplained })}`}</small>
              }
            />
            <Statistic title={t('ops.compliance.avgHours')} value={hours(total.timeInStage.avgHours)} />
            <Statistic title={t('ops.compliance.deliverables')} value={pct(total.deliverables.rate)} />
          </Space>
          {answer.data.groups.length > 0 && (
            <Suspense fallback={<Spin />}>
              <EChart option={option} testId="compliance-chart" />
            </Suspense>
          )}
          <Table
            size="small"
            rowKey="key"
            dataSource={answer.data.groups}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 900 }}
            locale={{ emptyText: t('ops.kpi.empty') }}
            data-testid="compliance-table"
            columns={[
              {
                title: t(`ops.compliance.by.${by}`),
                key: 'label',
                fixed: 'left' as const,
                render: (_: unknown, g: Group) => label(g),
              },
              {
                title: t('ops.compliance.onTime'),
                key: 'on',
                align: 'right' as const,
                render: (_: unknown, g: Group) =>
                  `${pct(g.onTime.rate)} (${g.onTime.met}/${g.onTime.decided})`,
              },
              {
                title: t('ops.compliance.breaches'),
                key: 'br',
                align: 'right' as const,
                render: (_: unknown, g: Group) => g.breaches.count,
              },
              {
                title: t('ops.compliance.explained'),
                key: 'ex',
                align: 'right' as const,
                render: (_: unknown, g: Group) => g.breaches.explained,
              },
              {
                title: t('ops.compliance.stays'),
                key: 'st',
                align: 'right' as const,
                render: (_: unknown, g: Group) => g.timeInStage.count,
              },
              {
                title: t('ops.compliance.avgHours'),
                key: 'avg',
                align: 'right' as const,
                render: (_: unknown, g: Group) => hours(g.timeInStage.avgHours),
              },
              {
                title: t('ops.compliance.p50'),
                key: 'p50',
                align: 'right' as const,
                render: (_: unknown, g: Group) => hours(g.timeInStage.p50Hours),
              },
              {
                title: t('ops.compliance.p90'),
                key: 'p90',
                align: 'right' as const,
                render: (_: unknown, g: Group) => hours(g.timeInStage.p90Hours),
              },
              {
                title: t('ops.compliance.workingHours'),
                key: 'wh',
                align: 'right' as const,
                render: (_: unknown, g: Group) => hours(g.timeInStage.avgWorkingHours),
              },
              {
                title: t('ops.compliance.deliverables'),
                key: 'dl',
                align: 'right' as const,
                render: (_: unknown, g: Group) =>
                  `${pct(g.deliverables.rate)} (${g.deliverables.completed}/${g.deliverables.required})`,
              },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
