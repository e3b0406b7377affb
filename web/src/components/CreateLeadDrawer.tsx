import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Drawer, Form, List, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Lead } from '../api/types';
import { applyServerErrors, isValidCreditCode, isValidMobile, useUsers } from '../lib';
import { FIELDS } from '../pages/recordFields';
import { fromFormValues, RecordFormItems } from './RecordFormItems';

interface Match {
  entity: string;
  id: string;
  name: string;
  matchedOn: string;
  ownerName: string | null;
}

const CREATE_FIELDS = FIELDS.leads.filter((f) => f.key !== 'status');

/** New lead: validated like the server, 查重 while typing, the server's field errors on the fields. */
export function CreateLeadDrawer({
  open,
  onClose,
  canAssign,
}: {
  open: boolean;
  onClose: () => void;
  canAssign: boolean;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [matches, setMatches] = useState<Match[]>([]);
  const label = (k: string) => t(k === 'name' ? 'fields.leadName' : `fields.${k}`);

  const checkDuplicates = async () => {
    const { companyName, mobile, creditCode } = form.getFieldsValue(['companyName', 'mobile', 'creditCode']);
    const params = new URLSearchParams();
    if (companyName?.trim()) params.set('name', companyName.trim());
    if (mobile && isValidMobile(mobile)) params.set('mobile', mobile);
    if (creditCode && isValidCreditCode(creditCode)) params.set('creditCode', creditCode);
    if ([...params].length === 0) return setMatches([]);
    try {
      const r = await api<{ matches: Match[] }>('GET', `/api/duplicates?${params}`);
      setMatches(r.matches);
    } catch {
      // the check before entry is a courtesy; the server checks again on save
    }
  };

  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    const body = fromFormValues(CREATE_FIELDS, values, { nullForEmpty: false });
    if (canAssign && values.ownerId !== undefined)
      body.ownerId = values.ownerId === '__pool__' ? null : values.ownerId;
    try {
      const lead = await api<Lead>('POST', '/api/leads', body);
      message.success(t('lead.created'));
      form.resetFields();
      setMatches([]);
      onClose();
      await queryClient.invalidateQueries({ queryKey: ['list', 'leads'] });
      navigate(`/leads/${lead.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'DUPLICATE_CUSTOMER') {
        setMatches(((err.details as { matches?: Match[] })?.matches ?? []) as Match[]);
      }
      const onField = applyServerErrors(form, err);
      if (!onField || (err instanceof ApiError && err.code === 'DUPLICATE_CUSTOMER'))
        setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('lead.create')}
      size="large"
      styles={{ wrapper: { maxWidth: '100vw' } }}
      extra={
        <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="create-lead-submit">
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
          data-testid="create-lead-error"
        />
      )}
      {matches.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('lead.duplicates')}
          data-testid="duplicate-matches"
          description={
            <List
              size="small"
              dataSource={matches}
              renderItem={(m) => (
                <List.Item>
                  <Tag>{t(`entityType.${m.entity}`)}</Tag>
                  {m.name} · {t('list.owner')}: {m.ownerName ?? t('list.pool')} (
                  {t(`lead.matchedOn.${m.matchedOn}`)})
                </List.Item>
              )}
            />
          }
        />
      )}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ source: 'website' }}
        onBlur={() => checkDuplicates()}
      >
        <RecordFormItems fields={CREATE_FIELDS} labelOf={label} />
        {canAssign && (
          <Form.Item name="ownerId" label={t('list.owner')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('lead.ownerDefault')}
              options={[
                { value: '__pool__', label: t('list.pool') },
                ...(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name })),
              ]}
            />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
