import { Col, Row, Spin, Table, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dashboard } from '../../api/types';
import { formatFen } from '../../money';
import { Chart, pct, QueryState, useKpiLibrary, useMetricName } from './shared';

type Item = Dashboard['panels']['attainment'][number];
const GAUGES = 6;
const RANK = { company: 0, region: 1, team: 2, rep: 3 } as const;

/** Attainment gauges for the first targets of a dashboard, and a table of all of them. */
export function AttainmentGauges({ items }: { items: Item[] }) {
  const { t } = useTranslation();
  const metricName = useMetricName();
  const library = useKpiLibrary();
  const money = (metric: string) =>
    metric === 'collection' || library.data?.items.find((k) => k.key === metric)?.unit === 'fen';
  const show = (metric: string, v: number) => (money(metric) ? `¥${formatFen(v)}` : String(v));
  const sorted = [...items].sort((a, b) => RANK[a.level] - RANK[b.level]);
  if (!items.length)
    return <QueryState loading={false} error={null} empty emptyText={t('analytics.dashboard.noTargets')} />;
  return (
    <>
      <Row gutter={[8, 8]}>
        {sorted.slice(0, GAUGES).map((a) => (
          <Col key={a.targetId} xs={12} md={8} xl={4}>
            <Suspense fallback={<Spin />}>
              <Chart
                testId={`dash-gauge-${a.targetId}`}
                height={170}
                option={{
                  series: [
                    {
                      type: 'gauge',
                      min: 0,
                      max: 120,
                      radius: '95%',
                      progress: { show: true, width: 10 },
                      axisLine: { lineStyle: { width: 10 } },
                      axisTick: { show: false },
                      splitLine: { show: false },
                      axisLabel: { show: false },
                      pointer: { show: false },
                      detail: { formatter: '{value}%', fontSize: 18, offsetCenter: [0, '10%'] },
                      data: [{ value: a.attainment === null ? 0 : Math.round(a.attainment * 1000) / 10 }],
                    },
                  ],
                }}
              />
            </Suspense>
            <Typography.Paragraph ellipsis style={{ textAlign: 'center', margin: 0 }}>
              <span data-value="">{a.subjectName}</span> · {metricName(a.metric)}
            </Typography.Paragraph>
          </Col>
        ))}
      </Row>
      <Table
        size="small"
        rowKey="targetId"
        dataSource={sorted}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        scroll={{ x: 520 }}
        style={{ marginTop: 8 }}
        data-testid="dashboard-attainment"
        columns={[
          {
            title: t('analytics.targets.subject'),
            key: 'subject',
            render: (_: unknown, a: Item) => (
              <>
                {t(`analytics.level.${a.level}`)} · <span data-value="">{a.subjectName}</span>
              </>
            ),
          },
          { title: t('analytics.targets.metric'), dataIndex: 'metric', render: metricName },
          {
            title: t('analytics.targets.target'),
            key: 'target',
            align: 'right' as const,
            render: (_: unknown, a: Item) => <span data-value="">{show(a.metric, a.target)}</span>,
          },
          {
            title: t('analytics.targets.actual'),
            key: 'actual',
            align: 'right' as const,
            render: (_: unknown, a: Item) => <span data-value="">{show(a.metric, a.actual)}</span>,
          },
          {
            title: t('analytics.targets.attainment'),
            dataIndex: 'attainment',
            align: 'right' as const,
            render: (v: number | null, a: Item) => (
              <span data-value="" data-testid={`dash-att-${a.targetId}`}>
                {pct(v)}
              </span>
            ),
          },
        ]}
      />
    </>
  );
}
