import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  TimePicker,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { Me, WeeklyReport, WeeklyReportRow } from '../../api/types';
import { fmtTime } from '../../lib';
import { ReportSections } from './ReportSections';
import { applyFieldErrors, Figure, mondayOf, QueryState } from './shared';

/** Status tags of a report: submitted (on time or late), draft, not started; missing once due. */
export function ReportStatus({ r, now }: { r: WeeklyReportRow; now: number }) {
  const { t } = useTranslation();
  const due = Date.parse(r.dueAt) < now;
  return (
    <Space size={4} wrap data-testid={`report-status-${r.ownerId}`}>
      {r.status === 'submitted' ? (
        <Tag color={r.late ? 'orange' : 'green'}>
          {t(r.late ? 'analytics.weekly.lateSubmitted' : 'analytics.weekly.submitted')}
        </Tag>
      ) : due ? (
        <Tag color="red">
          {t(r.status === 'draft' ? 'analytics.weekly.overdueDraft' : 'analytics.weekly.missing')}
        </Tag>
      ) : (
        <Tag>{t(`analytics.weekly.status.${r.status}`)}</Tag>
      )}
      {r.breached && <Tag color="volcano">{t('analytics.weekly.breached')}</Tag>}
      {r.managerComment && <Tag color="blue">{t('analytics.weekly.commented')}</Tag>}
    </Space>
  );
}

/** 周报: a rep writes and submits the week's report; a manager reads the team's and comments. */
export function WeeklyReportsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  // The week is in the address (?week=YYYY-MM-DD), so a breach on the workbench can link to it.
  const [params, setParams] = useSearchParams();
  const asked = params.get('week');
  const week = asked && dayjs(asked).isValid() ? mondayOf(dayjs(asked)) : mondayOf(dayjs());
  const setWeek = (monday: string) => setParams({ week: monday }, { replace: true });
  const isRep = me.user.role === 'rep';
  const administers = me.user.role === 'admin' || me.user.role === 'sales_ops';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('analytics.weekly.title')}>
        <Space wrap>
          <span>{t('analytics.weekly.week')}</span>
          <DatePicker
            picker="week"
            allowClear={false}
            value={dayjs(week)}
            format={(d) => `${mondayOf(d)} – ${dayjs(mondayOf(d)).add(6, 'day').format('MM-DD')}`}
            onChange={(d) => d && setWeek(mondayOf(d))}
            style={{ width: 200 }}
            data-testid="weekly-week"
          />
        </Space>
      </Card>
      {isRep ? <MyReport me={me} week={week} /> : <TeamReports week={week} />}
      {administers && <DeadlineSettings />}
    </Space>
  );
}

function MyReport({ me, week }: { me: Me; week: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ plan?: string; helpNeeded?: string }>();
  const [error, setError] = useState<string | null>(null);
  const key = ['weekly-report', me.user.id, week];
  const report = useQuery({
    queryKey: key,
    queryFn: () => api<WeeklyReport>('GET', `/api/weekly-reports/${me.user.id}/${week}`),
  });
  useEffect(() => {
    if (report.data)
      form.setFieldsValue({ plan: report.data.plan ?? '', helpNeeded: report.data.helpNeeded ?? '' });
  }, [report.data, form]);
  const save = useMutation({
    mutationFn: (submit: boolean) =>
      api<WeeklyReport>('PUT', `/api/weekly-reports/${me.user.id}/${week}`, {
        plan: form.getFieldValue('plan') || null,
        helpNeeded: form.getFieldValue('helpNeeded') || null,
        submit,
      }),
    onSuccess: (r, submit) => {
      queryClient.setQueryData(key, r);
      queryClient.invalidateQueries({ queryKey: ['weekly-reports'] });
      setError(null);
      message.success(t(submit ? 'analytics.weekly.submittedMsg' : 'analytics.common.saved'));
    },
    onError: (err) => setError(applyFieldErrors(form, err) ? null : (err as Error).message),
  });
  const r = report.data;
  const submitted = r?.status === 'submitted';
  const now = Date.now();
  return (
    <QueryState loading={report.isLoading} error={report.error}>
      {r && (
        <Card
          title={
            <Space wrap>
              <span>{t('analytics.weekly.myReport')}</span>
              <ReportStatus r={r} now={now} />
            </Space>
          }
        >
          <Typography.Paragraph type={Date.parse(r.dueAt) < now && !submitted ? 'danger' : 'secondary'}>
            {t('analytics.weekly.deadline')} <span data-value="">{fmtTime(r.dueAt)}</span>
            {submitted && (
              <>
                {' · '}
                {t('analytics.weekly.submittedAt')} <span data-value="">{fmtTime(r.submittedAt)}</span>
              </>
            )}
          </Typography.Paragraph>
          <ReportSections r={r} />
          {error && <Alert type="error" showIcon title={error} style={{ margin: '12px 0' }} />}
          <Form form={form} layout="vertical" disabled={submitted} style={{ marginTop: 16 }}>
            <Form.Item name="plan" label={t('analytics.weekly.plan')} rules={[{ max: 5000 }]}>
              <Input.TextArea
                autoSize={{ minRows: 3 }}
                data-testid="weekly-plan"
                placeholder={t('analytics.weekly.planHint')}
              />
            </Form.Item>
            <Form.Item name="helpNeeded" label={t('analytics.weekly.help')} rules={[{ max: 5000 }]}>
              <Input.TextArea
                autoSize={{ minRows: 2 }}
                data-testid="weekly-help"
                placeholder={t('analytics.weekly.helpHint')}
              />
            </Form.Item>
          </Form>
          {!submitted && (
            <Space wrap>
              <Button
                loading={save.isPending && !save.variables}
                onClick={() => save.mutate(false)}
                data-testid="weekly-save"
              >
                {t('analytics.weekly.saveDraft')}
              </Button>
              <Popconfirm
                title={t('analytics.weekly.submitConfirm')}
                onConfirm={() => form.validateFields().then(() => save.mutate(true))}
                okButtonProps={{ 'data-testid': 'weekly-submit-confirm' } as Record<string, string>}
              >
                <Button
                  type="primary"
                  loading={save.isPending && !!save.variables}
                  data-testid="weekly-submit"
                >
                  {t('analytics.weekly.submit')}
                </Button>
              </Popconfirm>
            </Space>
          )}
          {r.managerComment && (
            <Alert
              style={{ marginTop: 16 }}
              type="info"
              title={t('analytics.weekly.managerComment')}
              description={
                <span data-value="" data-testid="weekly-comment-shown">
                  {r.managerComment}
                </span>
              }
            />
          )}
        </Card>
      )}
    </QueryState>
  );
}

function TeamReports({ week }: { week: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['weekly-reports', week],
    queryFn: () =>
      api<{
        week: string;
        dueAt: string;
        items: WeeklyReportRow[];
        totals: { reps: number; submitted: number; breached: number };
      }>('GET', `/api/weekly-reports?week=${week}`),
  });
  const now = Date.now();
  const d = list.data;
  const missing = d ? d.items.filter((i) => i.status !== 'submitted' && Date.parse(i.dueAt) < now).length : 0;
  return (
    <Card title={t('analytics.weekly.team')}>
      <QueryState loading={list.isLoading} error={list.error}>
        {d && (
          <>
            <Space wrap size={32} style={{ marginBottom: 12 }}>
              <Figure title={t('analytics.weekly.reps')} value={d.totals.reps} testId="weekly-total-reps" />
              <Figure
                title={t('analytics.weekly.submittedCount')}
                value={d.totals.submitted}
                testId="weekly-total-submitted"
              />
              <Figure
                title={t('analytics.weekly.missingCount')}
                value={missing}
                testId="weekly-total-missing"
              />
              <Typography.Text type="secondary">
                {t('analytics.weekly.deadline')} <span data-value="">{fmtTime(d.dueAt)}</span>
              </Typography.Text>
            </Space>
            <Table<WeeklyReportRow>
              size="small"
              rowKey="ownerId"
              dataSource={d.items}
              pagination={{ pageSize: 30, hideOnSinglePage: true }}
              scroll={{ x: 640 }}
              locale={{ emptyText: t('analytics.weekly.noReps') }}
              data-testid="weekly-team"
              columns={[
                {
                  title: t('analytics.weekly.rep'),
                  dataIndex: 'ownerName',
                  render: (v: string) => <span data-value="">{v}</span>,
                },
                {
                  title: t('analytics.weekly.statusTitle'),
                  key: 'status',
                  render: (_: unknown, r) => <ReportStatus r={r} now={now} />,
                },
                {
                  title: t('analytics.weekly.submittedAt'),
                  dataIndex: 'submittedAt',
                  render: (v: string | null) => <span data-value="">{fmtTime(v)}</span>,
                },
                {
                  title: t('analytics.weekly.help'),
                  dataIndex: 'helpNeeded',
                  ellipsis: true,
                  render: (v: string | null) => <span data-value="">{v ?? ''}</span>,
                },
                {
                  title: '',
                  key: 'open',
                  render: (_: unknown, r) => (
                    <Button
                      size="small"
                      type="link"
                      onClick={() => setOpen(r.ownerId)}
                      data-testid={`weekly-open-${r.ownerId}`}
                    >
                      {t('analytics.weekly.open')}
                    </Button>
                  ),
                },
              ]}
            />
          </>
        )}
      </QueryState>
      {open && <ReportDrawer ownerId={open} week={week} onClose={() => setOpen(null)} />}
    </Card>
  );
}

function ReportDrawer({ ownerId, week, onClose }: { ownerId: string; week: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ comment: string }>();
  const [error, setError] = useState<string | null>(null);
  const key = ['weekly-report', ownerId, week];
  const report = useQuery({
    queryKey: key,
    queryFn: () => api<WeeklyReport>('GET', `/api/weekly-reports/${ownerId}/${week}`),
  });
  const comment = useMutation({
    mutationFn: (v: { comment: string }) =>
      api<WeeklyReport>('POST', `/api/weekly-reports/${ownerId}/${week}/comment`, v),
    onSuccess: (r) => {
      queryClient.setQueryData(key, r);
      queryClient.invalidateQueries({ queryKey: ['weekly-reports'] });
      message.success(t('analytics.weekly.commentSaved'));
      setError(null);
    },
    onError: (err) => setError(applyFieldErrors(form, err) ? null : (err as Error).message),
  });
  const r = report.data;
  return (
    <Drawer open onClose={onClose} size="large" title={r ? <span data-value="">{r.ownerName}</span> : ''}>
      <QueryState loading={report.isLoading} error={report.error}>
        {r && (
          <>
            <Space wrap style={{ marginBottom: 12 }}>
              <ReportStatus r={r} now={Date.now()} />
              <Typography.Text type="secondary">
                {t('analytics.weekly.deadline')} <span data-value="">{fmtTime(r.dueAt)}</span>
              </Typography.Text>
            </Space>
            <ReportSections r={r} />
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('analytics.weekly.plan')}
            </Typography.Title>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
              {r.plan ? (
                <span data-value="" data-testid="report-plan">
                  {r.plan}
                </span>
              ) : (
                <Typography.Text type="secondary">{t('analytics.weekly.empty')}</Typography.Text>
              )}
            </Typography.Paragraph>
            <Typography.Title level={5}>{t('analytics.weekly.help')}</Typography.Title>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
              {r.helpNeeded ? (
                <span data-value="">{r.helpNeeded}</span>
              ) : (
                <Typography.Text type="secondary">{t('analytics.weekly.empty')}</Typography.Text>
              )}
            </Typography.Paragraph>
            {r.managerComment && (
              <Alert
                type="info"
                style={{ marginBottom: 12 }}
                title={t('analytics.weekly.managerComment')}
                description={<span data-value="">{r.managerComment}</span>}
              />
            )}
            {r.status === 'submitted' ? (
              <>
                {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
                <Form form={form} layout="vertical" onFinish={(v) => comment.mutate(v)}>
                  <Form.Item
                    name="comment"
                    label={t(
                      r.managerComment ? 'analytics.weekly.changeComment' : 'analytics.weekly.comment',
                    )}
                    rules={[{ required: true, whitespace: true, max: 5000 }]}
                  >
                    <Input.TextArea autoSize={{ minRows: 3 }} data-testid="weekly-comment" />
                  </Form.Item>
                  <Button
                    type="primary"
                    htmlType="submit"
                    loading={comment.isPending}
                    data-testid="weekly-comment-save"
                  >
                    {t('analytics.weekly.sendComment')}
                  </Button>
                </Form>
              </>
            ) : (
              <Alert type="warning" showIcon title={t('analytics.weekly.notSubmittedYet')} />
            )}
          </>
        )}
      </QueryState>
    </Drawer>
  );
}

function DeadlineSettings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ deadlineWeekday: number; deadlineTime: dayjs.Dayjs }>();
  const [error, setError] = useState<string | null>(null);
  const settings = useQuery({
    queryKey: ['weekly-report-settings'],
    queryFn: () =>
      api<{
        deadlineWeekday: number;
        deadlineTime: string;
        playbook: { id: string; versionId: string; version: number } | null;
      }>('GET', '/api/weekly-reports/settings'),
  });
  useEffect(() => {
    if (settings.data)
      form.setFieldsValue({
        deadlineWeekday: settings.data.deadlineWeekday,
        deadlineTime: dayjs(`2000-01-01 ${settings.data.deadlineTime}`),
      });
  }, [settings.data, form]);
  const save = useMutation({
    mutationFn: (v: { deadlineWeekday: number; deadlineTime: dayjs.Dayjs }) =>
      api('PUT', '/api/weekly-reports/settings', {
        deadlineWeekday: v.deadlineWeekday,
        deadlineTime: v.deadlineTime.format('HH:mm'),
      }),
    onSuccess: () => {
      message.success(t('analytics.common.saved'));
      queryClient.invalidateQueries({ queryKey: ['weekly-report-settings'] });
      queryClient.invalidateQueries({ queryKey: ['weekly-reports'] });
      queryClient.invalidateQueries({ queryKey: ['playbooks'] });
      setError(null);
    },
    onError: (err) => setError(applyFieldErrors(form, err) ? null : (err as Error).message),
  });
  return (
    <Card title={t('analytics.weekly.settings')} size="small">
      <QueryState loading={settings.isLoading} error={settings.error}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Typography.Paragraph type="secondary" data-testid="weekly-deadline-source">
          {settings.data?.playbook ? (
            <>
              {t('analytics.weekly.inSop', { version: settings.data.playbook.version })}{' '}
              <Link to={`/playbooks/versions/${settings.data.playbook.versionId}`}>
                {t('analytics.weekly.openSop')}
              </Link>
            </>
          ) : (
            t('analytics.weekly.inSopDefault')
          )}
        </Typography.Paragraph>
        <Form form={form} layout="inline" onFinish={(v) => save.mutate(v)} style={{ rowGap: 8 }}>
          <Form.Item
            name="deadlineWeekday"
            label={t('analytics.weekly.weekday')}
            rules={[{ required: true }]}
          >
            <Select
              style={{ width: 120 }}
              data-testid="weekly-deadline-weekday"
              options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({
                value: d,
                label: t(`analytics.weekly.weekdays.${d}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="deadlineTime" label={t('analytics.weekly.time')} rules={[{ required: true }]}>
            <TimePicker format="HH:mm" minuteStep={5} allowClear={false} />
          </Form.Item>
          <Popconfirm title={t('analytics.weekly.publishConfirm')} onConfirm={() => form.submit()}>
            <Button type="primary" loading={save.isPending} data-testid="weekly-deadline-save">
              {t('analytics.weekly.publish')}
            </Button>
          </Popconfirm>
        </Form>
      </QueryState>
    </Card>
  );
}
