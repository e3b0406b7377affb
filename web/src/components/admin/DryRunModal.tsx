import { Alert, Descriptions, Form, Input, List, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyIssues } from './issues';

interface DryRun {
  wouldRun: boolean;
  condition: { ok: boolean; value?: unknown; error?: string };
  actions: ({ type: string; ok: boolean; error?: string } & Record<string, unknown>)[];
}

/** Tries a rule against one record: does the condition hold, what would each action do. Nothing is written. */
export function DryRunModal({ ruleId, onClose }: { ruleId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ recordId: string }>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    const { recordId } = await form.validateFields();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await api<DryRun>('POST', `/api/automation-rules/${ruleId}/test`, { recordId: recordId.trim() }),
      );
    } catch (err) {
      const rest = applyIssues(form, err);
      if (rest.length) setError(rest.map((p) => p.message).join('; '));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('admin.rules.dryRun')}
      okText={t('admin.rules.runTest')}
      cancelText={t('common.cancel')}
      onOk={run}
      confirmLoading={busy}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('admin.rules.dryRunHelp')}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="recordId"
          label={t('admin.rules.recordId')}
          rules={[{ required: true, whitespace: true, message: t('admin.form.required') }]}
        >
          <Input maxLength={64} placeholder="ld_…" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} />}
      {result && (
        <>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('admin.rules.wouldRun')}>
              <Tag color={result.wouldRun ? 'green' : 'default'}>
                {result.wouldRun ? t('admin.yes') : t('admin.no')}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('admin.rules.condition')}>
              {result.condition.ok ? (
                String(result.condition.value)
              ) : (
                <Typography.Text type="danger">{result.condition.error}</Typography.Text>
              )}
            </Descriptions.Item>
          </Descriptions>
          <List
            size="small"
            header={t('admin.rules.thenDo')}
            dataSource={result.actions}
            renderItem={(a) => {
              const { type, ok, error: e, ...rest } = a;
              return (
                <List.Item>
                  <Tag color={ok ? 'blue' : 'red'}>{t(`admin.actionTypes.${type}`)}</Tag>
                  <Typography.Text style={{ wordBreak: 'break-all' }}>
                    {ok ? JSON.stringify(rest) : e}
                  </Typography.Text>
                </List.Item>
              );
            }}
          />
        </>
      )}
    </Modal>
  );
}
