import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { AgeingBucket, AgeingReport, CollectionFigures, CollectionReport, Me } from '../../api/types';
import { EChart } from '../../components/EChart';
import { formatBp } from '../../money';
import { money } from './q2cShared';

type GroupBy = 'account' | 'owner' | 'team';
const BUCKETS: AgeingBucket[] = ['not_due', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'];
const BUCKET_COLORS = ['#8c8c8c', '#fadb14', '#fa8c16', '#f5222d', '#820014'];
/** How many groups the chart shows (the table has them all). */
const CHART_GROUPS = 12;

/** 应收款: ageing (账龄) by customer, owner or team; collection rate (回款率) and cycle (回款周期). */
export function ReceivablesPage({ me: _me }: { me: Me }) {
  const { t } = useTranslation();
  const [groupBy, setGroupBy] = useState<GroupBy>('account');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const ageing = useQuery({
    queryKey: ['receivables', 'ageing', groupBy],
    queryFn: () => api<AgeingReport>('GET', `/api/receivables/ageing?groupBy=${groupBy}`),
  });
  const collection = useQuery({
    queryKey: ['receivables', 'collection', groupBy, from, to],
    queryFn: () =>
      api<CollectionReport>(
        'GET',
        `/api/receivables/collection?${new URLSearchParams({ groupBy, from, to })}`,
      ),
  });
  const unnamed = t('q2c.receivables.unassigned');
  const label = (name: string | null) => name ?? unnamed;
  const top = (ageing.data?.items ?? []).slice(0, CHART_GROUPS);
  const totals = ageing.data?.totals;
  const c = collection.data?.totals;
  return (
    <Card title={t('q2c.receivables.title')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          value={groupBy}
          onChange={(v) => setGroupBy(v as GroupBy)}
          options={(['account', 'owner', 'team'] as const).map((g) => ({
            value: g,
            label: t(`q2c.receivables.by.${g}`),
          }))}
          data-testid="receivables-group"
        />
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          data-testid="receivables-range"
        />
      </Space>
      {(ageing.isError || collection.isError) && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={((ageing.error ?? collection.error) as Error).message}
          action={
            <Button
              onClick={() => {
                void ageing.refetch();
                void collection.refetch();
              }}
            >
              {t('q2c.common.retry')}
            </Button>
          }
        />
      )}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('q2c.receivables.outstanding')}
              value={money(totals?.outstanding ?? 0)}
              loading={ageing.isLoading}
              data-testid="total-outstanding"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('q2c.receivables.overdue')}
              value={money(totals?.overdue ?? 0)}
              loading={ageing.isLoading}
              valueStyle={{ color: totals?.overdue ? '#cf1322' : undefined }}
              data-testid="total-overdue"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('q2c.receivables.rate')}
              value={c?.rateBp === null || c?.rateBp === undefined ? '—' : formatBp(c.rateBp)}
              loading={collection.isLoading}
              data-testid="collection-rate"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('q2c.receivables.cycle')}
              value={
                c?.cycleDays === null || c?.cycleDays === undefined
                  ? '—'
                  : t('q2c.receivables.days', { days: c.cycleDays })
              }
              loading={collection.isLoading}
              data-testid="collection-cycle"
            />
          </Card>
        </Col>
      </Row>
      <Typography.Title level={5}>
        {t('q2c.receivables.ageing', { date: ageing.data?.asOf ?? '' })}
      </Typography.Title>
      {top.length > 0 ? (
        <EChart
          testId="ageing-chart"
          height={Math.max(240, top.length * 36 + 80)}
          option={{
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            legend: { top: 0 },
            grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
            xAxis: { type: 'value', name: t('q2c.receivables.yuan') },
            yAxis: { type: 'category', inverse: true, data: top.map((g) => label(g.name)) },
            series: BUCKETS.map((b, i) => ({
              name: t(`q2c.receivables.buckets.${b}`),
              type: 'bar',
              stack: 'ageing',
              itemStyle: { color: BUCKET_COLORS[i] },
              // 分 → 元 for the axis and the tooltip.
              data: top.map((g) => g.buckets[b] / 100),
            })),
          }}
        />
      ) : (
        !ageing.isLoading && <Empty description={t('q2c.receivables.noneOutstanding')} />
      )}
      <Table
        rowKey="key"
        size="small"
        loading={ageing.isFetching}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 820 }}
        dataSource={ageing.data?.items ?? []}
        locale={{ emptyText: t('q2c.receivables.noneOutstanding') }}
        style={{ marginTop: 16 }}
        data-testid="ageing-table"
        summary={() =>
          totals ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>{t('q2c.receivables.total')}</Table.Summary.Cell>
              {BUCKETS.map((b, i) => (
                <Table.Summary.Cell key={b} index={i + 1} align="right">
                  <span data-value="">{money(totals.buckets[b])}</span>
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={6} align="right">
                <Typography.Text strong data-value="">
                  {money(totals.outstanding)}
                </Typography.Text>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
        columns={[
          {
            title: t(`q2c.receivables.by.${groupBy}`),
            dataIndex: 'name',
            render: (v: string | null) => (v === null ? unnamed : <span data-value="">{v}</span>),
          },
          ...BUCKETS.map((b) => ({
            title: t(`q2c.receivables.buckets.${b}`),
            key: b,
            align: 'right' as const,
            render: (_: unknown, r: AgeingReport['items'][number]) => (
              <span data-value="">{r.buckets[b] ? money(r.buckets[b]) : '—'}</span>
            ),
          })),
          {
            title: t('q2c.receivables.outstanding'),
            dataIndex: 'outstanding',
            align: 'right' as const,
            render: (v: number) => (
              <Typography.Text strong data-value="">
                {money(v)}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('q2c.receivables.collection', { from, to })}
      </Typography.Title>
      <Table
        rowKey="key"
        size="small"
        loading={collection.isFetching}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 640 }}
        dataSource={collection.data?.items ?? []}
        locale={{ emptyText: t('q2c.receivables.noneDue') }}
        data-testid="collection-table"
        columns={[
          {
            title: t(`q2c.receivables.by.${groupBy}`),
            dataIndex: 'name',
            render: (v: string | null) => (v === null ? unnamed : <span data-value="">{v}</span>),
          },
          {
            title: t('q2c.receivables.due'),
            dataIndex: 'due',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{money(v)}</span>,
          },
          {
            title: t('q2c.receivables.collected'),
            dataIndex: 'collected',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{money(v)}</span>,
          },
          {
            title: t('q2c.receivables.rate'),
            dataIndex: 'rateBp',
            align: 'right' as const,
            render: (v: number | null) => <span data-value="">{formatBp(v)}</span>,
          },
          {
            title: t('q2c.receivables.cycle'),
            dataIndex: 'cycleDays',
            align: 'right' as const,
            render: (v: number | null, _r: CollectionFigures) =>
              v === null ? '—' : t('q2c.receivables.days', { days: v }),
          },
        ]}
      />
    </Card>
  );
}
