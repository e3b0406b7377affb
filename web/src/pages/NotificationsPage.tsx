import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Badge,
  Button,
  Card,
  Empty,
  Input,
  List,
  Segmented,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { LocalText } from '../api/types';
import { ListError } from '../components/ServerListPage';
import { fmtTime, PATH_OF_TYPE, useDebounced, useLocalText } from '../lib';

export interface InboxItem {
  id: string;
  kind: string;
  title: LocalText;
  body: LocalText | null;
  recordType: string | null;
  recordId: string | null;
  readAt: string | null;
  createdAt: string;
}

interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  hasMore: boolean;
  total: number;
  unreadCount: number;
}

const INBOX_PAGE = 30;

/** Where a notification leads: the record page, the quote, or the approvals inbox. */
export function notificationLink(n: Pick<InboxItem, 'recordType' | 'recordId' | 'kind'>): string | null {
  if (n.recordType && n.recordId && PATH_OF_TYPE[n.recordType])
    return `/${PATH_OF_TYPE[n.recordType]}/${n.recordId}`;
  if (n.recordType === 'quote' && n.recordId) return `/quotes/${n.recordId}`;
  if (n.recordType === 'approval' || n.kind === 'approval') return '/approvals';
  if (n.recordType === 'import' && n.recordId) return `/import?job=${n.recordId}`;
  return null;
}

/** 通知: my in-app notifications, newest first, unread filter, mark read / mark all read. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const text = useLocalText();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<'-createdAt' | 'createdAt'>('-createdAt');
  const q = useDebounced(search.trim(), 300);
  // Newest first pages by cursor (new arrivals do not shift it); oldest first by offset.
  const query = useInfiniteQuery({
    queryKey: ['notifications', 'list', filter, q, sort],
    initialPageParam: null as string | number | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: String(INBOX_PAGE), sort });
      if (filter === 'unread') params.set('unread', 'true');
      if (q) params.set('q', q);
      if (typeof pageParam === 'string') params.set('cursor', pageParam);
      if (typeof pageParam === 'number') params.set('offset', String(pageParam));
      return api<InboxPage>('GET', `/api/notifications?${params}`);
    },
    getNextPageParam: (last, pages) =>
      !last.hasMore ? undefined : (last.nextCursor ?? pages.reduce((n, p) => n + p.items.length, 0)),
    placeholderData: (prev) => prev,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = query.data?.pages[0]?.unreadCount ?? 0;
  const total = query.data?.pages[0]?.total;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notifications'] });

  const markRead = async (n: InboxItem) => {
    if (n.readAt) return;
    try {
      await api('POST', `/api/notifications/${n.id}/read`);
    } catch (err) {
      message.error((err as Error).message);
    }
    await refresh();
  };
  const markAll = async () => {
    try {
      const r = await api<{ updated: number }>('POST', '/api/notifications/read-all');
      message.success(t('ops.inbox.allRead', { count: r.updated }));
    } catch (err) {
      message.error((err as Error).message);
    }
    await refresh();
  };

  return (
    <Card
      title={t('ops.inbox.title')}
      extra={
        <Button onClick={markAll} disabled={unread === 0} data-testid="mark-all-read">
          {t('ops.inbox.markAll')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={filter}
          onChange={(v) => setFilter(v as 'all' | 'unread')}
          options={[
            { label: t('ops.inbox.all'), value: 'all' },
            { label: t('ops.inbox.unread', { count: unread }), value: 'unread' },
          ]}
          data-testid="inbox-filter"
        />
        <Input.Search
          allowClear
          placeholder={t('ops.inbox.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 240, maxWidth: '100%' }}
          data-testid="inbox-search"
        />
        <Select
          style={{ width: 140 }}
          value={sort}
          onChange={setSort}
          options={[
            { value: '-createdAt', label: t('ops.inbox.newest') },
            { value: 'createdAt', label: t('ops.inbox.oldest') },
          ]}
          data-testid="inbox-sort"
        />
        {total !== undefined && (
          <Typography.Text type="secondary" data-testid="inbox-total">
            {t('list.pageTotal', { count: total })}
          </Typography.Text>
        )}
      </Space>
      {query.isError && <ListError error={query.error} onRetry={() => query.refetch()} />}
      {query.isLoading ? (
        <Spin />
      ) : items.length === 0 ? (
        <Empty
          description={t(
            q ? 'ops.inbox.noMatch' : filter === 'unread' ? 'ops.inbox.noUnread' : 'ops.inbox.empty',
          )}
        />
      ) : (
        <List
          dataSource={items}
          loading={query.isFetching && !query.isFetchingNextPage}
          data-testid="inbox-list"
          renderItem={(n) => {
            const to = notificationLink(n);
            const title = text(n.title);
            return (
              <List.Item
                data-testid="inbox-item"
                actions={
                  n.readAt
                    ? []
                    : [
                        <Button key="read" size="small" type="link" onClick={() => markRead(n)}>
                          {t('ops.inbox.markRead')}
                        </Button>,
                      ]
                }
              >
                <List.Item.Meta
                  avatar={<Badge status={n.readAt ? 'default' : 'processing'} />}
                  title={
                    to ? (
                      <Link to={to} onClick={() => markRead(n)} style={{ fontWeight: n.readAt ? 400 : 600 }}>
                        {title}
                      </Link>
                    ) : (
                      <Typography.Text strong={!n.readAt}>{title}</Typography.Text>
                    )
                  }
                  description={
                    <Space orientation="vertical" size={0}>
                      {n.body && <Typography.Text>{text(n.body)}</Typography.Text>}
                      <Typography.Text type="secondary">{fmtTime(n.createdAt)}</Typography.Text>
                    </Space>
                  }
                />
              </List.Item>
            );
          }}
        />
      )}
      {query.hasNextPage && (
        <Button
          block
          style={{ marginTop: 12 }}
          loading={query.isFetchingNextPage}
          onClick={() => query.fetchNextPage()}
        >
          {t('ops.common.more')}
        </Button>
      )}
    </Card>
  );
}
