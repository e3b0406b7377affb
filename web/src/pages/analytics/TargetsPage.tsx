import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Progress, Segmented, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Me, Target, TargetLevel } from '../../api/types';
import { formatFen } from '../../money';
import { CreateTargetDrawer } from './CreateTargetDrawer';
import { DecomposeDrawer } from './DecomposeDrawer';
import { MilestonesDrawer } from './MilestonesDrawer';
import { isMoneyMetric, PeriodPicker, pct, QueryState, useKpiLibrary, useMetricName } from './shared';

export const LEVELS: TargetLevel[] = ['company', 'region', 'team', 'rep'];
const RANK: Record<TargetLevel, number> = { company: 0, region: 1, team: 2, rep: 3 };
export const TARGET_METRICS = ['revenue', 'won_deals', 'new_customers', 'leads', 'activities', 'collection'];

type Node = Target & { children?: Node[]; childrenSum?: number };

/** The visible targets as a tree: a target whose parent is not visible is a root. */
function buildTree(items: Target[]): Node[] {
  const byId = new Map<string, Node>(items.map((t) => [t.id, { ...t }]));
  const roots: Node[] = [];
  const sorted = [...byId.values()].sort(
    (a, b) =>
      RANK[a.level] - RANK[b.level] ||
      a.metric.localeCompare(b.metric) ||
      a.subjectName.localeCompare(b.subjectName, 'zh-CN'),
  );
  for (const n of sorted) {
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    if (parent) {
      parent.children = [...(parent.children ?? []), n];
      parent.childrenSum = (parent.childrenSum ?? 0) + n.value;
    } else roots.push(n);
  }
  return roots;
}

/** A metric value: 元 for money metrics, else a count. */
export function useMetricValue() {
  const library = useKpiLibrary();
  return (metric: string, v: number | null | undefined) =>
    v === null || v === undefined
      ? '—'
      : isMoneyMetric(metric, library.data?.items)
        ? `¥${formatFen(v)}`
        : String(v);
}

/** 销售目标: targets by period and level as a tree, with actuals, attainment and the roll-up gap. */
export function TargetsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const metricName = useMetricName();
  const show = useMetricValue();
  const [period, setPeriod] = useState(dayjs().format('YYYY'));
  const [metric, setMetric] = useState<string | undefined>(undefined);
  const [level, setLevel] = useState<TargetLevel | 'all'>('all');
  const [creating, setCreating] = useState(false);
  const [decomposing, setDecomposing] = useState<Target | null>(null);
  const [editing, setEditing] = useState<Target | null>(null);
  const role = me.user.role;
  const canPlan = role === 'admin' || role === 'sales_ops' || role === 'manager';
  const qs = new URLSearchParams({
    period,
    ...(metric ? { metric } : {}),
    ...(level !== 'all' ? { level } : {}),
  }).toString();
  const list = useQuery({
    queryKey: ['targets', qs],
    queryFn: () => api<{ items: Target[] }>('GET', `/api/targets?${qs}`),
  });
  const tree = buildTree(list.data?.items ?? []);
  const canDecompose = (n: Target) =>
    canPlan && n.level !== 'rep' && (role !== 'manager' || n.ownerId === me.user.id || !!n.parentId);

  return (
    <Card
      title={t('analytics.targets.title')}
      extra={
        canPlan && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="target-new"
          >
            {t('analytics.targets.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <PeriodPicker value={period} onChange={setPeriod} testId="targets-period" />
        <Select
          allowClear
          style={{ width: 150 }}
          placeholder={t('analytics.targets.allMetrics')}
          value={metric}
          onChange={setMetric}
          options={TARGET_METRICS.map((m) => ({ value: m, label: metricName(m) }))}
          data-testid="targets-metric"
        />
        <Segmented
          value={level}
          onChange={(v) => setLevel(v as TargetLevel | 'all')}
          options={[
            { value: 'all', label: t('analytics.targets.tree') },
            ...LEVELS.map((l) => ({ value: l, label: t(`analytics.level.${l}`) })),
          ]}
          data-testid="targets-level"
        />
      </Space>
      {role === 'rep' && (
        <Typography.Paragraph type="secondary">{t('analytics.targets.ownOnly')}</Typography.Paragraph>
      )}
      <QueryState loading={list.isLoading} error={list.error}>
        <Table<Node>
          size="small"
          rowKey="id"
          dataSource={tree}
          pagination={false}
          expandable={{ defaultExpandAllRows: true }}
          scroll={{ x: 1180 }}
          locale={{ emptyText: t('analytics.targets.empty') }}
          data-testid="targets-table"
          onRow={(n) => ({ 'data-testid': `target-row-${n.id}` }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t('analytics.targets.subject'),
              key: 'subject',
              width: 240,
              fixed: 'left' as const,
              render: (_: unknown, n: Node) => (
                <Space size={4}>
                  <Tag>{t(`analytics.level.${n.level}`)}</Tag>
                  <span data-value="">{n.subjectName}</span>
                </Space>
              ),
            },
            { title: t('analytics.targets.metric'), dataIndex: 'metric', render: metricName },
            {
              title: t('analytics.targets.period'),
              dataIndex: 'period',
              render: (v: string) => <span data-value="">{v}</span>,
            },
            {
              title: t('analytics.targets.target'),
              key: 'value',
              align: 'right' as const,
              render: (_: unknown, n: Node) => (
                <span data-value="" data-testid={`target-value-${n.id}`} style={{ whiteSpace: 'nowrap' }}>
                  {show(n.metric, n.value)}
                </span>
              ),
            },
            {
              title: t('analytics.targets.actual'),
              key: 'actual',
              align: 'right' as const,
              render: (_: unknown, n: Node) => (
                <span data-value="" style={{ whiteSpace: 'nowrap' }}>
                  {show(n.metric, n.actual)}
                </span>
              ),
            },
            {
              title: t('analytics.targets.attainment'),
              key: 'attainment',
              width: 150,
              render: (_: unknown, n: Node) => (
                <span data-value="">
                  <Progress
                    size="small"
                    percent={n.attainment === null ? 0 : Math.round(n.attainment * 1000) / 10}
                    status={n.attainment !== null && n.attainment >= 1 ? 'success' : 'normal'}
                    format={() => pct(n.attainment)}
                  />
                </span>
              ),
            },
            {
              title: (
                <Tooltip title={t('analytics.targets.gapHelp')}>
                  <span>{t('analytics.targets.gap')}</span>
                </Tooltip>
              ),
              key: 'gap',
              align: 'right' as const,
              render: (_: unknown, n: Node) => {
                if (n.childrenSum === undefined) return null;
                const gap = n.value - n.childrenSum;
                return (
                  <span data-testid={`target-gap-${n.id}`}>
                    {gap === 0 ? (
                      <Tag color="green">{t('analytics.targets.balanced')}</Tag>
                    ) : (
                      <Tag color={gap > 0 ? 'orange' : 'blue'}>
                        {t(gap > 0 ? 'analytics.targets.short' : 'analytics.targets.over')}{' '}
                        <span data-value="">{show(n.metric, Math.abs(gap))}</span>
                      </Tag>
                    )}
                  </span>
                );
              },
            },
            {
              title: t('analytics.targets.milestone'),
              key: 'milestone',
              render: (_: unknown, n: Node) =>
                n.currentMilestone ? (
                  <span data-value="">
                    {n.currentMilestone.date} {pct(n.currentMilestone.attainment)}
                  </span>
                ) : n.milestones.length ? (
                  <span>{t('analytics.targets.milestoneCount', { count: n.milestones.length })}</span>
                ) : null,
            },
            {
              title: '',
              key: 'actions',
              render: (_: unknown, n: Node) => (
                <Space size={0}>
                  {canDecompose(n) && (
                    <Button
                      size="small"
                      type="link"
                      onClick={() => setDecomposing(n)}
                      data-testid={`target-decompose-${n.id}`}
                    >
                      {t('analytics.targets.decompose')}
                    </Button>
                  )}
                  <Button
                    size="small"
                    type="link"
                    onClick={() => setEditing(n)}
                    data-testid={`target-edit-${n.id}`}
                  >
                    {t(canPlan ? 'analytics.targets.edit' : 'analytics.targets.milestones')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </QueryState>
      {canPlan && (
        <CreateTargetDrawer open={creating} me={me} period={period} onClose={() => setCreating(false)} />
      )}
      {decomposing && <DecomposeDrawer target={decomposing} onClose={() => setDecomposing(null)} />}
      {editing && <MilestonesDrawer target={editing} readOnly={!canPlan} onClose={() => setEditing(null)} />}
    </Card>
  );
}
