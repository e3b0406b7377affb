import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Form, Modal, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useLocalText, usePlaybookVersion } from '../../lib';
import { applyIssues, type Problem } from '../admin/issues';

interface Props {
  /** The draft to publish. */
  versionId: string;
  versionNumber: number;
  /** The version published now, whose stages open records are on. */
  publishedVersionId: string | null;
  onClose: () => void;
  onPublished: (number: number) => void;
}

/** Publishes a draft: open records stay on their version or move, with a mapping for dropped stages. */
export function PublishVersionModal({
  versionId,
  versionNumber,
  publishedVersionId,
  onClose,
  onPublished,
}: Props) {
  const { t } = useTranslation();
  const lt = useLocalText();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const draft = usePlaybookVersion(versionId);
  const current = usePlaybookVersion(publishedVersionId ?? undefined);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [extraKeys, setExtraKeys] = useState<string[]>([]);
  const openRecords = Form.useWatch('openRecords', form);
  const draftKeys = new Set(draft.data?.stages.map((s) => s.key) ?? []);
  const missing = [
    ...new Set([
      ...(current.data?.stages.map((s) => s.key).filter((k) => !draftKeys.has(k)) ?? []),
      ...extraKeys,
    ]),
  ];
  const oldName = (key: string) => lt(current.data?.stages.find((s) => s.key === key)?.name) || key;

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setProblems([]);
    try {
      const mapping = Object.fromEntries(
        Object.entries((values.stageMapping ?? {}) as Record<string, string | undefined>).filter(
          ([, v]) => !!v,
        ),
      );
      const r = await api<{ number: number; movedRecords: number }>(
        'POST',
        `/api/playbook-versions/${versionId}/publish`,
        {
          openRecords: values.openRecords,
          ...(values.openRecords === 'move' && Object.keys(mapping).length ? { stageMapping: mapping } : {}),
        },
      );
      message.success(t('admin.playbooks.published', { number: r.number, moved: r.movedRecords }));
      await queryClient.invalidateQueries({ queryKey: ['admin-playbooks'] });
      await queryClient.invalidateQueries({ queryKey: ['playbook'] });
      onPublished(r.number);
    } catch (err) {
      const rest = applyIssues(form, err);
      // A stage of an older version that open records are still on: offer its mapping too.
      const more = rest.map((p) => /^stageMapping\.(.+)$/.exec(p.path)?.[1]).filter((k): k is string => !!k);
      if (more.length) {
        setExtraKeys((k) => [...new Set([...k, ...more])]);
        form.setFieldValue('openRecords', 'move');
      }
      setProblems(rest.filter((p) => !p.path.startsWith('stageMapping.')));
      if (more.length)
        setProblems((p) => [...p, { path: 'stageMapping', message: t('admin.publish.mapMore') }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('admin.publish.title', { number: versionNumber })}
      okText={t('admin.publish.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ openRecords: 'stay' }}>
        <Form.Item name="openRecords" label={t('admin.publish.openRecords')}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="stay">{t('admin.publish.stay')}</Radio>
              <Radio value="move">{t('admin.publish.move')}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        {openRecords === 'move' && (
          <>
            <Typography.Paragraph type="secondary">
              {missing.length ? t('admin.publish.mappingHelp') : t('admin.publish.sameStages')}
            </Typography.Paragraph>
            {missing.map((key) => (
              <Form.Item key={key} name={['stageMapping', key]} label={oldName(key)}>
                <Select
                  allowClear
                  placeholder={t('admin.publish.mapTo')}
                  options={(draft.data?.stages ?? []).map((s) => ({ value: s.key, label: lt(s.name) }))}
                />
              </Form.Item>
            ))}
          </>
        )}
      </Form>
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={problems.map((p) => (
            <div key={`${p.path}${p.message}`}>{p.path ? `${p.path}: ${p.message}` : p.message}</div>
          ))}
        />
      )}
    </Modal>
  );
}
