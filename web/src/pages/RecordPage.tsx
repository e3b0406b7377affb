import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Result,
  Row,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Me, Page, RecordBase } from '../api/types';
import { ActivityQuickLog } from '../components/ActivityQuickLog';
import { CreateRecordDrawer } from '../components/CreateRecordDrawer';
import { fromFormValues, RecordFormItems, toFormValues } from '../components/RecordFormItems';
import { RecordTimeline } from '../components/RecordTimeline';
import { SopPanel } from '../components/SopPanel';
import { applyServerErrors, type Entity, useUsers } from '../lib';
import { formatMoney } from './recordColumns';
import { FIELDS, type FieldSpec } from './recordFields';

type Rec = RecordBase & Record<string, unknown>;

async function fetchRecord(entity: Entity, id: string): Promise<Rec> {
  return api<Rec>('GET', `/api/${entity}/${id}`);
}

/** A record's name, for links from other records (customer of a deal, …). */
function RecordLink({ entity, id }: { entity: Entity; id: string }) {
  const q = useQuery({ queryKey: ['record', entity, id], queryFn: () => fetchRecord(entity, id) });
  return (
    <Link to={`/${entity}/${id}`} data-value="">
      {q.data ? String(q.data.name) : id}
    </Link>
  );
}

function displayValue(f: FieldSpec, v: unknown, rec: Rec, t: (k: string) => string): React.ReactNode {
  if (v === null || v === undefined || v === '') return <Typography.Text type="secondary">—</Typography.Text>;
  if (f.kind === 'money') return formatMoney(Number(v), String(rec.currency ?? 'CNY'));
  if (f.kind === 'number' && f.key === 'probability') return `${v}%`;
  if (f.kind === 'select' && f.options && f.options.prefix !== 'grade' && f.options.prefix !== 'currency')
    return t(`${f.options.prefix}.${String(v)}`);
  return <span data-value="">{String(v)}</span>;
}

/** The page of one lead, customer, contact or deal: header with edit, timeline, follow-ups, SOP panel. */
export function RecordPage({ entity, me }: { entity: Entity; me: Me }) {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [converting, setConverting] = useState(false);
  const [deleted, setDeleted] = useState<{ version: number } | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  // The fields the user changed in the edit drawer: only these are sent, and kept over a reload.
  const edited = useRef(new Set<string>());
  const users = useUsers();
  const record = useQuery({
    queryKey: ['record', entity, id],
    queryFn: () => fetchRecord(entity, id),
    enabled: !deleted,
  });
  const fields = FIELDS[entity];
  const label = (k: string) =>
    t((entity === 'leads' || entity === 'contacts') && k === 'name' ? 'fields.leadName' : `fields.${k}`);

  if (deleted) {
    return (
      <Result
        status="warning"
        title={t('record.deleted')}
        subTitle={t('record.deletedHint')}
        extra={[
          <Button
            key="restore"
            type="primary"
            data-testid="restore"
            onClick={async () => {
              try {
                await api('POST', `/api/${entity}/${id}/restore`, undefined, { ifMatch: deleted.version });
                setDeleted(null);
                message.success(t('record.restored'));
                await queryClient.invalidateQueries({ queryKey: ['record', entity, id] });
                await queryClient.invalidateQueries({ queryKey: ['list', entity] });
              } catch (err) {
                message.error((err as Error).message);
              }
            }}
          >
            {t('record.restore')}
          </Button>,
          <Button key="back" onClick={() => navigate(`/${entity}`)}>
            {t('record.backToList')}
          </Button>,
        ]}
      />
    );
  }
  if (record.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (record.error) {
    const notFound = record.error instanceof ApiError && record.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={
          notFound ? t('record.notFound') : t('list.error', { message: (record.error as Error).message })
        }
        extra={<Button onClick={() => navigate(`/${entity}`)}>{t('record.backToList')}</Button>}
      />
    );
  }
  const rec = record.data!;
  const canWrite =
    me.user.role !== 'viewer' &&
    (rec.ownerId === me.user.id || ['admin', 'sales_ops', 'manager'].includes(me.user.role));
  const inPool = (entity === 'leads' || entity === 'accounts') && !rec.ownerId;

  const reload = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['record', entity, id] }),
      queryClient.invalidateQueries({ queryKey: ['timeline', entity, id] }),
      queryClient.invalidateQueries({ queryKey: ['list', entity] }),
    ]);

  const openEdit = () => {
    setEditError(null);
    form.resetFields();
    edited.current = new Set();
    form.setFieldsValue(toFormValues(fields, rec));
    setEditing(true);
  };
  const save = async (values: Record<string, unknown>) => {
    setBusy(true);
    setEditError(null);
    const touched = Object.fromEntries(Object.entries(values).filter(([k]) => edited.current.has(k)));
    try {
      await api('PATCH', `/api/${entity}/${id}`, fromFormValues(fields, touched, { nullForEmpty: true }), {
        ifMatch: rec.version,
      });
      setEditing(false);
      message.success(t('record.saved'));
      await reload();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await reload();
        // The latest version under the user's own edits: their changes stay, the rest is refreshed.
        const fresh = queryClient.getQueryData<Rec>(['record', entity, id]);
        if (fresh) {
          const untouched = Object.entries(toFormValues(fields, fresh)).filter(
            ([k]) => !edited.current.has(k),
          );
          form.setFieldsValue(Object.fromEntries(untouched));
        }
        setEditError(t('record.conflict'));
      } else if (!applyServerErrors(form, err)) {
        setEditError((err as Error).message);
      }
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    try {
      const r = await api<{ version: number }>('DELETE', `/api/${entity}/${id}`, undefined, {
        ifMatch: rec.version,
      });
      await queryClient.invalidateQueries({ queryKey: ['list', entity] });
      setDeleted({ version: r.version });
    } catch (err) {
      message.error(
        err instanceof ApiError && err.status === 412 ? t('record.conflict') : (err as Error).message,
      );
      await reload();
    }
  };
  const claim = async () => {
    try {
      await api('POST', `/api/${entity}/${id}/claim`);
      message.success(t('pool.claimed'));
      await reload();
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  const tags: React.ReactNode[] = [];
  if (entity === 'deals')
    tags.push(
      <Tag key="stage" color="blue">
        {t(`stage.${String(rec.stage)}`)}
      </Tag>,
    );
  if (entity === 'leads') tags.push(<Tag key="status">{t(`leadStatus.${String(rec.status)}`)}</Tag>);
  if (inPool)
    tags.push(
      <Tag key="pool" color="gold">
        {t('list.pool')}
      </Tag>,
    );

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        data-testid="record-header"
        title={
          <Space wrap>
            <Typography.Text type="secondary">{t(`entity.${entity}`)}</Typography.Text>
            <span data-testid="record-name" data-value="">
              {String(rec.name)}
            </span>
            {tags}
          </Space>
        }
        extra={
          <Space wrap>
            {inPool && (
              <Button type="primary" onClick={claim} data-testid="claim">
                {t('pool.claim')}
              </Button>
            )}
            {entity === 'leads' &&
              canWrite &&
              rec.status !== 'converted' &&
              rec.status !== 'disqualified' && (
                <Button type="primary" onClick={() => setConverting(true)} data-testid="convert">
                  {t('convert.button')}
                </Button>
              )}
            {entity === 'deals' && (
              <Button onClick={() => navigate(`/quotes?dealId=${rec.id}`)} data-testid="deal-quotes">
                {t('ops.quotes.title')}
              </Button>
            )}
            {entity === 'deals' && canWrite && (
              <Button onClick={() => navigate(`/quotes/new?dealId=${rec.id}`)} data-testid="new-quote">
                {t('ops.quotes.new')}
              </Button>
            )}
            <Button onClick={openEdit} disabled={!canWrite} data-testid="edit">
              {t('record.edit')}
            </Button>
            <Popconfirm
              title={t('record.deleteConfirm')}
              okText={t('record.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={remove}
            >
              <Button danger disabled={!canWrite} data-testid="delete">
                {t('record.delete')}
              </Button>
            </Popconfirm>
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
          {fields
            .filter((f) => f.header)
            .map((f) => (
              <Descriptions.Item key={f.key} label={label(f.key)}>
                {displayValue(f, rec[f.key], rec, t)}
              </Descriptions.Item>
            ))}
          {(entity === 'contacts' || entity === 'deals') && typeof rec.accountId === 'string' && (
            <Descriptions.Item label={t('entity.accounts')}>
              <RecordLink entity="accounts" id={rec.accountId} />
            </Descriptions.Item>
          )}
          {entity === 'leads' && typeof rec.accountId === 'string' && (
            <Descriptions.Item label={t('convert.account')}>
              <RecordLink entity="accounts" id={rec.accountId} />
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('list.owner')}>
            {rec.ownerId ? (
              <span data-value="">
                {String(rec.ownerName ?? users.data?.items.find((u) => u.id === rec.ownerId)?.name ?? '…')}
              </span>
            ) : (
              <Tag>{t('list.pool')}</Tag>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('record.version')}>{rec.version}</Descriptions.Item>
        </Descriptions>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={entity === 'deals' || entity === 'leads' ? 12 : 14}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <ActivityQuickLog entity={entity} id={id} disabled={!canWrite} />
            {entity === 'accounts' && <RelatedList entity="contacts" accountId={id} canCreate={canWrite} />}
            {entity === 'accounts' && <RelatedList entity="deals" accountId={id} canCreate={canWrite} />}
          </Space>
        </Col>
        <Col xs={24} lg={entity === 'deals' || entity === 'leads' ? 12 : 10}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            {(entity === 'deals' || entity === 'leads') && (
              <SopPanel entity={entity} deal={rec as never} me={me} canWrite={canWrite} />
            )}
            <RecordTimeline entity={entity} id={id} />
          </Space>
        </Col>
      </Row>

      <Drawer
        open={editing}
        title={t('record.editTitle', { name: String(rec.name) })}
        onClose={() => setEditing(false)}
        size="large"
        styles={{ wrapper: { maxWidth: '100vw' } }}
        extra={
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="save">
            {t('common.save')}
          </Button>
        }
      >
        {editError && (
          <Alert
            type="error"
            showIcon
            message={editError}
            style={{ marginBottom: 12 }}
            data-testid="edit-error"
          />
        )}
        <Form
          form={form}
          layout="vertical"
          onFinish={save}
          onValuesChange={(changed) => {
            for (const k of Object.keys(changed)) edited.current.add(k);
          }}
        >
          <RecordFormItems
            fields={
              entity === 'leads'
                ? fields.filter((f) => f.key !== 'status' || rec.status !== 'converted')
                : fields
            }
            labelOf={label}
          />
        </Form>
      </Drawer>
      {entity === 'leads' && (
        <ConvertLead
          open={converting}
          lead={rec}
          onClose={() => setConverting(false)}
          onDone={async (dealId, accountId) => {
            setConverting(false);
            await reload();
            navigate(dealId ? `/deals/${dealId}` : `/accounts/${accountId}`);
          }}
        />
      )}
    </Space>
  );
}

function RelatedList({
  entity,
  accountId,
  canCreate,
}: {
  entity: 'contacts' | 'deals';
  accountId: string;
  canCreate: boolean;
}) {
  const { t } = useTranslation();
  const [creating, setCreating] = useState(false);
  const q = useInfiniteQuery({
    queryKey: ['list', entity, 'account', accountId],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ accountId, limit: '50', includeTotal: 'true' });
      if (pageParam) params.set('cursor', pageParam);
      return api<Page<Rec>>('GET', `/api/${entity}?${params}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const total = q.data?.pages[0]?.total;
  return (
    <Card
      title={t(`menu.${entity}`)}
      size="small"
      extra={
        <Space>
          {total !== undefined && (
            <Typography.Text type="secondary" data-testid={`related-total-${entity}`}>
              {t('list.total', { count: total })}
            </Typography.Text>
          )}
          {canCreate && (
            <>
              <Button size="small" onClick={() => setCreating(true)} data-testid={`related-create-${entity}`}>
                {t(`create.new.${entity}`)}
              </Button>
              <CreateRecordDrawer
                entity={entity}
                accountId={accountId}
                open={creating}
                onClose={() => setCreating(false)}
              />
            </>
          )}
        </Space>
      }
    >
      {q.isLoading && <Spin />}
      {q.error && <Alert type="error" showIcon message={(q.error as Error).message} />}
      {q.data && rows.length === 0 && <Typography.Text type="secondary">{t('list.empty')}</Typography.Text>}
      <Space direction="vertical" data-testid={`related-${entity}`}>
        {rows.map((r) => (
          <Link key={r.id} to={`/${entity}/${r.id}`} data-testid="related-item">
            <span data-value="">{String(r.name)}</span>
            {entity === 'deals' ? ` · ${t(`stage.${String(r.stage)}`)}` : ''}
          </Link>
        ))}
      </Space>
      {q.hasNextPage && (
        <Button
          block
          size="small"
          style={{ marginTop: 12 }}
          loading={q.isFetchingNextPage}
          onClick={() => q.fetchNextPage()}
          data-testid={`related-more-${entity}`}
        >
          {t('list.loadMoreOf', { shown: rows.length, count: total ?? rows.length })}
        </Button>
      )}
    </Card>
  );
}

interface ConvertValues {
  createContact: boolean;
  createDeal: boolean;
  dealName?: string;
  amount?: number;
  expectedCloseDate?: Dayjs;
}

/** Lead → customer + contact + deal, in one step (线索转化). */
function ConvertLead({
  open,
  lead,
  onClose,
  onDone,
}: {
  open: boolean;
  lead: Rec;
  onClose: () => void;
  onDone: (dealId: string | null, accountId: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ConvertValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const createDeal = Form.useWatch('createDeal', form);
  const submit = async (v: ConvertValues) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ accountId: string; dealId: string | null }>(
        'POST',
        `/api/leads/${lead.id}/convert`,
        {
          createContact: v.createContact,
          ...(v.createDeal
            ? {
                deal: {
                  name: v.dealName!.trim(),
                  amount: Math.round(Number(v.amount ?? 0) * 100),
                  expectedCloseDate: v.expectedCloseDate!.format('YYYY-MM-DD'),
                },
              }
            : {}),
        },
        { ifMatch: lead.version },
      );
      onDone(r.dealId ?? null, r.accountId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) setError(t('record.conflict'));
      else if (!applyServerErrors(form, err, 'deal.')) setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('convert.title')}
      okText={t('convert.submit')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'convert-submit' } as never}
    >
      <Typography.Paragraph type="secondary">
        {t('convert.hint', { company: String(lead.companyName ?? lead.name) })}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        preserve={false}
        initialValues={{
          createContact: true,
          createDeal: true,
          dealName: `${String(lead.companyName ?? lead.name)}`,
        }}
      >
        <Form.Item name="createContact" valuePropName="checked">
          <Checkbox>{t('convert.createContact')}</Checkbox>
        </Form.Item>
        <Form.Item name="createDeal" valuePropName="checked">
          <Checkbox>{t('convert.createDeal')}</Checkbox>
        </Form.Item>
        {createDeal && (
          <>
            <Form.Item
              name="dealName"
              label={t('fields.name')}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t('form.required', { field: t('fields.name') }),
                },
                { max: 200, message: t('form.tooLong', { max: 200 }) },
              ]}
            >
              <Input data-testid="convert-deal-name" />
            </Form.Item>
            <Form.Item
              name="amount"
              label={t('fields.amount')}
              rules={[{ required: true, message: t('form.required', { field: t('fields.amount') }) }]}
            >
              <InputNumber
                min={0}
                precision={2}
                prefix="¥"
                style={{ width: '100%' }}
                data-testid="convert-amount"
              />
            </Form.Item>
            <Form.Item
              name="expectedCloseDate"
              label={t('fields.expectedCloseDate')}
              rules={[
                { required: true, message: t('form.required', { field: t('fields.expectedCloseDate') }) },
              ]}
            >
              <DatePicker style={{ width: '100%' }} data-testid="convert-close-date" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
