import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Me } from '../api/types';
import { download } from '../components/admin/issues';
import { ImportPlaybookModal } from '../components/designer/ImportPlaybookModal';
import { PublishVersionModal } from '../components/designer/PublishVersionModal';
import { fmtTime, useLocalText } from '../lib';
import {
  type PlaybookSummary,
  type PlaybookVersionDetail,
  STATUS_COLOR,
  usePlaybooks,
} from './PlaybookDesignerPage';

const PROCESS_ORDER = ['lead', 'deal', 'order', 'ticket'];

/** 销售流程设计: each process's playbook with its versions (draft, published, retired). */
export function PlaybooksPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const lt = useLocalText();
  const navigate = useNavigate();
  const canEdit = me.user.role === 'admin' || me.user.role === 'sales_ops';
  const playbooks = usePlaybooks();
  const [importing, setImporting] = useState<PlaybookSummary | null>(null);
  const [publishing, setPublishing] = useState<{ pb: PlaybookSummary; id: string; number: number } | null>(
    null,
  );

  const exportYaml = async (pb: PlaybookSummary, id: string, number: number) => {
    const v = await api<PlaybookVersionDetail>('GET', `/api/playbook-versions/${id}`);
    download(`${pb.key}-v${number}.yaml`, v.yaml);
  };

  if (playbooks.isLoading) return <Skeleton active />;
  if (playbooks.error)
    return (
      <Alert type="error" showIcon title={t('list.error', { message: (playbooks.error as Error).message })} />
    );
  const items = [...(playbooks.data?.items ?? [])].sort(
    (a, b) => PROCESS_ORDER.indexOf(a.process) - PROCESS_ORDER.indexOf(b.process),
  );

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('admin.menu.playbooks')}
      </Typography.Title>
      {items.length === 0 && <Empty description={t('list.empty')} />}
      {items.map((pb) => (
        <Card
          key={pb.id}
          data-testid={`playbook-${pb.process}`}
          title={
            <Space wrap>
              <span>{lt(pb.title)}</span>
              <Tag>{t(`admin.process.${pb.process}`)}</Tag>
            </Space>
          }
          extra={
            canEdit && (
              <Button size="small" icon={<UploadOutlined />} onClick={() => setImporting(pb)}>
                {t('admin.playbooks.import')}
              </Button>
            )
          }
        >
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={pb.versions}
            locale={{ emptyText: t('list.empty') }}
            columns={[
              {
                title: t('admin.playbooks.version'),
                dataIndex: 'number',
                render: (n: number, v) => (
                  <Link to={`/playbooks/versions/${v.id}`}>
                    {t('admin.playbooks.versionN', { number: n })}
                  </Link>
                ),
              },
              {
                title: t('admin.playbooks.status'),
                dataIndex: 'status',
                render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`admin.versionStatus.${s}`)}</Tag>,
              },
              { title: t('admin.playbooks.notes'), dataIndex: 'notes', ellipsis: true },
              { title: t('list.createdAt'), dataIndex: 'createdAt', render: fmtTime },
              { title: t('admin.playbooks.publishedAt'), dataIndex: 'publishedAt', render: fmtTime },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, v) => (
                  <Space size={4} wrap>
                    <Button size="small" type="link" onClick={() => navigate(`/playbooks/versions/${v.id}`)}>
                      {canEdit ? t('admin.playbooks.edit') : t('admin.playbooks.view')}
                    </Button>
                    <Button
                      size="small"
                      type="link"
                      icon={<DownloadOutlined />}
                      onClick={() => exportYaml(pb, v.id, v.number)}
                    >
                      {t('admin.playbooks.export')}
                    </Button>
                    {canEdit && v.status === 'draft' && (
                      <Button
                        size="small"
                        type="link"
                        onClick={() => setPublishing({ pb, id: v.id, number: v.number })}
                      >
                        {t('admin.playbooks.publish')}
                      </Button>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      ))}
      {importing && (
        <ImportPlaybookModal
          playbookId={importing.id}
          title={lt(importing.title)}
          onClose={() => setImporting(null)}
          onImported={(id) => {
            setImporting(null);
            navigate(`/playbooks/versions/${id}`);
          }}
        />
      )}
      {publishing && (
        <PublishVersionModal
          versionId={publishing.id}
          versionNumber={publishing.number}
          publishedVersionId={publishing.pb.publishedVersionId}
          onClose={() => setPublishing(null)}
          onPublished={() => setPublishing(null)}
        />
      )}
    </Space>
  );
}
