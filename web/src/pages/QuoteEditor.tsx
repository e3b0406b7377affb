import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormInstance } from 'antd';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Segmented,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Deal, Me, Page } from '../api/types';
import { type ApprovalRequest, ApprovalSteps } from '../components/ApprovalSteps';
import { QuoteVersions } from '../components/QuoteVersions';
import { fmtDate, useDebounced } from '../lib';
import { fenToYuanInput, formatBp, formatFen, parseYuan } from '../money';
import { QUOTE_STATUS_COLOR } from './QuotesPage';
import { PriceListPicker, QuoteContractButton, QuotePdfButton, usePriceLists } from './q2c/QuoteExtras';

export interface QuoteLineTotals {
  quantity: string;
  listAmount: number;
  discountAmount: number;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  costAmount?: number | null;
  marginAmount?: number | null;
}
export interface QuoteLine {
  productId: string;
  productName: string;
  sku: string;
  unit: string | null;
  spec: string | null;
  quantity: string;
  unitPrice: number;
  listPrice: number;
  discountPercent: string;
  taxRatePercent: string;
  unitCost?: number | null;
  note: string | null;
  totals: QuoteLineTotals;
}
export interface Quote {
  id: string;
  number: string;
  dealId: string;
  accountId: string;
  ownerId: string | null;
  title: string;
  status: string;
  currency: string;
  taxMode: 'inclusive' | 'exclusive';
  currentVersion: number;
  paymentTerms: string | null;
  paymentDays: number;
  deliveryDate: string | null;
  validUntil: string;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  discountBp: number;
  costAmount?: number | null;
  marginBp?: number | null;
  approvalId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  lines?: QuoteLine[];
  terms?: Record<string, unknown>;
  versionNote?: string | null;
}

interface LineValues {
  productId?: string;
  quantity?: string;
  unitPrice?: string;
  discountPercent?: string;
  taxRatePercent?: string;
  note?: string;
}
interface QuoteValues {
  dealId?: string;
  priceListId?: string | null;
  title?: string;
  taxMode: 'inclusive' | 'exclusive';
  lines: LineValues[];
  terms: { paymentTerms?: string; paymentDays?: number; deliveryDate?: Dayjs | null; validUntil?: Dayjs };
  note?: string;
}
interface Product {
  id: string;
  name: string;
  sku: string;
  listPrice: number;
  currency: string;
  unit: string | null;
}

const EDITABLE = new Set(['draft', 'approved', 'rejected', 'returned', 'sent']);
const SUBMITTABLE = new Set(['draft', 'rejected', 'returned']);
const QUANTITY = /^\d{1,9}(\.\d{1,4})?$/;
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

/** Puts the server's field errors (`lines.0.quantity`, `terms.validUntil`) on the form's fields. */
function showServerErrors(form: FormInstance<QuoteValues>, err: unknown): boolean {
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
    .filter((f) => {
      try {
        return form.getFieldInstance(f.name) !== undefined || f.name[0] === 'lines';
      } catch {
        return false;
      }
    });
  if (!fields.length) return false;
  form.setFields(fields as never);
  return true;
}

function toBody(v: QuoteValues, isNew: boolean) {
  return {
    ...(isNew ? { dealId: v.dealId, ...(v.priceListId ? { priceListId: v.priceListId } : {}) } : {}),
    ...(v.title?.trim() ? { title: v.title.trim() } : {}),
    taxMode: v.taxMode,
    lines: v.lines.map((l) => ({
      productId: l.productId,
      quantity: (l.quantity ?? '').trim(),
      ...(l.unitPrice?.trim() ? { unitPrice: parseYuan(l.unitPrice) } : {}),
      discountPercent: l.discountPercent?.trim() || '0',
      taxRatePercent: l.taxRatePercent?.trim() || '13',
      ...(l.note?.trim() ? { note: l.note.trim() } : {}),
    })),
    terms: {
      paymentTerms: v.terms.paymentTerms?.trim() || null,
      paymentDays: v.terms.paymentDays ?? 30,
      deliveryDate: v.terms.deliveryDate ? v.terms.deliveryDate.format('YYYY-MM-DD') : null,
      validUntil: v.terms.validUntil?.format('YYYY-MM-DD'),
    },
    ...(v.note?.trim() ? { note: v.note.trim() } : {}),
  };
}

function fromQuote(q: Quote): QuoteValues {
  const terms = (q.terms ?? {}) as {
    paymentTerms?: string | null;
    paymentDays?: number;
    deliveryDate?: string | null;
  };
  return {
    title: q.title,
    taxMode: q.taxMode,
    lines: (q.lines ?? []).map((l) => ({
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: fenToYuanInput(l.unitPrice),
      discountPercent: l.discountPercent,
      taxRatePercent: l.taxRatePercent,
      note: l.note ?? undefined,
    })),
    terms: {
      paymentTerms: terms.paymentTerms ?? undefined,
      paymentDays: terms.paymentDays ?? q.paymentDays,
      deliveryDate: terms.deliveryDate ? dayjs(terms.deliveryDate) : null,
      validUntil: dayjs(q.validUntil),
    },
  };
}

function useSearch<T>(path: string, extra: string, search: string, enabled = true) {
  const q = useDebounced(search, 250);
  return useQuery({
    queryKey: ['picker', path, extra, q],
    enabled,
    queryFn: () => {
      const params = new URLSearchParams(extra);
      params.set('limit', '20');
      if (q) params.set('q', q);
      return api<Page<T>>('GET', `/api/${path}?${params}`);
    },
    placeholderData: (prev) => prev,
  });
}

function DealPicker({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const deals = useSearch<Deal>('deals', 'status=open', search);
  // A deal given in the address (?dealId=…) may not be among the first matches: fetch its name.
  const chosen = useQuery({
    queryKey: ['deal-name', value],
    enabled: !!value,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => api<Deal>('GET', `/api/deals/${value}`),
  });
  const options = (deals.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }));
  if (value && chosen.data && !options.some((o) => o.value === value))
    options.unshift({ value, label: chosen.data.name });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      loading={deals.isFetching}
      placeholder={t('ops.quotes.pickDeal')}
      notFoundContent={t('ops.common.none')}
      options={options}
      data-testid="quote-deal"
    />
  );
}

function ProductPicker({
  value,
  onChange,
  known,
  testId,
}: {
  value?: string;
  onChange?: (v: string) => void;
  known: Map<string, string>;
  testId: string;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const products = useSearch<Product>('products', 'status=active', search);
  const options = (products.data?.items ?? []).map((p) => ({
    value: p.id,
    label: `${p.name} · ${p.sku} · ${formatFen(p.listPrice)}`,
  }));
  if (value && !options.some((o) => o.value === value))
    options.unshift({ value, label: known.get(value) ?? value });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value}
      onChange={onChange}
      loading={products.isFetching}
      placeholder={t('ops.quotes.pickProduct')}
      notFoundContent={t('ops.common.none')}
      options={options}
      style={{ minWidth: 220 }}
      data-testid={testId}
    />
  );
}

/** The totals the server computed for the saved version: net, tax, gross, discount, cost and margin. */
function QuoteTotals({ quote }: { quote: Quote }) {
  const { t } = useTranslation();
  const cur = quote.currency === 'CNY' ? '¥' : `${quote.currency} `;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 3 }} data-testid="quote-totals">
        <Descriptions.Item label={t('ops.quotes.net')}>{cur + formatFen(quote.netAmount)}</Descriptions.Item>
        <Descriptions.Item label={t('ops.quotes.tax')}>{cur + formatFen(quote.taxAmount)}</Descriptions.Item>
        <Descriptions.Item label={t('ops.quotes.gross')}>
          <Typography.Text strong data-testid="quote-gross">
            {cur + formatFen(quote.grossAmount)}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('ops.quotes.discount')}>{formatBp(quote.discountBp)}</Descriptions.Item>
        {quote.costAmount !== undefined && (
          <Descriptions.Item label={t('ops.quotes.cost')}>
            {cur + formatFen(quote.costAmount)}
          </Descriptions.Item>
        )}
        {quote.marginBp !== undefined && (
          <Descriptions.Item label={t('ops.quotes.margin')}>{formatBp(quote.marginBp)}</Descriptions.Item>
        )}
        <Descriptions.Item label={t('ops.quotes.validUntil')}>{fmtDate(quote.validUntil)}</Descriptions.Item>
        <Descriptions.Item label={t('ops.quotes.version')}>v{quote.currentVersion}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey={(l) => `${l.productId}|${l.spec ?? ''}`}
        pagination={false}
        scroll={{ x: 720 }}
        dataSource={quote.lines ?? []}
        columns={[
          {
            title: t('ops.quotes.product'),
            key: 'p',
            render: (_: unknown, l: QuoteLine) => `${l.productName} (${l.sku})`,
          },
          { title: t('ops.quotes.quantity'), dataIndex: 'quantity', align: 'right' as const },
          {
            title: t('ops.quotes.unitPrice'),
            dataIndex: 'unitPrice',
            align: 'right' as const,
            render: formatFen,
          },
          {
            title: t('ops.quotes.discountPct'),
            dataIndex: 'discountPercent',
            align: 'right' as const,
            render: (v: string) => `${v}%`,
          },
          {
            title: t('ops.quotes.taxPct'),
            dataIndex: 'taxRatePercent',
            align: 'right' as const,
            render: (v: string) => `${v}%`,
          },
          {
            title: t('ops.quotes.net'),
            key: 'n',
            align: 'right' as const,
            render: (_: unknown, l: QuoteLine) => formatFen(l.totals.netAmount),
          },
          {
            title: t('ops.quotes.gross'),
            key: 'g',
            align: 'right' as const,
            render: (_: unknown, l: QuoteLine) => formatFen(l.totals.grossAmount),
          },
          ...(quote.costAmount !== undefined
            ? [
                {
                  title: t('ops.quotes.marginAmount'),
                  key: 'm',
                  align: 'right' as const,
                  render: (_: unknown, l: QuoteLine) => formatFen(l.totals.marginAmount ?? null),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}

/** 报价单: create from a deal, revise as new versions, compare versions, submit for approval. */
export function QuoteEditor({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { id } = useParams();
  const [search] = useSearchParams();
  const isNew = !id || id === 'new';
  const [form] = Form.useForm<QuoteValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const quote = useQuery({
    queryKey: ['quote', id],
    enabled: !isNew,
    queryFn: () => api<Quote>('GET', `/api/quotes/${id}`),
  });
  const approval = useQuery({
    queryKey: ['approval', quote.data?.approvalId],
    enabled: !!quote.data?.approvalId,
    queryFn: () => api<ApprovalRequest>('GET', `/api/approvals/${quote.data!.approvalId}`),
  });
  const q = quote.data;
  const priceLists = usePriceLists();
  const known = new Map((q?.lines ?? []).map((l) => [l.productId, `${l.productName} · ${l.sku}`]));
  const editable = isNew || (q ? EDITABLE.has(q.status) && me.user.role !== 'viewer' : false);

  const refresh = async (fresh: Quote) => {
    queryClient.setQueryData(['quote', fresh.id], fresh);
    await queryClient.invalidateQueries({ queryKey: ['quotes'] });
    await queryClient.invalidateQueries({ queryKey: ['quote-versions', fresh.id] });
    await queryClient.invalidateQueries({ queryKey: ['approval'] });
  };

  const save = async () => {
    setError(null);
    let values: QuoteValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const body = toBody(values, isNew);
      const saved = isNew
        ? await api<Quote>('POST', '/api/quotes', body)
        : await api<Quote>('PUT', `/api/quotes/${id}`, body, { ifMatch: q!.version });
      message.success(
        t(isNew ? 'ops.quotes.created' : 'ops.quotes.revised', { version: saved.currentVersion }),
      );
      await refresh(saved);
      form.setFieldsValue(fromQuote(saved));
      if (isNew) navigate(`/quotes/${saved.id}`, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setError(t('record.conflict'));
      else if (!showServerErrors(form, err)) setError((err as Error).message);
      else setError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const act = async (action: 'submit' | 'send' | 'accept' | 'decline', reason?: string) => {
    if (!q) return;
    try {
      const fresh = await api<Quote>(
        'POST',
        `/api/quotes/${q.id}/${action}`,
        // The server wants a JSON body on every status change, empty but for a decline's reason.
        action === 'decline' ? { reason } : {},
        { ifMatch: q.version },
      );
      message.success(t(`ops.quotes.done.${action}`, { status: t(`ops.quotes.statuses.${fresh.status}`) }));
      await refresh(fresh);
    } catch (err) {
      message.error(
        err instanceof ApiError && err.status === 412 ? t('record.conflict') : (err as Error).message,
      );
    }
  };
  const decline = () => {
    let reason = '';
    modal.confirm({
      title: t('ops.quotes.declineTitle'),
      content: <Input.TextArea rows={3} maxLength={1000} onChange={(e) => (reason = e.target.value)} />,
      okText: t('ops.quotes.actions.decline'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => (reason.trim() ? act('decline', reason.trim()) : Promise.reject(new Error('reason'))),
    });
  };
  const confirmSubmit = () =>
    modal.confirm({
      title: t('ops.quotes.submitTitle'),
      content: t('ops.quotes.submitBody'),
      okText: t('ops.quotes.actions.submit'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'quote-submit-confirm' } as never,
      onOk: () => act('submit'),
    });

  if (!isNew && quote.isLoading) return <Spin />;
  if (!isNew && quote.isError)
    return <Alert type="error" showIcon title={(quote.error as Error).message} data-testid="quote-error" />;

  const initial: QuoteValues = q
    ? fromQuote(q)
    : {
        dealId: search.get('dealId') ?? undefined,
        taxMode: 'inclusive',
        lines: [{ quantity: '1', discountPercent: '0', taxRatePercent: '13' }],
        terms: { paymentDays: 30, validUntil: dayjs().add(30, 'day') },
      };

  const editor = (
    <Form
      form={form}
      layout="vertical"
      initialValues={initial}
      disabled={!editable}
      key={q ? `${q.id}:${q.currentVersion}` : 'new'}
      data-testid="quote-form"
    >
      {isNew && (
        <Form.Item
          name="dealId"
          label={t('ops.quotes.deal')}
          rules={[{ required: true, message: t('ops.quotes.dealRequired') }]}
        >
          <DealPicker />
        </Form.Item>
      )}
      {isNew && !!priceLists.data?.length && (
        <Form.Item name="priceListId" label={t('q2c.quote.priceList')} extra={t('q2c.quote.priceListHint')}>
          <PriceListPicker />
        </Form.Item>
      )}
      <Space wrap align="start">
        <Form.Item name="title" label={t('ops.quotes.quoteTitle')} rules={[{ max: 200 }]}>
          <Input style={{ width: 280, maxWidth: '100%' }} placeholder={t('ops.quotes.titleHint')} />
        </Form.Item>
        <Form.Item name="taxMode" label={t('ops.quotes.taxMode')}>
          <Segmented
            options={[
              { value: 'inclusive', label: t('ops.quotes.inclusive') },
              { value: 'exclusive', label: t('ops.quotes.exclusive') },
            ]}
          />
        </Form.Item>
      </Space>
      <Typography.Title level={5}>{t('ops.quotes.lines')}</Typography.Title>
      <Form.List
        name="lines"
        rules={[
          {
            validator: async (_, v) =>
              v?.length ? undefined : Promise.reject(new Error(t('ops.quotes.linesRequired'))),
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((f, i) => (
              <Space
                key={f.key}
                wrap
                align="start"
                style={{ borderBottom: '1px dashed #eee', marginBottom: 8 }}
              >
                <Form.Item
                  name={[f.name, 'productId']}
                  label={t('ops.quotes.product')}
                  rules={[{ required: true, message: t('ops.quotes.productRequired') }]}
                >
                  <ProductPicker known={known} testId={`line-${i}-product`} />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'quantity']}
                  label={t('ops.quotes.quantity')}
                  rules={[
                    { required: true, message: t('ops.quotes.quantityInvalid') },
                    {
                      validator: async (_, v?: string) =>
                        !v || (QUANTITY.test(v.trim()) && Number(v) > 0)
                          ? undefined
                          : Promise.reject(new Error(t('ops.quotes.quantityInvalid'))),
                    },
                  ]}
                >
                  <Input style={{ width: 100 }} inputMode="decimal" data-testid={`line-${i}-quantity`} />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'unitPrice']}
                  label={t('ops.quotes.unitPriceYuan')}
                  tooltip={t('ops.quotes.unitPriceHint')}
                  rules={[
                    {
                      validator: async (_, v?: string) =>
                        !v?.trim() || parseYuan(v) !== undefined
                          ? undefined
                          : Promise.reject(new Error(t('ops.quotes.moneyInvalid'))),
                    },
                  ]}
                >
                  <Input style={{ width: 130 }} inputMode="decimal" placeholder={t('ops.quotes.listPrice')} />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'discountPercent']}
                  label={t('ops.quotes.discountPct')}
                  rules={[
                    {
                      validator: async (_, v?: string) =>
                        !v?.trim() || (PERCENT.test(v.trim()) && Number(v) <= 100)
                          ? undefined
                          : Promise.reject(new Error(t('ops.quotes.percentInvalid'))),
                    },
                  ]}
                >
                  <Input
                    style={{ width: 90 }}
                    inputMode="decimal"
                    suffix="%"
                    data-testid={`line-${i}-discount`}
                  />
                </Form.Item>
                <Form.Item
                  name={[f.name, 'taxRatePercent']}
                  label={t('ops.quotes.taxPct')}
                  rules={[
                    {
                      validator: async (_, v?: string) =>
                        !v?.trim() || (PERCENT.test(v.trim()) && Number(v) <= 100)
                          ? undefined
                          : Promise.reject(new Error(t('ops.quotes.percentInvalid'))),
                    },
                  ]}
                >
                  <Input style={{ width: 80 }} inputMode="decimal" suffix="%" />
                </Form.Item>
                <Form.Item name={[f.name, 'note']} label={t('fields.notes')} rules={[{ max: 500 }]}>
                  <Input style={{ width: 160 }} />
                </Form.Item>
                <Form.Item label=" ">
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t('ops.quotes.removeLine')}
                    onClick={() => remove(f.name)}
                    disabled={fields.length === 1}
                  />
                </Form.Item>
              </Space>
            ))}
            <Form.ErrorList errors={errors} />
            <div>
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ quantity: '1', discountPercent: '0', taxRatePercent: '13' })}
                style={{ marginBottom: 16 }}
                data-testid="line-add"
              >
                {t('ops.quotes.addLine')}
              </Button>
            </div>
          </>
        )}
      </Form.List>
      <Typography.Title level={5}>{t('ops.quotes.terms')}</Typography.Title>
      <Space wrap align="start">
        <Form.Item
          name={['terms', 'validUntil']}
          label={t('ops.quotes.validUntil')}
          rules={[{ required: true, message: t('ops.quotes.validUntilRequired') }]}
        >
          <DatePicker data-testid="quote-valid-until" />
        </Form.Item>
        <Form.Item
          name={['terms', 'paymentDays']}
          label={t('ops.quotes.paymentDays')}
          rules={[{ type: 'integer', min: 0, max: 3650 }]}
        >
          <InputNumber min={0} max={3650} precision={0} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name={['terms', 'deliveryDate']} label={t('ops.quotes.deliveryDate')}>
          <DatePicker />
        </Form.Item>
        <Form.Item
          name={['terms', 'paymentTerms']}
          label={t('ops.quotes.paymentTerms')}
          rules={[{ max: 500 }]}
        >
          <Input style={{ width: 260, maxWidth: '100%' }} />
        </Form.Item>
      </Space>
      <Form.Item name="note" label={t('ops.quotes.versionNote')} rules={[{ max: 1000 }]}>
        <Input.TextArea rows={2} placeholder={t('ops.quotes.versionNoteHint')} />
      </Form.Item>
      {editable && (
        <Button type="primary" loading={saving} onClick={save} data-testid="quote-save">
          {isNew ? t('ops.quotes.create') : t('ops.quotes.saveVersion')}
        </Button>
      )}
    </Form>
  );

  return (
    <Card
      title={
        isNew ? (
          t('ops.quotes.new')
        ) : (
          <Space wrap>
            <span data-testid="quote-number">{q?.number}</span>
            <Tag color={QUOTE_STATUS_COLOR[q!.status]} data-testid="quote-status" data-status={q!.status}>
              {t(`ops.quotes.statuses.${q!.status}`)}
            </Tag>
          </Space>
        )
      }
      extra={<Link to="/quotes">{t('ops.quotes.backToList')}</Link>}
    >
      {q && (
        <Space wrap style={{ marginBottom: 12 }}>
          <QuotePdfButton quoteId={q.id} number={q.number} />
          {q.status === 'accepted' && me.user.role !== 'viewer' && <QuoteContractButton quoteId={q.id} />}
        </Space>
      )}
      {q && me.user.role !== 'viewer' && (
        <Space wrap style={{ marginBottom: 12 }}>
          {SUBMITTABLE.has(q.status) && (
            <Button type="primary" onClick={confirmSubmit} data-testid="quote-submit">
              {t('ops.quotes.actions.submit')}
            </Button>
          )}
          {q.status === 'approved' && (
            <Button onClick={() => act('send')}>{t('ops.quotes.actions.send')}</Button>
          )}
          {(q.status === 'approved' || q.status === 'sent') && (
            <>
              <Button onClick={() => act('accept')}>{t('ops.quotes.actions.accept')}</Button>
              <Button danger onClick={decline}>
                {t('ops.quotes.actions.decline')}
              </Button>
            </>
          )}
        </Space>
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          closable
          style={{ marginBottom: 12 }}
          title={error}
          data-testid="quote-save-error"
        />
      )}
      {isNew ? (
        editor
      ) : (
        <Tabs
          items={[
            {
              key: 'summary',
              label: t('ops.quotes.summary'),
              children: (
                <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                  <QuoteTotals quote={q!} />
                  <Typography.Text>
                    {t('ops.quotes.deal')}: <Link to={`/deals/${q!.dealId}`}>{t('ops.quotes.openDeal')}</Link>
                  </Typography.Text>
                  {approval.data && (
                    <Card size="small" title={t('ops.approvals.title')}>
                      <ApprovalSteps request={approval.data} />
                    </Card>
                  )}
                </Space>
              ),
            },
            { key: 'edit', label: editable ? t('ops.quotes.edit') : t('ops.quotes.lines'), children: editor },
            { key: 'versions', label: t('ops.quotes.versions'), children: <QuoteVersions quoteId={q!.id} /> },
          ]}
        />
      )}
    </Card>
  );
}
