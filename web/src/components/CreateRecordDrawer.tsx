import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Drawer, Form, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import type { Page } from '../api/types';
import { applyServerErrors, useDebounced } from '../lib';
import { FIELDS } from '../pages/recordFields';
import { fromFormValues, RecordFormItems } from './RecordFormItems';

/** The records made here; leads have their own drawer with 查重 while typing. */
export type CreatableEntity = 'accounts' | 'contacts' | 'deals';

/** Contacts and deals belong to a customer, picked by name (server-side search). */
function AccountPicker({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 300);
  const options = useQuery({
    queryKey: ['account-picker', q],
    queryFn: () =>
      api<Page<{ id: string; name: string }>>(
        'GET',
        `/api/accounts?limit=20&sort=name${q ? `&q=${encodeURIComponent(q)}` : ''}`,
      ),
  });
  const chosen = useQuery({
    queryKey: ['record', 'accounts', value],
    enabled: !!value && !options.data?.items.some((a) => a.id === value),
    queryFn: () => api<{ id: string; name: string }>('GET', `/api/accounts/${value}`),
  });
  const items = [...(options.data?.items ?? [])];
  if (chosen.data && !items.some((a) => a.id === chosen.data.id)) items.unshift(chosen.data);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      loading={options.isFetching}
      placeholder={t('create.pickAccount')}
      notFoundContent={options.isFetching ? undefined : t('list.empty')}
      options={items.map((a) => ({ value: a.id, label: <span data-value="">{a.name}</span> }))}
      data-testid="account-picker"
    />
  );
}

/** New customer, contact or opportunity: validated like the server, its field errors on the fields. */
export function CreateRecordDrawer({
  entity,
  open,
  onClose,
  accountId,
}: {
  entity: CreatableEntity;
  open: boolean;
  onClose: () => void;
  /** Made from a customer's page: the customer is set. */
  accountId?: string;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fields = FIELDS[entity];
  const needsAccount = entity !== 'accounts';
  const label = (k: string) => t(entity === 'contacts' && k === 'name' ? 'fields.leadName' : `fields.${k}`);

  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    const body = fromFormValues(fields, values, { nullForEmpty: false });
    if (needsAccount) body.accountId = accountId ?? values.accountId;
    try {
      const rec = await api<{ id: string }>('POST', `/api/${entity}`, body);
      message.success(t('create.created'));
      form.resetFields();
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['list', entity] });
      navigate(`/${entity}/${rec.id}`);
    } catch (err) {
      if (!applyServerErrors(form, err)) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t(`create.title.${entity}`)}
      size="large"
      styles={{ wrapper: { maxWidth: '100vw' } }}
      destroyOnHidden
      extra={
        <Button
          type="primary"
          loading={busy}
          onClick={() => form.submit()}
          data-testid="create-record-submit"
        >
          {t('common.save')}
        </Button>
      }
    >
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          style={{ marginBottom: 12 }}
          data-testid="create-record-error"
        />
      )}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={entity === 'deals' ? { currency: 'CNY' } : undefined}
      >
        {needsAccount && !accountId && (
          <Form.Item
            name="accountId"
            label={t('entity.accounts')}
            rules={[{ required: true, message: t('form.required', { field: t('entity.accounts') }) }]}
          >
            <AccountPicker />
          </Form.Item>
        )}
        <RecordFormItems fields={fields} labelOf={label} />
      </Form>
    </Drawer>
  );
}
