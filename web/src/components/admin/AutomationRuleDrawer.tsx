import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Drawer,
  Form,
  Grid,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useUsers } from '../../lib';
import { TextPair } from '../designer/TextPair';
import { applyIssues, compact, type Problem } from './issues';

// Create or edit one automation rule: trigger, CEL condition, and up to ten actions of each kind.

export const TRIGGER_EVENTS = [
  'record.created',
  'record.updated',
  'stage.entered',
  'clock.warning',
  'clock.breached',
  'schedule',
] as const;
export const RECORD_TYPES = ['lead', 'account', 'contact', 'deal', 'activity', 'task'] as const;
const ROLES = ['admin', 'sales_ops', 'manager', 'rep', 'finance', 'legal', 'delivery', 'service', 'viewer'];
const SETTABLE_FIELDS: Record<string, string[]> = {
  lead: ['grade', 'industry', 'region', 'notes', 'title', 'source'],
  account: ['grade', 'industry', 'region', 'size', 'source', 'notes'],
  contact: ['title', 'decisionRole', 'notes'],
  deal: ['probability', 'expectedCloseDate', 'source', 'notes'],
  activity: ['outcome', 'nextStep', 'nextContactAt', 'notes'],
  task: ['status', 'priority', 'dueAt', 'notes'],
};
const ACTION_TYPES = ['notify', 'create_task', 'assign', 'set_field', 'webhook'] as const;
const DUE_UNITS = ['minutes', 'hours', 'days', 'working_hours', 'working_days'] as const;

type Text = string | { 'zh-CN': string; 'en-US': string };
export type RuleAction =
  | {
      type: 'notify';
      to: { userIds?: string[]; roles?: string[]; owner?: boolean; ownerManager?: boolean };
      title: Text;
      body?: Text;
    }
  | {
      type: 'create_task';
      title: string;
      due: { value: number; unit: string };
      assignee?: 'owner' | { userId: string };
      priority?: string;
    }
  | { type: 'assign'; to: 'routing' | { userId: string } }
  | { type: 'set_field'; field: string; value: unknown }
  | { type: 'webhook'; url: string; secret?: string | null };

export interface AutomationRule {
  id: string;
  name: string;
  status: 'active' | 'paused';
  trigger: {
    event: string;
    recordType: string;
    stageKey?: string;
    fields?: string[];
    schedule?: { every: string; at?: string };
  };
  condition: string | null;
  actions: RuleAction[];
  version: number;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type FormAction = Record<string, unknown> & { type: string };

const textToForm = (v: Text | undefined) =>
  typeof v === 'string' ? { 'zh-CN': v, 'en-US': '' } : (v ?? { 'zh-CN': '', 'en-US': '' });
const textFromForm = (v: { 'zh-CN'?: string; 'en-US'?: string } | undefined): Text | undefined => {
  const zh = v?.['zh-CN']?.trim() ?? '';
  const en = v?.['en-US']?.trim() ?? '';
  if (!zh && !en) return undefined;
  if (!en || en === zh) return zh || en;
  if (!zh) return en;
  return { 'zh-CN': zh, 'en-US': en };
};

function actionToForm(a: RuleAction): FormAction {
  switch (a.type) {
    case 'notify':
      return { ...a, title: textToForm(a.title), body: textToForm(a.body) };
    case 'create_task':
      return {
        ...a,
        assigneeUserId: typeof a.assignee === 'object' ? a.assignee.userId : undefined,
        assignee: undefined,
      };
    case 'assign':
      return { type: 'assign', assignUserId: typeof a.to === 'object' ? a.to.userId : undefined };
    case 'set_field':
      return { ...a, value: a.value === null || a.value === undefined ? '' : String(a.value) };
    default:
      return { ...a };
  }
}

function actionFromForm(a: FormAction, recordType: string): RuleAction {
  switch (a.type) {
    case 'notify': {
      const to = (a.to ?? {}) as {
        userIds?: string[];
        roles?: string[];
        owner?: boolean;
        ownerManager?: boolean;
      };
      return compact({
        type: 'notify',
        to: {
          ...(to.userIds?.length ? { userIds: to.userIds } : {}),
          ...(to.roles?.length ? { roles: to.roles } : {}),
          ...(to.owner ? { owner: true } : {}),
          ...(to.ownerManager ? { ownerManager: true } : {}),
        },
        title: textFromForm(a.title as never) ?? '',
        body: textFromForm(a.body as never),
      }) as RuleAction;
    }
    case 'create_task':
      return compact({
        type: 'create_task',
        title: a.title as string,
        due: a.due as { value: number; unit: string },
        assignee: a.assigneeUserId ? { userId: a.assigneeUserId as string } : 'owner',
        priority: a.priority as string | undefined,
      }) as RuleAction;
    case 'assign':
      return { type: 'assign', to: a.assignUserId ? { userId: a.assignUserId as string } : 'routing' };
    case 'set_field': {
      const raw = a.value as string | undefined;
      const numeric =
        recordType === 'deal' && a.field === 'probability' && raw !== '' && !Number.isNaN(Number(raw));
      return { type: 'set_field', field: a.field as string, value: numeric ? Number(raw) : (raw ?? '') };
    }
    default:
      return compact({
        type: 'webhook',
        url: a.url as string,
        secret: a.secret as string | undefined,
      }) as RuleAction;
  }
}

function ActionFields({ index, recordType }: { index: number; recordType: string }) {
  const { t } = useTranslation();
  const users = useUsers();
  const userOptions = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  const required = [{ required: true, message: t('admin.form.required') }];
  return (
    <Form.Item noStyle shouldUpdate>
      {({ getFieldValue }) => {
        const type = getFieldValue(['actions', index, 'type']) as string;
        switch (type) {
          case 'notify':
            return (
              <>
                <Space wrap>
                  <Form.Item name={[index, 'to', 'owner']} valuePropName="checked" noStyle>
                    <Checkbox>{t('admin.rules.toOwner')}</Checkbox>
                  </Form.Item>
                  <Form.Item name={[index, 'to', 'ownerManager']} valuePropName="checked" noStyle>
                    <Checkbox>{t('admin.rules.toOwnerManager')}</Checkbox>
                  </Form.Item>
                </Space>
                <Row gutter={8} style={{ marginTop: 8 }}>
                  <Col xs={24} sm={12}>
                    <Form.Item name={[index, 'to', 'roles']} label={t('admin.rules.toRoles')}>
                      <Select
                        mode="multiple"
                        options={ROLES.map((r) => ({ value: r, label: t(`admin.roles.${r}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item name={[index, 'to', 'userIds']} label={t('admin.rules.toUsers')}>
                      <Select mode="multiple" optionFilterProp="label" options={userOptions} />
                    </Form.Item>
                  </Col>
                </Row>
                <TextPair name={[index, 'title']} label={t('admin.rules.title')} />
                <TextPair name={[index, 'body']} label={t('admin.rules.body')} multiline />
              </>
            );
          case 'create_task':
            return (
              <>
                <Form.Item name={[index, 'title']} label={t('admin.rules.taskTitle')} rules={required}>
                  <Input maxLength={200} placeholder={t('admin.rules.placeholderHint')} />
                </Form.Item>
                <Row gutter={8}>
                  <Col xs={12} sm={6}>
                    <Form.Item name={[index, 'due', 'value']} label={t('admin.rules.dueIn')} rules={required}>
                      <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={6}>
                    <Form.Item
                      name={[index, 'due', 'unit']}
                      label={t('admin.designer.unit')}
                      rules={required}
                    >
                      <Select
                        options={DUE_UNITS.map((u) => ({ value: u, label: t(`admin.durationUnits.${u}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={6}>
                    <Form.Item name={[index, 'assigneeUserId']} label={t('admin.rules.assignee')}>
                      <Select
                        allowClear
                        placeholder={t('admin.rules.recordOwner')}
                        optionFilterProp="label"
                        showSearch
                        options={userOptions}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={6}>
                    <Form.Item name={[index, 'priority']} label={t('admin.rules.priority')}>
                      <Select
                        allowClear
                        options={['low', 'normal', 'high', 'urgent'].map((p) => ({
                          value: p,
                          label: t(`admin.priority.${p}`),
                        }))}
                      />
                    </Form.Item>
                  </Col>
                </Row>
              </>
            );
          case 'assign':
            return (
              <Form.Item name={[index, 'assignUserId']} label={t('admin.rules.assignTo')}>
                <Select
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  placeholder={t('admin.rules.routing')}
                  options={userOptions}
                />
              </Form.Item>
            );
          case 'set_field':
            return (
              <Row gutter={8}>
                <Col xs={24} sm={12}>
                  <Form.Item name={[index, 'field']} label={t('admin.rules.field')} rules={required}>
                    <Select
                      options={(SETTABLE_FIELDS[recordType] ?? []).map((f) => ({ value: f, label: f }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={12}>
                  <Form.Item name={[index, 'value']} label={t('admin.rules.value')}>
                    <Input maxLength={500} />
                  </Form.Item>
                </Col>
              </Row>
            );
          case 'webhook':
            return (
              <Row gutter={8}>
                <Col xs={24} sm={14}>
                  <Form.Item
                    name={[index, 'url']}
                    label="URL"
                    rules={[...required, { type: 'url', message: t('admin.form.url') }]}
                  >
                    <Input maxLength={2000} placeholder="https://" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={10}>
                  <Form.Item
                    name={[index, 'secret']}
                    label={t('admin.rules.secret')}
                    rules={[{ min: 8, message: t('admin.form.min8') }]}
                  >
                    <Input.Password maxLength={200} autoComplete="new-password" />
                  </Form.Item>
                </Col>
              </Row>
            );
          default:
            return null;
        }
      }}
    </Form.Item>
  );
}

/** The rule form in a drawer; `rule` null creates. */
export function AutomationRuleDrawer({
  rule,
  onClose,
  onSaved,
}: {
  rule: AutomationRule | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const event = Form.useWatch(['trigger', 'event'], form) as string | undefined;
  const recordType = (Form.useWatch(['trigger', 'recordType'], form) as string | undefined) ?? 'lead';
  const initial = rule
    ? {
        name: rule.name,
        status: rule.status,
        trigger: rule.trigger,
        condition: rule.condition ?? '',
        actions: rule.actions.map(actionToForm),
      }
    : {
        status: 'active',
        trigger: { event: 'record.created', recordType: 'lead' },
        condition: '',
        actions: [{ type: 'create_task', due: { value: 2, unit: 'working_hours' } }],
      };

  const submit = async () => {
    setProblems([]);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    const v = form.getFieldsValue(true) as typeof initial & { name: string };
    const trigger = compact({
      event: v.trigger.event,
      recordType: v.trigger.recordType,
      ...(['stage.entered', 'clock.warning', 'clock.breached'].includes(v.trigger.event)
        ? { stageKey: v.trigger.stageKey?.trim() }
        : {}),
      ...(v.trigger.event === 'record.updated' && v.trigger.fields?.length
        ? { fields: v.trigger.fields }
        : {}),
      ...(v.trigger.event === 'schedule' ? { schedule: v.trigger.schedule } : {}),
    });
    const body = {
      name: v.name,
      status: v.status,
      trigger,
      condition: v.condition?.trim() ? v.condition.trim() : null,
      actions: (v.actions as FormAction[]).map((a) => actionFromForm(a, v.trigger.recordType)),
    };
    setBusy(true);
    try {
      if (rule) await api('PATCH', `/api/automation-rules/${rule.id}`, body, { ifMatch: rule.version });
      else await api('POST', '/api/automation-rules', body);
      message.success(t('admin.saved'));
      await queryClient.invalidateQueries({ queryKey: ['automation-rules'] });
      onSaved();
    } catch (err) {
      setProblems(applyIssues(form, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open
      size={screens.md ? 'large' : '100%'}
      title={rule ? t('admin.rules.edit') : t('admin.rules.create')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={submit}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={problems.map((p) => (
            <div key={`${p.path}|${p.message}`}>{p.path ? `${p.path}: ${p.message}` : p.message}</div>
          ))}
        />
      )}
      <Form form={form} layout="vertical" initialValues={initial}>
        <Row gutter={8}>
          <Col xs={24} sm={16}>
            <Form.Item
              name="name"
              label={t('admin.rules.name')}
              rules={[{ required: true, whitespace: true, message: t('admin.form.required') }]}
            >
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name="status" label={t('admin.rules.status')}>
              <Select
                options={['active', 'paused'].map((s) => ({ value: s, label: t(`admin.ruleStatus.${s}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('admin.rules.when')}</Typography.Title>
        <Row gutter={8}>
          <Col xs={24} sm={12}>
            <Form.Item
              name={['trigger', 'event']}
              label={t('admin.rules.event')}
              rules={[{ required: true }]}
            >
              <Select options={TRIGGER_EVENTS.map((e) => ({ value: e, label: t(`admin.events.${e}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name={['trigger', 'recordType']}
              label={t('admin.rules.recordType')}
              rules={[{ required: true }]}
            >
              <Select options={RECORD_TYPES.map((r) => ({ value: r, label: t(`admin.recordTypes.${r}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        {(event === 'stage.entered' || event === 'clock.warning' || event === 'clock.breached') && (
          <Form.Item name={['trigger', 'stageKey']} label={t('admin.rules.stageKey')}>
            <Input maxLength={48} placeholder="needs_analysis" />
          </Form.Item>
        )}
        {event === 'record.updated' && (
          <Form.Item name={['trigger', 'fields']} label={t('admin.rules.fields')}>
            <Select mode="tags" tokenSeparators={[',', ' ']} />
          </Form.Item>
        )}
        {event === 'schedule' && (
          <Row gutter={8}>
            <Col xs={12}>
              <Form.Item
                name={['trigger', 'schedule', 'every']}
                label={t('admin.rules.every')}
                rules={[{ required: true, message: t('admin.form.required') }]}
              >
                <Select
                  options={['day', 'weekday', 'hour'].map((e) => ({
                    value: e,
                    label: t(`admin.every.${e}`),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name={['trigger', 'schedule', 'at']} label={t('admin.rules.at')}>
                <Input type="time" />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Typography.Title level={5}>{t('admin.rules.if')}</Typography.Title>
        <Form.Item name="condition" label={t('admin.rules.condition')} extra={t('admin.rules.conditionHelp')}>
          <Input.TextArea
            autoSize={{ minRows: 2 }}
            maxLength={2000}
            style={{ fontFamily: 'monospace' }}
            placeholder='record.source == "exhibition"'
          />
        </Form.Item>
        <Typography.Title level={5}>{t('admin.rules.thenDo')}</Typography.Title>
        <Form.List name="actions">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((field, i) => (
                <Card
                  key={field.key}
                  size="small"
                  title={t('admin.rules.actionN', { n: i + 1 })}
                  extra={
                    <Button
                      type="text"
                      danger
                      size="small"
                      icon={<DeleteOutlined />}
                      aria-label={t('admin.form.remove')}
                      disabled={fields.length === 1}
                      onClick={() => remove(field.name)}
                    />
                  }
                >
                  <Form.Item
                    name={[field.name, 'type']}
                    label={t('admin.rules.actionType')}
                    rules={[{ required: true }]}
                  >
                    <Select
                      options={ACTION_TYPES.map((a) => ({ value: a, label: t(`admin.actionTypes.${a}`) }))}
                    />
                  </Form.Item>
                  <ActionFields index={field.name} recordType={recordType} />
                </Card>
              ))}
              {fields.length < 10 && (
                <Button icon={<PlusOutlined />} onClick={() => add({ type: 'notify', to: { owner: true } })}>
                  {t('admin.rules.addAction')}
                </Button>
              )}
            </Space>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
