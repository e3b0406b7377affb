import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { Contract, Instalment, Me, PaymentPlan, Receipt } from '../../api/types';
import { applyServerErrors, fmtDate, useUsers } from '../../lib';
import { parseYuan } from '../../money';
import { INSTALMENT_STATUS_COLOR, money, RECEIPT_ROLES } from './q2cShared';

const METHODS = ['bank_transfer', 'acceptance_bill', 'other'] as const;

interface ReceiptValues {
  amount: string;
  receivedOn: Dayjs;
  method: (typeof METHODS)[number];
  planId?: string;
  reference?: string;
  note?: string;
}

/** 回款计划: each instalment with received and outstanding amounts, the receipts, and recording one. */
export function PaymentPlanCard({ me, contract }: { me: Me; contract: Contract }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<ReceiptValues>();
  const plan = useQuery({
    queryKey: ['payment-plan', contract.id],
    queryFn: () => api<PaymentPlan>('GET', `/api/contracts/${contract.id}/payment-plan`),
  });
  const cur = contract.currency;
  const mayRecord = RECEIPT_ROLES.has(me.user.role);

  const post = async (v: ReceiptValues, confirmOverpayment: boolean) =>
    api<PaymentPlan>('POST', '/api/receipts', {
      contractId: contract.id,
      amount: parseYuan(v.amount),
      receivedOn: v.receivedOn.format('YYYY-MM-DD'),
      method: v.method,
      planId: v.planId ?? null,
      ...(v.reference?.trim() ? { reference: v.reference.trim() } : {}),
      ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      confirmOverpayment,
    });
  const done = async (fresh: PaymentPlan) => {
    queryClient.setQueryData(['payment-plan', contract.id], fresh);
    await queryClient.invalidateQueries({ queryKey: ['receivables'] });
    await queryClient.invalidateQueries({ queryKey: ['orders'] });
    await queryClient.invalidateQueries({ queryKey: ['order'] });
    message.success(t('q2c.payments.recorded'));
    setOpen(false);
  };
  const submit = async () => {
    setError(null);
    let v: ReceiptValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      await done(await post(v, false));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'RECEIPT_EXCEEDS_RECEIVABLE') {
        // More than is still owed (多付/预收): only on purpose, after saying so.
        const remaining = (err.details as { remaining?: number } | undefined)?.remaining ?? 0;
        modal.confirm({
          title: t('q2c.payments.overTitle'),
          content: t('q2c.payments.overBody', {
            amount: money(parseYuan(v.amount), cur),
            remaining: money(remaining, cur),
            over: money((parseYuan(v.amount) ?? 0) - remaining, cur),
          }),
          okText: t('q2c.payments.overOk'),
          cancelText: t('common.cancel'),
          okButtonProps: { 'data-testid': 'overpay-confirm' } as never,
          onOk: async () => {
            try {
              await done(await post(v, true));
            } catch (again) {
              setError((again as Error).message);
            }
          },
        });
      } else if (!applyServerErrors(form, err)) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (plan.isLoading) return <Spin />;
  if (plan.isError) return <Alert type="error" showIcon title={(plan.error as Error).message} />;
  const p = plan.data!;
  if (!p.instalments.length)
    return <Empty description={t('q2c.payments.noPlan')} data-testid="payment-plan-empty" />;
  const nameOf = (id: string) => users.data?.items.find((u) => u.id === id)?.name ?? '';
  const instalmentName = (id: string | null) => p.instalments.find((i) => i.id === id)?.name ?? '';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="payment-plan">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('q2c.payments.amount')} value={money(p.amount, cur)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('q2c.payments.received')}
            value={money(p.received, cur)}
            data-testid="plan-received"
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('q2c.payments.outstanding')}
            value={money(p.outstanding, cur)}
            data-testid="plan-outstanding"
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('q2c.payments.overpaid')}
            value={money(p.overpaid, cur)}
            data-testid="plan-overpaid"
          />
        </Col>
      </Row>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text type="secondary">{t('q2c.payments.asOf', { date: p.asOf })}</Typography.Text>
        {mayRecord && (
          <Button
            type="primary"
            onClick={() => {
              setError(null);
              form.resetFields();
              setOpen(true);
            }}
            data-testid="receipt-new"
          >
            {t('q2c.payments.record')}
          </Button>
        )}
      </Space>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 760 }}
        dataSource={p.instalments}
        data-testid="instalments"
        columns={[
          { title: '#', dataIndex: 'seq', width: 48 },
          {
            title: t('q2c.payments.milestone'),
            dataIndex: 'name',
            render: (v: string) => <span data-value="">{v}</span>,
          },
          { title: t('q2c.payments.percent'), dataIndex: 'percent', render: (v: number) => `${v}%` },
          {
            title: t('q2c.payments.dueDate'),
            dataIndex: 'dueDate',
            render: (v: string) => <span data-value="">{v}</span>,
          },
          {
            title: t('q2c.payments.amount'),
            dataIndex: 'amount',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{money(v, cur)}</span>,
          },
          {
            title: t('q2c.payments.received'),
            dataIndex: 'received',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{money(v, cur)}</span>,
          },
          {
            title: t('q2c.payments.outstanding'),
            dataIndex: 'outstanding',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{money(v, cur)}</span>,
          },
          {
            title: t('q2c.payments.status'),
            dataIndex: 'status',
            render: (s: string, r: Instalment) => (
              <Space size={4} wrap>
                <Tag color={INSTALMENT_STATUS_COLOR[s]} data-testid="instalment-status" data-status={s}>
                  {t(`q2c.payments.statuses.${s}`)}
                </Tag>
                {r.overdueDays > 0 && (
                  <Typography.Text type="danger">
                    {t('q2c.payments.overdueDays', { days: r.overdueDays })}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Typography.Title level={5}>{t('q2c.payments.receipts')}</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 700 }}
        dataSource={p.receipts}
        locale={{ emptyText: t('q2c.payments.noReceipts') }}
        data-testid="receipts"
        columns={[
          {
            title: t('q2c.payments.receivedOn'),
            dataIndex: 'receivedOn',
            render: (v: string) => <span data-value="">{v}</span>,
          },
          {
            title: t('q2c.payments.receiptAmount'),
            dataIndex: 'amount',
            align: 'right' as const,
            render: (v: number, r: Receipt) => (
              <Space size={4}>
                <span data-value="">{money(v, r.currency)}</span>
                {r.overpayment > 0 && <Tag color="orange">{t('q2c.payments.overpaymentTag')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('q2c.payments.method'),
            dataIndex: 'method',
            render: (v: string) => t(`q2c.payments.methods.${v}`),
          },
          {
            title: t('q2c.payments.milestone'),
            dataIndex: 'planId',
            render: (v: string | null) => <span data-value="">{instalmentName(v)}</span>,
          },
          {
            title: t('q2c.payments.reference'),
            dataIndex: 'reference',
            render: (v: string | null) => <span data-value="">{v ?? ''}</span>,
          },
          {
            title: t('q2c.payments.recordedBy'),
            dataIndex: 'createdBy',
            render: (v: string) => <span data-value="">{nameOf(v)}</span>,
          },
        ]}
      />
      <Modal
        open={open}
        title={t('q2c.payments.recordTitle')}
        okText={t('q2c.payments.record')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: busy, 'data-testid': 'receipt-ok' } as never}
        onOk={submit}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 12 }}
            data-testid="receipt-error"
          />
        )}
        <Form
          form={form}
          layout="vertical"
          initialValues={{ receivedOn: dayjs(), method: 'bank_transfer' }}
          preserve={false}
        >
          <Form.Item
            name="amount"
            label={t('q2c.payments.amountYuan')}
            extra={t('q2c.payments.outstandingNow', { amount: money(p.outstanding, cur) })}
            rules={[
              { required: true, message: t('q2c.payments.amountInvalid') },
              {
                validator: async (_, v?: string) => {
                  if (!v) return;
                  const fen = parseYuan(v);
                  if (fen === undefined || fen <= 0) throw new Error(t('q2c.payments.amountInvalid'));
                },
              },
            ]}
          >
            <Input inputMode="decimal" prefix={cur === 'CNY' ? '¥' : cur} data-testid="receipt-amount" />
          </Form.Item>
          <Form.Item
            name="receivedOn"
            label={t('q2c.payments.receivedOn')}
            rules={[{ required: true, message: t('q2c.contracts.required') }]}
          >
            <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="method" label={t('q2c.payments.method')}>
            <Select options={METHODS.map((m) => ({ value: m, label: t(`q2c.payments.methods.${m}`) }))} />
          </Form.Item>
          <Form.Item name="planId" label={t('q2c.payments.forInstalment')} extra={t('q2c.payments.fifoHint')}>
            <Select
              allowClear
              options={p.instalments
                .filter((i) => i.outstanding > 0)
                .map((i) => ({
                  value: i.id,
                  label: `${i.name} · ${fmtDate(i.dueDate)} · ${money(i.outstanding, cur)}`,
                }))}
            />
          </Form.Item>
          <Form.Item name="reference" label={t('q2c.payments.reference')} rules={[{ max: 100 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="note" label={t('q2c.payments.note')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
