import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Space, Tabs } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TextPair } from './TextPair';

// One stage of a playbook as a form: basics, checklist (关键动作 + 动作标准), deliverable forms
// (交付物), time limits (时限 with the escalation ladder) and entry/exit gates (CEL).

type Name = (string | number)[];
type T = (k: string, o?: Record<string, unknown>) => string;

export const OWNER_ROLES = [
  'admin',
  'sales_ops',
  'manager',
  'rep',
  'finance',
  'legal',
  'delivery',
  'service',
] as const;
const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'money',
  'date',
  'datetime',
  'select',
  'multiselect',
  'boolean',
  'phone',
  'email',
] as const;
const DURATION_UNITS = ['minutes', 'hours', 'working_hours', 'working_days', 'days'] as const;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

function keyRules(t: T) {
  return [
    { required: true, message: t('admin.form.required') },
    { pattern: KEY_PATTERN, message: t('admin.form.keyPattern') },
  ];
}

/** A list of sub-items with add, remove and reorder, each in a small card. */
function ItemList({
  name,
  addLabel,
  newItem,
  title,
  children,
}: {
  name: Name;
  addLabel: string;
  newItem: () => Record<string, unknown>;
  title: (index: number) => string;
  children: (itemName: number) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove, move }) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {fields.map((field, i) => (
            <Card
              key={field.key}
              size="small"
              title={title(i)}
              extra={
                <Space size={0}>
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowUpOutlined />}
                    aria-label={t('admin.form.moveUp')}
                    disabled={i === 0}
                    onClick={() => move(i, i - 1)}
                  />
                  <Button
                    type="text"
                    size="small"
                    icon={<ArrowDownOutlined />}
                    aria-label={t('admin.form.moveDown')}
                    disabled={i === fields.length - 1}
                    onClick={() => move(i, i + 1)}
                  />
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('admin.form.remove')}
                    onClick={() => remove(field.name)}
                  />
                </Space>
              }
            >
              {children(field.name)}
            </Card>
          ))}
          <Button icon={<PlusOutlined />} onClick={() => add(newItem())}>
            {addLabel}
          </Button>
        </Space>
      )}
    </Form.List>
  );
}

function DurationInput({ name, label, required = false }: { name: Name; label: string; required?: boolean }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={label} required={required} style={{ marginBottom: 0 }}>
      <Space.Compact block>
        <Form.Item
          name={[...name, 'value']}
          noStyle
          rules={required ? [{ required: true, message: t('admin.form.required') }] : []}
        >
          <InputNumber min={1} max={100000} precision={0} style={{ width: '45%' }} aria-label={label} />
        </Form.Item>
        <Form.Item name={[...name, 'unit']} noStyle>
          <Select
            allowClear
            style={{ width: '55%' }}
            placeholder={t('admin.designer.unit')}
            options={DURATION_UNITS.map((u) => ({ value: u, label: t(`admin.durationUnits.${u}`) }))}
          />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

function ChecklistEditor({ name }: { name: Name }) {
  const { t } = useTranslation();
  return (
    <ItemList
      name={name}
      addLabel={t('admin.designer.addAction')}
      newItem={() => ({ required: false })}
      title={(i) => t('admin.designer.actionN', { n: i + 1 })}
    >
      {(item) => (
        <>
          <Row gutter={8}>
            <Col xs={24} sm={12}>
              <Form.Item name={[item, 'key']} label={t('admin.designer.key')} rules={keyRules(t)}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={[item, 'required']} valuePropName="checked" label=" ">
                <Checkbox>{t('admin.designer.requiredAction')}</Checkbox>
              </Form.Item>
            </Col>
          </Row>
          <TextPair name={[item, 'name']} label={t('admin.designer.actionName')} required />
          <TextPair name={[item, 'standard']} label={t('admin.designer.standard')} multiline />
        </>
      )}
    </ItemList>
  );
}

/** The `type` of the field at `path` in the form's values. */
function typeAt(values: unknown, path: Name): unknown {
  let v = values as Record<string | number, unknown> | undefined;
  for (const p of path) v = v?.[p] as Record<string | number, unknown> | undefined;
  return v?.type;
}

function FormFieldsEditor({ name, abs }: { name: Name; abs: Name }) {
  const { t } = useTranslation();
  return (
    <ItemList
      name={name}
      addLabel={t('admin.designer.addField')}
      newItem={() => ({ type: 'text', required: false })}
      title={(i) => t('admin.designer.fieldN', { n: i + 1 })}
    >
      {(item) => (
        <>
          <Row gutter={8}>
            <Col xs={24} sm={8}>
              <Form.Item name={[item, 'key']} label={t('admin.designer.key')} rules={keyRules(t)}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={24} sm={8}>
              <Form.Item
                name={[item, 'type']}
                label={t('admin.designer.fieldType')}
                rules={keyRules(t).slice(0, 1)}
              >
                <Select options={FIELD_TYPES.map((v) => ({ value: v, label: t(`admin.fieldTypes.${v}`) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={8}>
              <Form.Item name={[item, 'required']} valuePropName="checked" label=" ">
                <Checkbox>{t('admin.designer.requiredField')}</Checkbox>
              </Form.Item>
            </Col>
          </Row>
          <TextPair name={[item, 'label']} label={t('admin.designer.fieldLabel')} required />
          <Form.Item
            noStyle
            shouldUpdate={(prev, cur) => typeAt(prev, [...abs, item]) !== typeAt(cur, [...abs, item])}
          >
            {({ getFieldValue }) => {
              const type = getFieldValue([...abs, item, 'type']);
              if (type !== 'select' && type !== 'multiselect') return null;
              return (
                <Form.Item label={t('admin.designer.options')}>
                  <ItemList
                    name={[item, 'options']}
                    addLabel={t('admin.designer.addOption')}
                    newItem={() => ({})}
                    title={(i) => t('admin.designer.optionN', { n: i + 1 })}
                  >
                    {(opt) => (
                      <>
                        <Form.Item
                          name={[opt, 'value']}
                          label={t('admin.designer.optionValue')}
                          rules={[{ required: true, message: t('admin.form.required') }]}
                        >
                          <Input maxLength={100} />
                        </Form.Item>
                        <TextPair name={[opt, 'label']} label={t('admin.designer.optionLabel')} required />
                      </>
                    )}
                  </ItemList>
                </Form.Item>
              );
            }}
          </Form.Item>
          <TextPair name={[item, 'help']} label={t('admin.designer.help')} />
        </>
      )}
    </ItemList>
  );
}

function FormsEditor({ name, abs }: { name: Name; abs: Name }) {
  const { t } = useTranslation();
  return (
    <ItemList
      name={name}
      addLabel={t('admin.designer.addForm')}
      newItem={() => ({ required: false, fields: [{ type: 'text', required: false }] })}
      title={(i) => t('admin.designer.formN', { n: i + 1 })}
    >
      {(item) => (
        <>
          <Row gutter={8}>
            <Col xs={24} sm={12}>
              <Form.Item name={[item, 'key']} label={t('admin.designer.key')} rules={keyRules(t)}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={[item, 'required']} valuePropName="checked" label=" ">
                <Checkbox>{t('admin.designer.requiredForm')}</Checkbox>
              </Form.Item>
            </Col>
          </Row>
          <TextPair name={[item, 'name']} label={t('admin.designer.formName')} required />
          <Form.Item label={t('admin.designer.fields')}>
            <FormFieldsEditor name={[item, 'fields']} abs={[...abs, item, 'fields']} />
          </Form.Item>
        </>
      )}
    </ItemList>
  );
}

const NOTIFY_TARGETS = [...OWNER_ROLES, 'owner', 'owner_manager'] as const;

function TimeLimitsEditor({ name }: { name: Name }) {
  const { t } = useTranslation();
  return (
    <ItemList
      name={name}
      addLabel={t('admin.designer.addTimeLimit')}
      newItem={() => ({ duration: { value: 24, unit: 'hours' }, escalation: [] })}
      title={(i) => t('admin.designer.timeLimitN', { n: i + 1 })}
    >
      {(item) => (
        <>
          <Form.Item name={[item, 'key']} label={t('admin.designer.key')} rules={keyRules(t)}>
            <Input />
          </Form.Item>
          <TextPair name={[item, 'name']} label={t('admin.designer.timeLimitName')} required />
          <Form.Item name={[item, 'starts']} label={t('admin.designer.starts')}>
            <Select
              allowClear
              placeholder={t('admin.starts.stage_entered')}
              options={['stage_entered', 'record_created'].map((v) => ({
                value: v,
                label: t(`admin.starts.${v}`),
              }))}
            />
          </Form.Item>
          <Row gutter={8}>
            <Col xs={24} sm={12}>
              <DurationInput name={[item, 'duration']} label={t('admin.designer.duration')} />
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item label={t('admin.designer.deadline')} style={{ marginBottom: 0 }}>
                <Space.Compact block>
                  <Form.Item name={[item, 'deadline', 'time']} noStyle>
                    <Input
                      type="time"
                      style={{ width: '45%' }}
                      aria-label={t('admin.designer.deadlineTime')}
                    />
                  </Form.Item>
                  <Form.Item name={[item, 'deadline', 'on']} noStyle>
                    <Select
                      allowClear
                      style={{ width: '55%' }}
                      placeholder={t('admin.designer.deadlineOn')}
                      options={['same_working_day', 'next_working_day', 'daily'].map((v) => ({
                        value: v,
                        label: t(`admin.deadlineOn.${v}`),
                      }))}
                    />
                  </Form.Item>
                </Space.Compact>
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={8} style={{ marginTop: 16 }}>
            <Col xs={24} sm={12}>
              <DurationInput name={[item, 'warnBefore']} label={t('admin.designer.warnBefore')} />
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name={[item, 'resetOn']} label={t('admin.designer.resetOn')}>
                <Select
                  allowClear
                  options={[{ value: 'activity', label: t('admin.designer.resetOnActivity') }]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name={[item, 'stopWhen']} label={t('admin.designer.stopWhen')}>
            <Input.TextArea autoSize maxLength={2000} placeholder="record.firstContactAt != null" />
          </Form.Item>
          <Form.Item label={t('admin.designer.escalation')}>
            <ItemList
              name={[item, 'escalation']}
              addLabel={t('admin.designer.addEscalation')}
              newItem={() => ({
                after: { value: 1, unit: 'hours' },
                notify: ['owner_manager'],
                action: 'notify',
              })}
              title={(i) => t('admin.designer.escalationN', { n: i + 1 })}
            >
              {(step) => (
                <Row gutter={8}>
                  <Col xs={24} sm={8}>
                    <DurationInput name={[step, 'after']} label={t('admin.designer.after')} required />
                  </Col>
                  <Col xs={24} sm={10}>
                    <Form.Item
                      name={[step, 'notify']}
                      label={t('admin.designer.notify')}
                      rules={[{ required: true, message: t('admin.form.required') }]}
                    >
                      <Select
                        mode="multiple"
                        options={NOTIFY_TARGETS.map((v) => ({ value: v, label: t(`admin.targets.${v}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={6}>
                    <Form.Item name={[step, 'action']} label={t('admin.designer.escalationAction')}>
                      <Select
                        options={['notify', 'reassign', 'return_to_pool'].map((v) => ({
                          value: v,
                          label: t(`admin.escalationActions.${v}`),
                        }))}
                      />
                    </Form.Item>
                  </Col>
                </Row>
              )}
            </ItemList>
          </Form.Item>
        </>
      )}
    </ItemList>
  );
}

function GateEditor({ name }: { name: Name }) {
  const { t } = useTranslation();
  return (
    <ItemList
      name={name}
      addLabel={t('admin.designer.addCondition')}
      newItem={() => ({})}
      title={(i) => t('admin.designer.conditionN', { n: i + 1 })}
    >
      {(item) => (
        <>
          <Form.Item
            name={[item, 'expr']}
            label={t('admin.designer.expr')}
            rules={[{ required: true, message: t('admin.form.required') }]}
          >
            <Input.TextArea
              autoSize
              maxLength={2000}
              placeholder="record.amount > 0"
              style={{ fontFamily: 'monospace' }}
            />
          </Form.Item>
          <TextPair name={[item, 'message']} label={t('admin.designer.conditionMessage')} required />
        </>
      )}
    </ItemList>
  );
}

/** The editor of stage `index` of the form's `stages`. */
export function StageEditor({ index, stageKeys }: { index: number; stageKeys: string[] }) {
  const { t } = useTranslation();
  return (
    <Tabs
      size="small"
      items={[
        {
          key: 'basic',
          label: t('admin.designer.tabBasic'),
          forceRender: true,
          children: (
            <>
              <Row gutter={8}>
                <Col xs={24} sm={8}>
                  <Form.Item name={[index, 'key']} label={t('admin.designer.key')} rules={keyRules(t)}>
                    <Input />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item
                    name={[index, 'ownerRole']}
                    label={t('admin.designer.ownerRole')}
                    rules={[{ required: true, message: t('admin.form.required') }]}
                  >
                    <Select options={OWNER_ROLES.map((r) => ({ value: r, label: t(`admin.roles.${r}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name={[index, 'probability']} label={t('admin.designer.probability')}>
                    <InputNumber min={0} max={100} precision={0} suffix="%" style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
              <TextPair name={[index, 'name']} label={t('admin.designer.stageName')} required />
              <Row gutter={8}>
                <Col xs={24} sm={8}>
                  <Form.Item name={[index, 'terminal']} label={t('admin.designer.terminal')}>
                    <Select
                      allowClear
                      placeholder={t('admin.designer.notTerminal')}
                      options={['won', 'lost', 'closed'].map((v) => ({
                        value: v,
                        label: t(`admin.terminal.${v}`),
                      }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={16}>
                  <Form.Item name={[index, 'allowedNext']} label={t('admin.designer.allowedNext')}>
                    <Select mode="multiple" options={stageKeys.map((k) => ({ value: k, label: k }))} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item
                noStyle
                shouldUpdate={(prev, cur) => prev.stages?.[index]?.terminal !== cur.stages?.[index]?.terminal}
              >
                {({ getFieldValue }) =>
                  getFieldValue(['stages', index, 'terminal']) ? (
                    <Form.Item
                      label={t('admin.designer.requiredReasons')}
                      extra={t('admin.designer.reasonsHelp')}
                    >
                      <ItemList
                        name={[index, 'requiredReasons']}
                        addLabel={t('admin.designer.addReason')}
                        newItem={() => ({})}
                        title={(i) => t('admin.designer.reasonN', { n: i + 1 })}
                      >
                        {(item) => (
                          <>
                            <Form.Item
                              name={[item, 'value']}
                              label={t('admin.designer.optionValue')}
                              rules={[{ required: true, message: t('admin.form.required') }]}
                            >
                              <Input maxLength={100} />
                            </Form.Item>
                            <TextPair
                              name={[item, 'label']}
                              label={t('admin.designer.optionLabel')}
                              required
                            />
                          </>
                        )}
                      </ItemList>
                    </Form.Item>
                  ) : null
                }
              </Form.Item>
            </>
          ),
        },
        {
          key: 'checklist',
          label: t('admin.designer.tabChecklist'),
          forceRender: true,
          children: <ChecklistEditor name={[index, 'checklist']} />,
        },
        {
          key: 'forms',
          label: t('admin.designer.tabForms'),
          forceRender: true,
          children: <FormsEditor name={[index, 'forms']} abs={['stages', index, 'forms']} />,
        },
        {
          key: 'timeLimits',
          label: t('admin.designer.tabTimeLimits'),
          forceRender: true,
          children: <TimeLimitsEditor name={[index, 'timeLimits']} />,
        },
        {
          key: 'gates',
          label: t('admin.designer.tabGates'),
          forceRender: true,
          children: (
            <>
              <Form.Item label={t('admin.designer.entryGate')}>
                <GateEditor name={[index, 'entryGate']} />
              </Form.Item>
              <Form.Item label={t('admin.designer.exitGate')}>
                <GateEditor name={[index, 'exitGate']} />
              </Form.Item>
            </>
          ),
        },
      ]}
    />
  );
}
