import type { TableColumnsType } from 'antd';
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import type { RecordBase } from '../api/types';
import { fmtDate } from '../lib';

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

/** A user's data value (names, companies): marked so checks of the UI language can leave it out. */
const dv = (v: unknown) => (v === null || v === undefined ? null : <span data-value="">{String(v)}</span>);

/** Columns per entity; `sorter: true` marks the ones the server can sort by. */
export function columnsFor(entity: ListEntity, t: TFunction): TableColumnsType<Row> {
  const owner = {
    title: t('list.owner'),
    dataIndex: 'ownerName',
    render: (v: string | null) => (v ? dv(v) : <Tag>{t('list.pool')}</Tag>),
  };
  const created = {
    title: t('list.createdAt'),
    dataIndex: 'createdAt',
    key: 'createdAt',
    sorter: true,
    render: (v: string) => fmtDate(v),
  };
  switch (entity) {
    case 'leads':
      return [
        { title: t('fields.leadName'), dataIndex: 'name', key: 'name', sorter: true },
        { title: t('fields.companyName'), dataIndex: 'companyName', render: dv },
        { title: t('fields.mobile'), dataIndex: 'mobile', render: dv },
        { title: t('fields.source'), dataIndex: 'source', render: (v: string) => t(`source.${v}`) },
        { title: t('fields.grade'), dataIndex: 'grade', render: dv },
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
        { title: t('fields.industry'), dataIndex: 'industry', render: dv },
        { title: t('fields.region'), dataIndex: 'region', render: dv },
        { title: t('fields.grade'), dataIndex: 'grade', render: dv },
        { title: t('fields.creditCode'), dataIndex: 'creditCode', render: dv },
        owner,
        created,
      ];
    case 'contacts':
      return [
        { title: t('fields.leadName'), dataIndex: 'name', key: 'name', sorter: true },
        { title: t('fields.title'), dataIndex: 'title', render: dv },
        { title: t('fields.mobile'), dataIndex: 'mobile', render: dv },
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
