import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { FormInstance } from 'antd';
import { Button, Card, Form, Input, InputNumber, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { ContractClause, PaymentTerm } from '../../api/types';

export interface ContractTermsValues {
  title?: string;
  clauses: ContractClause[];
  paymentTerms: PaymentTerm[];
  note?: string;
}

/** A clause key the server accepts (lowercase letters, digits, underscore). */
export const newClauseKey = () => `c_${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

/** The server's field errors (`clauses.0.body`, `paymentTerms`) on the form's fields. */
export function showTermsErrors(form: FormInstance, err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  const issues = err.issues?.length
    ? err.issues
    : err.field
      ? [{ field: err.field, message: err.message }]
      : [];
  const fields = issues
    .map((i) => ({
      name: i.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      errors: [i.message],
    }))
    .filter((f) => ['clauses', 'title', 'note'].includes(String(f.name[0])));
  if (!fields.length) return false;
  form.setFields(fields as never);
  return true;
}

export function termsBody(v: ContractTermsValues) {
  return {
    ...(v.title?.trim() ? { title: v.title.trim() } : {}),
    clauses: v.clauses.map((c) => ({ key: c.key, title: c.title.trim(), body: c.body.trim() })),
    paymentTerms: v.paymentTerms.map((p) => ({
      name: p.name.trim(),
      percent: Number(p.percent),
      daysAfterSigning: Number(p.daysAfterSigning),
    })),
    ...(v.note?.trim() ? { note: v.note.trim() } : {}),
  };
}

/**
 * The parts of a contract a person writes: title, clauses (条款, editable text with {placeholders}
 * filled by the server) and payment terms (付款条件) that must add up to 100 %.
 */
export function ContractTermsFields({
  noteLabel,
  noteRequired = false,
}: {
  noteLabel: string;
  noteRequired?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="title" label={t('q2c.contracts.contractTitle')} rules={[{ max: 200 }]}>
        <Input style={{ maxWidth: 480 }} data-testid="contract-title" />
      </Form.Item>
      <Typography.Title level={5}>{t('q2c.contracts.clauses')}</Typography.Title>
      <Form.List name="clauses">
        {(fields, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {fields.length === 0 && (
              <Typography.Text type="secondary">{t('q2c.contracts.noClauses')}</Typography.Text>
            )}
            {fields.map((f, i) => (
              <Card
                key={f.key}
                size="small"
                title={t('q2c.contracts.clauseNo', { no: i + 1 })}
                extra={
                  <Button
                    size="small"
                    icon={<DeleteOutlined />}
                    aria-label={t('q2c.contracts.removeClause')}
                    onClick={() => remove(f.name)}
                  />
                }
              >
                <Form.Item name={[f.name, 'key']} hidden>
                  <Input />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'title']}
                  label={t('q2c.contracts.clauseTitle')}
                  rules={[
                    { required: true, whitespace: true, message: t('q2c.contracts.required') },
                    { max: 200 },
                  ]}
                >
                  <Input data-testid={`clause-${i}-title`} />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'body']}
                  label={t('q2c.contracts.clauseBody')}
                  rules={[
                    { required: true, whitespace: true, message: t('q2c.contracts.required') },
                    { max: 20000 },
                  ]}
                  extra={i === 0 ? t('q2c.contracts.placeholderHint') : undefined}
                >
                  <Input.TextArea
                    autoSize={{ minRows: 2, maxRows: 10 }}
                    data-testid={`clause-${i}-body`}
                    data-value=""
                  />
                </Form.Item>
              </Card>
            ))}
            <Button
              icon={<PlusOutlined />}
              onClick={() => add({ key: newClauseKey(), title: '', body: '' })}
              data-testid="clause-add"
            >
              {t('q2c.contracts.addClause')}
            </Button>
          </Space>
        )}
      </Form.List>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('q2c.contracts.paymentTerms')}
      </Typography.Title>
      <Form.List
        name="paymentTerms"
        rules={[
          {
            validator: async (_, v?: PaymentTerm[]) => {
              if (!v?.length) throw new Error(t('q2c.contracts.termsRequired'));
              const total = v.reduce((s, p) => s + (Number(p?.percent) || 0), 0);
              if (total !== 100) throw new Error(t('q2c.contracts.termsTotal', { total }));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((f, i) => (
              <Space key={f.key} wrap align="start">
                <Form.Item
                  name={[f.name, 'name']}
                  label={t('q2c.contracts.termName')}
                  rules={[
                    { required: true, whitespace: true, message: t('q2c.contracts.required') },
                    { max: 100 },
                  ]}
                >
                  <Input style={{ width: 160 }} data-testid={`term-${i}-name`} />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'percent']}
                  label={t('q2c.contracts.termPercent')}
                  rules={[{ required: true, message: t('q2c.contracts.required') }]}
                >
                  <InputNumber
                    min={1}
                    max={100}
                    precision={0}
                    suffix="%"
                    style={{ width: 100 }}
                    data-testid={`term-${i}-percent`}
                  />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'daysAfterSigning']}
                  label={t('q2c.contracts.termDays')}
                  rules={[{ required: true, message: t('q2c.contracts.required') }]}
                >
                  <InputNumber
                    min={0}
                    max={3650}
                    precision={0}
                    style={{ width: 110 }}
                    data-testid={`term-${i}-days`}
                  />
                </Form.Item>
                <Form.Item label=" ">
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('q2c.contracts.removeTerm')}
                    disabled={fields.length === 1}
                    onClick={() => remove(f.name)}
                  />
                </Form.Item>
              </Space>
            ))}
            <Form.ErrorList errors={errors} />
            <div>
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ name: '', percent: undefined, daysAfterSigning: 30 })}
                style={{ margin: '8px 0 16px' }}
                data-testid="term-add"
              >
                {t('q2c.contracts.addTerm')}
              </Button>
            </div>
          </>
        )}
      </Form.List>
      <Form.Item
        name="note"
        label={noteLabel}
        rules={[
          { required: noteRequired, whitespace: true, message: t('q2c.contracts.required') },
          { max: 1000 },
        ]}
      >
        <Input.TextArea rows={2} data-testid="contract-note" data-value="" />
      </Form.Item>
    </>
  );
}
