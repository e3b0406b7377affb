import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../../api/client';
import type {
  Account,
  Me,
  OrderHandoff,
  OrderLine,
  SalesOrder,
  Shipment,
  SopPanel as SopPanelData,
} from '../../api/types';
import { SopPanel } from '../../components/SopPanel';
import { applyServerErrors, fmtDate, fmtTime, useUsers } from '../../lib';
import { AttachmentList, useAttachments } from './AttachmentList';
import { money, ORDER_STATUS_COLOR } from './q2cShared';

const DEPARTMENTS = ['production', 'procurement', 'qc', 'logistics'] as const;
const QUANTITY = /^\d{1,9}(\.\d{1,4})?$/;
const OPEN = new Set(['open', 'in_fulfilment', 'partially_shipped', 'shipped', 'accepted']);

// SopPanel addresses a record with an SOP run by its API path; its prop type still names only
// deals and leads, though the order run answers the same routes (/api/orders/:id/sop, /move).
const ORDERS_PATH = 'orders' as unknown as 'deals';

type Dialog = { kind: 'handoff' } | { kind: 'shipment' } | { kind: 'acceptance'; shipment: Shipment } | null;

/** 销售订单: lines and what is left to ship, hand-offs, shipments and the customer's acceptance. */
export function OrderPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const queryClient = useQueryClient();
  const users = useUsers();
  const { id } = useParams();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => api<SalesOrder>('GET', `/api/orders/${id}`),
  });
  const o = order.data;
  const account = useQuery({
    queryKey: ['account-name', o?.accountId],
    enabled: !!o?.accountId,
    staleTime: 5 * 60_000,
    queryFn: () => api<Account>('GET', `/api/accounts/${o!.accountId}`),
  });
  const files = useAttachments('order', id ?? '');
  // The order's SOP (订单执行 → 回款 → 售后), where the server offers it; the same query as the panel's.
  const sop = useQuery({
    queryKey: ['sop', ORDERS_PATH, id],
    retry: false,
    queryFn: () => api<SopPanelData>('GET', `/api/orders/${id}/sop`),
  });
  // A stage move through the panel changes the order's version: read it again.
  const sopRead = sop.dataUpdatedAt;
  useEffect(() => {
    if (sopRead) void queryClient.invalidateQueries({ queryKey: ['order', id] });
  }, [sopRead, id, queryClient]);

  if (order.isLoading) return <Spin />;
  if (order.isError || !o)
    return (
      <Alert
        type="error"
        showIcon
        title={(order.error as Error | null)?.message ?? ''}
        action={<Link to="/orders">{t('q2c.orders.backToList')}</Link>}
        data-testid="order-error"
      />
    );

  const nameOf = (uid: string | null) => users.data?.items.find((u) => u.id === uid)?.name ?? '';
  const writer = !!o.editable && me.user.role !== 'viewer';
  const live = OPEN.has(o.status);
  const leftToShip = o.lines.some((l) => Number(l.remaining ?? l.quantity) > 0);

  const update = async (fresh: SalesOrder, text: string) => {
    queryClient.setQueryData(['order', o.id], fresh);
    await queryClient.invalidateQueries({ queryKey: ['orders'] });
    message.success(text);
  };
  const openDialog = (d: Dialog) => {
    setError(null);
    form.resetFields();
    if (d?.kind === 'shipment')
      form.setFieldsValue({
        shippedOn: dayjs(),
        lines: o.lines.map((l) => ({ lineNo: l.lineNo, quantity: l.remaining ?? l.quantity })),
      });
    if (d?.kind === 'handoff') form.setFieldsValue({ dueOn: dayjs().add(7, 'day') });
    if (d?.kind === 'acceptance') form.setFieldsValue({ kind: 'signed', acceptedOn: dayjs() });
    setDialog(d);
  };
  const submit = async () => {
    if (!dialog) return;
    setError(null);
    let v: Record<string, unknown>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const day = (x: unknown) => (x as Dayjs).format('YYYY-MM-DD');
    setBusy(true);
    try {
      if (dialog.kind === 'handoff') {
        const fresh = await api<SalesOrder>('POST', `/api/orders/${o.id}/handoffs`, {
          department: v.department,
          assigneeId: v.assigneeId,
          dueOn: day(v.dueOn),
          ...(String(v.note ?? '').trim() ? { note: String(v.note).trim() } : {}),
        });
        await update(fresh, t('q2c.orders.handoffAdded'));
      } else if (dialog.kind === 'shipment') {
        const lines = (v.lines as Array<{ lineNo: number; quantity?: string }>)
          .map((l, i) => ({ lineNo: o.lines[i]!.lineNo, quantity: String(l.quantity ?? '').trim() }))
          .filter((l) => l.quantity && Number(l.quantity) > 0);
        if (!lines.length) {
          setError(t('q2c.orders.nothingToShip'));
          return;
        }
        const fresh = await api<SalesOrder>('POST', `/api/orders/${o.id}/shipments`, {
          carrier: String(v.carrier).trim(),
          trackingNumber: String(v.trackingNumber).trim(),
          shippedOn: day(v.shippedOn),
          lines,
        });
        await update(fresh, t('q2c.orders.shipmentAdded'));
      } else {
        const fresh = await api<SalesOrder>(
          'POST',
          `/api/orders/${o.id}/shipments/${dialog.shipment.id}/acceptance`,
          {
            kind: v.kind,
            acceptedOn: day(v.acceptedOn),
            document: String(v.document).trim(),
            attachmentId: v.attachmentId ?? null,
          },
        );
        await update(fresh, t('q2c.orders.acceptanceRecorded'));
      }
      setDialog(null);
    } catch (err) {
      if (!applyServerErrors(form, err)) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const markDone = async (h: OrderHandoff) => {
    try {
      const fresh = await api<SalesOrder>('POST', `/api/orders/${o.id}/handoffs/${h.id}/done`);
      await update(fresh, t('q2c.orders.handoffDone'));
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  const cancel = () => {
    let reason = '';
    modal.confirm({
      title: t('q2c.orders.cancelTitle'),
      content: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('q2c.orders.cancelBody')}</Typography.Text>
          <Input.TextArea
            rows={3}
            maxLength={1000}
            placeholder={t('q2c.orders.cancelReason')}
            onChange={(e) => (reason = e.target.value)}
            data-testid="cancel-reason"
          />
        </Space>
      ),
      okText: t('q2c.orders.cancel'),
      okButtonProps: { danger: true, 'data-testid': 'cancel-ok' } as never,
      cancelText: t('q2c.orders.keep'),
      onOk: async () => {
        if (!reason.trim()) {
          message.error(t('q2c.orders.reasonRequired'));
          throw new Error('reason');
        }
        try {
          const fresh = await api<SalesOrder>(
            'POST',
            `/api/orders/${o.id}/cancel`,
            { reason: reason.trim() },
            {
              ifMatch: o.version,
            },
          );
          await update(fresh, t('q2c.orders.cancelled'));
        } catch (err) {
          message.error(
            err instanceof ApiError && err.status === 412 ? t('record.conflict') : (err as Error).message,
          );
        }
      },
    });
  };

  const dialogTitle =
    dialog?.kind === 'handoff'
      ? t('q2c.orders.addHandoff')
      : dialog?.kind === 'shipment'
        ? t('q2c.orders.addShipment')
        : t('q2c.orders.recordAcceptance');

  return (
    <Card
      title={
        <Space wrap>
          <span data-value="" data-testid="order-number">
            {o.number}
          </span>
          <Tag color={ORDER_STATUS_COLOR[o.status]} data-testid="order-status" data-status={o.status}>
            {t(`q2c.orders.statuses.${o.status}`)}
          </Tag>
        </Space>
      }
      extra={<Link to="/orders">{t('q2c.orders.backToList')}</Link>}
    >
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {o.status === 'cancelled' && (
          <Alert
            type="warning"
            showIcon
            title={t('q2c.orders.cancelledNote', { time: fmtTime(o.cancelledAt) })}
            description={<span data-value="">{o.cancelReason}</span>}
          />
        )}
        <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 3 }}>
          <Descriptions.Item label={t('q2c.contracts.customer')}>
            <Link to={`/accounts/${o.accountId}`} data-value="">
              {account.data?.name ?? ''}
            </Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('q2c.orders.contract')}>
            <Link to={`/contracts/${o.contractId}`} data-testid="order-contract-link">
              {t('q2c.orders.openContract')}
            </Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.ownerId')}>
            <span data-value="">{nameOf(o.ownerId)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('q2c.orders.gross')}>
            <span data-value="">{money(o.grossAmount, o.currency)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('q2c.orders.deliveryDate')}>
            <span data-value="">{fmtDate(o.deliveryDate)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.createdAt')}>
            <span data-value="">{fmtTime(o.createdAt)}</span>
          </Descriptions.Item>
        </Descriptions>
        {writer && ['open', 'in_fulfilment'].includes(o.status) && (
          <div>
            <Button danger onClick={cancel} data-testid="order-cancel">
              {t('q2c.orders.cancel')}
            </Button>
          </div>
        )}
        <Table
          size="small"
          rowKey="lineNo"
          pagination={false}
          scroll={{ x: 640 }}
          dataSource={o.lines}
          columns={[
            {
              title: t('ops.quotes.product'),
              key: 'p',
              render: (_: unknown, l: OrderLine) => (
                <span data-value="">{`${l.productName} (${l.sku})`}</span>
              ),
            },
            {
              title: t('ops.quotes.quantity'),
              dataIndex: 'quantity',
              align: 'right' as const,
              render: (v: string, l: OrderLine) => <span data-value="">{`${v} ${l.unit ?? ''}`}</span>,
            },
            {
              title: t('q2c.orders.remaining'),
              dataIndex: 'remaining',
              align: 'right' as const,
              render: (v: string | undefined) => <span data-value="">{v ?? ''}</span>,
            },
            {
              title: t('ops.quotes.gross'),
              dataIndex: 'grossAmount',
              align: 'right' as const,
              render: (v: number) => <span data-value="">{money(v, o.currency)}</span>,
            },
          ]}
        />
        <Card
          size="small"
          title={t('q2c.orders.handoffs')}
          extra={
            writer &&
            live && (
              <Button
                size="small"
                type="primary"
                onClick={() => openDialog({ kind: 'handoff' })}
                data-testid="handoff-new"
              >
                {t('q2c.orders.addHandoff')}
              </Button>
            )
          }
        >
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: 640 }}
            dataSource={o.handoffs ?? []}
            locale={{ emptyText: t('q2c.orders.noHandoffs') }}
            data-testid="handoffs"
            columns={[
              {
                title: t('q2c.orders.department'),
                dataIndex: 'department',
                render: (v: string) => t(`q2c.orders.departments.${v}`),
              },
              {
                title: t('q2c.orders.assignee'),
                dataIndex: 'assigneeId',
                render: (v: string) => <span data-value="">{nameOf(v)}</span>,
              },
              {
                title: t('q2c.orders.dueOn'),
                dataIndex: 'dueOn',
                render: (v: string) => <span data-value="">{v}</span>,
              },
              {
                title: t('q2c.orders.handoffStatus'),
                dataIndex: 'status',
                render: (v: string, h: OrderHandoff) => (
                  <Space size={4} wrap>
                    <Tag
                      color={v === 'done' ? 'green' : 'processing'}
                      data-testid="handoff-status"
                      data-status={v}
                    >
                      {t(`q2c.orders.handoffStatuses.${v === 'done' ? 'done' : 'open'}`)}
                    </Tag>
                    {h.doneAt && <span data-value="">{fmtTime(h.doneAt)}</span>}
                  </Space>
                ),
              },
              {
                title: t('common.actions'),
                key: 'a',
                render: (_: unknown, h: OrderHandoff) =>
                  h.status !== 'done' && (writer || h.assigneeId === me.user.id) ? (
                    <Button size="small" onClick={() => markDone(h)} data-testid="handoff-done">
                      {t('q2c.orders.markDone')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        </Card>
        <Card
          size="small"
          title={t('q2c.orders.shipments')}
          extra={
            writer &&
            live &&
            leftToShip && (
              <Button
                size="small"
                type="primary"
                onClick={() => openDialog({ kind: 'shipment' })}
                data-testid="shipment-new"
              >
                {t('q2c.orders.addShipment')}
              </Button>
            )
          }
        >
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: 720 }}
            dataSource={o.shipments ?? []}
            locale={{ emptyText: t('q2c.orders.noShipments') }}
            data-testid="shipments"
            columns={[
              {
                title: t('q2c.orders.carrier'),
                dataIndex: 'carrier',
                render: (v: string) => <span data-value="">{v}</span>,
              },
              {
                title: t('q2c.orders.trackingNumber'),
                dataIndex: 'trackingNumber',
                render: (v: string) => <span data-value="">{v}</span>,
              },
              {
                title: t('q2c.orders.shippedOn'),
                dataIndex: 'shippedOn',
                render: (v: string) => <span data-value="">{v}</span>,
              },
              {
                title: t('q2c.orders.quantities'),
                key: 'q',
                render: (_: unknown, s: Shipment) => (
                  <span data-value="">
                    {s.lines
                      .map(
                        (l) =>
                          `${o.lines.find((x) => x.lineNo === l.lineNo)?.sku ?? l.lineNo} × ${l.quantity}`,
                      )
                      .join(t('common.listSep'))}
                  </span>
                ),
              },
              {
                title: t('q2c.orders.acceptance'),
                key: 'acc',
                render: (_: unknown, s: Shipment) =>
                  s.status === 'accepted' ? (
                    <Space size={4} wrap>
                      <Tag color="green" data-testid="shipment-accepted">
                        {t(`q2c.orders.acceptanceKinds.${s.acceptanceKind ?? 'signed'}`)}
                      </Tag>
                      <span data-value="">
                        {s.acceptedOn} · {s.acceptanceDoc}
                      </span>
                    </Space>
                  ) : writer && o.status !== 'cancelled' ? (
                    <Button
                      size="small"
                      onClick={() => openDialog({ kind: 'acceptance', shipment: s })}
                      data-testid="acceptance-new"
                    >
                      {t('q2c.orders.recordAcceptance')}
                    </Button>
                  ) : (
                    <Tag>{t('q2c.orders.inTransit')}</Tag>
                  ),
              },
            ]}
          />
        </Card>
        {sop.isSuccess && (
          <div data-testid="order-sop">
            <SopPanel
              entity={ORDERS_PATH}
              deal={{ id: o.id, version: o.version, name: o.number, createdAt: o.createdAt }}
              me={me}
              canWrite={writer}
            />
          </div>
        )}
        <Card size="small" title={t('q2c.attachments.title')}>
          <AttachmentList
            me={me}
            recordType="order"
            recordId={o.id}
            canUpload={writer}
            testId="order-attachments"
          />
        </Card>
      </Space>
      <Modal
        open={!!dialog}
        title={dialogTitle}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        okButtonProps={{ loading: busy, 'data-testid': 'order-dialog-ok' } as never}
        onOk={submit}
        onCancel={() => setDialog(null)}
        forceRender
        width={dialog?.kind === 'acceptance' ? 640 : 520}
      >
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 12 }}
            data-testid="order-dialog-error"
          />
        )}
        <Form form={form} layout="vertical">
          {dialog?.kind === 'handoff' && (
            <>
              <Form.Item
                name="department"
                label={t('q2c.orders.department')}
                rules={[{ required: true, message: t('q2c.contracts.required') }]}
              >
                <Select
                  options={DEPARTMENTS.map((d) => ({ value: d, label: t(`q2c.orders.departments.${d}`) }))}
                  data-testid="handoff-department"
                />
              </Form.Item>
              <Form.Item
                name="assigneeId"
                label={t('q2c.orders.assignee')}
                rules={[{ required: true, message: t('q2c.contracts.required') }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
                  data-testid="handoff-assignee"
                />
              </Form.Item>
              <Form.Item
                name="dueOn"
                label={t('q2c.orders.dueOn')}
                rules={[{ required: true, message: t('q2c.contracts.required') }]}
              >
                <DatePicker />
              </Form.Item>
              <Form.Item name="note" label={t('q2c.orders.note')} rules={[{ max: 1000 }]}>
                <Input.TextArea rows={2} />
              </Form.Item>
            </>
          )}
          {dialog?.kind === 'shipment' && (
            <>
              <Form.Item
                name="carrier"
                label={t('q2c.orders.carrier')}
                rules={[
                  { required: true, whitespace: true, message: t('q2c.contracts.required') },
                  { max: 100 },
                ]}
              >
                <Input data-testid="shipment-carrier" />
              </Form.Item>
              <Form.Item
                name="trackingNumber"
                label={t('q2c.orders.trackingNumber')}
                rules={[
                  { required: true, whitespace: true, message: t('q2c.contracts.required') },
                  { max: 100 },
                ]}
              >
                <Input data-testid="shipment-tracking" />
              </Form.Item>
              <Form.Item
                name="shippedOn"
                label={t('q2c.orders.shippedOn')}
                rules={[{ required: true, message: t('q2c.contracts.required') }]}
              >
                <DatePicker />
              </Form.Item>
              <Typography.Text strong>{t('q2c.orders.quantities')}</Typography.Text>
              {o.lines.map((l, i) => (
                <Form.Item
                  key={l.lineNo}
                  name={['lines', i, 'quantity']}
                  label={
                    <span data-value="">
                      {l.productName} ({l.sku}) · {t('q2c.orders.remaining')} {l.remaining ?? l.quantity}
                    </span>
                  }
                  rules={[
                    {
                      validator: async (_, v?: string) => {
                        if (!v?.trim()) return;
                        if (!QUANTITY.test(v.trim())) throw new Error(t('ops.quotes.quantityInvalid'));
                        if (Number(v) > Number(l.remaining ?? l.quantity))
                          throw new Error(t('q2c.orders.tooMuch', { max: l.remaining ?? l.quantity }));
                      },
                    },
                  ]}
                >
                  <Input inputMode="decimal" style={{ width: 140 }} data-testid={`shipment-line-${i}`} />
                </Form.Item>
              ))}
            </>
          )}
          {dialog?.kind === 'acceptance' && (
            <>
              <Form.Item name="kind" label={t('q2c.orders.acceptanceKind')} rules={[{ required: true }]}>
                <Radio.Group
                  options={[
                    { value: 'signed', label: t('q2c.orders.acceptanceKinds.signed') },
                    { value: 'accepted', label: t('q2c.orders.acceptanceKinds.accepted') },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="acceptedOn"
                label={t('q2c.orders.acceptedOn')}
                rules={[{ required: true, message: t('q2c.contracts.required') }]}
              >
                <DatePicker />
              </Form.Item>
              <Form.Item
                name="document"
                label={t('q2c.orders.document')}
                extra={t('q2c.orders.documentHint')}
                rules={[
                  { required: true, whitespace: true, message: t('q2c.contracts.required') },
                  { max: 100 },
                ]}
              >
                <Input data-testid="acceptance-document" />
              </Form.Item>
              <Form.Item name="attachmentId" label={t('q2c.orders.acceptanceScan')}>
                <Select
                  allowClear
                  placeholder={t('q2c.contracts.pickScan')}
                  notFoundContent={t('q2c.attachments.empty')}
                  options={(files.data?.items ?? []).map((a) => ({ value: a.id, label: a.fileName }))}
                  data-testid="acceptance-scan"
                />
              </Form.Item>
              <AttachmentList
                me={me}
                recordType="order"
                recordId={o.id}
                canUpload={writer}
                testId="acceptance-attachments"
                onUploaded={(a) => form.setFieldValue('attachmentId', a.id)}
              />
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
