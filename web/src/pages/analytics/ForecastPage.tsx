import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Card, Col, Row, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { Forecast, ForecastCategory, ForecastDeal, Me } from '../../api/types';
import { useOrgUnits } from '../../components/admin/OrgUnitTree';
import { useUsers } from '../../lib';
import { Chart, Figure, PeriodPicker, periodKey, QueryState, yuan } from './shared';

export const CATEGORIES: ForecastCategory[] = ['commit', 'best_case', 'pipeline', 'omitted'];
const CATEGORY_COLOR: Record<ForecastCategory, string> = {
  commit: 'green',
  best_case: 'blue',
  pipeline: 'default',
  omitted: 'red',
};

/** 销售预测: won so far, weighted pipeline, commit and best case, and the trend against the target. */
export function ForecastPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [period, setPeriod] = useState(periodKey('quarter', dayjs()));
  const [unitId, setUnitId] = useState<string | undefined>();
  const [ownerId, setOwnerId] = useState<string | undefined>();
  const role = me.user.role;
  const isRep = role === 'rep';
  const canWrite = role !== 'viewer';
  const units = useOrgUnits();
  const users = useUsers();
  const names = new Map((users.data?.items ?? []).map((u) => [u.id, u.name]));
  const qs = new URLSearchParams({
    period,
    ...(unitId && !ownerId ? { unitId } : {}),
    ...(ownerId ? { ownerId } : {}),
  }).toString();
  const answer = useQuery({
    queryKey: ['forecast', qs],
    queryFn: () => api<Forecast>('GET', `/api/forecast?${qs}`),
  });
  const setCategory = useMutation({
    mutationFn: ({ id, category }: { id: string; category: ForecastCategory | null }) =>
      api('PUT', `/api/deals/${id}/forecast-category`, { category }),
    onSuccess: () => {
      message.success(t('analytics.forecast.categorySaved'));
      queryClient.invalidateQueries({ queryKey: ['forecast'] });
    },
    onError: (err) => message.error((err as Error).message),
  });
  const f = answer.data;
  const catLabel = (c: ForecastCategory | null) => (c ? t(`analytics.forecast.category.${c}`) : '—');

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('analytics.forecast.title')}>
        <Space wrap>
          <PeriodPicker value={period} onChange={setPeriod} testId="forecast-period" />
          {!isRep && (
            <>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 160 }}
                placeholder={t('analytics.forecast.allUnits')}
                value={unitId}
                onChange={setUnitId}
                options={(units.data?.items ?? [])
                  .filter((u) => u.kind === 'region' || u.kind === 'team')
                  .map((u) => ({ value: u.id, label: u.name }))}
              />
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 160 }}
                placeholder={t('analytics.forecast.allReps')}
                value={ownerId}
                onChange={setOwnerId}
                options={(users.data?.items ?? [])
                  .filter((u) => u.role === 'rep' && (!unitId || u.orgUnitId === unitId))
                  .map((u) => ({ value: u.id, label: u.name }))}
              />
            </>
          )}
        </Space>
      </Card>
      <QueryState loading={answer.isLoading} error={answer.error}>
        {f && (
          <>
            <Card size="small">
              <Row gutter={[16, 16]}>
                <Col xs={12} md={6}>
                  <Figure title={t('analytics.forecast.won')} value={yuan(f.won)} testId="fc-won" />
                </Col>
                <Col xs={12} md={6}>
                  <Figure
                    title={t('analytics.forecast.weightedPipeline')}
                    value={yuan(f.pipeline.weighted)}
                    testId="fc-weighted"
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Figure
                    title={t('analytics.forecast.commit')}
                    value={yuan(f.forecast.commit)}
                    testId="fc-commit"
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Figure
                    title={t('analytics.forecast.bestCase')}
                    value={yuan(f.forecast.bestCase)}
                    testId="fc-best"
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Figure
                    title={t('analytics.forecast.openPipeline')}
                    value={yuan(f.pipeline.pipeline)}
                    suffix={<small>{t('analytics.forecast.deals', { count: f.pipeline.deals })}</small>}
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Figure
                    title={t('analytics.forecast.trend')}
                    value={yuan(Math.round(f.trend.total))}
                    testId="fc-trend"
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Figure
                    title={t('analytics.forecast.target')}
                    value={yuan(f.target?.value)}
                    testId="fc-target"
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Figure title={t('analytics.forecast.gap')} value={yuan(f.target?.gap)} testId="fc-gap" />
                </Col>
              </Row>
              {!f.target && (
                <Typography.Text type="secondary">{t('analytics.forecast.noTarget')}</Typography.Text>
              )}
            </Card>
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('analytics.forecast.vsTarget')}>
                  <Suspense fallback={<Spin />}>
                    <Chart
                      testId="forecast-bars"
                      height={280}
                      option={{
                        tooltip: { trigger: 'axis' },
                        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
                        xAxis: {
                          type: 'category',
                          axisLabel: { interval: 0, fontSize: 11 },
                          data: [
                            t('analytics.forecast.won'),
                            t('analytics.forecast.commit'),
                            t('analytics.forecast.bestCase'),
                            t('analytics.forecast.weighted'),
                            t('analytics.forecast.trend'),
                          ],
                        },
                        yAxis: { type: 'value', name: t('ops.kpi.yuan') },
                        series: [
                          {
                            type: 'bar',
                            data: [
                              f.won,
                              f.forecast.commit,
                              f.forecast.bestCase,
                              f.forecast.weighted,
                              f.trend.total,
                            ].map((v) => Math.round(v) / 100),
                            ...(f.target
                              ? {
                                  markLine: {
                                    symbol: 'none',
                                    label: { formatter: t('analytics.forecast.target') },
                                    lineStyle: { color: '#f5222d', type: 'dashed' },
                                    data: [{ yAxis: f.target.value / 100 }],
                                  },
                                }
                              : {}),
                          },
                        ],
                      }}
                    />
                  </Suspense>
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card size="small" title={t('analytics.forecast.trendTitle')}>
                  <Suspense fallback={<Spin />}>
                    <Chart
                      testId="forecast-trend"
                      height={280}
                      option={{
                        tooltip: { trigger: 'axis' },
                        legend: { top: 0 },
                        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
                        xAxis: {
                          type: 'category',
                          data: [...f.trend.history, ...f.trend.months].map((m) => m.month.slice(2)),
                        },
                        yAxis: { type: 'value', name: t('ops.kpi.yuan') },
                        series: [
                          {
                            type: 'bar',
                            name: t('analytics.forecast.history'),
                            data: [
                              ...f.trend.history.map((h) => h.value / 100),
                              ...f.trend.months.map(() => null),
                            ],
                          },
                          {
                            type: 'line',
                            name: t('analytics.forecast.projected'),
                            lineStyle: { type: 'dashed' },
                            data: [
                              ...f.trend.history.map(() => null),
                              ...f.trend.months.map((m) => Math.round(m.value) / 100),
                            ],
                          },
                        ],
                      }}
                    />
                  </Suspense>
                </Card>
              </Col>
            </Row>
            <Card size="small" title={t('analytics.forecast.dealsTitle')}>
              <Typography.Paragraph type="secondary">
                {t(isRep ? 'analytics.forecast.repHelp' : 'analytics.forecast.managerHelp')}
              </Typography.Paragraph>
              <Table<ForecastDeal>
                size="small"
                rowKey="id"
                dataSource={f.deals}
                pagination={{ pageSize: 100, hideOnSinglePage: true }}
                scroll={{ x: 1000 }}
                locale={{ emptyText: t('analytics.forecast.noDeals') }}
                data-testid="forecast-deals"
                columns={[
                  {
                    title: t('fields.name'),
                    dataIndex: 'name',
                    fixed: 'left' as const,
                    width: 200,
                    render: (v: string, d) => (
                      <Link to={`/deals/${d.id}`} data-value="">
                        {v}
                      </Link>
                    ),
                  },
                  ...(isRep
                    ? []
                    : [
                        {
                          title: t('analytics.forecast.owner'),
                          dataIndex: 'ownerId',
                          render: (v: string) => <span data-value="">{names.get(v) ?? v}</span>,
                        },
                      ]),
                  {
                    title: t('fields.stage'),
                    dataIndex: 'stage',
                    render: (s: string) => t(`stage.${s}`, { defaultValue: s }),
                  },
                  {
                    title: t('fields.amount'),
                    dataIndex: 'amount',
                    align: 'right' as const,
                    render: (v: number) => <span data-value="">{yuan(v)}</span>,
                  },
                  {
                    title: t('analytics.forecast.probability'),
                    dataIndex: 'probability',
                    align: 'right' as const,
                    render: (v: number) => <span data-value="">{v}%</span>,
                  },
                  {
                    title: t('analytics.forecast.weighted'),
                    dataIndex: 'weighted',
                    align: 'right' as const,
                    render: (v: number) => <span data-value="">{yuan(v)}</span>,
                  },
                  {
                    title: t('analytics.forecast.closeDate'),
                    dataIndex: 'expectedCloseDate',
                    render: (v: string) => <span data-value="">{v}</span>,
                  },
                  {
                    title: t('analytics.forecast.repCategory'),
                    key: 'rep',
                    render: (_: unknown, d) =>
                      d.ownerId === me.user.id && canWrite ? (
                        <CategorySelect
                          deal={d}
                          layer="repCategory"
                          onChange={(c) => setCategory.mutate({ id: d.id, category: c })}
                        />
                      ) : (
                        <span data-testid={`fc-rep-${d.id}`}>{catLabel(d.repCategory)}</span>
                      ),
                  },
                  {
                    title: t('analytics.forecast.managerCategory'),
                    key: 'manager',
                    render: (_: unknown, d) =>
                      d.ownerId !== me.user.id && canWrite && !isRep ? (
                        <CategorySelect
                          deal={d}
                          layer="managerCategory"
                          onChange={(c) => setCategory.mutate({ id: d.id, category: c })}
                        />
                      ) : (
                        <span data-testid={`fc-mgr-${d.id}`}>{catLabel(d.managerCategory)}</span>
                      ),
                  },
                  {
                    title: t('analytics.forecast.effective'),
                    key: 'category',
                    render: (_: unknown, d) => (
                      <Tooltip
                        title={
                          d.managerCategory
                            ? t('analytics.forecast.byManager')
                            : d.repCategory
                              ? t('analytics.forecast.byRep')
                              : t('analytics.forecast.byProbability')
                        }
                      >
                        <Tag color={CATEGORY_COLOR[d.category]} data-testid={`fc-cat-${d.id}`}>
                          {catLabel(d.category)}
                        </Tag>
                      </Tooltip>
                    ),
                  },
                ]}
              />
            </Card>
          </>
        )}
      </QueryState>
    </Space>
  );
}

function CategorySelect({
  deal,
  layer,
  onChange,
}: {
  deal: ForecastDeal;
  layer: 'repCategory' | 'managerCategory';
  onChange: (c: ForecastCategory | null) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      size="small"
      allowClear
      style={{ width: 130 }}
      placeholder={t('analytics.forecast.notSet')}
      value={deal[layer] ?? undefined}
      onChange={(v?: ForecastCategory) => onChange(v ?? null)}
      options={CATEGORIES.map((c) => ({ value: c, label: t(`analytics.forecast.category.${c}`) }))}
      data-testid={`fc-select-${layer === 'repCategory' ? 'rep' : 'mgr'}-${deal.id}`}
    />
  );
}
