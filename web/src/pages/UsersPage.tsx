import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { Me } from '../api/types';
import { OrgUnitTree, useOrgUnits } from '../components/admin/OrgUnitTree';
import { type AdminUser, USER_ROLES, UserModal } from '../components/admin/UserModal';
import { ListError, ListPager, useServerList } from '../components/ServerListPage';
import { fmtTime } from '../lib';

/**
 * 用户与组织: users (search name or e-mail, filter role, unit and status, sort, pages — all on the
 * server; add, change, deactivate with confirmation) and the org-unit tree with managers.
 */
export function UsersPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const canEdit = me.user.role === 'admin' || me.user.role === 'sales_ops';
  const [role, setRole] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>('active');
  const [unit, setUnit] = useState<string | undefined>();
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const units = useOrgUnits();
  const unitName = new Map((units.data?.items ?? []).map((u) => [u.id, u.name]));
  const state = useServerList<AdminUser>({
    queryKey: ['admin-users'],
    path: '/api/users',
    defaultSort: 'name',
    sortable: ['name', 'email', 'role', 'status', 'createdAt'],
    params: { role, status, orgUnitId: unit },
  });
  const users = state.list;
  const filter =
    <V,>(set: (v: V) => void) =>
    (v: V) => {
      set(v);
      state.setPage(0);
    };
  const setUserStatus = async (u: AdminUser, next: 'active' | 'disabled') => {
    try {
      await api('PATCH', `/api/users/${u.id}`, { status: next }, { ifMatch: u.version });
      message.success(next === 'active' ? t('admin.users.reactivated') : t('admin.users.deactivated'));
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
    await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
    await queryClient.invalidateQueries({ queryKey: ['users'] });
  };

  const usersTab = (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          allowClear
          placeholder={t('admin.users.search')}
          value={state.search}
          onChange={(e) => state.setSearch(e.target.value)}
          style={{ width: 240 }}
          data-testid="user-search"
        />
        <Select
          allowClear
          placeholder={t('admin.users.role')}
          style={{ width: 140 }}
          value={role}
          onChange={filter(setRole)}
          options={USER_ROLES.map((r) => ({ value: r, label: t(`admin.roles.${r}`) }))}
          data-testid="user-role-filter"
        />
        <Select
          allowClear
          placeholder={t('admin.users.unit')}
          style={{ width: 160 }}
          value={unit}
          onChange={filter(setUnit)}
          options={(units.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
          data-testid="user-unit-filter"
        />
        <Select
          allowClear
          placeholder={t('admin.users.status')}
          style={{ width: 120 }}
          value={status}
          onChange={filter(setStatus)}
          options={['active', 'disabled'].map((s) => ({ value: s, label: t(`admin.userStatus.${s}`) }))}
          data-testid="user-status-filter"
        />
        {canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('admin.users.create')}
          </Button>
        )}
      </Space>
      {users.isError && <ListError error={users.error} onRetry={() => users.refetch()} />}
      <Table<AdminUser>
        rowKey="id"
        loading={users.isFetching}
        dataSource={users.data?.items ?? []}
        onChange={state.onTableChange}
        scroll={{ x: 'max-content' }}
        pagination={false}
        locale={{
          emptyText: state.filtered || role || status || unit ? t('list.noMatch') : t('admin.users.empty'),
        }}
        data-testid="user-table"
        columns={state.withSort([
          {
            title: t('admin.users.name'),
            dataIndex: 'name',
            key: 'name',
            render: (name: string) => <span data-value="">{name}</span>,
          },
          { title: t('admin.users.email'), dataIndex: 'email', key: 'email' },
          {
            title: t('admin.users.role'),
            dataIndex: 'role',
            key: 'role',
            render: (r: string) => t(`admin.roles.${r}`),
          },
          {
            title: t('admin.users.unit'),
            dataIndex: 'orgUnitId',
            key: 'orgUnitId',
            render: (id: string | null) => (id ? <span data-value="">{unitName.get(id) ?? id}</span> : ''),
          },
          {
            title: t('admin.users.status'),
            dataIndex: 'status',
            key: 'status',
            render: (s: string) => (
              <Tag color={s === 'active' ? 'green' : 'default'}>{t(`admin.userStatus.${s}`)}</Tag>
            ),
          },
          { title: t('list.createdAt'), dataIndex: 'createdAt', key: 'createdAt', render: fmtTime },
          ...(canEdit
            ? [
                {
                  title: t('common.actions'),
                  key: 'ops',
                  render: (_: unknown, u: AdminUser) => (
                    <Space size={0} wrap>
                      <Button type="link" size="small" onClick={() => setEditing(u)}>
                        {t('admin.edit')}
                      </Button>
                      {u.id !== me.user.id &&
                        (u.status === 'active' ? (
                          <Popconfirm
                            title={t('admin.users.confirmDeactivate', { name: u.name })}
                            okText={t('admin.users.deactivate')}
                            okButtonProps={{ danger: true }}
                            cancelText={t('common.cancel')}
                            onConfirm={() => setUserStatus(u, 'disabled')}
                          >
                            <Button type="link" size="small" danger>
                              {t('admin.users.deactivate')}
                            </Button>
                          </Popconfirm>
                        ) : (
                          <Button type="link" size="small" onClick={() => setUserStatus(u, 'active')}>
                            {t('admin.users.reactivate')}
                          </Button>
                        ))}
                    </Space>
                  ),
                },
              ]
            : []),
        ])}
      />
      <ListPager state={state} />
    </Space>
  );

  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('admin.menu.users')}
      </Typography.Title>
      <Card>
        <Tabs
          items={[
            { key: 'users', label: t('admin.users.title'), children: usersTab },
            { key: 'units', label: t('admin.units.title'), children: <OrgUnitTree canEdit={canEdit} /> },
          ]}
        />
      </Card>
      {editing && (
        <UserModal
          user={editing === 'new' ? null : editing}
          units={units.data?.items ?? []}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
