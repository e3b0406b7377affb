import { useQuery } from '@tanstack/react-query';
import { Alert, Empty, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { fmtTime, useUsers } from '../lib';
import { formatFen } from '../money';

interface Version {
  number: number;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  totals: { grossAmount: number; netAmount: number };
  lines: Array<{ productId: string; spec: string | null; productName: string; sku: string }>;
}
interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}
interface Diff {
  from: number;
  to: number;
  added: Array<Record<string, unknown> & { productId: string; spec?: string | null }>;
  removed: Array<Record<string, unknown> & { productId: string; spec?: string | null }>;
  changed: Array<{ key: string; changes: FieldChange[] }>;
  terms: FieldChange[];
}

const MONEY_FIELDS = new Set(['unitPrice', 'listPrice', 'unitCost', 'grossAmount']);

/** 报价版本: every version of a quote, and what changed between two of them. */
export function QuoteVersions({ quoteId }: { quoteId: string }) {
  const { t } = useTranslation();
  const users = useUsers();
  const versions = useQuery({
    queryKey: ['quote-versions', quoteId],
    queryFn: () => api<{ items: Version[] }>('GET', `/api/quotes/${quoteId}/versions`),
  });
  const items = versions.data?.items ?? [];
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  const latest = items[items.length - 1]?.number;
  const previous = items[items.length - 2]?.number;
  // Compare the two newest versions until the user picks others.
  useEffect(() => {
    if (latest !== undefined && previous !== undefined) {
      setFrom(previous);
      setTo(latest);
    }
  }, [latest, previous]);
  const diff = useQuery({
    queryKey: ['quote-diff', quoteId, from, to],
    enabled: from !== undefined && to !== undefined && from !== to,
    queryFn: () => api<Diff>('GET', `/api/quotes/${quoteId}/diff?from=${from}&to=${to}`),
  });
  const productName = (productId: string) => {
    for (const v of items) {
      const l = v.lines.find((x) => x.productId === productId);
      if (l) return `${l.productName} (${l.sku})`;
    }
    return productId;
  };
  const show = (field: string, v: unknown) =>
    v === null || v === undefined || v === ''
      ? '—'
      : MONEY_FIELDS.has(field) && typeof v === 'number'
        ? formatFen(v)
        : String(v);
  const fieldName = (f: string) => t(`ops.quotes.diffField.${f}`, { defaultValue: f });
  if (versions.isLoading) return <Spin />;
  if (versions.isError) return <Alert type="error" showIcon title={(versions.error as Error).message} />;
  const options = items.map((v) => ({ value: v.number, label: `v${v.number}` }));
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Table
        size="small"
        rowKey="number"
        pagination={false}
        dataSource={items}
        scroll={{ x: 560 }}
        columns={[
          { title: t('ops.quotes.version'), dataIndex: 'number', render: (n: number) => `v${n}` },
          {
            title: t('ops.quotes.gross'),
            key: 'g',
            align: 'right' as const,
            render: (_: unknown, v: Version) => formatFen(v.totals.grossAmount),
          },
          { title: t('ops.quotes.versionNote'), dataIndex: 'note' },
          {
            title: t('ops.quotes.by'),
            dataIndex: 'createdBy',
            render: (u: string | null) => users.data?.items.find((x) => x.id === u)?.name ?? '',
          },
          { title: t('ops.common.time'), dataIndex: 'createdAt', render: fmtTime },
        ]}
      />
      {items.length < 2 ? (
        <Typography.Text type="secondary">{t('ops.quotes.oneVersion')}</Typography.Text>
      ) : (
        <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="quote-diff">
          <Space wrap>
            <Typography.Text>{t('ops.quotes.compare')}</Typography.Text>
            <Select value={from} onChange={setFrom} options={options} style={{ width: 90 }} />
            <span>→</span>
            <Select value={to} onChange={setTo} options={options} style={{ width: 90 }} />
          </Space>
          {diff.isError && <Alert type="error" showIcon title={(diff.error as Error).message} />}
          {diff.data &&
            (diff.data.added.length +
              diff.data.removed.length +
              diff.data.changed.length +
              diff.data.terms.length ===
            0 ? (
              <Empty description={t('ops.quotes.noChanges')} />
            ) : (
              <Space orientation="vertical" size={4}>
                {diff.data.added.map((l) => (
                  <Typography.Text key={`a${l.productId}${l.spec ?? ''}`}>
                    <Tag color="green">{t('ops.quotes.added')}</Tag>
                    {productName(l.productId)} × {String(l.quantity)}
                  </Typography.Text>
                ))}
                {diff.data.removed.map((l) => (
                  <Typography.Text key={`r${l.productId}${l.spec ?? ''}`}>
                    <Tag color="red">{t('ops.quotes.removed')}</Tag>
                    {productName(l.productId)} × {String(l.quantity)}
                  </Typography.Text>
                ))}
                {diff.data.changed.map((c) => (
                  <Typography.Text key={`c${c.key}`}>
                    <Tag color="orange">{t('ops.quotes.changed')}</Tag>
                    {productName(c.key.split('|')[0]!)}:{' '}
                    {c.changes
                      .map(
                        (ch) =>
                          `${fieldName(ch.field)} ${show(ch.field, ch.from)} → ${show(ch.field, ch.to)}`,
                      )
                      .join('；')}
                  </Typography.Text>
                ))}
                {diff.data.terms.map((ch) => (
                  <Typography.Text key={`t${ch.field}`}>
                    <Tag color="blue">{t('ops.quotes.terms')}</Tag>
                    {fieldName(ch.field)}: {show(ch.field, ch.from)} → {show(ch.field, ch.to)}
                  </Typography.Text>
                ))}
              </Space>
            ))}
        </Space>
      )}
    </Space>
  );
}
