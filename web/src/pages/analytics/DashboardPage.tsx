import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Col, Row, Segmented, Select, Space, Spin, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { Dashboard, Me } from '../../api/types';
import { useOrgUnits } from '../../components/admin/OrgUnitTree';
import { downloadFile } from '../../downloadFile';
import { useLocalText, usePublishedPlaybook } from '../../lib';
import { formatKpi } from '../KpiPage';
import { AttainmentGauges } from './AttainmentGauges';
import { Chart, Figure, PeriodPicker, pct, QueryState, useKpiLibrary, yuan } from './shared';

type Kind = Dashboard['kind'];

/** The dashboards a role sees, the first being its default. */
export function dashboardKinds(role: string): Kind[] {
  if (role === 'rep') return ['personal'];
  if (role === 'manager') return ['team', 'personal', 'executive'];
  return ['executive', 'team'];
}

const AGEING = ['not_due', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'] as const;

/** 仪表盘: personal, team and executive dashboards of a period, every number from the API. */
export function DashboardPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const text = useLocalText();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const kinds = dashboardKinds(me.user.role);
  const kind = (params.kind ?? kinds[0]) as Kind;
  const period = search.get('period') ?? dayjs().format('YYYY-MM');
  const unitId = search.get('unitId') ?? undefined;
  const [exporting, setExporting] = useState(false);
  const library = useKpiLibrary();
  const units = useOrgUnits();
  const showUnits = kind !== 'personal' && me.user.role !== 'rep';
  const query = new URLSearchParams({ period, ...(showUnits && unitId ? { unitId } : {}) }).toString();
  const answer = useQuery({
    queryKey: ['dashboard', kind, query],
    enabled: kinds.includes(kind),
    queryFn: () => api<Dashboard>('GET', `/api/dashboards/${kind}?${query}`),
  });
  // Deal stages have UI names; lead stages (in the SLA heat map) take the lead SOP's names.
  const leadPlaybook = usePublishedPlaybook('lead');
  if (!kinds.includes(kind)) return <Navigate to="/dashboards" replace />;

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };
  const exportXlsx = async () => {
    setExporting(true);
    try {
      await downloadFile(`/api/dashboards/${kind}/export.xlsx?${query}`, `dashboard-${kind}-${period}.xlsx`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setExporting(false);
    }
  };
  const kpiName = (key: string) => {
    const def = library.data?.items.find((k) => k.key === key);
    return def ? text(def.name) : key;
  };
  const stageName = (s: string) => {
    const lead = leadPlaybook.data?.stages.find((x) => x.key === s);
    return t(`stage.${s}`, { defaultValue: lead ? text(lead.name) : s });
  };
  const d = answer.data;
  const p = d?.panels;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space wrap>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('analytics.dashboard.title')}
            </Typography.Title>
            {kinds.length > 1 && (
              <Segmented
                value={kind}
                onChange={(k) => navigate({ pathname: `/dashboards/${k}`, search: search.toString() })}
                options={kinds.map((k) => ({ value: k, label: t(`analytics.dashboard.kind.${k}`) }))}
                data-testid="dashboard-kind"
              />
            )}
          </Space>
          <Space wrap>
            <PeriodPicker value={period} onChange={(v) => setParam('period', v)} testId="dashboard-period" />
            {showUnits && (
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 160 }}
                placeholder={t(
                  kind === 'team' ? 'analytics.dashboard.myUnit' : 'analytics.dashboard.wholeCompany',
                )}
                value={unitId}
                onChange={(v) => setParam('unitId', v)}
                loading={units.isLoading}
                options={(units.data?.items ?? [])
                  .filter((u) => u.kind === 'region' || u.kind === 'team')
                  .map((u) => ({ value: u.id, label: u.name }))}
                data-testid="dashboard-unit"
              />
            )}
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              disabled={!d}
              onClick={exportXlsx}
              data-testid="dashboard-export"
            >
              {t('analytics.dashboard.export')}
            </Button>
          </Space>
        </Space>
        {d && (
          <Typography.Text type="secondary">
            {t('analytics.dashboard.scope', { from: d.from, to: d.to })}{' '}
            <span data-value="" data-testid="dashboard-subject">
              {d.subjectName}
            </span>
          </Typography.Text>
        )}
      </Card>
      <QueryState loading={answer.isLoading} error={answer.error}>
        {d && p && (
          <>
            <Card size="small">
              <Row gutter={[16, 16]} data-testid="dashboard-summary">
                {p.summary.map((s) => (
                  <Col key={s.kpi} xs={12} sm={8} lg={4}>
                    <Figure
                      title={kpiName(s.kpi)}
                      value={formatKpi(s.unit, s.value, t)}
                      testId={`dash-stat-${s.kpi}`}
                    />
                  </Col>
                ))}
              </Row>
            </Card>
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={12}>
                <Card title={t('analytics.dashboard.funnel')} size="small" style={{ height: '100%' }}>
                  <FunnelPanel d={d} stageName={stageName} />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('analytics.dashboard.trend')} size="small" style={{ height: '100%' }}>
                  <Suspense fallback={<Spin />}>
                    <Chart
                      testId="dashboard-trend"
                      height={300}
                      option={{
                        tooltip: { trigger: 'axis' },
                        legend: { top: 0 },
                        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
                        xAxis: { type: 'category', data: p.trend.map((m) => m.month.slice(2)) },
                        yAxis: [
                          { type: 'value', name: t('ops.kpi.yuan') },
                          { type: 'value', name: t('analytics.dashboard.deals'), splitLine: { show: false } },
                        ],
                        series: [
                          {
                            type: 'bar',
                            name: kpiName('revenue'),
                            data: p.trend.map((m) => m.revenue / 100),
                          },
                          {
                            type: 'line',
                            name: kpiName('won_deals'),
                            yAxisIndex: 1,
                            smooth: true,
                            data: p.trend.map((m) => m.wonDeals),
                          },
                        ],
                      }}
                    />
                  </Suspense>
                </Card>
              </Col>
              <Col xs={24}>
                <Card title={t('analytics.dashboard.attainment')} size="small">
                  <AttainmentGauges items={p.attainment} />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('analytics.dashboard.stageDuration')} size="small" style={{ height: '100%' }}>
                  <StageDurationPanel d={d} stageName={stageName} />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('analytics.dashboard.collection')} size="small" style={{ height: '100%' }}>
                  <CollectionPanel d={d} />
                </Card>
              </Col>
              <Col xs={24}>
                <Card title={t('analytics.dashboard.sla')} size="small">
                  <SlaHeatmap d={d} stageName={stageName} />
                </Card>
              </Col>
            </Row>
          </>
        )}
      </QueryState>
    </Space>
  );
}

function FunnelPanel({ d, stageName }: { d: Dashboard; stageName: (s: string) => string }) {
  const { t } = useTranslation();
  const f = d.panels.funnel;
  const stages = f.stages;
  const empty = stages.every((s) => s.entered === 0);
  return (
    <QueryState loading={false} error={null} empty={empty} emptyText={t('analytics.dashboard.noData')}>
      <Space wrap size={24} style={{ marginBottom: 8 }}>
        <Figure
          title={t('analytics.dashboard.overall')}
          value={pct(f.overall.value)}
          testId="dash-funnel-overall"
          suffix={<small data-value="">{` ${f.overall.won}/${f.overall.entered}`}</small>}
        />
      </Space>
      <Suspense fallback={<Spin />}>
        <Chart
          testId="dashboard-funnel"
          height={280}
          option={{
            tooltip: { trigger: 'item' },
            series: [
              {
                type: 'funnel',
                sort: 'none',
                left: '5%',
                width: '90%',
                minSize: '20%',
                gap: 2,
                label: { position: 'inside', color: '#fff', fontSize: 11 },
                data: stages.map((s, i) => {
                  const drop =
                    i === 0 ? '' : ` · ${t('analytics.dashboard.dropShort')} ${pct(stages[i - 1]?.dropOff)}`;
                  return {
                    name: stageName(s.stage),
                    value: s.entered,
                    label: { formatter: `${stageName(s.stage)} ${s.entered}${drop}` },
                  };
                }),
              },
            ],
          }}
        />
      </Suspense>
      <Table
        size="small"
        rowKey="stage"
        pagination={false}
        dataSource={stages}
        scroll={{ x: 420 }}
        data-testid="dashboard-funnel-table"
        columns={[
          { title: t('fields.stage'), dataIndex: 'stage', render: stageName },
          {
            title: t('analytics.dashboard.entered'),
            dataIndex: 'entered',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{v}</span>,
          },
          {
            title: t('analytics.dashboard.advanced'),
            dataIndex: 'advanced',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{v}</span>,
          },
          {
            title: t('analytics.dashboard.conversion'),
            dataIndex: 'conversion',
            align: 'right' as const,
            render: (v: number | null) => <span data-value="">{pct(v)}</span>,
          },
          {
            title: t('analytics.dashboard.dropOff'),
            key: 'drop',
            align: 'right' as const,
            render: (_: unknown, s: Dashboard['panels']['funnel']['stages'][number]) => (
              <span data-value="" data-testid={`dash-drop-${s.stage}`}>
                {pct(s.dropOff)}
              </span>
            ),
          },
        ]}
      />
    </QueryState>
  );
}

function StageDurationPanel({ d, stageName }: { d: Dashboard; stageName: (s: string) => string }) {
  const { t } = useTranslation();
  const rows = d.panels.stageDuration;
  const buckets = rows[0]?.buckets.map((b) => b.bucket) ?? [];
  return (
    <QueryState
      loading={false}
      error={null}
      empty={rows.every((r) => r.count === 0)}
      emptyText={t('analytics.dashboard.noData')}
    >
      <Suspense fallback={<Spin />}>
        <Chart
          testId="dashboard-duration"
          height={260}
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0, type: 'scroll' },
            grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: rows.map((r) => stageName(r.stage)) },
            yAxis: { type: 'value' },
            series: buckets.map((b) => ({
              type: 'bar',
              stack: 'stays',
              name: t(`analytics.dashboard.bucket.${bucketKey(b)}`),
              data: rows.map((r) => r.buckets.find((x) => x.bucket === b)?.count ?? 0),
            })),
          }}
        />
      </Suspense>
      <Table
        size="small"
        rowKey="stage"
        pagination={false}
        dataSource={rows}
        scroll={{ x: 360 }}
        columns={[
          { title: t('fields.stage'), dataIndex: 'stage', render: stageName },
          {
            title: t('analytics.dashboard.stays'),
            dataIndex: 'count',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{v}</span>,
          },
          {
            title: t('analytics.dashboard.avgHours'),
            dataIndex: 'avgHours',
            align: 'right' as const,
            render: (v: number | null) => <span data-value="">{v === null ? '—' : v.toFixed(1)}</span>,
          },
          {
            title: t('analytics.dashboard.medianHours'),
            dataIndex: 'medianHours',
            align: 'right' as const,
            render: (v: number | null) => <span data-value="">{v === null ? '—' : v.toFixed(1)}</span>,
          },
        ]}
      />
    </QueryState>
  );
}

/** `<24h` → lt24, `24-72h` → 24_72, `>=336h` → ge336: i18n keys for the server's bucket names. */
function bucketKey(b: string): string {
  return b.replace('<', 'lt').replace('>=', 'ge').replace('-', '_').replace('h', '');
}

function CollectionPanel({ d }: { d: Dashboard }) {
  const { t } = useTranslation();
  const c = d.panels.collectionAgeing;
  if (!c.available)
    return (
      <QueryState loading={false} error={null} empty emptyText={t('analytics.dashboard.noCollection')} />
    );
  return (
    <>
      <Space wrap size={24}>
        <Figure
          title={t('analytics.dashboard.outstanding')}
          value={yuan(c.outstanding)}
          testId="dash-outstanding"
        />
        <Figure title={t('analytics.dashboard.overdue')} value={yuan(c.overdue)} testId="dash-overdue" />
        <Typography.Text type="secondary">{t('analytics.dashboard.asOf', { date: c.asOf })}</Typography.Text>
      </Space>
      {c.outstanding === 0 ? (
        <QueryState loading={false} error={null} empty emptyText={t('analytics.dashboard.noReceivables')} />
      ) : (
        <Suspense fallback={<Spin />}>
          <Chart
            testId="dashboard-ageing"
            height={240}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: AGEING.map((b) => t(`analytics.dashboard.ageing.${b}`)) },
              yAxis: { type: 'value', name: t('ops.kpi.yuan') },
              series: [
                {
                  type: 'bar',
                  data: AGEING.map((b, i) => ({
                    value: (c.buckets[b] ?? 0) / 100,
                    itemStyle: { color: ['#52c41a', '#faad14', '#fa8c16', '#f5222d', '#a8071a'][i] },
                  })),
                },
              ],
            }}
          />
        </Suspense>
      )}
    </>
  );
}

function SlaHeatmap({ d, stageName }: { d: Dashboard; stageName: (s: string) => string }) {
  const { t } = useTranslation();
  const h = d.panels.slaHeatmap;
  if (!h.rows.length)
    return <QueryState loading={false} error={null} empty emptyText={t('analytics.dashboard.noSla')} />;
  const data = h.rows.flatMap((r, y) =>
    r.cells.map((c) => [h.stages.indexOf(c.stage), y, Math.round(c.rate * 1000) / 10]),
  );
  return (
    <div style={{ overflowX: 'auto' }}>
      <div style={{ minWidth: Math.max(320, 120 + h.stages.length * 70) }}>
        <Suspense fallback={<Spin />}>
          <Chart
            testId="dashboard-sla"
            height={Math.max(200, 80 + h.rows.length * 28)}
            option={{
              tooltip: { position: 'top' },
              grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
              xAxis: { type: 'category', data: h.stages.map(stageName), splitArea: { show: true } },
              yAxis: { type: 'category', data: h.rows.map((r) => r.name), splitArea: { show: true } },
              visualMap: {
                min: 0,
                max: 100,
                calculable: true,
                orient: 'horizontal',
                left: 'center',
                bottom: 0,
                inRange: { color: ['#f5222d', '#faad14', '#52c41a'] },
              },
              series: [{ type: 'heatmap', data, label: { show: true, formatter: '{@[2]}%' } }],
            }}
          />
        </Suspense>
      </div>
    </div>
  );
}
