import { Button, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Contract, Me } from '../../api/types';
import { ServerListPage, useServerList } from '../../components/ServerListPage';
import { fmtDate, fmtTime, useUsers } from '../../lib';
import { CONTRACT_STATUS_COLOR, CONTRACT_STATUSES, money } from './q2cShared';

/** Contracts are drafted by the quote's side: the people who sell. */
const SELLING_ROLES = new Set(['admin', 'sales_ops', 'manager', 'rep']);

/** 合同: the contracts the caller can see; search number, title or customer; filter, sort, pages. */
export function ContractsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const users = useUsers();
  const state = useServerList<Contract>({
    queryKey: ['contracts'],
    path: '/api/contracts',
    defaultSort: '-createdAt',
    sortable: ['createdAt', 'grossAmount', 'signedOn'],
  });
  const ownerName = (id: string | null) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <ServerListPage<Contract>
      state={state}
      title={t('q2c.contracts.title')}
      extra={
        SELLING_ROLES.has(me.user.role) && (
          <Button type="primary" onClick={() => navigate('/contracts/new')} data-testid="contract-new">
            {t('q2c.contracts.new')}
          </Button>
        )
      }
      testId="contract"
      searchPlaceholder={t('q2c.contracts.search')}
      filterPlaceholder={t('q2c.contracts.status')}
      filterOptions={CONTRACT_STATUSES.map((s) => ({ value: s, label: t(`q2c.contracts.statuses.${s}`) }))}
      emptyText={t('q2c.contracts.empty')}
      noMatchText={t('q2c.contracts.noMatch')}
      scrollX={900}
      columns={[
        {
          title: t('q2c.contracts.number'),
          dataIndex: 'number',
          render: (v: string, r) => (
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
          render: (v: string | null, r) => (
            <Link to={`/accounts/${r.accountId}`} data-value="">
              {v ?? ''}
            </Link>
          ),
        },
        {
          title: t('q2c.contracts.status'),
          dataIndex: 'status',
          render: (s: string, r) => (
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
          render: (v: number, r) => <span data-value="">{money(v, r.currency)}</span>,
        },
        {
          title: t('q2c.contracts.signedOn'),
          dataIndex: 'signedOn',
          key: 'signedOn',
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
          render: (v: string) => <span data-value="">{fmtTime(v)}</span>,
        },
      ]}
    />
  );
}
