import { Collapse, List, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { WeeklyReport } from '../../api/types';
import { fmtDate, fmtTime } from '../../lib';
import { yuan } from './shared';

const SECTIONS = ['newLeads', 'followUps', 'stageMoves', 'wins', 'payments', 'breaches'] as const;

/** The generated sections of a weekly report: counts, amounts and the records behind them. */
export function ReportSections({ r }: { r: WeeklyReport }) {
  const { t } = useTranslation();
  const g = r.generated;
  const rows = (key: (typeof SECTIONS)[number]): ReactNode[] => {
    switch (key) {
      case 'newLeads':
        return g.newLeads.items.map((i) => (
          <span key={i.id}>
            <Link to={`/leads/${i.id}`} data-value="">
              {i.name}
            </Link>{' '}
            <Typography.Text type="secondary" data-value="">
              {fmtTime(i.at)}
            </Typography.Text>
          </span>
        ));
      case 'followUps':
        return g.followUps.items.map((i) => (
          <span key={i.id} data-value="">
            {i.name} · {fmtTime(i.at)}
          </span>
        ));
      case 'stageMoves':
        return g.stageMoves.items.map((i) => (
          <span key={`${i.id}-${i.at}`}>
            <Link to={`/deals/${i.id}`} data-value="">
              {i.name}
            </Link>{' '}
            → {i.stage ? t(`stage.${i.stage}`, { defaultValue: i.stage }) : '—'}
          </span>
        ));
      case 'wins':
        return g.wins.items.map((i) => (
          <span key={i.id}>
            <Link to={`/deals/${i.id}`} data-value="">
              {i.name}
            </Link>{' '}
            <span data-value="">{yuan(i.amount)}</span>
          </span>
        ));
      case 'payments':
        return g.payments.items.map((i) => (
          <span key={i.id} data-value="">
            {fmtDate(i.receivedOn)} · {yuan(i.amount)}
          </span>
        ));
      case 'breaches':
        return g.breaches.items.map((i) => (
          <span key={i.id}>
            <span data-value="">
              {t(`stage.${i.stageKey}`, { defaultValue: i.stageKey })} · {fmtTime(i.breachedAt)}
            </span>{' '}
            {i.explained ? (
              <Tag color="blue">{t('analytics.weekly.explained')}</Tag>
            ) : (
              <Tag color="red">{t('analytics.weekly.unexplained')}</Tag>
            )}
          </span>
        ));
    }
  };
  const extra = (key: (typeof SECTIONS)[number]) =>
    key === 'wins' ? yuan(g.wins.amount) : key === 'payments' ? yuan(g.payments.amount) : null;
  return (
    <Collapse
      size="small"
      data-testid="weekly-sections"
      items={SECTIONS.map((key) => ({
        key,
        label: (
          <Space wrap>
            <span>{t(`analytics.weekly.sections.${key}`)}</span>
            <Tag color={key === 'breaches' && g.breaches.count ? 'red' : 'default'}>
              <span data-value="" data-testid={`weekly-count-${key}`}>
                {g[key].count}
              </span>
            </Tag>
            {extra(key) && <span data-value="">{extra(key)}</span>}
          </Space>
        ),
        children: (
          <List
            size="small"
            dataSource={rows(key)}
            locale={{ emptyText: t('analytics.weekly.none') }}
            renderItem={(n) => <List.Item>{n}</List.Item>}
          />
        ),
      }))}
    />
  );
}
