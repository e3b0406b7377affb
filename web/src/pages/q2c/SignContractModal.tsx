import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Button,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Contract, Me, Signatory } from '../../api/types';
import { applyServerErrors } from '../../lib';
import { AttachmentList, useAttachments } from './AttachmentList';

interface SignValues {
  signedOn: Dayjs;
  signatories: Signatory[];
  scanAttachmentId?: string;
}

/** 签署: the date, who signed for each side, and the scanned signed copy (an attachment). */
export function SignContractModal({
  me,
  contract,
  open,
  onClose,
  onSigned,
}: {
  me: Me;
  contract: Contract;
  open: boolean;
  onClose: () => void;
  onSigned: (c: Contract) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<SignValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const files = useAttachments('contract', contract.id);
  const submit = async () => {
    setError(null);
    let v: SignValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const signed = await api<Contract>(
        'POST',
        `/api/contracts/${contract.id}/sign`,
        {
          signedOn: v.signedOn.format('YYYY-MM-DD'),
          signatories: v.signatories.map((s) => ({
            party: s.party,
            name: s.name.trim(),
            ...(s.title?.trim() ? { title: s.title.trim() } : {}),
          })),
          scanAttachmentId: v.scanAttachmentId ?? null,
        },
        { ifMatch: contract.version },
      );
      message.success(t('q2c.contracts.done.signed'));
      onSigned(signed);
    } catch (err) {
      if (!applyServerErrors(form, err)) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('q2c.contracts.signTitle')}
      okText={t('q2c.contracts.actions.sign')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: busy, 'data-testid': 'sign-ok' } as never}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
      width={640}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="sign-error" />
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          signedOn: dayjs(),
          signatories: [
            { party: 'customer', name: '', title: '' },
            { party: 'company', name: '', title: '' },
          ],
        }}
      >
        <Form.Item
          name="signedOn"
          label={t('q2c.contracts.signedOn')}
          rules={[{ required: true, message: t('q2c.contracts.required') }]}
        >
          <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="sign-date" />
        </Form.Item>
        <Typography.Text strong>{t('q2c.contracts.signatories')}</Typography.Text>
        <Form.List name="signatories">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} wrap align="start" style={{ marginTop: 8 }}>
                  <Form.Item name={[f.name, 'party']} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 120 }}
                      options={[
                        { value: 'customer', label: t('q2c.contracts.party.customer') },
                        { value: 'company', label: t('q2c.contracts.party.company') },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'name']}
                    rules={[
                      { required: true, whitespace: true, message: t('q2c.contracts.required') },
                      { max: 100 },
                    ]}
                  >
                    <Input
                      placeholder={t('q2c.contracts.signatoryName')}
                      data-testid={`signatory-${i}-name`}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'title']} rules={[{ max: 100 }]}>
                    <Input placeholder={t('q2c.contracts.signatoryTitle')} />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('q2c.contracts.removeSignatory')}
                    disabled={fields.length === 1}
                    onClick={() => remove(f.name)}
                  />
                </Space>
              ))}
              <div>
                <Button
                  icon={<PlusOutlined />}
                  size="small"
                  onClick={() => add({ party: 'customer', name: '', title: '' })}
                  style={{ marginBottom: 12 }}
                >
                  {t('q2c.contracts.addSignatory')}
                </Button>
              </div>
            </>
          )}
        </Form.List>
        <Form.Item
          name="scanAttachmentId"
          label={t('q2c.contracts.scan')}
          extra={t('q2c.contracts.scanHint')}
          rules={[{ required: true, message: t('q2c.contracts.scanRequired') }]}
        >
          <Select
            allowClear
            placeholder={t('q2c.contracts.pickScan')}
            notFoundContent={t('q2c.attachments.empty')}
            options={(files.data?.items ?? []).map((a) => ({ value: a.id, label: a.fileName }))}
            data-testid="sign-scan"
          />
        </Form.Item>
        <AttachmentList
          me={me}
          recordType="contract"
          recordId={contract.id}
          canUpload
          testId="sign-attachments"
          onUploaded={(a) => form.setFieldValue('scanAttachmentId', a.id)}
        />
      </Form>
    </Modal>
  );
}
