import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Form, InputNumber, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Me, Target, TargetLevel } from '../../api/types';
import { useOrgUnits } from '../../components/admin/OrgUnitTree';
import { useUsers } from '../../lib';
import { applyFieldErrors, isMoneyMetric, PeriodPicker, useKpiLibrary, useMetricName } from './shared';
import { LEVELS, TARGET_METRICS } from './TargetsPage';

interface Values {
  metric: string;
  period: string;
  level: TargetLevel;
  unitId?: string;
  userId?: string;
  parentId?: string;
  value: number;
}

/** New target: metric, period, level and subject, optionally under a parent target. */
export function CreateTargetDrawer({
  open,
  me,
  period,
  onClose,
}: {
  open: boolean;
  me: Me;
  period: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const metricName = useMetricName();
  const library = useKpiLibrary();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const units = useOrgUnits();
  const users = useUsers();
  const metric = Form.useWatch('metric', form) ?? 'revenue';
  const chosenPeriod = Form.useWatch('period', form) ?? period;
  const level = Form.useWatch('level', form) ?? 'company';
  const topLevelAllowed = me.user.role !== 'manager';
  const parents = useQuery({
    queryKey: ['targets', 'parents', metric, chosenPeriod],
    enabled: open,
    queryFn: () =>
      api<{ items: Target[] }>(
        'GET',
        `/api/targets?${new URLSearchParams({ metric, period: chosenPeriod })}`,
      ),
  });
  useEffect(() => {
    if (open) {
      form.resetFields();
      setError(null);
    }
  }, [open, form]);
  const money = isMoneyMetric(metric, library.data?.items);
  const save = useMutation({
    mutationFn: (v: Values) =>
      api<Target>('POST', '/api/targets', {
        metric: v.metric,
        period: v.period,
        level: v.level,
        ...(v.level === 'region' || v.level === 'team' ? { unitId: v.unitId } : {}),
        ...(v.level === 'rep' ? { userId: v.userId } : {}),
        ...(v.parentId ? { parentId: v.parentId } : {}),
        value: money ? Math.round(v.value * 100) : Math.round(v.value),
      }),
    onSuccess: () => {
      message.success(t('analytics.targets.created'));
      queryClient.invalidateQueries({ queryKey: ['targets'] });
      onClose();
    },
    onError: (err) => {
      setError(applyFieldErrors(form, err) ? null : (err as Error).message);
    },
  });
  const rank = LEVELS.indexOf(level);
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('analytics.targets.new')}
      size="default"
      extra={
        <Space>
          <Button onClick={onClose}>{t('analytics.common.cancel')}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            data-testid="target-save"
          >
            {t('analytics.common.save')}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ metric: 'revenue', period, level: topLevelAllowed ? 'company' : 'rep' }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="metric" label={t('analytics.targets.metric')} rules={[{ required: true }]}>
          <Select options={TARGET_METRICS.map((m) => ({ value: m, label: metricName(m) }))} />
        </Form.Item>
        <Form.Item name="period" label={t('analytics.targets.period')} rules={[{ required: true }]}>
          <PeriodField />
        </Form.Item>
        <Form.Item name="level" label={t('analytics.targets.level')} rules={[{ required: true }]}>
          <Select options={LEVELS.map((l) => ({ value: l, label: t(`analytics.level.${l}`) }))} />
        </Form.Item>
        {(level === 'region' || level === 'team') && (
          <Form.Item name="unitId" label={t('analytics.targets.unit')} rules={[{ required: true }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={units.isLoading}
              options={(units.data?.items ?? [])
                .filter((u) => u.kind === level)
                .map((u) => ({ value: u.id, label: u.name }))}
              data-testid="target-unit"
            />
          </Form.Item>
        )}
        {level === 'rep' && (
          <Form.Item name="userId" label={t('analytics.targets.rep')} rules={[{ required: true }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={users.isLoading}
              options={(users.data?.items ?? [])
                .filter((u) => u.role === 'rep')
                .map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
        )}
        {level !== 'company' && (
          <Form.Item
            name="parentId"
            label={t('analytics.targets.parent')}
            rules={[{ required: !topLevelAllowed }]}
            extra={t('analytics.targets.parentHelp')}
          >
            <Select
              allowClear
              loading={parents.isLoading}
              options={(parents.data?.items ?? [])
                .filter((p) => LEVELS.indexOf(p.level) < rank)
                .map((p) => ({
                  value: p.id,
                  label: `${t(`analytics.level.${p.level}`)} · ${p.subjectName}`,
                }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="value"
          label={money ? t('analytics.targets.valueYuan') : t('analytics.targets.valueCount')}
          rules={[{ required: true }]}
        >
          <InputNumber
            min={0}
            precision={money ? 2 : 0}
            style={{ width: '100%' }}
            data-testid="target-value"
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

/** The period picker as a form control. */
function PeriodField({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  return <PeriodPicker value={value ?? ''} onChange={(v) => onChange?.(v)} />;
}
