import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import {
  IMPORT_ENTITY_PATHS,
  type ImportEntityPath,
  type ImportJob,
  ImportWizard,
} from '../components/ImportWizard';
import { fmtTime } from '../lib';

const JOB_COLOR: Record<string, string> = {
  validated: 'blue',
  running: 'processing',
  committed: 'green',
  failed: 'red',
  undone: 'default',
};

/** 导入: the wizard and my recent imports (all of the company's for admins and sales ops). */
export function ImportPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const asked = params.get('entity') as ImportEntityPath | null;
  const entity = asked && IMPORT_ENTITY_PATHS.includes(asked) ? asked : 'leads';
  const [openJob, setOpenJob] = useState<string | undefined>(params.get('job') ?? undefined);
  const jobs = useQuery({
    queryKey: ['imports'],
    queryFn: () => api<{ items: ImportJob[] }>('GET', '/api/imports'),
  });
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <ImportWizard
        key={`${entity}:${openJob ?? ''}`}
        initialEntity={entity}
        initialJobId={openJob}
        onChanged={() => jobs.refetch()}
      />
      <Card title={t('ops.import.history')}>
        {jobs.isError && <Alert type="error" showIcon title={(jobs.error as Error).message} />}
        <Table
          size="small"
          rowKey="id"
          loading={jobs.isLoading}
          dataSource={jobs.data?.items ?? []}
          scroll={{ x: true }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('ops.import.noHistory') }}
          columns={[
            { title: t('ops.import.file'), dataIndex: 'fileName' },
            {
              title: t('ops.import.entity'),
              dataIndex: 'entity',
              render: (e: string) => t(`menu.${e}`, { defaultValue: e }),
            },
            {
              title: t('ops.import.status'),
              dataIndex: 'status',
              render: (s: string) => <Tag color={JOB_COLOR[s]}>{t(`ops.import.jobStatus.${s}`)}</Tag>,
            },
            {
              title: t('ops.import.rowsSummary'),
              key: 'counts',
              render: (_: unknown, j: ImportJob) =>
                t('ops.import.countsShort', {
                  total: j.counts.total,
                  created: j.counts.created,
                  rejected: j.counts.rejected,
                }),
            },
            { title: t('ops.common.time'), dataIndex: 'createdAt', render: fmtTime },
            {
              title: t('common.actions'),
              key: 'open',
              render: (_: unknown, j: ImportJob) => (
                <Button size="small" type="link" onClick={() => setOpenJob(j.id)}>
                  {t('ops.common.open')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
