import { Button, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Me } from '../api/types';
import { ServerListPage, useServerList } from '../components/ServerListPage';
import { fmtDate, fmtTime, useUsers } from '../lib';
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
/** 报价: the quotes the caller can see; search number/title, filter by status, sort, pages. */
export function QuotesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const users = useUsers();
  // Opened from an opportunity (/quotes?dealId=…): its quotes only, and new quotes for it.
  const [address] = useSearchParams();
  const dealId = address.get('dealId') ?? undefined;
  const state = useServerList<Quote>({
    queryKey: ['quotes'],
    path: '/api/quotes',
    defaultSort: '-createdAt',
    sortable: ['createdAt', 'grossAmount', 'validUntil'],
    params: { dealId },
  });
  const ownerName = (id: string | null) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <ServerListPage<Quote>
      state={state}
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
      testId="quote"
      searchPlaceholder={t('ops.quotes.search')}
      filterPlaceholder={t('ops.quotes.status')}
      filterOptions={QUOTE_STATUSES.map((s) => ({ value: s, label: t(`ops.quotes.statuses.${s}`) }))}
      emptyText={t('ops.quotes.empty')}
      columns={[
        {
          title: t('ops.quotes.number'),
          dataIndex: 'number',
          render: (v: string, r) => <Link to={`/quotes/${r.id}`}>{v}</Link>,
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
          render: (v: number, r) => `${r.currency === 'CNY' ? '¥' : `${r.currency} `}${formatFen(v)}`,
        },
        {
          title: t('ops.quotes.validUntil'),
          dataIndex: 'validUntil',
          key: 'validUntil',
          render: fmtDate,
        },
        { title: t('fields.ownerId'), dataIndex: 'ownerId', render: ownerName },
        {
          title: t('fields.createdAt'),
          dataIndex: 'createdAt',
          key: 'createdAt',
          render: fmtTime,
        },
      ]}
    />
  );
}
