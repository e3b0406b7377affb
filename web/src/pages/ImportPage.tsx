import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Select, Space, Table, Tag } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
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
  validating: 'processing',
  invalid: 'red',
  validated: 'blue',
  running: 'processing',
  committed: 'green',
  failed: 'red',
  undone: 'default',
};
const JOB_STATUSES = Object.keys(JOB_COLOR);
type SortKey = 'createdAt' | 'fileName' | 'totalRows' | 'status' | 'entity';

interface JobPage {
  items: ImportJob[];
  total: number;
}

/** 导入: the wizard and the imports so far, paged, sorted and searched on the server. */
export function ImportPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const asked = params.get('entity') as ImportEntityPath | null;
  const entity = asked && IMPORT_ENTITY_PATHS.includes(asked) ? asked : 'leads';
  const [openJob, setOpenJob] = useState<string | undefined>(params.get('job') ?? undefined);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(10);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'createdAt', desc: true });
  const [filterEntity, setFilterEntity] = useState<string | undefined>();
  const [filterStatus, setFilterStatus] = useState<string | undefined>();
  const [q, setQ] = useState('');

  const query = new URLSearchParams({
    limit: String(pageSize),
    offset: String((page - 1) * pageSize),
    sort: `${sort.desc ? '-' : ''}${sort.key}`,
  });
  if (filterEntity) query.set('entity', filterEntity);
  if (filterStatus) query.set('status', filterStatus);
  if (q) query.set('q', q);
  const jobs = useQuery({
    queryKey: ['imports', query.toString()],
    queryFn: () => api<JobPage>('GET', `/api/imports?${query}`),
    placeholderData: keepPreviousData,
  });
  const sortOrder = (key: SortKey) =>
    sort.key === key ? (sort.desc ? ('descend' as const) : ('ascend' as const)) : null;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <ImportWizard
        key={`${entity}:${openJob ?? ''}`}
        initialEntity={entity}
        initialJobId={openJob}
        onChanged={() => jobs.refetch()}
      />
      <Card
        title={t('ops.import.history')}
        extra={
          <Space wrap>
            <Input.Search
              allowClear
              placeholder={t('ops.import.searchFile')}
              style={{ width: 200 }}
              maxLength={100}
              onSearch={(v) => {
                setQ(v.trim());
                setPage(1);
              }}
              data-testid="import-history-search"
            />
            <Select
              allowClear
              style={{ width: 140 }}
              placeholder={t('ops.import.allEntities')}
              value={filterEntity}
              onChange={(v?: string) => {
                setFilterEntity(v);
                setPage(1);
              }}
              options={IMPORT_ENTITY_PATHS.map((e) => ({ value: e, label: t(`ops.import.entities.${e}`) }))}
              data-testid="import-history-entity"
            />
            <Select
              allowClear
              style={{ width: 140 }}
              placeholder={t('ops.import.allStatuses')}
              value={filterStatus}
              onChange={(v?: string) => {
                setFilterStatus(v);
                setPage(1);
              }}
              options={JOB_STATUSES.map((s) => ({ value: s, label: t(`ops.import.jobStatus.${s}`) }))}
              data-testid="import-history-status"
            />
          </Space>
        }
      >
        {jobs.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('ops.import.historyError', { message: (jobs.error as Error).message })}
            action={
              <Button size="small" onClick={() => jobs.refetch()} data-testid="import-history-retry">
                {t('ops.import.retry')}
              </Button>
            }
            data-testid="import-history-error"
          />
        )}
        <Table
          size="small"
          rowKey="id"
          loading={jobs.isFetching}
          dataSource={jobs.data?.items ?? []}
          scroll={{ x: true }}
          data-testid="import-history"
          pagination={{
            current: page,
            pageSize,
            total: jobs.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50],
            hideOnSinglePage: false,
          }}
          onChange={(pagination, _filters, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<ImportJob> | undefined;
            const key = (s?.order ? s.columnKey : undefined) as SortKey | undefined;
            const nextSort = key
              ? { key, desc: s?.order === 'descend' }
              : { key: 'createdAt' as const, desc: true };
            if (nextSort.key !== sort.key || nextSort.desc !== sort.desc) {
              setSort(nextSort);
              setPage(1);
            } else setPage(pagination.current ?? 1);
            setPageSize(pagination.pageSize ?? 10);
          }}
          locale={{ emptyText: t('ops.import.noHistory') }}
          columns={[
            {
              title: t('ops.import.file'),
              dataIndex: 'fileName',
              key: 'fileName',
              sorter: true,
              sortOrder: sortOrder('fileName'),
            },
            {
              title: t('ops.import.entity'),
              dataIndex: 'entity',
              key: 'entity',
              sorter: true,
              sortOrder: sortOrder('entity'),
              render: (e: string) => t(`menu.${e}`, { defaultValue: e }),
            },
            {
              title: t('ops.import.status'),
              dataIndex: 'status',
              key: 'status',
              sorter: true,
              sortOrder: sortOrder('status'),
              render: (s: string) => <Tag color={JOB_COLOR[s]}>{t(`ops.import.jobStatus.${s}`)}</Tag>,
            },
            {
              title: t('ops.import.rowsSummary'),
              key: 'totalRows',
              sorter: true,
              sortOrder: sortOrder('totalRows'),
              render: (_: unknown, j: ImportJob) =>
                t('ops.import.countsShort', {
                  total: j.counts.total,
                  created: j.counts.created,
                  rejected: j.counts.rejected,
                }),
            },
            {
              title: t('ops.common.time'),
              dataIndex: 'createdAt',
              key: 'createdAt',
              sorter: true,
              sortOrder: sortOrder('createdAt'),
              render: fmtTime,
            },
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
