import dayjs from 'dayjs';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { localToday } from '../../domain/kpi/periods';
import { computeKpi, kpiFacts } from '../kpi/kpi.service';
import { findOrg } from '../targets/target.repository';
import { listTargets, periodOrThrow } from '../targets/target.service';
import { scopeSubject } from '../targets/target-attainment.service';
import { isBelow, type Subject, storedSubject } from '../targets/target-subjects';
import { collectionAgeingPanel } from './collection-ageing';
import type { DashboardKind, DashboardQuery } from './dashboard.schemas';

// Dashboards (仪表盘): every number comes from the KPI layer (computeKpi / kpiFacts), inside the
// caller's visibility, so the screens, the Excel export and GET /api/kpis always agree.

const SUMMARY_KPIS = ['revenue', 'won_deals', 'win_rate', 'new_customers', 'leads', 'activities'] as const;

/** Stay lengths (hours) for the stage-duration distribution: [from, to) with the last open. */
export const DURATION_BUCKETS = [
  { key: '<24h', from: 0, to: 24 },
  { key: '24-72h', from: 24, to: 72 },
  { key: '72-168h', from: 72, to: 168 },
  { key: '168-336h', from: 168, to: 336 },
  { key: '>=336h', from: 336, to: Number.POSITIVE_INFINITY },
] as const;

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

export async function dashboard(
  database: Database,
  actor: Actor,
  kind: DashboardKind,
  query: DashboardQuery,
) {
  const org = await findOrg(database.db, actor.tenantId);
  const periodKey = query.period ?? localToday(org.timeZone).slice(0, 7);
  const period = periodOrThrow(periodKey);
  const filter: { unitId?: string; ownerId?: string } =
    kind === 'personal'
      ? { ownerId: actor.userId }
      : kind === 'team'
        ? { unitId: query.unitId ?? actor.orgUnitId ?? undefined }
        : query.unitId
          ? { unitId: query.unitId }
          : {};
  const scope = { from: period.from, to: period.to, ...filter };
  const subject = scopeSubject(org, actor, filter);

  const summary = [];
  for (const key of SUMMARY_KPIS) {
    const out = await computeKpi(database, actor, key, scope);
    summary.push({ kpi: key, unit: out.kpi.unit, ...out.total });
  }

  const conversion = await computeKpi(database, actor, 'stage_conversion', scope);
  const funnel = {
    overall: {
      value: conversion.total.value,
      won: conversion.total.numerator,
      entered: conversion.total.denominator,
    },
    stages: (conversion.total.stages ?? []).map((s) => ({
      stage: s.stage,
      entered: s.count,
      advanced: s.numerator ?? 0,
      conversion: s.value,
      dropOff: s.value === null ? null : round4(1 - s.value),
    })),
  };

  // Trend: the twelve months ending with the period's last month.
  const end = dayjs(period.to);
  const trendFrom = end.startOf('month').subtract(11, 'month').format('YYYY-MM-DD');
  const trendScope = { from: trendFrom, to: period.to, ...filter, by: 'month' as const };
  const revenue = await computeKpi(database, actor, 'revenue', trendScope);
  const won = await computeKpi(database, actor, 'won_deals', trendScope);
  const trend = Array.from({ length: 12 }, (_, i) => {
    const month = end
      .startOf('month')
      .subtract(11 - i, 'month')
      .format('YYYY-MM');
    return {
      month,
      revenue: (revenue.groups.find((g) => g.key === month)?.value as number | undefined) ?? 0,
      wonDeals: (won.groups.find((g) => g.key === month)?.value as number | undefined) ?? 0,
    };
  });

  const attainment = (await listTargets(database, actor, { period: periodKey })).items
    .filter((t) => inDashboard(kind, subject, storedSubject(org, t.level, t.subjectId, org.tenantName), org))
    .map((t) => ({
      targetId: t.id,
      metric: t.metric,
      level: t.level,
      subjectId: t.subjectId,
      subjectName: t.subjectName,
      target: t.value,
      actual: t.actual,
      attainment: t.attainment,
    }));

  const tis = await computeKpi(database, actor, 'time_in_stage_hours', scope);
  // Every stay, uncapped: the buckets count the same stays as the averages beside them.
  const stays = await kpiFacts(database, actor, 'time_in_stage_hours', scope);
  const stageDuration = (tis.total.stages ?? []).map((s) => {
    const hours = stays.filter((r) => r.stage === s.stage).map((r) => r.hours ?? 0);
    return {
      stage: s.stage,
      count: s.count,
      avgHours: s.value,
      medianHours: s.median ?? null,
      buckets: DURATION_BUCKETS.map((b) => ({
        bucket: b.key,
        count: hours.filter((h) => h >= b.from && h < b.to).length,
      })),
    };
  });

  // SLA heat map rep × stage: on time ÷ decided per cell, from the very clocks of sla_on_time_rate.
  const clocks = await kpiFacts(database, actor, 'sla_on_time_rate', scope);
  const cells = new Map<string, Map<string, { onTime: number; decided: number }>>();
  for (const c of clocks) {
    const owner = c.ownerId ?? '-';
    const row = cells.get(owner) ?? new Map();
    const cell = row.get(c.stage ?? '-') ?? { onTime: 0, decided: 0 };
    cell.decided++;
    if (c.hit) cell.onTime++;
    row.set(c.stage ?? '-', cell);
    cells.set(owner, row);
  }
  const names = new Map(org.users.map((u) => [u.id, u.name]));
  const slaHeatmap = {
    stages: [...new Set(clocks.map((c) => c.stage ?? '-'))].sort(),
    rows: [...cells.entries()]
      .map(([ownerId, row]) => ({
        ownerId,
        name: names.get(ownerId) ?? ownerId,
        cells: [...row.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([stage, c]) => ({
            stage,
            onTime: c.onTime,
            decided: c.decided,
            rate: round4(c.onTime / c.decided),
          })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.ownerId.localeCompare(b.ownerId)),
  };

  return {
    kind,
    period: periodKey,
    from: period.from,
    to: period.to,
    timeZone: org.timeZone,
    level: subject.level,
    subjectId: subject.subjectId,
    subjectName: subject.name,
    panels: {
      summary,
      funnel,
      trend,
      attainment,
      stageDuration,
      slaHeatmap,
      collectionAgeing: await collectionAgeingPanel(
        database,
        actor,
        scope,
        localToday(org.timeZone),
        org.units,
      ),
    },
  };
}

export type Dashboard = Awaited<ReturnType<typeof dashboard>>;

/** Which targets a dashboard's gauges show: one's own; the unit and below; the company and its units. */
function inDashboard(
  kind: DashboardKind,
  subject: Subject,
  target: Subject,
  org: Parameters<typeof isBelow>[0],
): boolean {
  if (kind === 'personal') return target.level === 'rep' && target.subjectId === subject.subjectId;
  if (kind === 'executive' && subject.level === 'company') return target.level !== 'rep';
  return target.subjectId === subject.subjectId || isBelow(org, subject, target);
}
