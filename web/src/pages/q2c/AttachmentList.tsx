import { DeleteOutlined, DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, List, Space, Typography, Upload } from 'antd';
import i18n from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { Attachment, Me } from '../../api/types';
import { downloadFile } from '../../downloadFile';
import { fmtTime, useUsers } from '../../lib';

export type AttachableType = 'contract' | 'order';

/** Sends the raw file to the server, which checks its size and type from the content. */
export async function uploadAttachment(
  me: Me,
  file: File,
  recordType: AttachableType,
  recordId: string,
): Promise<Attachment> {
  const params = new URLSearchParams({ fileName: file.name, recordType, recordId });
  const res = await fetch(`/api/attachments?${params}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/octet-stream',
      'Accept-Language': i18n.language ?? 'zh-CN',
      ...(me.csrfToken ? { 'X-CSRF-Token': me.csrfToken } : {}),
    },
    body: file,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok)
    throw new ApiError(res.status, data.code ?? 'INTERNAL', data.message ?? res.statusText, data.field);
  return data as Attachment;
}

export function useAttachments(recordType: AttachableType, recordId: string) {
  return useQuery({
    queryKey: ['attachments', recordType, recordId],
    queryFn: () =>
      api<{ items: Attachment[] }>(
        'GET',
        `/api/attachments?${new URLSearchParams({ recordType, recordId })}`,
      ),
  });
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * The files of a contract or an order: list, download, upload (PDF, images, Office, CSV/TXT as the
 * server allows) and remove. The server's refusal (too large, wrong type) is shown as it says it.
 */
export function AttachmentList({
  me,
  recordType,
  recordId,
  canUpload,
  onUploaded,
  testId = 'attachments',
}: {
  me: Me;
  recordType: AttachableType;
  recordId: string;
  canUpload: boolean;
  onUploaded?: (a: Attachment) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const queryClient = useQueryClient();
  const users = useUsers();
  const list = useAttachments(recordType, recordId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['attachments', recordType, recordId] });
  const upload = async (file: File) => {
    setError(null);
    setBusy(true);
    try {
      const a = await uploadAttachment(me, file, recordType, recordId);
      message.success(t('q2c.attachments.uploaded', { name: a.fileName }));
      await refresh();
      onUploaded?.(a);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const remove = (a: Attachment) =>
    modal.confirm({
      title: t('q2c.attachments.removeTitle'),
      content: <span data-value="">{a.fileName}</span>,
      okText: t('q2c.attachments.remove'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api('DELETE', `/api/attachments/${a.id}`);
          await refresh();
        } catch (err) {
          message.error((err as Error).message);
        }
      },
    });
  const nameOf = (id: string) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid={testId}>
      {canUpload && (
        <Space wrap>
          <Upload
            showUploadList={false}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy} data-testid={`${testId}-upload`}>
              {t('q2c.attachments.upload')}
            </Button>
          </Upload>
          <Typography.Text type="secondary">{t('q2c.attachments.hint')}</Typography.Text>
        </Space>
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setError(null)}
          title={error}
          data-testid={`${testId}-error`}
        />
      )}
      {list.isError && <Alert type="error" showIcon title={(list.error as Error).message} />}
      <List
        size="small"
        bordered
        loading={list.isLoading}
        locale={{ emptyText: t('q2c.attachments.empty') }}
        dataSource={list.data?.items ?? []}
        renderItem={(a) => (
          <List.Item
            data-testid={`${testId}-item`}
            actions={[
              <Button
                key="dl"
                size="small"
                type="link"
                icon={<DownloadOutlined />}
                aria-label={t('q2c.attachments.download')}
                onClick={() =>
                  downloadFile(`/api/attachments/${a.id}`, a.fileName).catch((err: Error) =>
                    message.error(err.message),
                  )
                }
              />,
              ...(canUpload
                ? [
                    <Button
                      key="rm"
                      size="small"
                      type="link"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('q2c.attachments.remove')}
                      onClick={() => remove(a)}
                    />,
                  ]
                : []),
            ]}
          >
            <List.Item.Meta
              title={<span data-value="">{a.fileName}</span>}
              description={
                <span data-value="">
                  {size(a.sizeBytes)} · {nameOf(a.uploadedBy)} · {fmtTime(a.createdAt)}
                </span>
              }
            />
          </List.Item>
        )}
      />
    </Space>
  );
}
