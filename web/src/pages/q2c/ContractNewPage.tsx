import { useQuery } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Descriptions, Form, Select, Space, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { Contract, ContractTemplate, Me, Page } from '../../api/types';
import { fmtDate, useDebounced } from '../../lib';
import type { Quote } from '../QuoteEditor';
import {
  ContractTermsFields,
  type ContractTermsValues,
  showTermsErrors,
  termsBody,
} from './ContractTermsForm';
import { money } from './q2cShared';

interface NewValues extends ContractTermsValues {
  quoteId?: string;
  templateId?: string;
}

function AcceptedQuotePicker({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const quotes = useQuery({
    queryKey: ['quotes', 'accepted-picker', q],
    queryFn: () => {
      const params = new URLSearchParams({ status: 'accepted', limit: '20' });
      if (q) params.set('q', q);
      return api<Page<Quote>>('GET', `/api/quotes?${params}`);
    },
    placeholderData: (prev) => prev,
  });
  const chosen = useQuery({
    queryKey: ['quote', value],
    enabled: !!value,
    queryFn: () => api<Quote>('GET', `/api/quotes/${value}`),
  });
  const label = (x: Quote) => `${x.number} · ${x.title} · ${money(x.grossAmount, x.currency)}`;
  const options = (quotes.data?.items ?? []).map((x) => ({ value: x.id, label: label(x) }));
  if (value && chosen.data && !options.some((o) => o.value === value))
    options.unshift({ value, label: label(chosen.data) });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      loading={quotes.isFetching}
      placeholder={t('q2c.contracts.pickQuote')}
      notFoundContent={t('q2c.contracts.noAcceptedQuote')}
      options={options}
      style={{ maxWidth: 560 }}
      data-testid="contract-quote"
    />
  );
}

/** 新建合同: from an accepted quote, with a template's clauses (editable) and payment terms. */
export function ContractNewPage({ me: _me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const [address] = useSearchParams();
  const [form] = Form.useForm<NewValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const quoteId = Form.useWatch('quoteId', form);
  const templates = useQuery({
    queryKey: ['contract-templates'],
    queryFn: () => api<{ items: ContractTemplate[] }>('GET', '/api/contract-templates'),
  });
  const quote = useQuery({
    queryKey: ['quote', quoteId],
    enabled: !!quoteId,
    queryFn: () => api<Quote>('GET', `/api/quotes/${quoteId}`),
  });
  const active = (templates.data?.items ?? []).filter((x) => x.status === 'active');

  const fromAddress = address.get('quoteId');
  // Opened from an accepted quote (/contracts/new?quoteId=…): start from that quote.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !fromAddress) return;
    started.current = true;
    pickQuote(fromAddress);
  });

  const pickQuote = (id: string) => {
    form.setFieldValue('quoteId', id);
    void api<Quote>('GET', `/api/quotes/${id}`).then((q) => {
      if (!form.getFieldValue('title')) form.setFieldValue('title', q.title);
      form.setFieldValue('paymentTerms', [
        { name: t('q2c.contracts.defaultTerm'), percent: 100, daysAfterSigning: q.paymentDays },
      ]);
    });
  };
  const pickTemplate = (id: string | undefined) => {
    form.setFieldValue('templateId', id);
    const tpl = active.find((x) => x.id === id);
    form.setFieldValue('clauses', tpl ? tpl.clauses.map((c) => ({ ...c })) : []);
  };

  const save = async () => {
    setError(null);
    let values: NewValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const created = await api<Contract>('POST', '/api/contracts', {
        quoteId: values.quoteId,
        ...(values.templateId ? { templateId: values.templateId } : {}),
        ...termsBody(values),
      });
      message.success(t('q2c.contracts.created', { number: created.number }));
      navigate(`/contracts/${created.id}`, { replace: true });
    } catch (err) {
      showTermsErrors(form, err);
      setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  if (templates.isLoading) return <Spin />;
  const initial: NewValues = { clauses: [], paymentTerms: [] };
  return (
    <Card title={t('q2c.contracts.new')} extra={<Link to="/contracts">{t('q2c.contracts.backToList')}</Link>}>
      {error && (
        <Alert
          type="error"
          showIcon
          closable
          style={{ marginBottom: 12 }}
          title={error}
          data-testid="contract-save-error"
        />
      )}
      {templates.isError && <Alert type="error" showIcon title={(templates.error as Error).message} />}
      <Form form={form} layout="vertical" initialValues={initial} data-testid="contract-form">
        <Form.Item
          name="quoteId"
          label={t('q2c.contracts.quote')}
          rules={[{ required: true, message: t('q2c.contracts.quoteRequired') }]}
          extra={t('q2c.contracts.quoteHint')}
        >
          <AcceptedQuotePicker onChange={pickQuote} />
        </Form.Item>
        {quote.data && (
          <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('q2c.contracts.gross')}>
              <span data-value="">{money(quote.data.grossAmount, quote.data.currency)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('q2c.contracts.net')}>
              <span data-value="">{money(quote.data.netAmount, quote.data.currency)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('q2c.contracts.paymentDays')}>
              <span data-value="">{quote.data.paymentDays}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('q2c.contracts.deliveryDate')}>
              <span data-value="">{fmtDate(quote.data.deliveryDate)}</span>
            </Descriptions.Item>
          </Descriptions>
        )}
        <Form.Item
          name="templateId"
          label={t('q2c.contracts.template')}
          extra={t('q2c.contracts.templateHint')}
        >
          <Select
            allowClear
            onChange={pickTemplate}
            placeholder={t('q2c.contracts.pickTemplate')}
            notFoundContent={t('q2c.contracts.noTemplate')}
            options={active.map((x) => ({ value: x.id, label: x.name }))}
            style={{ maxWidth: 360 }}
            data-testid="contract-template"
          />
        </Form.Item>
        <ContractTermsFields noteLabel={t('q2c.contracts.note')} />
        <Space>
          <Button type="primary" loading={saving} onClick={save} data-testid="contract-create">
            {t('q2c.contracts.create')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
