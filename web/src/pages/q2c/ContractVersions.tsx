import { useQuery } from '@tanstack/react-query';
import { Alert, Collapse, Descriptions, Empty, List, Space, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ContractVersion } from '../../api/types';
import { fmtDate, fmtTime, useUsers } from '../../lib';

/** The history of a contract: the original and each amendment (补充协议), newest first. */
export function ContractVersions({ contractId, current }: { contractId: string; current: number }) {
  const { t } = useTranslation();
  const users = useUsers();
  const versions = useQuery({
    queryKey: ['contract-versions', contractId],
    queryFn: () => api<{ items: ContractVersion[] }>('GET', `/api/contracts/${contractId}/versions`),
  });
  if (versions.isLoading) return <Spin />;
  if (versions.isError) return <Alert type="error" showIcon title={(versions.error as Error).message} />;
  const items = [...(versions.data?.items ?? [])].reverse();
  if (!items.length) return <Empty description={t('q2c.contracts.noVersions')} />;
  const nameOf = (id: string) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <Collapse
      defaultActiveKey={[String(current)]}
      data-testid="contract-versions"
      items={items.map((v) => ({
        key: String(v.number),
        label: (
          <Space wrap>
            <Tag data-value="">v{v.number}</Tag>
            <span>{v.number === 1 ? t('q2c.contracts.original') : t('q2c.contracts.amendment')}</span>
            {v.signedOn && <Tag color="blue">{t('q2c.contracts.statuses.signed')}</Tag>}
            <Typography.Text type="secondary" data-value="">
              {nameOf(v.createdBy)} · {fmtTime(v.createdAt)}
            </Typography.Text>
          </Space>
        ),
        children: (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
              <Descriptions.Item label={t('q2c.contracts.versionNote')}>
                <span data-value="">{v.note ?? ''}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('q2c.contracts.signedOn')}>
                <span data-value="">{fmtDate(v.signedOn)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('q2c.contracts.paymentTerms')} span={2}>
                <span data-value="">
                  {v.paymentTerms
                    .map((p) => `${p.name} ${p.percent}% (+${p.daysAfterSigning})`)
                    .join(t('common.listSep'))}
                </span>
              </Descriptions.Item>
            </Descriptions>
            <List
              size="small"
              dataSource={v.clauses}
              renderItem={(c) => (
                <List.Item>
                  <List.Item.Meta
                    title={<span data-value="">{c.title}</span>}
                    description={
                      <span data-value="" style={{ whiteSpace: 'pre-wrap' }}>
                        {c.body}
                      </span>
                    }
                  />
                </List.Item>
              )}
            />
          </Space>
        ),
      }))}
    />
  );
}
