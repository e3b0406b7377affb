import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Form, Input, Modal, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { type Problem, problemsOf } from '../admin/issues';

/** YAML import (upload or paste) as a new draft; the server's problem list when refused. */
export function ImportPlaybookModal({
  playbookId,
  title,
  onClose,
  onImported,
}: {
  playbookId: string;
  title: string;
  onClose: () => void;
  onImported: (versionId: string) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ yaml: string; notes?: string }>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const file = useRef<HTMLInputElement>(null);

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setProblems([]);
    try {
      const r = await api<{ id: string; number: number }>('POST', `/api/playbooks/${playbookId}/versions`, {
        yaml: values.yaml,
        ...(values.notes?.trim() ? { notes: values.notes.trim() } : {}),
      });
      message.success(t('admin.designer.saved', { number: r.number }));
      await queryClient.invalidateQueries({ queryKey: ['admin-playbooks'] });
      onImported(r.id);
    } catch (err) {
      setProblems(problemsOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={720}
      title={t('admin.import.title', { name: title })}
      okText={t('admin.import.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('admin.import.help')}</Typography.Paragraph>
      <input
        ref={file}
        type="file"
        accept=".yaml,.yml,.json,text/yaml,application/json"
        style={{ display: 'none' }}
        data-testid="yaml-file"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (f) form.setFieldValue('yaml', await f.text());
          e.target.value = '';
        }}
      />
      <Button icon={<UploadOutlined />} onClick={() => file.current?.click()} style={{ marginBottom: 12 }}>
        {t('admin.import.upload')}
      </Button>
      <Form form={form} layout="vertical">
        <Form.Item
          name="yaml"
          label={t('admin.import.yaml')}
          rules={[{ required: true, message: t('admin.form.required') }]}
        >
          <Input.TextArea rows={12} style={{ fontFamily: 'monospace' }} maxLength={500_000} />
        </Form.Item>
        <Form.Item name="notes" label={t('admin.designer.notes')}>
          <Input maxLength={1000} />
        </Form.Item>
      </Form>
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={t('admin.designer.problems', { count: problems.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {problems.map((p) => (
                <li key={`${p.path}|${p.message}`}>
                  {p.path && <Typography.Text code>{p.path}</Typography.Text>} {p.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
    </Modal>
  );
}
