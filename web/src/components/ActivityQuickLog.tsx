import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, DatePicker, Form, Input, Segmented } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { applyServerErrors, type Entity, RELATION_OF } from '../lib';
import { ACTIVITY_KINDS } from '../pages/recordFields';

interface Values {
  kind: string;
  content: string;
  nextContactAt?: Dayjs;
}

/** Log a follow-up (跟进记录) on a record: kind, what was said, and when to contact next. */
export function ActivityQuickLog({
  entity,
  id,
  disabled,
}: {
  entity: Entity;
  id: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    const content = v.content.trim();
    const subject = content.split('\n')[0]!.slice(0, 200);
    try {
      await api('POST', '/api/activities', {
        kind: v.kind,
        subject,
        notes: content,
        nextContactAt: v.nextContactAt ? v.nextContactAt.toISOString() : null,
        [RELATION_OF[entity]]: id,
      });
      form.resetFields();
      message.success(t('activity.logged'));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['timeline', entity, id] }),
        queryClient.invalidateQueries({ queryKey: ['record', entity, id] }),
        // A follow-up can move the SOP: a lead's first contact, a clock restarted or met.
        queryClient.invalidateQueries({ queryKey: ['sop', entity, id] }),
        queryClient.invalidateQueries({ queryKey: ['workbench'] }),
      ]);
    } catch (err) {
      if (!applyServerErrors(form, err)) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('activity.title')} data-testid="activity-log">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'call' }}
        onFinish={submit}
        disabled={disabled}
      >
        <Form.Item name="kind">
          <Segmented
            options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`activityKind.${k}`) }))}
            block
          />
        </Form.Item>
        <Form.Item
          name="content"
          label={t('activity.content')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('form.required', { field: t('activity.content') }),
            },
            { max: 10_000, message: t('form.tooLong', { max: 10_000 }) },
          ]}
        >
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder={t('activity.contentHint')}
            data-testid="activity-content"
          />
        </Form.Item>
        <Form.Item name="nextContactAt" label={t('activity.nextContactAt')}>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            style={{ width: '100%' }}
            data-testid="activity-next"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="activity-submit">
          {t('activity.submit')}
        </Button>
      </Form>
    </Card>
  );
}
