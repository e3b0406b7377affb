import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Me } from '../api/types';
import { fmtDate, fmtTime, useDebounced, useUsers } from '../lib';
import { formatFen } from '../money';
import type { Quote } from './QuoteEditor';

export const QUOTE_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'rejected',
  'returned',
  'sent',
  'accepted',
  'declined',
] as const;
export const QUOTE_STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  pending_approval: 'processing',
  approved: 'green',
  rejected: 'red',
  returned: 'orange',
  sent: 'cyan',
  accepted: 'green',
  declined: 'default',
};
const PAGE = 20;
const SORTABLE = new Set(['createdAt', 'grossAmount', 'validUntil']);

/** 报价: the quotes the caller can see; search number/title, filter by status, sort, pages. */
export function QuotesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const users = useUsers();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [sort, setSort] = useState('-createdAt');
  const [page, setPage] = useState(0);
  // Opened from an opportunity (/quotes?dealId=…): its quotes only, and new quotes for it.
  const [address] = useSearchParams();
  const dealId = address.get('dealId') ?? undefined;
  const q = useDebounced(search, 300);
  const list = useQuery({
    queryKey: ['quotes', q, status, sort, page, dealId],
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(PAGE), offset: String(page * PAGE), sort });
      if (q) params.set('q', q);
      if (status) params.set('status', status);
      if (dealId) params.set('dealId', dealId);
      return api<{ items: Quote[]; hasMore: boolean }>('GET', `/api/quotes?${params}`);
    },
    placeholderData: (prev) => prev,
  });
  const onChange = (_p: unknown, _f: unknown, sorter: SorterResult<Quote> | SorterResult<Quote>[]) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = String(s?.columnKey ?? '');
    setSort(s?.order && SORTABLE.has(key) ? `${s.order === 'descend' ? '-' : ''}${key}` : '-createdAt');
    setPage(0);
  };
  const order = (key: string) =>
    sort === key ? ('ascend' as const) : sort === `-${key}` ? ('descend' as const) : null;
  const ownerName = (id: string | null) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <Card
      title={t('ops.quotes.title')}
      extra={
        me.user.role !== 'viewer' && (
          <Button
            type="primary"
            onClick={() => navigate(dealId ? `/quotes/new?dealId=${dealId}` : '/quotes/new')}
            data-testid="quote-new"
          >
            {t('ops.quotes.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('ops.quotes.search')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(0);
          }}
          style={{ width: 260, maxWidth: '100%' }}
          data-testid="quote-search"
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('ops.quotes.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(0);
          }}
          options={QUOTE_STATUSES.map((s) => ({ value: s, label: t(`ops.quotes.statuses.${s}`) }))}
          data-testid="quote-status-filter"
        />
      </Space>
      {list.isError && <Alert type="error" showIcon title={(list.error as Error).message} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        onChange={onChange}
        pagination={false}
        scroll={{ x: 760 }}
        locale={{ emptyText: t('ops.quotes.empty') }}
        columns={[
          {
            title: t('ops.quotes.number'),
            dataIndex: 'number',
            render: (v: string, r: Quote) => <Link to={`/quotes/${r.id}`}>{v}</Link>,
          },
          { title: t('ops.quotes.quoteTitle'), dataIndex: 'title', ellipsis: true },
          {
            title: t('ops.quotes.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={QUOTE_STATUS_COLOR[s]}>{t(`ops.quotes.statuses.${s}`)}</Tag>,
          },
          {
            title: t('ops.quotes.gross'),
            dataIndex: 'grossAmount',
            key: 'grossAmount',
            align: 'right' as const,
            sorter: true,
            sortOrder: order('grossAmount'),
            render: (v: number, r: Quote) =>
              `${r.currency === 'CNY' ? '¥' : `${r.currency} `}${formatFen(v)}`,
          },
          {
            title: t('ops.quotes.validUntil'),
            dataIndex: 'validUntil',
            key: 'validUntil',
            sorter: true,
            sortOrder: order('validUntil'),
            render: fmtDate,
          },
          { title: t('fields.ownerId'), dataIndex: 'ownerId', render: ownerName },
          {
            title: t('fields.createdAt'),
            dataIndex: 'createdAt',
            key: 'createdAt',
            sorter: true,
            sortOrder: order('createdAt'),
            render: fmtTime,
          },
        ]}
      />
      <Space style={{ marginTop: 12, justifyContent: 'flex-end', width: '100%' }}>
        <Button disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
          {t('ops.common.prev')}
        </Button>
        <Typography.Text>{t('ops.common.page', { page: page + 1 })}</Typography.Text>
        <Button disabled={!list.data?.hasMore} onClick={() => setPage((p) => p + 1)}>
          {t('ops.common.next')}
        </Button>
      </Space>
    </Card>
  );
}
