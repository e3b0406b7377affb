import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Skeleton,
  Space,
  Tag,
  Tree,
  Typography,
} from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useUsers } from '../../lib';
import { applyIssues, type Problem } from './issues';

export interface OrgUnit {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  managerId: string | null;
  managerName: string | null;
  version: number;
}

const UNIT_KINDS = ['company', 'region', 'team', 'product', 'customer_type', 'other'] as const;

export function useOrgUnits() {
  return useQuery({
    queryKey: ['org-units'],
    queryFn: () => api<{ items: OrgUnit[] }>('GET', '/api/org-units'),
  });
}

function UnitModal({
  unit,
  units,
  onClose,
}: {
  unit: OrgUnit | null;
  units: OrgUnit[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const submit = async () => {
    setProblems([]);
    let v: { name: string; kind: string; parentId?: string | null; managerId?: string | null };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body = { name: v.name, kind: v.kind, parentId: v.parentId ?? null, managerId: v.managerId ?? null };
    setBusy(true);
    try {
      if (unit) await api('PATCH', `/api/org-units/${unit.id}`, body, { ifMatch: unit.version });
      else await api('POST', '/api/org-units', body);
      message.success(t('admin.saved'));
      await queryClient.invalidateQueries({ queryKey: ['org-units'] });
      onClose();
    } catch (err) {
      setProblems(applyIssues(form, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={unit ? t('admin.units.edit') : t('admin.units.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={unit ?? { kind: 'team' }}>
        <Form.Item
          name="name"
          label={t('admin.units.name')}
          rules={[{ required: true, whitespace: true, message: t('admin.form.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="kind" label={t('admin.units.kind')} rules={[{ required: true }]}>
          <Select options={UNIT_KINDS.map((k) => ({ value: k, label: t(`admin.unitKinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="parentId" label={t('admin.units.parent')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={units.filter((u) => u.id !== unit?.id).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item name="managerId" label={t('admin.units.manager')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
      </Form>
      {problems.length > 0 && (
        <Alert type="error" showIcon title={problems.map((p) => p.message).join('; ')} />
      )}
    </Modal>
  );
}

/** The org-unit tree (company → region → team) with managers. */
export function OrgUnitTree({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const [editing, setEditing] = useState<OrgUnit | 'new' | null>(null);
  if (units.isLoading) return <Skeleton active />;
  if (units.error)
    return (
      <Alert type="error" showIcon title={t('list.error', { message: (units.error as Error).message })} />
    );
  const items = units.data?.items ?? [];
  const ids = new Set(items.map((u) => u.id));
  const build = (parentId: string | null): DataNode[] =>
    items
      .filter((u) => (parentId === null ? !u.parentId || !ids.has(u.parentId) : u.parentId === parentId))
      .map((u) => ({
        key: u.id,
        title: (
          <Space wrap size={4}>
            <Typography.Text strong>{u.name}</Typography.Text>
            <Tag>{t(`admin.unitKinds.${u.kind}`)}</Tag>
            <Typography.Text type="secondary">
              {t('admin.units.manager')}：{u.managerName ?? t('admin.units.noManager')}
            </Typography.Text>
            {canEdit && (
              <Button type="link" size="small" onClick={() => setEditing(u)}>
                {t('admin.edit')}
              </Button>
            )}
          </Space>
        ),
        children: build(u.id),
      }));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {canEdit && (
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('admin.units.create')}
        </Button>
      )}
      {items.length === 0 ? (
        <Empty description={t('list.empty')} />
      ) : (
        <Tree treeData={build(null)} defaultExpandAll selectable={false} blockNode />
      )}
      {editing && (
        <UnitModal unit={editing === 'new' ? null : editing} units={items} onClose={() => setEditing(null)} />
      )}
    </Space>
  );
}
