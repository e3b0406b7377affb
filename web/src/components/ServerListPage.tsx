import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useDebounced } from '../lib';

/** What a server list answers: a page of items, whether more follow, and (where known) how many in all. */
export interface ServerPage<T> {
  items: T[];
  hasMore: boolean;
  total?: number;
}

export interface ServerListOptions {
  /** react-query key prefix, also what mutations invalidate (`['orders', …]`). */
  queryKey: readonly unknown[];
  /** The list endpoint, e.g. `/api/orders`. */
  path: string;
  pageSize?: number;
  /** `key` ascending, `-key` descending, as every list endpoint takes `sort`. */
  defaultSort: string;
  sortable: readonly string[];
  /** The query parameter of the one filter (default `status`). */
  filterParam?: string;
  /** Fixed query parameters (e.g. the deal a list is opened from); empty values are left out. */
  params?: Record<string, string | undefined>;
}

/**
 * The state of a server-side list: search (debounced), one filter, sort and page, all sent to the
 * server; changing any of them goes back to the first page.
 */
export function useServerList<T>(opts: ServerListOptions) {
  const pageSize = opts.pageSize ?? 20;
  const [search, setSearchText] = useState('');
  const [filter, setFilterValue] = useState<string | undefined>();
  const [sort, setSort] = useState(opts.defaultSort);
  const [page, setPage] = useState(0);
  const q = useDebounced(search.trim(), 300);
  const fixed = Object.entries(opts.params ?? {}).filter((e): e is [string, string] => !!e[1]);
  const list = useQuery({
    queryKey: [...opts.queryKey, 'list', q, filter, sort, page, fixed],
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(pageSize), offset: String(page * pageSize), sort });
      if (q) params.set('q', q);
      if (filter) params.set(opts.filterParam ?? 'status', filter);
      for (const [k, v] of fixed) params.set(k, v);
      return api<ServerPage<T>>('GET', `${opts.path}?${params}`);
    },
    placeholderData: (prev) => prev,
  });
  const sortable = new Set(opts.sortable);
  return {
    list,
    q,
    search,
    setSearch: (v: string) => {
      setSearchText(v);
      setPage(0);
    },
    filter,
    setFilter: (v: string | undefined) => {
      setFilterValue(v);
      setPage(0);
    },
    sort,
    setSort: (v: string) => {
      setSort(v);
      setPage(0);
    },
    page,
    setPage,
    pageSize,
    filtered: !!q || !!filter,
    /** antd Table onChange: a click on a sortable column header sorts on the server. */
    onTableChange: (_p: unknown, _f: unknown, sorter: SorterResult<T> | SorterResult<T>[]) => {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const key = String(s?.columnKey ?? '');
      setSort(s?.order && sortable.has(key) ? `${s.order === 'descend' ? '-' : ''}${key}` : opts.defaultSort);
      setPage(0);
    },
    /** Marks the columns whose `key` is sortable, with the current order shown. */
    withSort: (columns: ColumnsType<T>): ColumnsType<T> =>
      columns.map((c) => {
        const key = String(c.key ?? '');
        if (!sortable.has(key)) return c;
        const order = sort === key ? 'ascend' : sort === `-${key}` ? 'descend' : null;
        return { ...c, sorter: true, sortOrder: order };
      }),
  };
}

export type ServerList<T> = ReturnType<typeof useServerList<T>>;

/** Error with a retry button, for any server list. */
export function ListError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t('list.error', { message: (error as Error).message })}
      action={
        <Button onClick={onRetry} data-testid="list-retry">
          {t('list.retry')}
        </Button>
      }
      style={{ marginBottom: 12 }}
      data-testid="list-error"
    />
  );
}

/** Previous / next and, where the server counts, the total. */
export function ListPager<T>({ state }: { state: ServerList<T> }) {
  const { t } = useTranslation();
  const data = state.list.data;
  const pages = data?.total !== undefined ? Math.max(1, Math.ceil(data.total / state.pageSize)) : undefined;
  return (
    <Space style={{ marginTop: 12, justifyContent: 'flex-end', width: '100%' }} wrap>
      {data?.total !== undefined && (
        <Typography.Text type="secondary" data-testid="list-total">
          {t('list.pageTotal', { count: data.total })}
        </Typography.Text>
      )}
      <Button
        disabled={state.page === 0}
        onClick={() => state.setPage(state.page - 1)}
        data-testid="prev-page"
      >
        {t('ops.common.prev')}
      </Button>
      <Typography.Text data-testid="list-page">
        {t('ops.common.page', { page: state.page + 1 })}
        {pages !== undefined ? ` / ${pages}` : ''}
      </Typography.Text>
      <Button disabled={!data?.hasMore} onClick={() => state.setPage(state.page + 1)} data-testid="next-page">
        {t('ops.common.next')}
      </Button>
    </Space>
  );
}

/**
 * A list page whose search, status filter, sort and paging all happen on the server: search box,
 * filter, error with retry, loading, empty (or "nothing matches") and the pager. Quotes, contracts
 * and orders use it.
 */
export function ServerListPage<T extends { id: string }>({
  state,
  title,
  extra,
  testId,
  searchPlaceholder,
  filterPlaceholder,
  filterOptions,
  columns,
  emptyText,
  noMatchText,
  scrollX = 760,
}: {
  state: ServerList<T>;
  title: ReactNode;
  extra?: ReactNode;
  /** Prefix of the test ids: `<testId>-search`, `<testId>-status-filter`, `<testId>-table`. */
  testId: string;
  searchPlaceholder: string;
  filterPlaceholder?: string;
  filterOptions?: Array<{ value: string; label: string }>;
  columns: ColumnsType<T>;
  emptyText: string;
  /** Shown when a search or filter finds nothing (default: a generic "nothing matches"). */
  noMatchText?: string;
  scrollX?: number;
}) {
  const { t } = useTranslation();
  const { list } = state;
  return (
    <Card title={title} extra={extra}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={searchPlaceholder}
          value={state.search}
          onChange={(e) => state.setSearch(e.target.value)}
          style={{ width: 280, maxWidth: '100%' }}
          data-testid={`${testId}-search`}
        />
        {filterOptions && (
          <Select
            allowClear
            style={{ width: 180 }}
            placeholder={filterPlaceholder}
            value={state.filter}
            onChange={state.setFilter}
            options={filterOptions}
            data-testid={`${testId}-status-filter`}
          />
        )}
      </Space>
      {list.isError && <ListError error={list.error} onRetry={() => list.refetch()} />}
      <Table<T>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        onChange={state.onTableChange}
        pagination={false}
        scroll={{ x: scrollX }}
        locale={{ emptyText: state.filtered ? (noMatchText ?? t('list.noMatch')) : emptyText }}
        data-testid={`${testId}-table`}
        columns={state.withSort(columns)}
      />
      <ListPager state={state} />
    </Card>
  );
}
