import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Form,
  List,
  Modal,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api/client';
import type { Account, Contract, ContractLine, Me, SalesOrder } from '../../api/types';
import { type ApprovalRequest, ApprovalSteps } from '../../components/ApprovalSteps';
import { fmtDate, fmtTime, useUsers } from '../../lib';
import { formatBp } from '../../money';
import { AttachmentList } from './AttachmentList';
import {
  ContractTermsFields,
  type ContractTermsValues,
  showTermsErrors,
  termsBody,
} from './ContractTermsForm';
import { ContractVersions } from './ContractVersions';
import { PaymentPlanCard } from './PaymentPlanCard';
import { CONTRACT_STATUS_COLOR, money, ORDER_STATUS_COLOR } from './q2cShared';
import { SignContractModal } from './SignContractModal';

const EDITABLE = new Set(['draft', 'approved', 'rejected', 'returned']);
const SUBMITTABLE = new Set(['draft', 'rejected', 'returned']);

function termsOf(c: Contract): ContractTermsValues {
  return {
    title: c.title,
    clauses: (c.clauses ?? []).map((x) => ({ ...x })),
    paymentTerms: (c.paymentTerms ?? []).map((x) => ({ ...x })),
    note: c.note ?? undefined,
  };
}

/** 合同: summary, clauses (editable before signing), approval, signing, payment plan, files, history. */
export function ContractPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const users = useUsers();
  const { id } = useParams();
  const [tab, setTab] = useState('summary');
  const [signing, setSigning] = useState(false);
  const [amending, setAmending] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<ContractTermsValues>();
  const [amendForm] = Form.useForm<ContractTermsValues>();
  const contract = useQuery({
    queryKey: ['contract', id],
    queryFn: () => api<Contract>('GET', `/api/contracts/${id}`),
  });
  const c = contract.data;
  const approval = useQuery({
    queryKey: ['approval', c?.approvalId],
    enabled: !!c?.approvalId,
    queryFn: () => api<ApprovalRequest>('GET', `/api/approvals/${c!.approvalId}`),
  });
  const account = useQuery({
    queryKey: ['account-name', c?.accountId],
    enabled: !!c?.accountId,
    staleTime: 5 * 60_000,
    queryFn: () => api<Account>('GET', `/api/accounts/${c!.accountId}`),
  });
  const orders = useQuery({
    queryKey: ['orders', 'contract', id],
    enabled: !!c?.signedVersion,
    queryFn: () => api<{ items: SalesOrder[] }>('GET', `/api/orders?contractId=${id}`),
  });

  const refresh = async (fresh: Contract) => {
    queryClient.setQueryData(['contract', fresh.id], fresh);
    form.setFieldsValue(termsOf(fresh));
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: ['contracts'] }),
      queryClient.invalidateQueries({ queryKey: ['contract-versions', fresh.id] }),
      queryClient.invalidateQueries({ queryKey: ['approval'] }),
      queryClient.invalidateQueries({ queryKey: ['payment-plan', fresh.id] }),
    ]);
  };
  const failed = (err: unknown) =>
    message.error(
      err instanceof ApiError && err.status === 412 ? t('record.conflict') : (err as Error).message,
    );

  if (contract.isLoading) return <Spin />;
  if (contract.isError || !c)
    return (
      <Alert
        type="error"
        showIcon
        title={(contract.error as Error | null)?.message ?? ''}
        action={<Link to="/contracts">{t('q2c.contracts.backToList')}</Link>}
        data-testid="contract-error"
      />
    );

  const writer = c.editable && me.user.role !== 'viewer';
  const editable = writer && EDITABLE.has(c.status);
  const maySign = (writer || me.user.role === 'legal') && c.status === 'approved';
  const mayArchive = (writer || me.user.role === 'legal') && c.status === 'signed';
  const mayOrder =
    (writer || me.user.role === 'delivery') &&
    !!c.signedVersion &&
    c.status !== 'archived' &&
    orders.data?.items.length === 0;
  const nameOf = (uid: string | null) => users.data?.items.find((u) => u.id === uid)?.name ?? '';

  const save = async () => {
    setError(null);
    let v: ContractTermsValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setSaving(true);
    try {
      const body = termsBody(v);
      const fresh = await api<Contract>(
        'PATCH',
        `/api/contracts/${c.id}`,
        { ...body, note: body.note ?? null },
        {
          ifMatch: c.version,
        },
      );
      message.success(t('q2c.contracts.saved'));
      await refresh(fresh);
    } catch (err) {
      showTermsErrors(form, err);
      setError(err instanceof ApiError && err.status === 412 ? t('record.conflict') : (err as Error).message);
    } finally {
      setSaving(false);
    }
  };
  const act = async (action: 'submit' | 'archive') => {
    try {
      const fresh = await api<Contract>('POST', `/api/contracts/${c.id}/${action}`, undefined, {
        ifMatch: c.version,
      });
      message.success(
        t(`q2c.contracts.done.${action}`, { status: t(`q2c.contracts.statuses.${fresh.status}`) }),
      );
      await refresh(fresh);
    } catch (err) {
      failed(err);
    }
  };
  const confirmSubmit = () =>
    modal.confirm({
      title: t('q2c.contracts.submitTitle'),
      content: t('q2c.contracts.submitBody'),
      okText: t('q2c.contracts.actions.submit'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'contract-submit-confirm' } as never,
      onOk: () => act('submit'),
    });
  const confirmArchive = () =>
    modal.confirm({
      title: t('q2c.contracts.archiveTitle'),
      content: t('q2c.contracts.archiveBody'),
      okText: t('q2c.contracts.actions.archive'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'contract-archive-confirm' } as never,
      onOk: () => act('archive'),
    });
  const amend = async () => {
    let v: ContractTermsValues;
    try {
      v = await amendForm.validateFields();
    } catch {
      return;
    }
    try {
      const fresh = await api<Contract>('POST', `/api/contracts/${c.id}/amendments`, termsBody(v), {
        ifMatch: c.version,
      });
      message.success(t('q2c.contracts.done.amended', { version: fresh.currentVersion }));
      setAmending(false);
      await refresh(fresh);
    } catch (err) {
      if (!showTermsErrors(amendForm, err)) failed(err);
    }
  };
  const createOrder = async () => {
    try {
      const order = await api<SalesOrder>('POST', '/api/orders', { contractId: c.id });
      message.success(t('q2c.orders.created', { number: order.number }));
      await queryClient.invalidateQueries({ queryKey: ['orders'] });
      navigate(`/orders/${order.id}`);
    } catch (err) {
      failed(err);
    }
  };

  const summary = (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {c.status === 'archived' && <Alert type="info" showIcon title={t('q2c.contracts.archivedNote')} />}
      {c.status === 'signed' && <Alert type="info" showIcon title={t('q2c.contracts.signedNote')} />}
      <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 3 }} data-testid="contract-summary">
        <Descriptions.Item label={t('q2c.contracts.customer')}>
          <Link to={`/accounts/${c.accountId}`} data-value="">
            {account.data?.name ?? ''}
          </Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.quote')}>
          <Link to={`/quotes/${c.quoteId}`}>{t('q2c.contracts.openQuote', { version: c.quoteVersion })}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('fields.ownerId')}>
          <span data-value="">{nameOf(c.ownerId)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.net')}>
          <span data-value="">{money(c.netAmount, c.currency)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.tax')}>
          <span data-value="">{money(c.taxAmount, c.currency)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.gross')}>
          <Typography.Text strong data-value="" data-testid="contract-gross">
            {money(c.grossAmount, c.currency)}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.discount')}>{formatBp(c.discountBp)}</Descriptions.Item>
        {c.marginBp !== undefined && (
          <Descriptions.Item label={t('q2c.contracts.margin')}>{formatBp(c.marginBp)}</Descriptions.Item>
        )}
        <Descriptions.Item label={t('q2c.contracts.signedOn')}>
          <span data-value="">{fmtDate(c.signedOn)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.signatories')}>
          <span data-value="">
            {(c.signatories ?? [])
              .map(
                (s) => `${t(`q2c.contracts.party.${s.party}`)}: ${s.name}${s.title ? ` (${s.title})` : ''}`,
              )
              .join(t('common.listSep'))}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('q2c.contracts.paymentTerms')}>
          <span data-value="">
            {(c.paymentTerms ?? []).map((p) => `${p.name} ${p.percent}%`).join(t('common.listSep'))}
          </span>
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey={(l) => `${l.productId}|${l.spec ?? ''}`}
        pagination={false}
        scroll={{ x: 640 }}
        dataSource={c.lines ?? []}
        columns={[
          {
            title: t('ops.quotes.product'),
            key: 'p',
            render: (_: unknown, l: ContractLine) => (
              <span data-value="">{`${l.productName} (${l.sku})`}</span>
            ),
          },
          { title: t('ops.quotes.quantity'), dataIndex: 'quantity', align: 'right' as const },
          {
            title: t('ops.quotes.unitPrice'),
            dataIndex: 'unitPrice',
            align: 'right' as const,
            render: (v: number) => <span data-value="">{money(v, c.currency)}</span>,
          },
          {
            title: t('ops.quotes.gross'),
            key: 'g',
            align: 'right' as const,
            render: (_: unknown, l: ContractLine) => (
              <span data-value="">{money(l.totals.grossAmount, c.currency)}</span>
            ),
          },
        ]}
      />
      {approval.data && (
        <Card size="small" title={t('q2c.contracts.approval')} data-testid="contract-approval">
          <ApprovalSteps request={approval.data} />
        </Card>
      )}
      {!!c.signedVersion && (
        <Card
          size="small"
          title={t('q2c.orders.title')}
          extra={
            mayOrder && (
              <Button type="primary" size="small" onClick={createOrder} data-testid="order-create">
                {t('q2c.orders.create')}
              </Button>
            )
          }
        >
          <List
            size="small"
            loading={orders.isLoading}
            locale={{ emptyText: t('q2c.orders.noneForContract') }}
            dataSource={orders.data?.items ?? []}
            renderItem={(o) => (
              <List.Item>
                <Space wrap>
                  <Link to={`/orders/${o.id}`} data-value="" data-testid="contract-order-link">
                    {o.number}
                  </Link>
                  <Tag color={ORDER_STATUS_COLOR[o.status]}>{t(`q2c.orders.statuses.${o.status}`)}</Tag>
                  <span data-value="">{fmtTime(o.createdAt)}</span>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );

  const clauses = (
    <Form
      form={form}
      layout="vertical"
      initialValues={termsOf(c)}
      disabled={!editable}
      key={`${c.id}:${c.currentVersion}`}
      data-testid="contract-edit-form"
    >
      {editable && c.status === 'approved' && (
        <Alert
          type="warning"
          showIcon
          title={t('q2c.contracts.editApprovedWarning')}
          style={{ marginBottom: 12 }}
        />
      )}
      <ContractTermsFields noteLabel={t('q2c.contracts.note')} />
      {editable && (
        <Button type="primary" loading={saving} onClick={save} data-testid="contract-save">
          {t('common.save')}
        </Button>
      )}
    </Form>
  );

  return (
    <Card
      title={
        <Space wrap>
          <span data-value="" data-testid="contract-number">
            {c.number}
          </span>
          <Tag color={CONTRACT_STATUS_COLOR[c.status]} data-testid="contract-status" data-status={c.status}>
            {t(`q2c.contracts.statuses.${c.status}`)}
          </Tag>
          <Tag data-value="">v{c.currentVersion}</Tag>
        </Space>
      }
      extra={<Link to="/contracts">{t('q2c.contracts.backToList')}</Link>}
    >
      <Typography.Title level={5} style={{ marginTop: 0 }} data-value="">
        {c.title}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        {writer && SUBMITTABLE.has(c.status) && (
          <Button type="primary" onClick={confirmSubmit} data-testid="contract-submit">
            {t('q2c.contracts.actions.submit')}
          </Button>
        )}
        {maySign && (
          <Button type="primary" onClick={() => setSigning(true)} data-testid="contract-sign">
            {t('q2c.contracts.actions.sign')}
          </Button>
        )}
        {writer && c.status === 'signed' && (
          <Button
            onClick={() => {
              amendForm.setFieldsValue({ ...termsOf(c), note: '' });
              setAmending(true);
            }}
            data-testid="contract-amend"
          >
            {t('q2c.contracts.actions.amend')}
          </Button>
        )}
        {mayArchive && (
          <Button onClick={confirmArchive} data-testid="contract-archive">
            {t('q2c.contracts.actions.archive')}
          </Button>
        )}
      </Space>
      {error && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setError(null)}
          style={{ marginBottom: 12 }}
          title={error}
          data-testid="contract-save-error"
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'summary', label: t('q2c.contracts.summary'), children: summary },
          {
            key: 'clauses',
            label: editable ? t('q2c.contracts.edit') : t('q2c.contracts.clauses'),
            children: clauses,
          },
          ...(c.signedVersion
            ? [
                {
                  key: 'payments',
                  label: t('q2c.payments.title'),
                  children: <PaymentPlanCard me={me} contract={c} />,
                },
              ]
            : []),
          {
            key: 'files',
            label: t('q2c.attachments.title'),
            children: (
              <AttachmentList
                me={me}
                recordType="contract"
                recordId={c.id}
                canUpload={(writer || me.user.role === 'legal') && c.status !== 'archived'}
              />
            ),
          },
          {
            key: 'versions',
            label: t('q2c.contracts.versions'),
            children: <ContractVersions contractId={c.id} current={c.currentVersion} />,
          },
        ]}
      />
      <SignContractModal
        me={me}
        contract={c}
        open={signing}
        onClose={() => setSigning(false)}
        onSigned={async (fresh) => {
          setSigning(false);
          await refresh(fresh);
          await queryClient.invalidateQueries({ queryKey: ['orders', 'contract', c.id] });
        }}
      />
      <Modal
        open={amending}
        title={t('q2c.contracts.amendTitle')}
        okText={t('q2c.contracts.actions.amend')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'amend-ok' } as never}
        onOk={amend}
        onCancel={() => setAmending(false)}
        width={760}
        forceRender
      >
        <Typography.Paragraph type="secondary">{t('q2c.contracts.amendHint')}</Typography.Paragraph>
        <Form form={amendForm} layout="vertical">
          <ContractTermsFields noteLabel={t('q2c.contracts.amendReason')} noteRequired />
        </Form>
      </Modal>
    </Card>
  );
}
