import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { Me, SalesOrder } from '../../api/types';
import { fmtDate, fmtTime, useUsers } from '../../lib';
import { money, ORDER_STATUS_COLOR, ORDER_STATUSES, Pager } from './q2cShared';

const PAGE = 20;

/** 销售订单: the orders the caller can see, newest first, by status. */
export function OrdersPage({ me: _me }: { me: Me }) {
  const { t } = useTranslation();
  const users = useUsers();
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(0);
  const list = useQuery({
    queryKey: ['orders', 'list', status, page],
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(PAGE), offset: String(page * PAGE) });
      if (status) params.set('status', status);
      return api<{ items: SalesOrder[]; hasMore: boolean }>('GET', `/api/orders?${params}`);
    },
    placeholderData: (prev) => prev,
  });
  const ownerName = (id: string | null) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <Card title={t('q2c.orders.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t('q2c.orders.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(0);
          }}
          options={ORDER_STATUSES.map((s) => ({ value: s, label: t(`q2c.orders.statuses.${s}`) }))}
          data-testid="order-status-filter"
        />
      </Space>
      {list.isError && (
        <Alert
          type="error"
          showIcon
          title={t('list.error', { message: (list.error as Error).message })}
          action={<Button onClick={() => list.refetch()}>{t('q2c.common.retry')}</Button>}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 760 }}
        locale={{ emptyText: status ? t('q2c.orders.noMatch') : t('q2c.orders.empty') }}
        data-testid="order-table"
        columns={[
          {
            title: t('q2c.orders.number'),
            dataIndex: 'number',
            render: (v: string, r: SalesOrder) => (
              <Link to={`/orders/${r.id}`} data-value="">
                {v}
              </Link>
            ),
          },
          {
            title: t('q2c.orders.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={ORDER_STATUS_COLOR[s]}>{t(`q2c.orders.statuses.${s}`)}</Tag>,
          },
          {
            title: t('q2c.orders.gross'),
            dataIndex: 'grossAmount',
            align: 'right' as const,
            render: (v: number, r: SalesOrder) => <span data-value="">{money(v, r.currency)}</span>,
          },
          {
            title: t('q2c.orders.deliveryDate'),
            dataIndex: 'deliveryDate',
            render: (v: string | null) => <span data-value="">{fmtDate(v)}</span>,
          },
          {
            title: t('q2c.orders.contract'),
            dataIndex: 'contractId',
            render: (v: string) => <Link to={`/contracts/${v}`}>{t('q2c.orders.openContract')}</Link>,
          },
          {
            title: t('fields.ownerId'),
            dataIndex: 'ownerId',
            render: (v: string | null) => <span data-value="">{ownerName(v)}</span>,
          },
          {
            title: t('fields.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => <span data-value="">{fmtTime(v)}</span>,
          },
        ]}
      />
      <Pager page={page} hasMore={list.data?.hasMore} onPage={setPage} />
    </Card>
  );
}
