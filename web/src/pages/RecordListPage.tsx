import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Segmented, Space, Table, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Page, RecordBase } from '../api/types';
import { columnsFor, type ListEntity } from './recordColumns';

type Row = RecordBase & Record<string, unknown>;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** A server-side list: search (pinyin works), sorting, cursor pages, total, empty and error states. */
export function RecordListPage({ entity }: { entity: ListEntity }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState('-createdAt');
  const [scope, setScope] = useState<'all' | 'pool'>('all');
  const q = useDebounced(search, 300);

  const query = useInfiniteQuery({
    queryKey: ['list', entity, q, sort, scope],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '50', sort, includeTotal: 'true' });
      if (q) params.set('q', q);
      if (pageParam) params.set('cursor', pageParam);
      if (entity === 'leads' || entity === 'accounts')
        params.set('pool', scope === 'pool' ? 'only' : 'exclude');
      return api<Page<Row>>('GET', `/api/${entity}?${params}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const total = query.data?.pages[0]?.total;

  const onChange = (_p: unknown, _f: unknown, sorter: SorterResult<Row> | SorterResult<Row>[]) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    if (!s?.order || !s.columnKey) setSort('-createdAt');
    else setSort(`${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}`);
  };

  return (
    <Card
      title={t(`menu.${entity}`)}
      extra={
        total !== undefined && (
          <Typography.Text type="secondary">{t('list.total', { count: total })}</Typography.Text>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('list.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 280 }}
          data-testid="list-search"
        />
        {(entity === 'leads' || entity === 'accounts') && (
          <Segmented
            value={scope}
            onChange={(v) => setScope(v as 'all' | 'pool')}
            options={[
              { label: t(`menu.${entity}`), value: 'all' },
              { label: t('list.pool'), value: 'pool' },
            ]}
          />
        )}
      </Space>
      {query.error && (
        <Alert
          type="error"
          showIcon
          message={t('list.error', { message: (query.error as Error).message })}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<Row>
        rowKey="id"
        size="middle"
        columns={columnsFor(entity, t)}
        dataSource={rows}
        loading={query.isLoading}
        pagination={false}
        onChange={onChange}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('list.empty') }}
      />
      {query.hasNextPage && (
        <Button
          block
          style={{ marginTop: 16 }}
          loading={query.isFetchingNextPage}
          onClick={() => query.fetchNextPage()}
        >
          {t('list.loadMore')}
        </Button>
      )}
    </Card>
  );
}
