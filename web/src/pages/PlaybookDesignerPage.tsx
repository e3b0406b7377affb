import { ArrowLeftOutlined, DeleteOutlined, DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Collapse,
  Form,
  Input,
  Popconfirm,
  Result,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { LocalText, Me, Playbook } from '../api/types';
import { applyIssues, compact, download, type Problem, problemsOf } from '../components/admin/issues';
import { PublishVersionModal } from '../components/designer/PublishVersionModal';
import { StageEditor } from '../components/designer/StageEditor';
import { TextPair } from '../components/designer/TextPair';
import { useLocalText } from '../lib';

export interface PlaybookVersionDetail {
  id: string;
  playbookId: string;
  number: number;
  status: 'draft' | 'published' | 'retired';
  notes: string | null;
  createdAt: string;
  publishedAt: string | null;
  definition: Playbook;
  yaml: string;
}

export interface PlaybookSummary {
  id: string;
  key: string;
  process: string;
  name: string;
  /** The name in both languages, from the published (else the newest) version. */
  title: LocalText;
  publishedVersionId: string | null;
  versions: Omit<PlaybookVersionDetail, 'definition' | 'yaml'>[];
}

export const STATUS_COLOR: Record<string, string> = { draft: 'gold', published: 'green', retired: 'default' };

export function usePlaybooks() {
  return useQuery({
    queryKey: ['admin-playbooks'],
    queryFn: () => api<{ items: PlaybookSummary[] }>('GET', '/api/playbooks'),
  });
}

/** 销售流程设计: one playbook version as a form; saving makes a new draft, validated whole by the server. */
export function PlaybookDesignerPage({ me }: { me: Me }) {
  const { id } = useParams();
  // A fresh form (and state) for each version opened.
  return <Designer key={id} id={id ?? ''} me={me} />;
}

function Designer({ id, me }: { id: string; me: Me }) {
  const { t } = useTranslation();
  const lt = useLocalText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm();
  const canEdit = me.user.role === 'admin' || me.user.role === 'sales_ops';
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saving, setSaving] = useState(false);
  const [open, setOpen] = useState<string[]>([]);
  const [publishing, setPublishing] = useState(false);
  const version = useQuery({
    queryKey: ['admin-playbook-version', id],
    queryFn: () => api<PlaybookVersionDetail>('GET', `/api/playbook-versions/${id}`),
  });
  const playbooks = usePlaybooks();
  // Only the stages' keys and names (headers, next-stage options): typing elsewhere re-renders nothing here.
  const headerJson = Form.useWatch(
    (values: { stages?: { key?: string; name?: LocalText }[] }) =>
      JSON.stringify((values.stages ?? []).map((s) => ({ key: s?.key, name: s?.name }))),
    { form, preserve: true },
  );
  const stages = JSON.parse(headerJson ?? '[]') as { key?: string; name?: LocalText }[];
  const stageKeys = stages.map((s) => s?.key).filter((k): k is string => !!k);

  if (version.isLoading) return <Skeleton active />;
  if (version.error || !version.data)
    return (
      <Result status="error" title={t('admin.loadFailed')} subTitle={(version.error as Error)?.message} />
    );
  const v = version.data;
  const summary = playbooks.data?.items.find((p) => p.id === v.playbookId);

  const save = async () => {
    setProblems([]);
    try {
      await form.validateFields();
    } catch {
      setProblems([{ path: '', message: t('admin.designer.fixFields') }]);
      return;
    }
    setSaving(true);
    try {
      const { notes, ...definition } = form.getFieldsValue(true) as Playbook & { notes?: string };
      const r = await api<{ id: string; number: number }>('POST', `/api/playbooks/${v.playbookId}/versions`, {
        definition: compact(definition),
        ...(notes?.trim() ? { notes: notes.trim() } : {}),
      });
      message.success(t('admin.designer.saved', { number: r.number }));
      await queryClient.invalidateQueries({ queryKey: ['admin-playbooks'] });
      navigate(`/playbooks/versions/${r.id}`);
    } catch (err) {
      applyIssues(form, err);
      const all = problemsOf(err);
      setProblems(all);
      const withStage = all
        .map((p) => /^stages\[(\d+)\]/.exec(p.path)?.[1])
        .filter((i): i is string => i !== undefined);
      setOpen((o) => [...new Set([...o, ...withStage])]);
      // Stages open (and their fields mount) on the next render: put the problems on them then.
      setTimeout(() => applyIssues(form, err), 50);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={
          <Space wrap>
            <Link to="/playbooks" aria-label={t('admin.back')}>
              <ArrowLeftOutlined />
            </Link>
            <span>{lt(v.definition.name)}</span>
            <Tag color={STATUS_COLOR[v.status]} data-testid="version-tag">
              {t('admin.playbooks.versionN', { number: v.number })} · {t(`admin.versionStatus.${v.status}`)}
            </Tag>
          </Space>
        }
        extra={
          <Space wrap>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => download(`${v.definition.key}-v${v.number}.yaml`, v.yaml)}
            >
              {t('admin.playbooks.export')}
            </Button>
            {canEdit && v.status === 'draft' && (
              <Button onClick={() => setPublishing(true)}>{t('admin.playbooks.publish')}</Button>
            )}
            {canEdit && (
              <Button type="primary" loading={saving} onClick={save}>
                {t('admin.designer.saveDraft')}
              </Button>
            )}
          </Space>
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('admin.designer.intro')}
        </Typography.Paragraph>
      </Card>
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="problems"
          title={t('admin.designer.problems', { count: problems.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {problems.map((p) => (
                <li key={`${p.path}|${p.message}`}>
                  {p.path && <Typography.Text code>{p.path}</Typography.Text>} {p.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Form
        form={form}
        layout="vertical"
        disabled={!canEdit}
        initialValues={{ ...v.definition, notes: '' }}
        key={v.id}
        scrollToFirstError
      >
        <Card size="small" title={t('admin.designer.playbook')}>
          <TextPair name={['name']} label={t('admin.designer.playbookName')} required />
          <TextPair name={['description']} label={t('admin.designer.description')} multiline />
          {v.definition.process === 'deal' && (
            <Form.Item label={t('admin.designer.weeklyReport')} extra={t('admin.designer.weeklyReportHelp')}>
              <Space wrap>
                <Form.Item name={['weeklyReport', 'weekday']} noStyle>
                  <Select
                    allowClear
                    style={{ width: 140 }}
                    aria-label={t('admin.designer.weeklyReportWeekday')}
                    data-testid="designer-weekly-weekday"
                    options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({
                      value: d,
                      label: t(`analytics.weekly.weekdays.${d}`),
                    }))}
                  />
                </Form.Item>
                <Form.Item
                  name={['weeklyReport', 'time']}
                  noStyle
                  rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }]}
                >
                  <Input
                    style={{ width: 100 }}
                    placeholder="18:00"
                    aria-label={t('admin.designer.weeklyReportTime')}
                    data-testid="designer-weekly-time"
                  />
                </Form.Item>
              </Space>
            </Form.Item>
          )}
          {canEdit && (
            <Form.Item name="notes" label={t('admin.designer.notes')}>
              <Input maxLength={1000} placeholder={t('admin.designer.notesHint')} />
            </Form.Item>
          )}
        </Card>
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          {t('admin.designer.stages')}
        </Typography.Title>
        <Form.List name="stages">
          {(fields, { add, remove, move }) => (
            <>
              <Collapse
                activeKey={open}
                onChange={(k) => setOpen(k as string[])}
                items={fields.map((field, i) => ({
                  key: String(field.name),
                  label: (
                    <Space wrap>
                      <span>{i + 1}.</span>
                      <span>{lt(stages[i]?.name) || stages[i]?.key}</span>
                      <Typography.Text type="secondary">{stages[i]?.key}</Typography.Text>
                    </Space>
                  ),
                  extra: canEdit && (
                    // biome-ignore lint/a11y/noStaticElementInteractions: keeps the header from toggling
                    // biome-ignore lint/a11y/useKeyWithClickEvents: only stops propagation
                    <span onClick={(e) => e.stopPropagation()}>
                      <Space size={0}>
                        <Button size="small" type="text" disabled={i === 0} onClick={() => move(i, i - 1)}>
                          ↑
                        </Button>
                        <Button
                          size="small"
                          type="text"
                          disabled={i === fields.length - 1}
                          onClick={() => move(i, i + 1)}
                        >
                          ↓
                        </Button>
                        <Popconfirm
                          title={t('admin.designer.removeStage')}
                          okText={t('admin.confirm')}
                          cancelText={t('common.cancel')}
                          onConfirm={() => remove(field.name)}
                        >
                          <Button
                            size="small"
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            aria-label={t('admin.form.remove')}
                          />
                        </Popconfirm>
                      </Space>
                    </span>
                  ),
                  children: <StageEditor index={field.name} stageKeys={stageKeys} />,
                }))}
              />
              {canEdit && (
                <Button
                  style={{ marginTop: 12 }}
                  icon={<PlusOutlined />}
                  onClick={() => {
                    add({
                      ownerRole: 'rep',
                      checklist: [],
                      forms: [],
                      timeLimits: [],
                      entryGate: [],
                      exitGate: [],
                      allowedNext: [],
                    });
                    setOpen((o) => [...o, String(fields.length)]);
                  }}
                >
                  {t('admin.designer.addStage')}
                </Button>
              )}
            </>
          )}
        </Form.List>
      </Form>
      {publishing && (
        <PublishVersionModal
          versionId={v.id}
          versionNumber={v.number}
          publishedVersionId={summary?.publishedVersionId ?? null}
          onClose={() => setPublishing(false)}
          onPublished={() => {
            setPublishing(false);
            void version.refetch();
          }}
        />
      )}
    </Space>
  );
}
