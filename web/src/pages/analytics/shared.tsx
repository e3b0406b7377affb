import { useQuery } from '@tanstack/react-query';
import { Alert, DatePicker, Empty, type FormInstance, Select, Space, Spin, Statistic } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { applyServerErrors } from '../../lib';
import { formatFen } from '../../money';
import type { KpiDef } from '../KpiPage';

/** The ECharts wrapper with the funnel, gauge and heat-map series registered, loaded on demand. */
export const Chart = lazy(() => import('./charts').then((m) => ({ default: m.EChart })));

export type PeriodKind = 'month' | 'quarter' | 'year';

/** The kind of a period key: `2026`, `2026-Q2` or `2026-04`. */
export function periodKind(key: string): PeriodKind {
  if (key.length === 4) return 'year';
  return key.includes('Q') ? 'quarter' : 'month';
}

export function periodKey(kind: PeriodKind, d: Dayjs): string {
  if (kind === 'year') return d.format('YYYY');
  if (kind === 'quarter') return `${d.format('YYYY')}-Q${Math.floor(d.month() / 3) + 1}`;
  return d.format('YYYY-MM');
}

/** The first day of a period key. */
export function periodStart(key: string): Dayjs {
  const kind = periodKind(key);
  if (kind === 'year') return dayjs(`${key}-01-01`);
  if (kind === 'quarter') {
    const q = Number(key.slice(6));
    return dayjs(`${key.slice(0, 4)}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`);
  }
  return dayjs(`${key}-01`);
}

export function periodEnd(key: string): Dayjs {
  const kind = periodKind(key);
  return periodStart(key)
    .add(kind === 'year' ? 12 : kind === 'quarter' ? 3 : 1, 'month')
    .subtract(1, 'day');
}

/** The Monday a local day's week starts on (weeks run Monday to Sunday). */
export function mondayOf(d: Dayjs): string {
  return d.subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD');
}

/** A period picker: month, quarter or year, giving the server's period key. */
export function PeriodPicker({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (key: string) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const kind = periodKind(value);
  const start = periodStart(value);
  return (
    <Space.Compact data-testid={testId}>
      <Select
        value={kind}
        style={{ width: 88 }}
        onChange={(k: PeriodKind) => onChange(periodKey(k, start))}
        options={(['month', 'quarter', 'year'] as const).map((k) => ({
          value: k,
          label: t(`analytics.period.${k}`),
        }))}
        data-testid={testId ? `${testId}-kind` : undefined}
      />
      <DatePicker
        picker={kind}
        allowClear={false}
        value={start}
        style={{ width: 130 }}
        format={(d) => periodKey(kind, d)}
        onChange={(d) => d && onChange(periodKey(kind, d))}
      />
    </Space.Compact>
  );
}

/** A statistic whose value is user data (marked for the language check) with a test id. */
export function Figure({
  title,
  value,
  testId,
  suffix,
}: {
  title: ReactNode;
  value: string | number;
  testId?: string;
  suffix?: ReactNode;
}) {
  return (
    <Statistic
      title={title}
      value={value}
      suffix={suffix}
      valueRender={() => (
        <span data-value="" data-testid={testId}>
          {value}
        </span>
      )}
    />
  );
}

export const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;

export const yuan = (fen: number | null | undefined) =>
  fen === null || fen === undefined ? '—' : `¥${formatFen(fen)}`;

/** The KPI library (names, units, directions). */
export function useKpiLibrary() {
  return useQuery({
    queryKey: ['kpis'],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => api<{ items: KpiDef[] }>('GET', '/api/kpis'),
  });
}

/** Money metrics are kept in 分; collection (money received) is not in the KPI library. */
export function isMoneyMetric(metric: string, library: KpiDef[] | undefined): boolean {
  if (metric === 'collection') return true;
  return library?.find((k) => k.key === metric)?.unit === 'fen';
}

/** A metric's name in the UI language. */
export function useMetricName() {
  const { t, i18n } = useTranslation();
  const library = useKpiLibrary();
  const en = i18n.language === 'en-US';
  return (metric: string) => {
    if (metric === 'collection') return t('analytics.targets.collection');
    const def = library.data?.items.find((k) => k.key === metric);
    return def ? (en ? def.name['en-US'] : def.name['zh-CN']) : metric;
  };
}

/**
 * The server's field errors on a form whose list fields are paths (`children.2.weight` →
 * ['children', 2, 'weight']); true when at least one landed.
 */
export function applyFieldErrors(form: FormInstance, err: unknown): boolean {
  if (applyServerErrors(form, err)) return true;
  if (!(err instanceof ApiError)) return false;
  const issues = err.issues?.length
    ? err.issues
    : err.field
      ? [{ field: err.field, message: err.message }]
      : [];
  const fields = issues
    .map((i) => ({
      name: i.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      errors: [i.message],
    }))
    .filter((f) => form.getFieldInstance(f.name) !== undefined);
  if (!fields.length) return false;
  form.setFields(fields);
  return true;
}

/**
 * Top-down split as the server does it (largest remainder, ties to the earlier child), for the
 * preview; the server's answer is what is saved.
 */
export function splitPreview(total: number, weights: number[]): number[] | null {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!weights.length || !(sum > 0)) return null;
  const scale = weights.every(Number.isInteger) ? 1 : 1_000_000;
  const big = BigInt(total);
  const bigSum = BigInt(Math.round(sum * scale));
  const shares = weights.map((w, i) => {
    const num = big * BigInt(Math.round(w * scale));
    return { i, q: num / bigSum, r: num % bigSum };
  });
  let left = big - shares.reduce((s, x) => s + x.q, 0n);
  const values = shares.map((s) => s.q);
  const order = [...shares].sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const s of order) {
    if (left <= 0n) break;
    values[s.i] = (values[s.i] ?? 0n) + 1n;
    left -= 1n;
  }
  return values.map(Number);
}

/** Loading, error and empty states of a query-driven panel. */
export function QueryState({
  loading,
  error,
  empty,
  emptyText,
  children,
}: {
  loading: boolean;
  error: unknown;
  empty?: boolean;
  emptyText?: ReactNode;
  children?: ReactNode;
}) {
  if (error) return <Alert type="error" showIcon title={(error as Error).message} />;
  if (loading) return <Spin style={{ display: 'block', margin: '24px auto' }} />;
  if (empty) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} />;
  return <>{children}</>;
}
