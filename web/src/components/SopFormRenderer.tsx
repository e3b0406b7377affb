import { Alert, Button, DatePicker, Form, Input, InputNumber, Select, Switch, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { FormField, SopForm } from '../api/types';
import { applyServerErrors, fmtTime, isValidMobile, useLocalText } from '../lib';

/** Form values as the server stores them → the widgets' values (money 分 → 元, dates → dayjs). */
function toWidget(field: FormField, v: unknown): unknown {
  if (field.type === 'boolean') return v === true;
  if (v === undefined || v === null) return undefined;
  if (field.type === 'money' && typeof v === 'number') return v / 100;
  if ((field.type === 'date' || field.type === 'datetime') && typeof v === 'string') return dayjs(v);
  return v;
}

function fromWidget(field: FormField, v: unknown): unknown {
  if (v === undefined || v === null || v === '') return undefined;
  if (field.type === 'money') return Math.round(Number(v) * 100);
  if (field.type === 'date') return (v as Dayjs).format('YYYY-MM-DD');
  if (field.type === 'datetime') return (v as Dayjs).toISOString();
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  return v;
}

function widget(field: FormField, lt: (x: FormField['label']) => string) {
  const options = (field.options ?? []).map((o) => ({ value: o.value, label: lt(o.label) }));
  switch (field.type) {
    case 'textarea':
      return <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={10_000} />;
    case 'number':
      return <InputNumber style={{ width: '100%' }} min={field.min} max={field.max} />;
    case 'money':
      return <InputNumber style={{ width: '100%' }} min={0} precision={2} prefix="¥" />;
    case 'date':
      return <DatePicker style={{ width: '100%' }} />;
    case 'datetime':
      return <DatePicker showTime style={{ width: '100%' }} />;
    case 'select':
      return <Select options={options} allowClear />;
    case 'multiselect':
      return <Select mode="multiple" options={options} allowClear />;
    case 'boolean':
      return <Switch />;
    case 'phone':
      return <Input inputMode="tel" maxLength={40} />;
    case 'email':
      return <Input inputMode="email" maxLength={254} />;
    default:
      return <Input maxLength={10_000} />;
  }
}

/** A deliverable form (交付物) rendered from the playbook's schema; server field errors land on the field. */
export function SopFormRenderer({
  basePath,
  form: spec,
  submitted,
  disabled,
  onSaved,
}: {
  /** The record's API path, e.g. /api/deals/deal_1. */
  basePath: string;
  form: SopForm;
  submitted?: { values: Record<string, unknown>; submittedAt: string };
  disabled?: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const lt = useLocalText();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const initial = Object.fromEntries(spec.fields.map((f) => [f.key, toWidget(f, submitted?.values[f.key])]));
  const submit = async (raw: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    const values: Record<string, unknown> = {};
    for (const f of spec.fields) {
      const v = fromWidget(f, raw[f.key]);
      if (v !== undefined) values[f.key] = v;
    }
    try {
      await api('PUT', `${basePath}/sop/forms/${spec.key}`, { values });
      onSaved();
    } catch (err) {
      if (!applyServerErrors(form, err, 'values.')) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      name={`sop_${spec.key}`}
      layout="vertical"
      initialValues={initial}
      onFinish={submit}
      disabled={disabled}
      data-testid={`sop-form-${spec.key}`}
    >
      {submitted && (
        <Tag color="green" style={{ marginBottom: 12 }}>
          {t('sop.submittedAt', { time: fmtTime(submitted.submittedAt) })}
        </Tag>
      )}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {spec.fields.map((f) => (
        <Form.Item
          key={f.key}
          name={f.key}
          label={lt(f.label)}
          extra={f.help ? lt(f.help) : undefined}
          valuePropName={f.type === 'boolean' ? 'checked' : 'value'}
          rules={[
            ...(f.required && f.type !== 'boolean'
              ? [{ required: true, message: t('form.required', { field: lt(f.label) }) }]
              : []),
            ...(f.type === 'email' ? [{ type: 'email' as const, message: t('form.invalidEmail') }] : []),
            ...(f.type === 'phone'
              ? [
                  {
                    validator: (_: unknown, v: string | undefined) =>
                      !v || isValidMobile(v) || /^[\d\s\-+()转ext.x]{7,40}$/i.test(v)
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('form.invalidPhone'))),
                  },
                ]
              : []),
          ]}
        >
          {widget(f, lt)}
        </Form.Item>
      ))}
      <Button type="primary" htmlType="submit" loading={busy} data-testid={`sop-form-submit-${spec.key}`}>
        {submitted ? t('sop.resubmit') : t('sop.submitForm')}
      </Button>
    </Form>
  );
}
