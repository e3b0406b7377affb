import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { fmtTime } from '../../lib';
import { applyIssues, type Problem } from './issues';

const KINDS = ['email', 'dingtalk', 'wecom', 'feishu', 'webhook'] as const;
type Kind = (typeof KINDS)[number];

interface Channel {
  id: string;
  kind: Kind;
  name: string;
  enabled: boolean;
  kinds: string[];
  config: Record<string, unknown>;
  version: number;
  updatedAt: string;
}

/** The config fields of each channel kind, as the server checks them. */
function ConfigFields({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const required = [{ required: true, message: t('admin.form.required') }];
  const url = [...required, { type: 'url' as const, message: t('admin.form.url') }];
  const locale = (
    <Form.Item name={['config', 'locale']} label={t('admin.channels.locale')}>
      <Select
        allowClear
        options={[
          { value: 'zh-CN', label: '中文' },
          { value: 'en-US', label: 'English' },
        ]}
      />
    </Form.Item>
  );
  const appUrl = (
    <Form.Item
      name={['config', 'appUrl']}
      label={t('admin.channels.appUrl')}
      rules={[{ type: 'url', message: t('admin.form.url') }]}
    >
      <Input maxLength={2000} placeholder="https://crm.example.cn" />
    </Form.Item>
  );
  const secret = (name: string, label: string) => (
    <Form.Item name={['config', name]} label={label} extra={t('admin.channels.secretHelp')}>
      <Input.Password maxLength={500} autoComplete="new-password" visibilityToggle={false} />
    </Form.Item>
  );
  if (kind === 'email')
    return (
      <>
        <Row gutter={8}>
          <Col xs={16}>
            <Form.Item name={['config', 'host']} label={t('admin.channels.host')} rules={required}>
              <Input maxLength={255} placeholder="smtp.exmail.qq.com" />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name={['config', 'port']} label={t('admin.channels.port')} rules={required}>
              <InputNumber min={1} max={65535} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name={['config', 'secure']} valuePropName="checked">
          <Checkbox>{t('admin.channels.secure')}</Checkbox>
        </Form.Item>
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item name={['config', 'user']} label={t('admin.channels.user')}>
              <Input maxLength={255} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            {secret('password', t('admin.channels.password'))}
          </Col>
        </Row>
        <Form.Item
          name={['config', 'from']}
          label={t('admin.channels.from')}
          rules={[...required, { type: 'email', message: t('admin.form.email') }]}
        >
          <Input maxLength={254} />
        </Form.Item>
        {appUrl}
      </>
    );
  return (
    <>
      <Form.Item name={['config', 'url']} label={t('admin.channels.url')} rules={url}>
        <Input maxLength={2000} placeholder="https://" />
      </Form.Item>
      {(kind === 'dingtalk' || kind === 'feishu' || kind === 'webhook') &&
        secret('secret', t('admin.channels.secret'))}
      {kind !== 'webhook' && locale}
      {kind === 'feishu' && (
        <Form.Item name={['config', 'msgType']} label={t('admin.channels.msgType')}>
          <Select allowClear options={['text', 'post'].map((v) => ({ value: v, label: v }))} />
        </Form.Item>
      )}
      {kind !== 'webhook' && appUrl}
    </>
  );
}

function ChannelModal({ channel, onClose }: { channel: Channel | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const kind = (Form.useWatch('kind', form) as Kind | undefined) ?? channel?.kind ?? 'dingtalk';
  const submit = async () => {
    setProblems([]);
    let v: { kind: Kind; name: string; enabled: boolean; kinds: string[]; config: Record<string, unknown> };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    // Empty optional values are left out; a masked secret sent back unchanged keeps its value.
    const config = Object.fromEntries(
      Object.entries(v.config ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== ''),
    );
    setBusy(true);
    try {
      if (channel)
        await api(
          'PATCH',
          `/api/notification-channels/${channel.id}`,
          { name: v.name, enabled: v.enabled, kinds: v.kinds ?? [], config },
          { ifMatch: channel.version },
        );
      else
        await api('POST', '/api/notification-channels', {
          kind: v.kind,
          name: v.name,
          enabled: v.enabled,
          kinds: v.kinds ?? [],
          config,
        });
      message.success(t('admin.saved'));
      await queryClient.invalidateQueries({ queryKey: ['notification-channels'] });
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
      title={channel ? t('admin.channels.edit') : t('admin.channels.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={
          channel
            ? {
                kind: channel.kind,
                name: channel.name,
                enabled: channel.enabled,
                kinds: channel.kinds,
                config: channel.config,
              }
            : { kind: 'dingtalk', enabled: true, kinds: [], config: {} }
        }
      >
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item name="kind" label={t('admin.channels.kind')} rules={[{ required: true }]}>
              <Select
                disabled={!!channel}
                options={KINDS.map((k) => ({ value: k, label: t(`admin.channelKinds.${k}`) }))}
                onChange={(k: Kind) =>
                  form.setFieldsValue({ config: k === 'email' ? { port: 465, secure: true } : {} })
                }
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="name"
              label={t('admin.channels.name')}
              rules={[{ required: true, whitespace: true, message: t('admin.form.required') }]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        <ConfigFields kind={kind} />
        <Form.Item name="kinds" label={t('admin.channels.kinds')} extra={t('admin.channels.kindsHelp')}>
          <Select mode="tags" tokenSeparators={[',', ' ']} />
        </Form.Item>
        <Form.Item name="enabled" label={t('admin.channels.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={problems.map((p) => (
            <div key={`${p.path}|${p.message}`}>{p.path ? `${p.path}: ${p.message}` : p.message}</div>
          ))}
        />
      )}
    </Modal>
  );
}

/** 通知渠道: email, DingTalk, WeCom, Feishu and webhooks; secrets are shown masked. */
export function NotificationChannels() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const channels = useQuery({
    queryKey: ['notification-channels'],
    queryFn: () => api<{ items: Channel[] }>('GET', '/api/notification-channels'),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['notification-channels'] });
  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      message.success(done);
    } catch (err) {
      message.error(err instanceof ApiError ? err.message : String(err));
    }
    await refresh();
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text type="secondary">{t('admin.channels.help')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('admin.channels.create')}
        </Button>
      </Space>
      {channels.error && (
        <Alert
          type="error"
          showIcon
          title={t('list.error', { message: (channels.error as Error).message })}
        />
      )}
      <Table
        rowKey="id"
        loading={channels.isLoading}
        dataSource={channels.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('admin.channels.empty') }}
        columns={[
          { title: t('admin.channels.name'), dataIndex: 'name' },
          {
            title: t('admin.channels.kind'),
            dataIndex: 'kind',
            render: (k: string) => t(`admin.channelKinds.${k}`),
          },
          {
            title: t('admin.channels.target'),
            key: 'target',
            render: (_, c) => (
              <Typography.Text style={{ wordBreak: 'break-all' }}>
                {String(c.config.url ?? c.config.from ?? '')}
              </Typography.Text>
            ),
          },
          {
            title: t('admin.channels.kinds'),
            dataIndex: 'kinds',
            render: (ks: string[]) =>
              ks.length ? ks.map((k) => <Tag key={k}>{k}</Tag>) : t('admin.channels.allKinds'),
          },
          {
            title: t('admin.channels.enabled'),
            dataIndex: 'enabled',
            render: (on: boolean, c) => (
              <Switch
                checked={on}
                onChange={(v) =>
                  act(
                    () =>
                      api(
                        'PATCH',
                        `/api/notification-channels/${c.id}`,
                        { enabled: v },
                        { ifMatch: c.version },
                      ),
                    v ? t('admin.channels.enabledNow') : t('admin.channels.disabledNow'),
                  )
                }
              />
            ),
          },
          { title: t('admin.updatedAt'), dataIndex: 'updatedAt', render: fmtTime },
          {
            title: t('common.actions'),
            key: 'ops',
            render: (_, c) => (
              <Space size={0} wrap>
                <Button type="link" size="small" onClick={() => setEditing(c)}>
                  {t('admin.edit')}
                </Button>
                <Button
                  type="link"
                  size="small"
                  onClick={() =>
                    act(
                      () => api('POST', `/api/notification-channels/${c.id}/test`),
                      t('admin.channels.testQueued'),
                    )
                  }
                >
                  {t('admin.channels.test')}
                </Button>
                <Popconfirm
                  title={t('admin.channels.confirmDelete', { name: c.name })}
                  okText={t('admin.delete')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  onConfirm={() =>
                    act(() => api('DELETE', `/api/notification-channels/${c.id}`), t('admin.deleted'))
                  }
                >
                  <Button type="link" size="small" danger>
                    {t('admin.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <ChannelModal channel={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </Space>
  );
}
