import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Input, Popconfirm, Select, Space, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { Me } from '../api/types';
import {
  type AutomationRule,
  AutomationRuleDrawer,
  RECORD_TYPES,
  TRIGGER_EVENTS,
} from '../components/admin/AutomationRuleDrawer';
import { AutomationRunsDrawer } from '../components/admin/AutomationRunsDrawer';
import { DryRunModal } from '../components/admin/DryRunModal';
import { ListError, ListPager, useServerList } from '../components/ServerListPage';
import { fmtTime } from '../lib';

/** 自动化规则: list, create/edit, pause/activate, delete, dry run and run log. */
export function AutomationRulesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const canEdit = me.user.role === 'admin' || me.user.role === 'sales_ops';
  const [editing, setEditing] = useState<AutomationRule | null | 'new'>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [runsOf, setRunsOf] = useState<AutomationRule | null>(null);
  const [event, setEvent] = useState<string | undefined>();
  const [recordType, setRecordType] = useState<string | undefined>();
  // Search, filters, sort and pages all on the server.
  const state = useServerList<AutomationRule>({
    queryKey: ['automation-rules'],
    path: '/api/automation-rules',
    defaultSort: 'createdAt',
    sortable: ['name', 'updatedAt', 'createdAt'],
    params: { event, recordType },
  });
  const rules = state.list;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['automation-rules'] });
  const failed = (err: unknown) => {
    message.error(err instanceof ApiError ? err.message : String(err));
    void refresh();
  };
  const setStatus = async (rule: AutomationRule, active: boolean) => {
    try {
      await api(
        'PATCH',
        `/api/automation-rules/${rule.id}`,
        { status: active ? 'active' : 'paused' },
        { ifMatch: rule.version },
      );
      message.success(active ? t('admin.rules.activated') : t('admin.rules.paused'));
      await refresh();
    } catch (err) {
      failed(err);
    }
  };
  const remove = async (rule: AutomationRule) => {
    try {
      await api('DELETE', `/api/automation-rules/${rule.id}`, undefined, { ifMatch: rule.version });
      message.success(t('admin.deleted'));
      await refresh();
    } catch (err) {
      failed(err);
    }
  };
  const filtered = state.filtered || !!event || !!recordType;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('admin.menu.automation')}
        </Typography.Title>
        {canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('admin.rules.create')}
          </Button>
        )}
      </Space>
      <Space wrap>
        <Input.Search
          allowClear
          placeholder={t('admin.rules.search')}
          value={state.search}
          onChange={(e) => state.setSearch(e.target.value)}
          style={{ width: 220 }}
          data-testid="rule-search"
        />
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t('admin.rules.event')}
          value={event}
          onChange={(v) => {
            setEvent(v);
            state.setPage(0);
          }}
          options={TRIGGER_EVENTS.map((e) => ({ value: e, label: t(`admin.events.${e}`) }))}
          data-testid="rule-event-filter"
        />
        <Select
          allowClear
          style={{ width: 140 }}
          placeholder={t('admin.rules.recordType')}
          value={recordType}
          onChange={(v) => {
            setRecordType(v);
            state.setPage(0);
          }}
          options={RECORD_TYPES.map((r) => ({ value: r, label: t(`admin.recordTypes.${r}`) }))}
        />
        <Select
          allowClear
          style={{ width: 140 }}
          placeholder={t('admin.rules.status')}
          value={state.filter}
          onChange={state.setFilter}
          options={(['active', 'paused'] as const).map((s) => ({
            value: s,
            label: t(`admin.ruleStatus.${s}`),
          }))}
          data-testid="rule-status-filter"
        />
      </Space>
      {rules.isError && <ListError error={rules.error} onRetry={() => rules.refetch()} />}
      <Table<AutomationRule>
        rowKey="id"
        size="middle"
        loading={rules.isFetching}
        dataSource={rules.data?.items ?? []}
        onChange={state.onTableChange}
        scroll={{ x: 'max-content' }}
        pagination={false}
        locale={{ emptyText: filtered ? t('list.noMatch') : t('admin.rules.empty') }}
        data-testid="rule-table"
        columns={state.withSort([
          { title: t('admin.rules.name'), dataIndex: 'name', key: 'name' },
          {
            title: t('admin.rules.when'),
            key: 'trigger',
            render: (_, r) =>
              `${t(`admin.recordTypes.${r.trigger.recordType}`)} · ${t(`admin.events.${r.trigger.event}`)}${r.trigger.stageKey ? ` (${r.trigger.stageKey})` : ''}`,
          },
          {
            title: t('admin.rules.thenDo'),
            key: 'actions',
            render: (_, r) =>
              r.actions.map((a) => t(`admin.actionTypes.${a.type}`)).join(t('common.listSep')),
          },
          {
            title: t('admin.rules.status'),
            dataIndex: 'status',
            render: (s: string, r) => (
              <Switch
                checked={s === 'active'}
                disabled={!canEdit}
                checkedChildren={t('admin.ruleStatus.active')}
                unCheckedChildren={t('admin.ruleStatus.paused')}
                onChange={(on) => setStatus(r, on)}
              />
            ),
          },
          { title: t('admin.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', render: fmtTime },
          {
            title: t('common.actions'),
            key: 'ops',
            render: (_, r) => (
              <Space size={0} wrap>
                {canEdit && (
                  <Button type="link" size="small" onClick={() => setEditing(r)}>
                    {t('admin.edit')}
                  </Button>
                )}
                <Button type="link" size="small" onClick={() => setTesting(r.id)}>
                  {t('admin.rules.dryRun')}
                </Button>
                <Button type="link" size="small" onClick={() => setRunsOf(r)}>
                  {t('admin.rules.runs')}
                </Button>
                {canEdit && (
                  <Popconfirm
                    title={t('admin.rules.confirmDelete', { name: r.name })}
                    okText={t('admin.delete')}
                    okButtonProps={{ danger: true }}
                    cancelText={t('common.cancel')}
                    onConfirm={() => remove(r)}
                  >
                    <Button type="link" size="small" danger>
                      {t('admin.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ])}
      />
      <ListPager state={state} />
      {editing && (
        <AutomationRuleDrawer
          rule={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => setEditing(null)}
        />
      )}
      {testing && <DryRunModal ruleId={testing} onClose={() => setTesting(null)} />}
      {runsOf && (
        <AutomationRunsDrawer ruleId={runsOf.id} name={runsOf.name} onClose={() => setRunsOf(null)} />
      )}
    </Space>
  );
}
