import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Input,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
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
  const [q, setQ] = useState('');
  const [event, setEvent] = useState<string | undefined>();
  const [recordType, setRecordType] = useState<string | undefined>();
  const rules = useQuery({
    queryKey: ['automation-rules'],
    queryFn: () => api<{ items: AutomationRule[] }>('GET', '/api/automation-rules'),
  });
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
  // The API lists every rule of the company at once (a few dozen at most): filtered here.
  const needle = q.trim().toLowerCase();
  const rows = (rules.data?.items ?? []).filter(
    (r) =>
      (!needle || r.name.toLowerCase().includes(needle)) &&
      (!event || r.trigger.event === event) &&
      (!recordType || r.trigger.recordType === recordType),
  );

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
          onChange={(e) => setQ(e.target.value)}
          style={{ width: 220 }}
        />
        <Select
          allowClear
          style={{ width: 180 }}
          placeholder={t('admin.rules.event')}
          value={event}
          onChange={setEvent}
          options={TRIGGER_EVENTS.map((e) => ({ value: e, label: t(`admin.events.${e}`) }))}
        />
        <Select
          allowClear
          style={{ width: 140 }}
          placeholder={t('admin.rules.recordType')}
          value={recordType}
          onChange={setRecordType}
          options={RECORD_TYPES.map((r) => ({ value: r, label: t(`admin.recordTypes.${r}`) }))}
        />
      </Space>
      {rules.error && (
        <Alert type="error" showIcon title={t('list.error', { message: (rules.error as Error).message })} />
      )}
      <Table
        rowKey="id"
        size="middle"
        loading={rules.isLoading}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('admin.rules.empty') }}
        columns={[
          { title: t('admin.rules.name'), dataIndex: 'name', sorter: (a, b) => a.name.localeCompare(b.name) },
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
          { title: t('admin.updatedAt'), dataIndex: 'updatedAt', render: fmtTime },
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
        ]}
      />
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
