import type { TableColumnsType } from 'antd';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import type { RecordBase } from '../api/types';

export type ListEntity = 'leads' | 'accounts' | 'contacts' | 'deals';

/** ¥ with two decimals from integer 分, without floating-point drift. */
export function formatMoney(fen: number, currency = 'CNY'): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  const symbol = currency === 'CNY' ? '¥' : `${currency} `;
  return `${sign}${symbol}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

type Row = RecordBase & Record<string, unknown>;

/** Columns per entity; `sorter: true` marks the ones the server can sort by. */
export function columnsFor(entity: ListEntity, t: TFunction): TableColumnsType<Row> {
  const owner = {
    title: t('list.owner'),
    dataIndex: 'ownerName',
    render: (v: string | null) => v ?? <Tag>{t('list.pool')}</Tag>,
  };
  const created = {
    title: t('list.createdAt'),
    dataIndex: 'createdAt',
    key: 'createdAt',
    sorter: true,
    render: (v: string) => new Date(v).toLocaleDateString(),
  };
  switch (entity) {
    case 'leads':
      return [
        { title: t('fields.leadName'), dataIndex: 'name', key: 'name', sorter: true },
        { title: t('fields.companyName'), dataIndex: 'companyName' },
        { title: t('fields.mobile'), dataIndex: 'mobile' },
        { title: t('fields.source'), dataIndex: 'source', render: (v: string) => t(`source.${v}`) },
        { title: t('fields.grade'), dataIndex: 'grade' },
        {
          title: t('fields.status'),
          dataIndex: 'status',
          render: (v: string) => <Tag>{t(`leadStatus.${v}`)}</Tag>,
        },
        owner,
        created,
      ];
    case 'accounts':
      return [
        { title: t('fields.name'), dataIndex: 'name', key: 'name', sorter: true },
        { title: t('fields.industry'), dataIndex: 'industry' },
        { title: t('fields.region'), dataIndex: 'region' },
        { title: t('fields.grade'), dataIndex: 'grade' },
        { title: t('fields.creditCode'), dataIndex: 'creditCode' },
        owner,
        created,
      ];
    case 'contacts':
      return [
        { title: t('fields.leadName'), dataIndex: 'name', key: 'name', sorter: true },
        { title: t('fields.title'), dataIndex: 'title' },
        { title: t('fields.mobile'), dataIndex: 'mobile' },
        owner,
        created,
      ];
    case 'deals':
      return [
        { title: t('fields.name'), dataIndex: 'name', key: 'name', sorter: true },
        {
          title: t('fields.amount'),
          dataIndex: 'amount',
          key: 'amount',
          sorter: true,
          align: 'right',
          render: (v: number, r: Row) => formatMoney(v, String(r.currency)),
        },
        {
          title: t('fields.stage'),
          dataIndex: 'stage',
          render: (v: string) => <Tag color="blue">{t(`stage.${v}`)}</Tag>,
        },
        {
          title: t('fields.expectedCloseDate'),
          dataIndex: 'expectedCloseDate',
          key: 'expectedCloseDate',
          sorter: true,
        },
        owner,
        created,
      ];
  }
}
