import { DatePicker, Form, Input, InputNumber, Select } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { isValidCreditCode, isValidMobile } from '../lib';
import type { FieldSpec } from '../pages/recordFields';

/** A record's values → the form's (money 分 → 元, dates → dayjs). */
export function toFormValues(fields: FieldSpec[], rec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = rec[f.key];
    if (v === null || v === undefined) out[f.key] = undefined;
    else if (f.kind === 'money') out[f.key] = Number(v) / 100;
    else if (f.kind === 'date') out[f.key] = dayjs(String(v));
    else out[f.key] = v;
  }
  return out;
}

/** The form's values → the API body; emptied optional fields become null, untouched ones stay out. */
export function fromFormValues(
  fields: FieldSpec[],
  values: Record<string, unknown>,
  opts: { nullForEmpty: boolean },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f.key in values)) continue;
    const v = values[f.key];
    const empty = v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    if (empty) {
      if (opts.nullForEmpty && !f.required) out[f.key] = null;
      continue;
    }
    if (f.kind === 'money') out[f.key] = Math.round(Number(v) * 100);
    else if (f.kind === 'date') out[f.key] = (v as Dayjs).format('YYYY-MM-DD');
    else if (typeof v === 'string') out[f.key] = v.trim();
    else out[f.key] = v;
  }
  return out;
}

/** Form items for a record's fields, validating as the server does. */
export function RecordFormItems({
  fields,
  labelOf,
}: {
  fields: FieldSpec[];
  labelOf: (key: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {fields.map((f) => {
        const label = labelOf(f.key);
        const rules: Rule[] = [];
        // Any key beside `required` makes async-validator check the value as a string, so numbers
        // and dates would fail even when set: `whitespace` goes on text fields only.
        const textual = f.kind !== 'money' && f.kind !== 'number' && f.kind !== 'date' && f.kind !== 'select';
        if (f.required)
          rules.push({
            required: true,
            ...(textual ? { whitespace: true } : {}),
            message: t('form.required', { field: label }),
          });
        if (f.max) rules.push({ max: f.max, message: t('form.tooLong', { max: f.max }) });
        if (f.kind === 'email') rules.push({ type: 'email', message: t('form.invalidEmail') });
        if (f.kind === 'mobile')
          rules.push({
            validator: (_, v?: string) =>
              !v || isValidMobile(v) ? Promise.resolve() : Promise.reject(new Error(t('form.invalidMobile'))),
          });
        if (f.kind === 'creditCode')
          rules.push({
            validator: (_, v?: string) =>
              !v || isValidCreditCode(v)
                ? Promise.resolve()
                : Promise.reject(new Error(t('form.invalidCreditCode'))),
          });
        let input: React.ReactNode;
        switch (f.kind) {
          case 'textarea':
            input = <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />;
            break;
          case 'select':
            input = (
              <Select
                allowClear={!f.required}
                options={f.options!.values.map((v) => ({
                  value: v,
                  label:
                    f.options!.prefix === 'grade' || f.options!.prefix === 'currency'
                      ? v
                      : t(`${f.options!.prefix}.${v}`),
                }))}
              />
            );
            break;
          case 'money':
            input = <InputNumber min={0} precision={2} prefix="¥" style={{ width: '100%' }} />;
            break;
          case 'number':
            input = <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} />;
            break;
          case 'date':
            input = <DatePicker style={{ width: '100%' }} />;
            break;
          default:
            input = <Input />;
        }
        return (
          <Form.Item key={f.key} name={f.key} label={label} rules={rules}>
            {input}
          </Form.Item>
        );
      })}
    </>
  );
}
