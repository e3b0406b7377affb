import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  Row,
  Select,
  Skeleton,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { fmtTime } from '../../lib';
import { applyIssues, type Problem } from './issues';

interface Calendar {
  timeZone: string;
  workingHours: { start: string; end: string }[];
  workingWeekdays: number[];
  statutoryHolidays: boolean;
  closures: { name: string; from: string; to: string }[];
  extraWorkingDays: { date: string; name?: string }[];
  version: number;
  updatedAt: string | null;
  statutory?: { year: number; holidays: string[]; makeUpWorkdays: string[] };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf: (k: string) => string[] }).supportedValuesOf('timeZone');
  } catch {
    return [
      'Asia/Shanghai',
      'Asia/Hong_Kong',
      'Asia/Taipei',
      'Asia/Singapore',
      'Asia/Tokyo',
      'Europe/Berlin',
      'UTC',
    ];
  }
}

/** 工作日历: time zone, working hours with the lunch break, working days, closures and extra working days. */
export function CalendarSettingsForm({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const year = new Date().getFullYear();
  const calendar = useQuery({
    queryKey: ['calendar-settings', year],
    queryFn: () => api<Calendar>('GET', `/api/settings/calendar?year=${year}`),
  });
  if (calendar.isLoading) return <Skeleton active />;
  if (calendar.error || !calendar.data)
    return (
      <Alert type="error" showIcon title={t('list.error', { message: (calendar.error as Error)?.message })} />
    );
  const c = calendar.data;
  const required = [{ required: true, message: t('admin.form.required') }];
  const hhmm = [...required, { pattern: HHMM, message: t('admin.form.hhmm') }];

  const save = async () => {
    setProblems([]);
    let values: Omit<Calendar, 'version' | 'updatedAt' | 'statutory'>;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    try {
      const body = {
        timeZone: values.timeZone,
        workingHours: values.workingHours ?? [],
        workingWeekdays: [...(values.workingWeekdays ?? [])].sort((a, b) => a - b),
        statutoryHolidays: !!values.statutoryHolidays,
        closures: (values.closures ?? []).map((x) => ({ name: x.name.trim(), from: x.from, to: x.to })),
        extraWorkingDays: (values.extraWorkingDays ?? []).map((x) =>
          x.name?.trim() ? { date: x.date, name: x.name.trim() } : { date: x.date },
        ),
      };
      await api('PUT', '/api/settings/calendar', body, { ifMatch: c.version });
      message.success(t('admin.saved'));
      await queryClient.invalidateQueries({ queryKey: ['calendar-settings'] });
    } catch (err) {
      setProblems(applyIssues(form, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      disabled={!canEdit}
      initialValues={c}
      key={`${c.version}`}
      style={{ maxWidth: 900 }}
    >
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={problems.map((p) => (
            <div key={`${p.path}|${p.message}`}>{p.path ? `${p.path}: ${p.message}` : p.message}</div>
          ))}
        />
      )}
      <Typography.Paragraph type="secondary">
        {t('admin.calendar.help')}
        {c.updatedAt && ` ${t('admin.calendar.savedAt', { at: fmtTime(c.updatedAt), version: c.version })}`}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item name="timeZone" label={t('admin.calendar.timeZone')} rules={required}>
            <Select showSearch options={timeZones().map((z) => ({ value: z, label: z }))} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="statutoryHolidays" label={t('admin.calendar.statutory')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="workingWeekdays" label={t('admin.calendar.weekdays')} rules={required}>
        <Checkbox.Group
          options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`admin.weekdays.${d}`) }))}
        />
      </Form.Item>
      <Card size="small" title={t('admin.calendar.hours')} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('admin.calendar.hoursHelp')}</Typography.Paragraph>
        <Form.List name="workingHours">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <div key={field.key} style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
                  <Form.Item
                    name={[field.name, 'start']}
                    label={i === 0 ? t('admin.calendar.start') : undefined}
                    rules={hhmm}
                  >
                    <Input
                      type="time"
                      aria-label={`${t('admin.calendar.start')} ${i + 1}`}
                      style={{ width: 120 }}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'end']}
                    label={i === 0 ? t('admin.calendar.end') : undefined}
                    dependencies={[['workingHours', field.name, 'start']]}
                    rules={[
                      ...hhmm,
                      ({ getFieldValue }) => ({
                        validator: (_, v: string) => {
                          const start = getFieldValue(['workingHours', field.name, 'start']) as string;
                          return !v ||
                            !start ||
                            !HHMM.test(v) ||
                            !HHMM.test(start) ||
                            minutes(v) > minutes(start)
                            ? Promise.resolve()
                            : Promise.reject(new Error(t('admin.calendar.endAfterStart')));
                        },
                      }),
                    ]}
                  >
                    <Input
                      type="time"
                      aria-label={`${t('admin.calendar.end')} ${i + 1}`}
                      style={{ width: 120 }}
                    />
                  </Form.Item>
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('admin.form.remove')}
                    disabled={fields.length === 1}
                    style={{ marginTop: i === 0 ? 30 : 0 }}
                    onClick={() => remove(field.name)}
                  />
                </div>
              ))}
              {fields.length < 4 && (
                <Button icon={<PlusOutlined />} onClick={() => add({ start: '', end: '' })}>
                  {t('admin.calendar.addHours')}
                </Button>
              )}
            </>
          )}
        </Form.List>
      </Card>
      <Card size="small" title={t('admin.calendar.closures')} style={{ marginBottom: 16 }}>
        <Form.List name="closures">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Row key={field.key} gutter={8}>
                  <Col xs={24} sm={8}>
                    <Form.Item
                      name={[field.name, 'name']}
                      label={t('admin.calendar.closureName')}
                      rules={required}
                    >
                      <Input maxLength={100} placeholder={t('admin.calendar.closureExample')} />
                    </Form.Item>
                  </Col>
                  <Col xs={11} sm={7}>
                    <Form.Item name={[field.name, 'from']} label={t('admin.calendar.from')} rules={required}>
                      <Input type="date" />
                    </Form.Item>
                  </Col>
                  <Col xs={11} sm={7}>
                    <Form.Item name={[field.name, 'to']} label={t('admin.calendar.to')} rules={required}>
                      <Input type="date" />
                    </Form.Item>
                  </Col>
                  <Col xs={2} sm={2}>
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('admin.form.remove')}
                      style={{ marginTop: 30 }}
                      onClick={() => remove(field.name)}
                    />
                  </Col>
                </Row>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({})}>
                {t('admin.calendar.addClosure')}
              </Button>
            </>
          )}
        </Form.List>
      </Card>
      <Card size="small" title={t('admin.calendar.extraDays')} style={{ marginBottom: 16 }}>
        <Form.List name="extraWorkingDays">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Row key={field.key} gutter={8}>
                  <Col xs={11} sm={8}>
                    <Form.Item name={[field.name, 'date']} label={t('admin.calendar.date')} rules={required}>
                      <Input type="date" />
                    </Form.Item>
                  </Col>
                  <Col xs={11} sm={14}>
                    <Form.Item name={[field.name, 'name']} label={t('admin.calendar.dayName')}>
                      <Input maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={2} sm={2}>
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('admin.form.remove')}
                      style={{ marginTop: 30 }}
                      onClick={() => remove(field.name)}
                    />
                  </Col>
                </Row>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({})}>
                {t('admin.calendar.addExtraDay')}
              </Button>
            </>
          )}
        </Form.List>
      </Card>
      {c.statutory && (
        <Card
          size="small"
          title={t('admin.calendar.statutoryOf', { year: c.statutory.year })}
          style={{ marginBottom: 16 }}
        >
          <Typography.Text type="secondary">{t('admin.calendar.holidays')}</Typography.Text>
          <div style={{ margin: '4px 0 8px' }}>
            {c.statutory.holidays.map((d) => (
              <Tag key={d}>{d}</Tag>
            ))}
          </div>
          <Typography.Text type="secondary">{t('admin.calendar.makeUp')}</Typography.Text>
          <div style={{ marginTop: 4 }}>
            {c.statutory.makeUpWorkdays.map((d) => (
              <Tag key={d} color="orange">
                {d}
              </Tag>
            ))}
          </div>
        </Card>
      )}
      {canEdit && (
        <Button type="primary" loading={busy} onClick={save}>
          {t('admin.calendar.save')}
        </Button>
      )}
    </Form>
  );
}
