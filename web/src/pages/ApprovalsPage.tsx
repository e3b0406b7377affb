import { useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Me } from '../api/types';
import { type ApprovalRequest, ApprovalSteps, useApprovalLevels } from '../components/ApprovalSteps';
import { ListError, ListPager, useServerList } from '../components/ServerListPage';
import { fmtTime, useUsers } from '../lib';
import { formatBp, formatFen } from '../money';

type Box = 'pending' | 'mine' | 'all';
type Decision = 'approve' | 'reject' | 'return';
const STATUSES = ['pending', 'approved', 'rejected', 'returned', 'withdrawn'] as const;
const STATUS_COLOR: Record<string, string> = {
  pending: 'processing',
  approved: 'green',
  rejected: 'red',
  returned: 'orange',
  withdrawn: 'default',
};

/** 审批: what waits for me (待我审批), what I asked for (我发起的); approve, reject, return with comments. */
export function ApprovalsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [box, setBox] = useState<Box>('pending');
  const [deciding, setDeciding] = useState<{ request: ApprovalRequest; decision: Decision } | null>(null);
  const [form] = Form.useForm<{ comment?: string; returnTo?: number }>();
  const [busy, setBusy] = useState(false);
  // Search, status, sort and pages on the server; the box is a fixed parameter of each query.
  const state = useServerList<ApprovalRequest>({
    queryKey: ['approvals'],
    path: '/api/approvals',
    defaultSort: '-createdAt',
    sortable: ['createdAt', 'updatedAt'],
    params: { box },
  });
  const list = state.list;
  const nameOf = (id: string) => users.data?.items.find((u) => u.id === id)?.name ?? id;
  const quoteLevels = useApprovalLevels('quote');
  const contractLevels = useApprovalLevels('contract');
  const levelName = (r: ApprovalRequest, key: string) =>
    r.subject === 'quote' ? quoteLevels(key) : contractLevels(key);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['approvals'] });
    await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    await queryClient.invalidateQueries({ queryKey: ['quote'] });
    await queryClient.invalidateQueries({ queryKey: ['quotes'] });
    await queryClient.invalidateQueries({ queryKey: ['contract'] });
    await queryClient.invalidateQueries({ queryKey: ['contracts'] });
  };

  const open = (request: ApprovalRequest, decision: Decision) => {
    form.resetFields();
    form.setFieldsValue({ returnTo: decision === 'return' ? -1 : undefined });
    setDeciding({ request, decision });
  };
  const decide = async () => {
    if (!deciding) return;
    const values = await form.validateFields();
    setBusy(true);
    try {
      await api('POST', `/api/approvals/${deciding.request.id}/decide`, {
        decision: deciding.decision,
        comment: values.comment?.trim() || null,
        ...(deciding.decision === 'return' ? { returnTo: values.returnTo ?? -1 } : {}),
      });
      message.success(t(`ops.approvals.done.${deciding.decision}`));
      setDeciding(null);
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && (err.field === 'comment' || err.field === 'returnTo'))
        form.setFields([{ name: err.field, errors: [err.message] }]);
      else message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const resubmit = async (r: ApprovalRequest) => {
    try {
      await api('POST', `/api/approvals/${r.id}/decide`, { decision: 'resubmit' });
      message.success(t('ops.approvals.done.resubmit'));
      await refresh();
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  const subjectLink = (r: ApprovalRequest) =>
    r.subject === 'quote' ? (
      <Link to={`/quotes/${r.subjectId}`} data-testid="approval-subject">
        {t('ops.approvals.subject.quote')} v{r.subjectVersion}
      </Link>
    ) : (
      <Link to={`/contracts/${r.subjectId}`} data-testid="approval-subject">
        {t('ops.approvals.subject.contract')} v{r.subjectVersion}
      </Link>
    );

  return (
    <Card title={t('ops.approvals.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={box}
          onChange={(v) => {
            setBox(v as Box);
            state.setFilter(undefined);
          }}
          options={[
            { value: 'pending', label: t('ops.approvals.box.pending') },
            { value: 'mine', label: t('ops.approvals.box.mine') },
            { value: 'all', label: t('ops.approvals.box.all') },
          ]}
          data-testid="approval-box"
        />
        <Input.Search
          allowClear
          placeholder={t('ops.approvals.search')}
          value={state.search}
          onChange={(e) => state.setSearch(e.target.value)}
          style={{ width: 260, maxWidth: '100%' }}
          data-testid="approval-search"
        />
        {box !== 'pending' && (
          <Select
            allowClear
            style={{ width: 140 }}
            placeholder={t('ops.quotes.status')}
            value={state.filter}
            onChange={state.setFilter}
            options={STATUSES.map((s) => ({ value: s, label: t(`ops.approvals.status.${s}`) }))}
          />
        )}
      </Space>
      {list.isError && <ListError error={list.error} onRetry={() => list.refetch()} />}
      <Table<ApprovalRequest>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        onChange={state.onTableChange}
        pagination={false}
        scroll={{ x: 820 }}
        locale={{
          emptyText: state.filtered
            ? t('ops.approvals.noMatch')
            : t(box === 'pending' ? 'ops.approvals.emptyPending' : 'ops.approvals.empty'),
        }}
        expandable={{ expandedRowRender: (r) => <ApprovalSteps request={r} /> }}
        data-testid="approval-table"
        columns={state.withSort([
          {
            title: t('ops.approvals.subjectTitle'),
            key: 'subject',
            render: (_: unknown, r: ApprovalRequest) => subjectLink(r),
          },
          { title: t('ops.approvals.requester'), dataIndex: 'requesterId', render: nameOf },
          {
            title: t('ops.approvals.amount'),
            key: 'amount',
            align: 'right' as const,
            render: (_: unknown, r: ApprovalRequest) => formatFen(r.facts.amount),
          },
          {
            title: t('ops.quotes.discount'),
            key: 'discount',
            render: (_: unknown, r: ApprovalRequest) => formatBp(r.facts.discountBp),
          },
          ...(me.user.role !== 'rep'
            ? [
                {
                  title: t('ops.quotes.margin'),
                  key: 'margin',
                  render: (_: unknown, r: ApprovalRequest) => formatBp(r.facts.marginBp),
                },
              ]
            : []),
          {
            title: t('ops.approvals.statusTitle'),
            key: 'status',
            render: (_: unknown, r: ApprovalRequest) => (
              <Space wrap size={4}>
                <Tag color={STATUS_COLOR[r.status]} data-testid="approval-status">
                  {t(`ops.approvals.status.${r.status}`)}
                </Tag>
                {r.status === 'pending' && r.steps[r.current] && (
                  <Typography.Text type="secondary">
                    {levelName(r, r.steps[r.current]!.levelKey)}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          { title: t('ops.common.time'), dataIndex: 'createdAt', key: 'createdAt', render: fmtTime },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r: ApprovalRequest) =>
              box === 'pending' && r.status === 'pending' ? (
                <Space wrap size={4}>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => open(r, 'approve')}
                    data-testid="approve"
                  >
                    {t('ops.approvals.decision.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => open(r, 'reject')} data-testid="reject">
                    {t('ops.approvals.decision.reject')}
                  </Button>
                  <Button size="small" onClick={() => open(r, 'return')} data-testid="return">
                    {t('ops.approvals.decision.return')}
                  </Button>
                </Space>
              ) : r.status === 'returned' && r.requesterId === me.user.id ? (
                <Button size="small" onClick={() => resubmit(r)}>
                  {t('ops.approvals.resubmit')}
                </Button>
              ) : null,
          },
        ])}
      />
      <ListPager state={state} />
      <Modal
        open={!!deciding}
        title={deciding ? t(`ops.approvals.decideTitle.${deciding.decision}`) : ''}
        okText={deciding ? t(`ops.approvals.decision.${deciding.decision}`) : ''}
        okButtonProps={
          { danger: deciding?.decision === 'reject', loading: busy, 'data-testid': 'decide-ok' } as never
        }
        cancelText={t('common.cancel')}
        onOk={decide}
        onCancel={() => setDeciding(null)}
        destroyOnHidden
      >
        {deciding && (
          <>
            <ApprovalSteps request={deciding.request} />
            <Form form={form} layout="vertical">
              {deciding.decision === 'return' && (
                <Form.Item name="returnTo" label={t('ops.approvals.returnTo')} rules={[{ required: true }]}>
                  <Select
                    options={[
                      {
                        value: -1,
                        label: t('ops.approvals.toRequester', { name: nameOf(deciding.request.requesterId) }),
                      },
                      ...deciding.request.steps
                        .slice(0, deciding.request.current)
                        .map((s, i) => ({ value: i, label: levelName(deciding.request, s.levelKey) })),
                    ]}
                  />
                </Form.Item>
              )}
              <Form.Item
                name="comment"
                label={t('ops.approvals.comment')}
                rules={[
                  { required: deciding.decision !== 'approve', message: t('ops.approvals.commentRequired') },
                  { max: 2000 },
                ]}
              >
                <Input.TextArea rows={3} maxLength={2000} data-testid="decide-comment" />
              </Form.Item>
            </Form>
          </>
        )}
      </Modal>
    </Card>
  );
}
