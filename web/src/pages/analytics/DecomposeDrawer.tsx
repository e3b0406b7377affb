import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Drawer,
  Form,
  InputNumber,
  Popconfirm,
  Radio,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Target, TargetDetail } from '../../api/types';
import { type OrgUnit, useOrgUnits } from '../../components/admin/OrgUnitTree';
import { useUsers } from '../../lib';
import { applyFieldErrors, QueryState, splitPreview, useMetricName } from './shared';
import { useMetricValue } from './TargetsPage';

type Method = 'even' | 'weights' | 'last_year';
interface Child {
  unitId?: string;
  userId?: string;
  name: string;
}

/** The default children as the server picks them: a company's regions, a region's teams, a team's active reps. */
function defaultChildren(
  target: Target,
  units: OrgUnit[],
  users: { id: string; name: string; role: string; orgUnitId: string | null; status: string }[],
): Child[] {
  if (target.level === 'team')
    return users
      .filter((u) => u.orgUnitId === target.subjectId && u.role === 'rep' && u.status === 'active')
      .map((u) => ({ userId: u.id, name: u.name }));
  if (target.level === 'region')
    return units
      .filter((u) => u.parentId === target.subjectId && u.kind === 'team')
      .map((u) => ({ unitId: u.id, name: u.name }));
  const regions = units.filter((u) => u.kind === 'region');
  const top = regions.length ? regions : units.filter((u) => u.kind === 'team' && !u.parentId);
  return top.map((u) => ({ unitId: u.id, name: u.name }));
}

/** 目标分解: split a target over its children evenly, by weights or by last year's shares, with a preview. */
export function DecomposeDrawer({ target, onClose }: { target: Target; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const metricName = useMetricName();
  const show = useMetricValue();
  const [form] = Form.useForm<{ method: Method; children: { weight?: number }[] }>();
  const [error, setError] = useState<string | null>(null);
  const method: Method = Form.useWatch('method', form) ?? 'even';
  const weights: ({ weight?: number } | undefined)[] = Form.useWatch('children', form) ?? [];
  const units = useOrgUnits();
  const users = useUsers();
  const detail = useQuery({
    queryKey: ['target', target.id],
    queryFn: () => api<TargetDetail>('GET', `/api/targets/${target.id}`),
  });
  const children = useMemo(
    () => (units.data && users.data ? defaultChildren(target, units.data.items, users.data.items) : []),
    [target, units.data, users.data],
  );
  const lastYear = useQuery({
    queryKey: ['last-year', target.id, children.map((c) => c.unitId ?? c.userId).join()],
    enabled: method === 'last_year' && target.metric !== 'collection' && children.length > 0,
    queryFn: async () => {
      const from = dayjs(target.from).subtract(1, 'year').format('YYYY-MM-DD');
      const to = dayjs(target.to).subtract(1, 'year').format('YYYY-MM-DD');
      const out: number[] = [];
      for (const c of children) {
        const q = new URLSearchParams({
          from,
          to,
          ...(c.userId ? { ownerId: c.userId } : { unitId: c.unitId! }),
        });
        const a = await api<{ total: { value: number | null } }>('GET', `/api/kpis/${target.metric}?${q}`);
        out.push(a.total.value ?? 0);
      }
      return out;
    },
  });
  const weightsNow =
    method === 'even'
      ? children.map(() => 1)
      : method === 'weights'
        ? children.map((_, i) => weights[i]?.weight ?? 0)
        : (lastYear.data ?? null);
  const preview = weightsNow ? splitPreview(target.value, weightsNow) : null;
  const existing = new Map((detail.data?.children ?? []).map((c) => [c.subjectId, c]));
  const overwritten = children.filter((c) => existing.has((c.userId ?? c.unitId)!)).length;

  const save = useMutation({
    mutationFn: (v: { method: Method; children: { weight?: number }[] }) =>
      api<TargetDetail>('POST', `/api/targets/${target.id}/decompose`, {
        method: v.method,
        children: children.map((c, i) => ({
          ...(c.userId ? { userId: c.userId } : { unitId: c.unitId }),
          ...(v.method === 'weights' ? { weight: v.children?.[i]?.weight } : {}),
        })),
      }),
    onSuccess: (d) => {
      message.success(t('analytics.targets.decomposed', { count: d.children.length }));
      queryClient.invalidateQueries({ queryKey: ['targets'] });
      queryClient.invalidateQueries({ queryKey: ['target', target.id] });
      onClose();
    },
    onError: (err) => setError(applyFieldErrors(form, err) ? null : (err as Error).message),
  });

  const rows = children.map((c, i) => ({
    ...c,
    key: (c.userId ?? c.unitId)!,
    index: i,
    share: preview?.[i] ?? null,
    lastYear: lastYear.data?.[i],
    current: existing.get((c.userId ?? c.unitId)!)?.value,
  }));
  const total = preview?.reduce((s, v) => s + v, 0) ?? null;

  return (
    <Drawer
      open
      onClose={onClose}
      size="large"
      title={t('analytics.targets.decomposeTitle')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('analytics.common.cancel')}</Button>
          <Popconfirm
            title={t('analytics.targets.decomposeConfirm', { count: children.length })}
            description={overwritten ? t('analytics.targets.overwrite', { count: overwritten }) : undefined}
            onConfirm={() => form.submit()}
            okButtonProps={{ 'data-testid': 'decompose-confirm' } as Record<string, string>}
          >
            <Button
              type="primary"
              disabled={!children.length}
              loading={save.isPending}
              data-testid="decompose-save"
            >
              {t('analytics.targets.decompose')}
            </Button>
          </Popconfirm>
        </Space>
      }
    >
      <Typography.Paragraph>
        <span data-value="">{target.subjectName}</span> · {metricName(target.metric)} ·{' '}
        <span data-value="">{target.period}</span> ·{' '}
        <strong data-value="" data-testid="decompose-parent-value">
          {show(target.metric, target.value)}
        </strong>
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <QueryState
        loading={units.isLoading || users.isLoading}
        error={units.error ?? users.error}
        empty={!children.length}
        emptyText={t('analytics.targets.noChildren')}
      >
        <Form form={form} initialValues={{ method: 'even', children: [] }} onFinish={(v) => save.mutate(v)}>
          <Form.Item name="method" label={t('analytics.targets.method')}>
            <Radio.Group
              optionType="button"
              options={(['even', 'weights', 'last_year'] as const).map((m) => ({
                value: m,
                label: t(`analytics.targets.methods.${m}`),
              }))}
              data-testid="decompose-method"
            />
          </Form.Item>
          {method === 'last_year' && target.metric === 'collection' && (
            <Alert
              type="info"
              showIcon
              title={t('analytics.targets.noPreview')}
              style={{ marginBottom: 12 }}
            />
          )}
          {lastYear.isError && <Alert type="error" showIcon title={(lastYear.error as Error).message} />}
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={rows}
            scroll={{ x: 520 }}
            loading={lastYear.isFetching}
            data-testid="decompose-preview"
            columns={[
              {
                title: t('analytics.targets.child'),
                key: 'name',
                render: (_: unknown, r: (typeof rows)[number]) => <span data-value="">{r.name}</span>,
              },
              ...(method === 'weights'
                ? [
                    {
                      title: t('analytics.targets.weight'),
                      key: 'weight',
                      render: (_: unknown, r: (typeof rows)[number]) => (
                        <Form.Item
                          name={['children', r.index, 'weight']}
                          noStyle={false}
                          style={{ margin: 0 }}
                        >
                          <InputNumber
                            min={0}
                            style={{ width: 100 }}
                            data-testid={`decompose-weight-${r.index}`}
                          />
                        </Form.Item>
                      ),
                    },
                  ]
                : []),
              ...(method === 'last_year'
                ? [
                    {
                      title: t('analytics.targets.lastYear'),
                      key: 'ly',
                      align: 'right' as const,
                      render: (_: unknown, r: (typeof rows)[number]) => (
                        <span data-value="">
                          {r.lastYear === undefined ? '—' : show(target.metric, r.lastYear)}
                        </span>
                      ),
                    },
                  ]
                : []),
              {
                title: t('analytics.targets.current'),
                key: 'current',
                align: 'right' as const,
                render: (_: unknown, r: (typeof rows)[number]) => (
                  <span data-value="">{r.current === undefined ? '—' : show(target.metric, r.current)}</span>
                ),
              },
              {
                title: t('analytics.targets.preview'),
                key: 'share',
                align: 'right' as const,
                render: (_: unknown, r: (typeof rows)[number]) => (
                  <strong data-value="" data-testid={`decompose-share-${r.index}`}>
                    {r.share === null ? '—' : show(target.metric, r.share)}
                  </strong>
                ),
              },
            ]}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={method === 'even' ? 2 : 3}>
                  {t('analytics.targets.sum')}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  <strong data-value="" data-testid="decompose-sum">
                    {total === null ? '—' : show(target.metric, total)}
                  </strong>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
          {method !== 'even' && preview === null && !lastYear.isFetching && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              {t('analytics.targets.noWeights')}
            </Typography.Paragraph>
          )}
        </Form>
      </QueryState>
    </Drawer>
  );
}
