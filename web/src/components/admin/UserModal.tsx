import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Col, Form, Input, Modal, Row, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { isValidMobile } from '../../lib';
import { applyIssues, type Problem } from './issues';
import type { OrgUnit } from './OrgUnitTree';

export const USER_ROLES = [
  'admin',
  'sales_ops',
  'manager',
  'rep',
  'finance',
  'legal',
  'delivery',
  'service',
  'viewer',
] as const;

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  role: string;
  orgUnitId: string | null;
  mobile: string | null;
  status: 'active' | 'disabled';
  locale: string;
  version: number;
  createdAt: string;
}

/** Adds a user, or changes one's name, role, unit, mobile, language or password. */
export function UserModal({
  user,
  units,
  onClose,
}: {
  user: AdminUser | null;
  units: OrgUnit[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const required = [{ required: true, whitespace: true, message: t('admin.form.required') }];
  const submit = async () => {
    setProblems([]);
    let v: Record<string, string | null | undefined>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const body: Record<string, unknown> = {
      name: v.name,
      role: v.role,
      orgUnitId: v.orgUnitId ?? null,
      locale: v.locale,
      ...(v.mobile?.trim() ? { mobile: v.mobile.trim() } : user?.mobile ? { mobile: null } : {}),
      ...(v.password ? { password: v.password } : {}),
    };
    if (!user) body.email = v.email;
    setBusy(true);
    try {
      if (user) await api('PATCH', `/api/users/${user.id}`, body, { ifMatch: user.version });
      else await api('POST', '/api/users', body);
      message.success(t('admin.saved'));
      await queryClient.invalidateQueries({ queryKey: ['admin-users'] });
      await queryClient.invalidateQueries({ queryKey: ['users'] });
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
      title={user ? t('admin.users.edit') : t('admin.users.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={user ?? { role: 'rep', locale: 'zh-CN' }}>
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item name="name" label={t('admin.users.name')} rules={required}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="email"
              label={t('admin.users.email')}
              rules={user ? [] : [...required, { type: 'email', message: t('admin.form.email') }]}
            >
              <Input maxLength={254} disabled={!!user} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
              <Select options={USER_ROLES.map((r) => ({ value: r, label: t(`admin.roles.${r}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="orgUnitId" label={t('admin.users.unit')}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                options={units.map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="mobile"
              label={t('admin.users.mobile')}
              rules={[
                {
                  validator: (_, v: string | null | undefined) =>
                    !v?.trim() || isValidMobile(v)
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('admin.form.mobile'))),
                },
              ]}
            >
              <Input maxLength={20} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="locale" label={t('admin.users.locale')}>
              <Select
                options={[
                  { value: 'zh-CN', label: '中文' },
                  { value: 'en-US', label: 'English' },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="password"
          label={user ? t('admin.users.newPassword') : t('admin.users.password')}
          rules={[
            ...(user ? [] : [{ required: true, message: t('admin.form.required') }]),
            { min: 8, message: t('admin.form.min8') },
          ]}
        >
          <Input.Password maxLength={200} autoComplete="new-password" />
        </Form.Item>
      </Form>
      {problems.length > 0 && (
        <Alert type="error" showIcon title={problems.map((p) => p.message).join('; ')} />
      )}
    </Modal>
  );
}
