import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Me, SalesOrder } from '../../api/types';
import { ServerListPage, useServerList } from '../../components/ServerListPage';
import { fmtDate, fmtTime, useUsers } from '../../lib';
import { money, ORDER_STATUS_COLOR, ORDER_STATUSES } from './q2cShared';

type OrderRow = SalesOrder & { accountName?: string | null };

/** 销售订单: the orders the caller can see; search number, contract or customer; filter, sort, pages. */
export function OrdersPage({ me: _me }: { me: Me }) {
  const { t } = useTranslation();
  const users = useUsers();
  const state = useServerList<OrderRow>({
    queryKey: ['orders'],
    path: '/api/orders',
    defaultSort: '-createdAt',
    sortable: ['createdAt', 'grossAmount', 'deliveryDate'],
  });
  const ownerName = (id: string | null) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <ServerListPage<OrderRow>
      state={state}
      title={t('q2c.orders.title')}
      testId="order"
      searchPlaceholder={t('q2c.orders.search')}
      filterPlaceholder={t('q2c.orders.status')}
      filterOptions={ORDER_STATUSES.map((s) => ({ value: s, label: t(`q2c.orders.statuses.${s}`) }))}
      emptyText={t('q2c.orders.empty')}
      noMatchText={t('q2c.orders.noMatch')}
      scrollX={900}
      columns={[
        {
          title: t('q2c.orders.number'),
          dataIndex: 'number',
          render: (v: string, r) => (
            <Link to={`/orders/${r.id}`} data-value="">
              {v}
            </Link>
          ),
        },
        {
          title: t('q2c.contracts.customer'),
          dataIndex: 'accountName',
          ellipsis: true,
          render: (v: string | null, r) => (
            <Link to={`/accounts/${r.accountId}`} data-value="">
              {v ?? ''}
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
          key: 'grossAmount',
          align: 'right' as const,
          render: (v: number, r) => <span data-value="">{money(v, r.currency)}</span>,
        },
        {
          title: t('q2c.orders.deliveryDate'),
          dataIndex: 'deliveryDate',
          key: 'deliveryDate',
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
          key: 'createdAt',
          render: (v: string) => <span data-value="">{fmtTime(v)}</span>,
        },
      ]}
    />
  );
}
