import { DeleteOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Dropdown,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Me, Page, RecordBase } from '../api/types';
import { CreateLeadDrawer } from '../components/CreateLeadDrawer';
import { CreateRecordDrawer } from '../components/CreateRecordDrawer';
import { ListTools } from '../components/ListTools';
import { isTransferRole, useDebounced, useUsers } from '../lib';
import { columnsFor, type ListEntity } from './recordColumns';
import {
  ACCOUNT_SIZES,
  DEAL_STAGES,
  DECISION_ROLES,
  GRADES,
  LEAD_SOURCES,
  LEAD_STATUSES,
} from './recordFields';
import { type SavedView, useSavedViews } from './useSavedViews';

type Row = RecordBase & Record<string, unknown>;
type Filters = Record<string, string[]>;

interface FilterSpec {
  key: string;
  prefix?: string;
  values?: readonly string[];
}

/** The filters each list offers; `ownerId` picks from the tenant's users. */
const FILTERS: Record<ListEntity, FilterSpec[]> = {
  leads: [
    { key: 'status', prefix: 'leadStatus', values: LEAD_STATUSES },
    { key: 'source', prefix: 'source', values: LEAD_SOURCES },
    { key: 'grade', values: GRADES },
    { key: 'ownerId' },
  ],
  accounts: [
    { key: 'grade', values: GRADES },
    { key: 'size', prefix: 'size', values: ACCOUNT_SIZES },
    { key: 'source', prefix: 'source', values: LEAD_SOURCES },
    { key: 'ownerId' },
  ],
  contacts: [{ key: 'decisionRole', prefix: 'decisionRole', values: DECISION_ROLES }, { key: 'ownerId' }],
  deals: [
    { key: 'stage', prefix: 'stage', values: DEAL_STAGES },
    { key: 'status', prefix: 'dealStatus', values: ['open', 'won', 'lost'] },
    { key: 'ownerId' },
  ],
};

/** A server-side list: search (pinyin works), filters, saved views, sorting, cursor pages, bulk assign, pool claim. */
export function RecordListPage({ entity, me }: { entity: ListEntity; me: Me }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState('-createdAt');
  const [scope, setScope] = useState<'all' | 'pool'>('all');
  const [filters, setFilters] = useState<Filters>({});
  const { views, error: viewsError, create: createView, remove: removeView } = useSavedViews(entity);
  const [selected, setSelected] = useState<Row[]>([]);
  const [assigning, setAssigning] = useState(false);
  const [creating, setCreating] = useState(false);
  const [assignForm] = Form.useForm<{ toOwnerId: string; reason?: string }>();
  const q = useDebounced(search, 300);
  const hasPool = entity === 'leads' || entity === 'accounts';
  const canTransfer = isTransferRole(me.user.role);

  const query = useInfiniteQuery({
    queryKey: ['list', entity, q, sort, scope, filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '50', sort, includeTotal: 'true' });
      if (q) params.set('q', q);
      if (pageParam) params.set('cursor', pageParam);
      if (hasPool) params.set('pool', scope === 'pool' ? 'only' : 'exclude');
      for (const [k, v] of Object.entries(filters)) if (v.length) params.set(k, v.join(','));
      return api<Page<Row>>('GET', `/api/${entity}?${params}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const total = query.data?.pages[0]?.total;

  const onChange = (_p: unknown, _f: unknown, sorter: SorterResult<Row> | SorterResult<Row>[]) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    if (!s?.order || !s.columnKey) setSort('-createdAt');
    else setSort(`${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}`);
  };

  const saveView = () => {
    let name = '';
    modal.confirm({
      title: t('views.saveTitle'),
      content: (
        <Input autoFocus maxLength={40} onChange={(e) => (name = e.target.value)} data-testid="view-name" />
      ),
      okText: t('common.save'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        const n = name.trim();
        if (!n) {
          message.warning(t('views.nameRequired'));
          throw new Error('empty');
        }
        try {
          await createView(n, { search, sort, scope, filters });
        } catch (err) {
          // The dialog stays open for another name.
          message.error(
            err instanceof ApiError && err.field === 'name'
              ? t('views.nameTaken', { name: n })
              : (err as Error).message,
          );
          throw err;
        }
        message.success(t('views.saved', { name: n }));
      },
    });
  };
  const deleteView = (v: SavedView) =>
    modal.confirm({
      title: t('views.deleteConfirm', { name: v.name }),
      okText: t('views.delete'),
      okButtonProps: { danger: true, 'data-testid': 'view-delete-ok' } as never,
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await removeView(v.id);
          message.success(t('views.deleted', { name: v.name }));
        } catch (err) {
          message.error((err as Error).message);
        }
      },
    });
  const clearViews = async () => {
    const failed: string[] = [];
    for (const v of views) {
      try {
        await removeView(v.id);
      } catch (err) {
        failed.push(`${v.name}: ${(err as Error).message}`);
      }
    }
    if (failed.length)
      modal.warning({ title: t('views.clearFailed', { count: failed.length }), content: failed.join('\n') });
  };
  const applyView = ({ definition: d }: SavedView) => {
    setSearch(d.search);
    setSort(d.sort);
    setScope(hasPool ? d.scope : 'all');
    setFilters(d.filters);
  };

  const claim = async (row: Row) => {
    try {
      await api('POST', `/api/${entity}/${row.id}/claim`);
      message.success(t('pool.claimed'));
    } catch (err) {
      message.error((err as Error).message);
    }
    await queryClient.invalidateQueries({ queryKey: ['list', entity] });
  };

  const bulkAssign = async () => {
    const { toOwnerId, reason } = await assignForm.validateFields();
    let ok = 0;
    const failed: string[] = [];
    for (const row of selected) {
      try {
        await api(
          'POST',
          `/api/${entity}/${row.id}/transfer`,
          { toOwnerId, ...(reason ? { reason } : {}) },
          { ifMatch: row.version },
        );
        ok++;
      } catch (err) {
        failed.push(
          `${String(row.name)}: ${err instanceof ApiError && err.status === 412 ? t('record.conflict') : (err as Error).message}`,
        );
      }
    }
    setAssigning(false);
    setSelected([]);
    if (failed.length)
      modal.warning({ title: t('bulk.partial', { ok, failed: failed.length }), content: failed.join('\n') });
    else message.success(t('bulk.done', { count: ok }));
    await queryClient.invalidateQueries({ queryKey: ['list', entity] });
  };

  const userOptions = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  const columns = columnsFor(entity, t).map((c) =>
    (c as { dataIndex?: string }).dataIndex === 'name'
      ? {
          ...c,
          render: (v: string, r: Row) => (
            <Link to={`/${entity}/${r.id}`} data-value="">
              {v}
            </Link>
          ),
        }
      : c,
  );
  if (hasPool && scope === 'pool') {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, r: Row) => (
        <Button size="small" type="link" onClick={() => claim(r)} data-testid="pool-claim">
          {t('pool.claim')}
        </Button>
      ),
    });
  }

  return (
    <Card
      title={t(`menu.${entity}`)}
      extra={
        <Space wrap>
          {total !== undefined && (
            <Typography.Text type="secondary">{t('list.total', { count: total })}</Typography.Text>
          )}
          {entity === 'leads' && me.user.role !== 'viewer' && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="create-lead">
              {t('lead.create')}
            </Button>
          )}
          {entity !== 'leads' && me.user.role !== 'viewer' && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="create-record">
              {t(`create.new.${entity}`)}
            </Button>
          )}
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('list.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 260, maxWidth: '100%' }}
          data-testid="list-search"
        />
        {hasPool && (
          <Segmented
            value={scope}
            onChange={(v) => {
              setScope(v as 'all' | 'pool');
              setSelected([]);
            }}
            options={[
              { label: t(`menu.${entity}`), value: 'all' },
              { label: t('list.pool'), value: 'pool' },
            ]}
            data-testid="pool-switch"
          />
        )}
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              ...views.map((v) => ({
                key: `view:${v.id}`,
                label: (
                  <Space data-testid="view-item">
                    <span data-value="">{v.name}</span>
                    <DeleteOutlined
                      aria-label={t('views.delete')}
                      data-testid="view-delete"
                      onClick={(e) => {
                        e.stopPropagation();
                        deleteView(v);
                      }}
                    />
                  </Space>
                ),
              })),
              ...(viewsError
                ? [
                    {
                      key: 'error',
                      disabled: true,
                      danger: true,
                      label: t('list.error', { message: viewsError.message }),
                    },
                  ]
                : []),
              ...(views.length || viewsError ? [{ type: 'divider' as const }] : []),
              { key: 'save', label: t('views.save') },
              ...(views.length ? [{ key: 'clear', label: t('views.clear'), danger: true }] : []),
            ],
            onClick: ({ key }) => {
              if (key === 'save') saveView();
              else if (key === 'clear')
                modal.confirm({
                  title: t('views.clearConfirm', { count: views.length }),
                  okText: t('views.clear'),
                  okButtonProps: { danger: true },
                  cancelText: t('common.cancel'),
                  onOk: clearViews,
                });
              else {
                const v = views.find((x) => `view:${x.id}` === key);
                if (v) applyView(v);
              }
            },
          }}
        >
          <Button data-testid="views">{t('views.title')}</Button>
        </Dropdown>
        <ListTools
          entity={entity}
          q={q}
          sort={sort}
          pool={hasPool ? (scope === 'pool' ? 'only' : 'exclude') : undefined}
          filters={filters}
          canImport={me.user.role !== 'viewer'}
        />
      </Space>
      <Space wrap style={{ marginBottom: 12 }} data-testid="filters">
        {FILTERS[entity].map((f) => (
          <Select
            key={f.key}
            mode="multiple"
            allowClear
            maxTagCount={1}
            style={{ minWidth: 150 }}
            placeholder={t(f.key === 'ownerId' ? 'list.owner' : `fields.${f.key}`)}
            value={filters[f.key] ?? []}
            onChange={(v: string[]) => setFilters((old) => ({ ...old, [f.key]: v }))}
            options={
              f.key === 'ownerId'
                ? userOptions
                : f.values!.map((v) => ({ value: v, label: f.prefix ? t(`${f.prefix}.${v}`) : v }))
            }
            showSearch={f.key === 'ownerId' ? { optionFilterProp: 'label' } : undefined}
            data-testid={`filter-${f.key}`}
          />
        ))}
        {Object.values(filters).some((v) => v.length) && (
          <Button type="link" onClick={() => setFilters({})}>
            {t('list.clearFilters')}
          </Button>
        )}
      </Space>
      {canTransfer && selected.length > 0 && (
        <Alert
          type="info"
          style={{ marginBottom: 12 }}
          message={t('bulk.selected', { count: selected.length })}
          action={
            <Button
              size="small"
              type="primary"
              onClick={() => {
                assignForm.resetFields();
                setAssigning(true);
              }}
              data-testid="bulk-assign"
            >
              {t('bulk.assign')}
            </Button>
          }
        />
      )}
      {query.error && (
        <Alert
          type="error"
          showIcon
          message={t('list.error', { message: (query.error as Error).message })}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<Row>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={query.isLoading}
        pagination={false}
        onChange={onChange}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('list.empty') }}
        rowSelection={
          canTransfer
            ? {
                selectedRowKeys: selected.map((r) => r.id),
                onChange: (_keys, rs) => setSelected(rs),
              }
            : undefined
        }
      />
      {query.hasNextPage && (
        <Button
          block
          style={{ marginTop: 16 }}
          loading={query.isFetchingNextPage}
          onClick={() => query.fetchNextPage()}
        >
          {t('list.loadMore')}
        </Button>
      )}
      <Modal
        open={assigning}
        title={t('bulk.assignTitle', { count: selected.length })}
        okText={t('bulk.assign')}
        cancelText={t('common.cancel')}
        onOk={bulkAssign}
        onCancel={() => setAssigning(false)}
        destroyOnHidden
      >
        <Form form={assignForm} layout="vertical" preserve={false}>
          <Form.Item
            name="toOwnerId"
            label={t('bulk.toOwner')}
            rules={[{ required: true, message: t('form.required', { field: t('bulk.toOwner') }) }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={userOptions}
              data-testid="assign-owner"
            />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('bulk.reason')}
            rules={[{ max: 500, message: t('form.tooLong', { max: 500 }) }]}
          >
            <Input.TextArea autoSize={{ minRows: 2 }} />
          </Form.Item>
        </Form>
      </Modal>
      {entity === 'leads' ? (
        <CreateLeadDrawer open={creating} onClose={() => setCreating(false)} canAssign={canTransfer} />
      ) : (
        <CreateRecordDrawer entity={entity} open={creating} onClose={() => setCreating(false)} />
      )}
    </Card>
  );
}
