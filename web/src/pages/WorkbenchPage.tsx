import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Row,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../api/client';
import type { Activity, Breach, Me, Notification, Page, SopClock, Task, TimeLimit } from '../api/types';
import { SlaClock } from '../components/SlaClocks';
import {
  applyServerErrors,
  fmtTime,
  PATH_OF_TYPE,
  useLocalText,
  usePublishedPlaybook,
  useUsers,
} from '../lib';

function endOfToday(): Date {
  const d = new Date();
  d.setHours(23, 59, 59, 999);
  return d;
}
function startOfToday(): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d;
}

function Section({
  title,
  count,
  children,
  testId,
  extra,
}: {
  title: string;
  count?: number;
  children: React.ReactNode;
  testId: string;
  extra?: React.ReactNode;
}) {
  return (
    <Card
      data-testid={testId}
      title={
        <Space>
          {title}
          {count !== undefined && <Badge count={count} showZero color={count ? '#f5222d' : '#bfbfbf'} />}
        </Space>
      }
      style={{ height: '100%' }}
      extra={extra}
    >
      {children}
    </Card>
  );
}

function QueryState({
  query,
  empty,
}: {
  query: { isLoading: boolean; error: unknown; data?: unknown };
  empty: boolean;
}) {
  const { t } = useTranslation();
  if (query.isLoading) return <Spin />;
  if (query.error)
    return (
      <Alert type="error" showIcon message={t('list.error', { message: (query.error as Error).message })} />
    );
  if (empty) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workbench.nothing')} />;
  return null;
}

const BREACH_PAGE_SIZE = 10;
const CLOCK_PAGE_SIZE = 10;

/** A clock from /api/clocks: the SOP panel's clock with its record. */
type RunningClock = SopClock & {
  recordType: string;
  recordId: string;
  recordName: string | null;
  ownerId: string | null;
};

/** Where a record lives in the web app, under its name: the one a list brought along, else looked up. */
function RecordName({ type, id, name }: { type: string; id: string; name?: string | null }) {
  const { t } = useTranslation();
  // A missing weekly report is named by its week (Monday) and opens that week's reports.
  const weekly = type === 'weekly_report' && !!name;
  // Orders come named (by number) from the lists; the others can be looked up by id.
  const entity = type === 'order' ? 'orders' : PATH_OF_TYPE[type];
  const q = useQuery({
    queryKey: ['record', entity, id],
    enabled: !!entity && name == null && !weekly,
    queryFn: () => api<{ name: string }>('GET', `/api/${entity}/${id}`),
  });
  const shown = name ?? q.data?.name ?? '…';
  if (weekly)
    return (
      <Link to={`/weekly-reports?week=${name}`} data-value="">
        {t('analytics.weekly.weekOf', { week: name })}
      </Link>
    );
  if (!entity) return <span data-value="">{name ?? id}</span>;
  return (
    <Link to={`/${entity}/${id}`} data-value="">
      {shown}
    </Link>
  );
}

/** 工作台: what needs me today — tasks, follow-ups, running SLA clocks, breaches to explain, notifications. */
export function WorkbenchPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const lt = useLocalText();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const isRep = me.user.role === 'rep';
  const users = useUsers();
  const mine = `ownerId=${me.user.id}`;

  // Due by tonight (overdue included) and follow-ups planned for today: asked of the server by time.
  const tasks = useQuery({
    queryKey: ['workbench', 'tasks', me.user.id],
    queryFn: () =>
      api<Page<Task>>(
        'GET',
        `/api/tasks?${mine}&status=open&sort=dueAt&limit=50&includeTotal=true&dueAtTo=${endOfToday().toISOString()}`,
      ),
  });
  const dueTasks = tasks.data?.items ?? [];

  const followUps = useQuery({
    queryKey: ['workbench', 'followups', me.user.id],
    queryFn: () =>
      api<Page<Activity>>(
        'GET',
        `/api/activities?${mine}&limit=100&includeTotal=true&nextContactAtFrom=${startOfToday().toISOString()}&nextContactAtTo=${endOfToday().toISOString()}`,
      ),
  });
  const dueFollowUps = [...(followUps.data?.items ?? [])].sort((a, b) =>
    a.nextContactAt! < b.nextContactAt! ? -1 : 1,
  );

  // Time limits still counting on the records I can see (leads, deals, orders), the soonest due first.
  const playbook = usePublishedPlaybook('deal');
  const leadPlaybook = usePublishedPlaybook('lead');
  const [clockPage, setClockPage] = useState(1);
  const clocks = useQuery({
    queryKey: ['workbench', 'clocks', clockPage],
    queryFn: () =>
      api<{ items: RunningClock[]; total: number }>(
        'GET',
        `/api/clocks?limit=${CLOCK_PAGE_SIZE}&offset=${(clockPage - 1) * CLOCK_PAGE_SIZE}`,
      ),
    placeholderData: keepPreviousData,
  });
  const stageOf = (c: { recordType: string; stageKey: string }) =>
    (c.recordType === 'lead'
      ? leadPlaybook.data
      : c.recordType === 'deal'
        ? playbook.data
        : null
    )?.stages.find((st) => st.key === c.stageKey);
  const limitOf = (c: RunningClock): TimeLimit =>
    stageOf(c)?.timeLimits.find((l) => l.key === c.limitKey) ?? {
      key: c.limitKey,
      name: { 'zh-CN': c.limitKey, 'en-US': c.limitKey },
    };

  const [breachPage, setBreachPage] = useState(1);
  const breaches = useQuery({
    queryKey: ['workbench', 'breaches', breachPage],
    queryFn: () =>
      api<{ items: Breach[]; total: number }>(
        'GET',
        `/api/breaches?unexplained=true&limit=${BREACH_PAGE_SIZE}&offset=${(breachPage - 1) * BREACH_PAGE_SIZE}`,
      ),
    placeholderData: keepPreviousData,
  });

  const notifications = useQuery({
    queryKey: ['workbench', 'notifications'],
    queryFn: () => api<{ items: Notification[]; unreadCount: number }>('GET', '/api/notifications?limit=10'),
  });

  const [explaining, setExplaining] = useState<Breach | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const [reasonError, setReasonError] = useState<string | null>(null);
  const giveReason = async () => {
    const { reason } = await reasonForm.validateFields();
    setReasonError(null);
    try {
      await api('PUT', `/api/breaches/${explaining!.id}/reason`, { reason });
      setExplaining(null);
      message.success(t('workbench.reasonSaved'));
      await queryClient.invalidateQueries({ queryKey: ['workbench', 'breaches'] });
    } catch (err) {
      if (!applyServerErrors(reasonForm, err)) setReasonError((err as Error).message);
    }
  };

  const breachLimitName = (b: Breach) => {
    if (b.recordType === 'weekly_report') return t('analytics.weekly.dueLimit');
    const pb = b.recordType === 'lead' ? leadPlaybook.data : playbook.data;
    const stage = pb?.stages.find((s) => s.key === b.stageKey);
    const limit = stage?.timeLimits.find((l) => l.key === b.limitKey);
    return limit ? lt(limit.name) : b.limitKey;
  };
  const notif = notifications.data;
  const unread = notif?.unreadCount ?? 0;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('workbench.greeting')}
        <span data-value="">{me.user.name}</span>
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Section title={t('workbench.breaches')} count={breaches.data?.total} testId="wb-breaches">
            <QueryState query={breaches} empty={!!breaches.data && breaches.data.total === 0} />
            {!!breaches.data?.items.length && (
              <List
                dataSource={breaches.data.items}
                loading={breaches.isFetching}
                pagination={
                  breaches.data.total > BREACH_PAGE_SIZE
                    ? {
                        current: breachPage,
                        pageSize: BREACH_PAGE_SIZE,
                        total: breaches.data.total,
                        onChange: setBreachPage,
                        size: 'small',
                        simple: true,
                      }
                    : false
                }
                renderItem={(b) => (
                  <List.Item
                    data-testid="breach-item"
                    actions={[
                      <Button
                        key="reason"
                        size="small"
                        type="primary"
                        data-testid="breach-reason"
                        onClick={() => {
                          reasonForm.resetFields();
                          setReasonError(null);
                          setExplaining(b);
                        }}
                      >
                        {t('workbench.giveReason')}
                      </Button>,
                    ]}
                  >
                    <List.Item.Meta
                      title={
                        <Space wrap size={4}>
                          <Tag>{t(`entityType.${b.recordType}`, { defaultValue: b.recordType })}</Tag>
                          <RecordName type={b.recordType} id={b.recordId} name={b.recordName} />
                        </Space>
                      }
                      description={
                        <Space wrap size={4}>
                          <Tag color="red">{breachLimitName(b)}</Tag>
                          <span>{t('workbench.breachedAt', { time: fmtTime(b.breachedAt) })}</span>
                          {!isRep && b.ownerId && (
                            <span data-value="">
                              {users.data?.items.find((u) => u.id === b.ownerId)?.name}
                            </span>
                          )}
                        </Space>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </Section>
        </Col>
        <Col xs={24} lg={12}>
          <Section title={t('workbench.clocks')} count={clocks.data?.total} testId="wb-clocks">
            <QueryState query={clocks} empty={!!clocks.data && clocks.data.total === 0} />
            {!!clocks.data?.items.length && (
              <List
                dataSource={clocks.data.items}
                loading={clocks.isFetching}
                pagination={
                  clocks.data.total > CLOCK_PAGE_SIZE
                    ? {
                        current: clockPage,
                        pageSize: CLOCK_PAGE_SIZE,
                        total: clocks.data.total,
                        onChange: setClockPage,
                        size: 'small',
                        simple: true,
                      }
                    : false
                }
                renderItem={(c) => {
                  const stage = stageOf(c);
                  return (
                    <List.Item data-testid="clock-item">
                      <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
                        <Space wrap size={4}>
                          <Tag>{t(`entityType.${c.recordType}`, { defaultValue: c.recordType })}</Tag>
                          <RecordName type={c.recordType} id={c.recordId} name={c.recordName} />
                          {stage && <Tag color="blue">{lt(stage.name)}</Tag>}
                          {!isRep && c.ownerId && (
                            <Typography.Text type="secondary" data-value="">
                              {users.data?.items.find((u) => u.id === c.ownerId)?.name}
                            </Typography.Text>
                          )}
                        </Space>
                        <SlaClock
                          limit={limitOf(c)}
                          start={c.startedAt}
                          timeZone={me.tenant.timeZone}
                          breached={c.status === 'breached'}
                          clock={c}
                        />
                      </Space>
                    </List.Item>
                  );
                }}
              />
            )}
          </Section>
        </Col>
        <Col xs={24} lg={12}>
          <Section title={t('workbench.tasks')} count={tasks.data?.total} testId="wb-tasks">
            <QueryState query={tasks} empty={!!tasks.data && dueTasks.length === 0} />
            {dueTasks.length > 0 && (
              <List
                dataSource={dueTasks}
                renderItem={(task) => {
                  const overdue = new Date(task.dueAt) < new Date();
                  const link = task.dealId
                    ? `/deals/${task.dealId}`
                    : task.leadId
                      ? `/leads/${task.leadId}`
                      : task.accountId
                        ? `/accounts/${task.accountId}`
                        : null;
                  return (
                    <List.Item
                      actions={[
                        <Button
                          key="done"
                          size="small"
                          onClick={async () => {
                            try {
                              await api(
                                'PATCH',
                                `/api/tasks/${task.id}`,
                                { status: 'done' },
                                { ifMatch: task.version },
                              );
                              message.success(t('workbench.taskDone'));
                            } catch (err) {
                              message.error(
                                err instanceof ApiError && err.status === 412
                                  ? t('record.conflict')
                                  : (err as Error).message,
                              );
                            }
                            await queryClient.invalidateQueries({ queryKey: ['workbench', 'tasks'] });
                          }}
                        >
                          {t('workbench.markDone')}
                        </Button>,
                      ]}
                    >
                      <List.Item.Meta
                        title={
                          link ? (
                            <Link to={link} data-value="">
                              {task.title}
                            </Link>
                          ) : (
                            <span data-value="">{task.title}</span>
                          )
                        }
                        description={
                          <Space wrap size={4}>
                            <Tag color={overdue ? 'red' : 'orange'}>
                              {overdue ? t('workbench.overdue') : t('workbench.today')}
                            </Tag>
                            <span>{fmtTime(task.dueAt)}</span>
                            <Tag>{t(`priority.${task.priority}`)}</Tag>
                          </Space>
                        }
                      />
                    </List.Item>
                  );
                }}
              />
            )}
          </Section>
        </Col>
        <Col xs={24} lg={12}>
          <Section title={t('workbench.followUps')} count={followUps.data?.total} testId="wb-followups">
            <QueryState query={followUps} empty={!!followUps.data && dueFollowUps.length === 0} />
            {dueFollowUps.length > 0 && (
              <List
                dataSource={dueFollowUps}
                renderItem={(a) => {
                  const [type, id] = a.dealId
                    ? ['deal', a.dealId]
                    : a.leadId
                      ? ['lead', a.leadId]
                      : a.contactId
                        ? ['contact', a.contactId]
                        : ['account', a.accountId!];
                  return (
                    <List.Item>
                      <List.Item.Meta
                        title={<RecordName type={type} id={id} />}
                        description={
                          <Space wrap size={4}>
                            <Tag color="blue">{fmtTime(a.nextContactAt).slice(11)}</Tag>
                            <Tag>{t(`activityKind.${a.kind}`)}</Tag>
                            <span data-value="">{a.subject}</span>
                          </Space>
                        }
                      />
                    </List.Item>
                  );
                }}
              />
            )}
          </Section>
        </Col>
        {
          <Col xs={24}>
            <Section
              title={t('workbench.notifications')}
              count={notifications.isLoading ? undefined : unread}
              testId="wb-notifications"
              extra={
                unread > 0 && (
                  <Button
                    size="small"
                    onClick={async () => {
                      await api('POST', '/api/notifications/read-all').catch((err: Error) =>
                        message.error(err.message),
                      );
                      await queryClient.invalidateQueries({ queryKey: ['workbench', 'notifications'] });
                    }}
                  >
                    {t('workbench.readAll')}
                  </Button>
                )
              }
            >
              <QueryState query={notifications} empty={!!notif && notif.items.length === 0} />
              {!!notif?.items.length && (
                <List
                  dataSource={notif.items}
                  renderItem={(n) => (
                    <List.Item
                      onClick={async () => {
                        if (n.readAt) return;
                        await api('POST', `/api/notifications/${n.id}/read`).catch(() => undefined);
                        await queryClient.invalidateQueries({ queryKey: ['workbench', 'notifications'] });
                      }}
                    >
                      <List.Item.Meta
                        title={
                          <Space wrap size={4}>
                            {!n.readAt && <Badge status="processing" />}
                            {/* server-written text that quotes record names */}
                            <span data-value="">{lt(n.title)}</span>
                          </Space>
                        }
                        description={
                          <Space wrap size={4}>
                            {n.body && <span data-value="">{lt(n.body)}</span>}
                            <span>{fmtTime(n.createdAt)}</span>
                            {n.recordType && n.recordId && <RecordName type={n.recordType} id={n.recordId} />}
                          </Space>
                        }
                      />
                    </List.Item>
                  )}
                />
              )}
            </Section>
          </Col>
        }
      </Row>
      <Modal
        open={!!explaining}
        title={t('workbench.reasonTitle')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onOk={giveReason}
        onCancel={() => setExplaining(null)}
        destroyOnHidden
      >
        {explaining && (
          <Typography.Paragraph type="secondary">
            {breachLimitName(explaining)} ·{' '}
            {t('workbench.breachedAt', { time: fmtTime(explaining.breachedAt) })}
          </Typography.Paragraph>
        )}
        {reasonError && <Alert type="error" showIcon message={reasonError} style={{ marginBottom: 12 }} />}
        <Form form={reasonForm} layout="vertical" preserve={false}>
          <Form.Item
            name="reason"
            label={t('workbench.reason')}
            rules={[
              {
                required: true,
                whitespace: true,
                message: t('form.required', { field: t('workbench.reason') }),
              },
              { max: 1000, message: t('form.tooLong', { max: 1000 }) },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 3 }} data-testid="breach-reason-input" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
