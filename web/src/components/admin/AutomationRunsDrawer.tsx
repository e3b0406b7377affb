import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Drawer, Grid, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { fmtTime } from '../../lib';

interface Run {
  id: string;
  recordType: string | null;
  recordId: string | null;
  event: string;
  depth: number;
  status: string;
  detail: unknown;
  at: string;
}

export const RUN_COLOR: Record<string, string> = {
  done: 'green',
  skipped: 'default',
  failed: 'red',
  loop_stopped: 'orange',
};

/** The run log of one rule, newest first, with a status filter and cursor paging. */
export function AutomationRunsDrawer({
  ruleId,
  name,
  onClose,
}: {
  ruleId: string;
  name: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const [status, setStatus] = useState<string | undefined>();
  const runs = useInfiniteQuery({
    queryKey: ['automation-runs', ruleId, status],
    initialPageParam: '',
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: '50' });
      if (status) q.set('status', status);
      if (pageParam) q.set('cursor', pageParam);
      return api<{ items: Run[]; nextCursor: string | null }>(
        'GET',
        `/api/automation-rules/${ruleId}/runs?${q}`,
      );
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = runs.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Drawer
      open
      size={screens.md ? 'large' : '100%'}
      title={t('admin.rules.runsOf', { name })}
      onClose={onClose}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('admin.rules.runStatus')}
          value={status}
          onChange={setStatus}
          options={Object.keys(RUN_COLOR).map((s) => ({ value: s, label: t(`admin.runStatus.${s}`) }))}
        />
        {runs.error && <Alert type="error" showIcon title={(runs.error as Error).message} />}
        <Table
          size="small"
          rowKey="id"
          loading={runs.isLoading}
          pagination={false}
          dataSource={rows}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('admin.rules.noRuns') }}
          columns={[
            { title: t('admin.rules.at'), dataIndex: 'at', render: fmtTime },
            {
              title: t('admin.rules.runStatus'),
              dataIndex: 'status',
              render: (s: string) => <Tag color={RUN_COLOR[s]}>{t(`admin.runStatus.${s}`)}</Tag>,
            },
            { title: t('admin.rules.event'), dataIndex: 'event' },
            {
              title: t('admin.rules.record'),
              key: 'record',
              render: (_, r) => (r.recordId ? `${r.recordType ?? ''} ${r.recordId}` : ''),
            },
            {
              title: t('admin.rules.detail'),
              dataIndex: 'detail',
              render: (d: unknown) =>
                d ? (
                  <Typography.Text code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                    {JSON.stringify(d)}
                  </Typography.Text>
                ) : null,
            },
          ]}
        />
        {runs.hasNextPage && (
          <Button onClick={() => runs.fetchNextPage()} loading={runs.isFetchingNextPage}>
            {t('list.loadMore')}
          </Button>
        )}
      </Space>
    </Drawer>
  );
}
