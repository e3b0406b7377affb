import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Select, Space, Table, Tag } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Contract, Me } from '../../api/types';
import { fmtDate, fmtTime, useDebounced, useUsers } from '../../lib';
import { CONTRACT_STATUS_COLOR, CONTRACT_STATUSES, money, Pager } from './q2cShared';

const PAGE = 20;
/** Contracts are drafted by the quote's side: the people who sell. */
const SELLING_ROLES = new Set(['admin', 'sales_ops', 'manager', 'rep']);
const SORTABLE = new Set(['createdAt', 'grossAmount', 'signedOn']);

/** 合同: the contracts the caller can see; search number, title or customer; filter, sort, pages. */
export function ContractsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const users = useUsers();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [sort, setSort] = useState('-createdAt');
  const [page, setPage] = useState(0);
  const q = useDebounced(search, 300);
  const list = useQuery({
    queryKey: ['contracts', q, status, sort, page],
    queryFn: () => {
      const params = new URLSearchParams({ limit: String(PAGE), offset: String(page * PAGE), sort });
      if (q) params.set('q', q);
      if (status) params.set('status', status);
      return api<{ items: Contract[]; hasMore: boolean }>('GET', `/api/contracts?${params}`);
    },
    placeholderData: (prev) => prev,
  });
  const onChange = (_p: unknown, _f: unknown, sorter: SorterResult<Contract> | SorterResult<Contract>[]) => {
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
      title={t('q2c.contracts.title')}
      extra={
        SELLING_ROLES.has(me.user.role) && (
          <Button type="primary" onClick={() => navigate('/contracts/new')} data-testid="contract-new">
            {t('q2c.contracts.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('q2c.contracts.search')}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(0);
          }}
          style={{ width: 280, maxWidth: '100%' }}
          data-testid="contract-search"
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('q2c.contracts.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(0);
          }}
          options={CONTRACT_STATUSES.map((s) => ({ value: s, label: t(`q2c.contracts.statuses.${s}`) }))}
          data-testid="contract-status-filter"
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
        onChange={onChange}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: q || status ? t('q2c.contracts.noMatch') : t('q2c.contracts.empty') }}
        data-testid="contract-table"
        columns={[
          {
            title: t('q2c.contracts.number'),
            dataIndex: 'number',
            render: (v: string, r: Contract) => (
              <Link to={`/contracts/${r.id}`} data-value="">
                {v}
              </Link>
            ),
          },
          {
            title: t('q2c.contracts.contractTitle'),
            dataIndex: 'title',
            ellipsis: true,
            render: (v: string) => <span data-value="">{v}</span>,
          },
          {
            title: t('q2c.contracts.customer'),
            dataIndex: 'accountName',
            ellipsis: true,
            render: (v: string | null, r: Contract) => (
              <Link to={`/accounts/${r.accountId}`} data-value="">
                {v ?? ''}
              </Link>
            ),
          },
          {
            title: t('q2c.contracts.status'),
            dataIndex: 'status',
            render: (s: string, r: Contract) => (
              <Space size={4}>
                <Tag color={CONTRACT_STATUS_COLOR[s]}>{t(`q2c.contracts.statuses.${s}`)}</Tag>
                {r.currentVersion > 1 && <Tag data-value="">v{r.currentVersion}</Tag>}
              </Space>
            ),
          },
          {
            title: t('q2c.contracts.gross'),
            dataIndex: 'grossAmount',
            key: 'grossAmount',
            align: 'right' as const,
            sorter: true,
            sortOrder: order('grossAmount'),
            render: (v: number, r: Contract) => <span data-value="">{money(v, r.currency)}</span>,
          },
          {
            title: t('q2c.contracts.signedOn'),
            dataIndex: 'signedOn',
            key: 'signedOn',
            sorter: true,
            sortOrder: order('signedOn'),
            render: (v: string | null) => <span data-value="">{fmtDate(v)}</span>,
          },
          {
            title: t('fields.ownerId'),
            dataIndex: 'ownerId',
            render: (v: string | null) => <span data-value="">{ownerName(v)}</span>,
          },
          {
            title: t('fields.createdAt'),
            dataIndex: 'createdAt',
            key: 'createdAt',
            sorter: true,
            sortOrder: order('createdAt'),
            render: (v: string) => <span data-value="">{fmtTime(v)}</span>,
          },
        ]}
      />
      <Pager page={page} hasMore={list.data?.hasMore} onPage={setPage} />
    </Card>
  );
}
