import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Descriptions, Drawer, Form, InputNumber, Space, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { Target } from '../../api/types';
import { applyFieldErrors, isMoneyMetric, pct, useKpiLibrary, useMetricName } from './shared';
import { useMetricValue } from './TargetsPage';

interface Values {
  value: number;
  milestones: { date: Dayjs; value: number }[];
}

/** A target's value and phased milestones (cumulative values by date); read-only for reps. */
export function MilestonesDrawer({
  target,
  readOnly,
  onClose,
}: {
  target: Target;
  readOnly: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const metricName = useMetricName();
  const show = useMetricValue();
  const library = useKpiLibrary();
  const money = isMoneyMetric(target.metric, library.data?.items);
  const toInput = (v: number) => (money ? v / 100 : v);
  const fromInput = (v: number) => (money ? Math.round(v * 100) : Math.round(v));
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: Values) =>
      api<Target>(
        'PATCH',
        `/api/targets/${target.id}`,
        {
          value: fromInput(v.value),
          milestones: (v.milestones ?? []).map((m) => ({
            date: m.date.format('YYYY-MM-DD'),
            value: fromInput(m.value),
          })),
        },
        { ifMatch: target.version },
      ),
    onSuccess: () => {
      message.success(t('analytics.common.saved'));
      queryClient.invalidateQueries({ queryKey: ['targets'] });
      onClose();
    },
    onError: (err) => {
      // Milestone errors name the row (`milestones.1`): shown on that row's value.
      if (err instanceof ApiError && err.field?.startsWith('milestones.')) {
        form.setFields([
          { name: ['milestones', Number(err.field.split('.')[1]), 'value'], errors: [err.message] },
        ]);
        setError(null);
        return;
      }
      setError(applyFieldErrors(form, err) ? null : (err as Error).message);
    },
  });
  return (
    <Drawer
      open
      onClose={onClose}
      title={t(readOnly ? 'analytics.targets.milestones' : 'analytics.targets.edit')}
      extra={
        !readOnly && (
          <Space>
            <Button onClick={onClose}>{t('analytics.common.cancel')}</Button>
            <Button
              type="primary"
              loading={save.isPending}
              onClick={() => form.submit()}
              data-testid="milestones-save"
            >
              {t('analytics.common.save')}
            </Button>
          </Space>
        )
      }
    >
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('analytics.targets.subject')}>
          <span data-value="">{target.subjectName}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.targets.metric')}>
          {metricName(target.metric)}
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.targets.period')}>
          <span data-value="">
            {target.period} ({target.from} – {target.to})
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('analytics.targets.actual')}>
          <span data-value="">
            {show(target.metric, target.actual)} / {show(target.metric, target.value)} (
            {pct(target.attainment)})
          </span>
        </Descriptions.Item>
      </Descriptions>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {readOnly ? (
        <Table
          size="small"
          rowKey="date"
          pagination={false}
          dataSource={target.milestones}
          locale={{ emptyText: t('analytics.targets.noMilestones') }}
          columns={[
            {
              title: t('analytics.targets.date'),
              dataIndex: 'date',
              render: (v: string) => <span data-value="">{v}</span>,
            },
            {
              title: t('analytics.targets.cumulative'),
              dataIndex: 'value',
              align: 'right' as const,
              render: (v: number) => <span data-value="">{show(target.metric, v)}</span>,
            },
          ]}
        />
      ) : (
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{
            value: toInput(target.value),
            milestones: target.milestones.map((m) => ({ date: dayjs(m.date), value: toInput(m.value) })),
          }}
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item
            name="value"
            label={money ? t('analytics.targets.valueYuan') : t('analytics.targets.valueCount')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0} precision={money ? 2 : 0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.List name="milestones">
            {(fields, { add, remove }) => (
              <>
                <div style={{ marginBottom: 8 }}>{t('analytics.targets.milestonesHelp')}</div>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item name={[f.name, 'date']} rules={[{ required: true }]}>
                      <DatePicker
                        minDate={dayjs(target.from)}
                        maxDate={dayjs(target.to)}
                        placeholder={t('analytics.targets.date')}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'value']} rules={[{ required: true }]}>
                      <InputNumber
                        min={0}
                        precision={money ? 2 : 0}
                        placeholder={t('analytics.targets.cumulative')}
                        style={{ width: 150 }}
                      />
                    </Form.Item>
                    <MinusCircleOutlined
                      onClick={() => remove(f.name)}
                      aria-label={t('analytics.common.remove')}
                    />
                  </Space>
                ))}
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add()}>
                  {t('analytics.targets.addMilestone')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      )}
    </Drawer>
  );
}
