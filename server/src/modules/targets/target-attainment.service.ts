import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import type { KpiCell } from '../../domain/kpi/aggregate';
import { findKpi } from '../../domain/kpi/definitions';
import { localToday } from '../../domain/kpi/periods';
import { parsePeriod, type TargetPeriod } from '../../domain/targets/target-period';
import { AppError } from '../../shared/errors';
import type { KpiQuery } from '../kpi/kpi.schemas';
import { computeKpi, kpiDto } from '../kpi/kpi.service';
import { findOrg, findTargets } from './target.repository';
import type { AttainmentQuery, TargetLevel } from './target.schemas';
import { actualOf, attainmentOf, periodOrThrow, targetMetricOrThrow, targetValue } from './target.service';
import { isBelow, type Org, type Subject, storedSubject, subjectOf } from './target-subjects';

/**
 * The level a figure is for: the `ownerId` or `unitId` asked for, else the caller's own level
 * (a rep: self; a manager: their unit; admin and sales ops: the company).
 */
export function scopeSubject(
  org: Org & { tenantName: string },
  actor: Actor,
  filter: { unitId?: string; ownerId?: string },
): Subject {
  const unitSubject = (unitId: string) =>
    subjectOf(
      org,
      org.units.find((u) => u.id === unitId)?.kind === 'region' ? 'region' : 'team',
      { unitId },
      org.tenantName,
    );
  if (filter.ownerId) return subjectOf(org, 'rep', { userId: filter.ownerId }, org.tenantName);
  if (filter.unitId) return unitSubject(filter.unitId);
  if (actor.readableOwners === 'all') return subjectOf(org, 'company', {}, org.tenantName);
  if (actor.role === 'rep' || !actor.orgUnitId)
    return subjectOf(org, 'rep', { userId: actor.userId }, org.tenantName);
  return unitSubject(actor.orgUnitId);
}

/** The target period (month, quarter or year) a KPI query's `from`..`to` names; default the current month. */
function periodOfQuery(query: { from?: string; to?: string }, timeZone: string): TargetPeriod {
  if (query.from === undefined && query.to === undefined) {
    return periodOrThrow(localToday(timeZone).slice(0, 7));
  }
  const field = query.from === undefined ? 'from' : 'to';
  if (query.from === undefined || query.to === undefined) {
    throw new AppError('VALIDATION_FAILED', { field, issues: [{ field, code: 'required' }] });
  }
  const y = query.from.slice(0, 4);
  const m = query.from.slice(5, 7);
  const candidates = [`${y}-${m}`, `${y}-Q${Math.floor((Number(m) - 1) / 3) + 1}`, y];
  for (const key of candidates) {
    const p = parsePeriod(key);
    if (p && p.from === query.from && p.to === query.to) return p;
  }
  // Targets are set per month, quarter or year: any other range has no target to divide by.
  throw new AppError('VALIDATION_FAILED', {
    field: 'to',
    issues: [{ field: 'to', code: 'invalid_value' }],
  });
}

type Cell = KpiCell;

/**
 * The `target_attainment` KPI (目标达成率), served through the KPI library (computeKpi, so
 * `GET /api/kpis/target_attainment` and `salesops kpi target_attainment` give the same answer):
 * actual ÷ target of a metric (target ÷ actual for lower-is-better KPIs) over one month, quarter
 * or year (`from`..`to`), for the caller's own level (a rep: self; a manager: their unit; admin
 * and sales ops: the company) or the `unitId` / `ownerId` asked for, sliced by region, team or
 * rep over the targets the caller can see. `numerator` is the actual (from the KPI layer),
 * `denominator` the target.
 */
export async function targetAttainmentKpi(database: Database, actor: Actor, query: KpiQuery) {
  const metric = query.metric ?? 'revenue';
  targetMetricOrThrow(metric);
  const org = await findOrg(database.db, actor.tenantId);
  const period = periodOfQuery(query, org.timeZone);
  const total = scopeSubject(org, actor, query);
  const cell = async (s: Subject, stored: number | undefined): Promise<Cell> => {
    const actual = await actualOf(database, actor, metric, period, s);
    const target = stored === undefined ? undefined : targetValue(metric, stored);
    return {
      value: target === undefined ? null : attainmentOf(metric, actual ?? 0, target),
      count: target === undefined ? 0 : 1,
      numerator: actual ?? 0,
      ...(target === undefined ? {} : { denominator: target }),
    };
  };
  const [own] = await findTargets(database.db, actor, {
    metric,
    period: period.key,
    subjectIds: [total.subjectId],
  });
  const groups: Array<{ key: string; label: string } & Cell> = [];
  const by = query.by as TargetLevel | undefined;
  if (by) {
    const rows = await findTargets(database.db, actor, { metric, period: period.key, level: by });
    for (const r of rows) {
      const s = storedSubject(org, r.level, r.subjectId, org.tenantName);
      if (total.level !== 'company' && !isBelow(org, total, s) && s.subjectId !== total.subjectId) continue;
      groups.push({ key: s.subjectId, label: s.name, ...(await cell(s, r.value)) });
    }
  }
  return {
    kpi: kpiDto(findKpi('target_attainment')!),
    from: period.from,
    to: period.to,
    timeZone: org.timeZone,
    by: query.by ?? null,
    total: await cell(total, own?.value),
    groups,
    metric,
    period: period.key,
    level: total.level,
    subjectId: total.subjectId,
  };
}

/** The attainment route of the targets module (`period` instead of `from`..`to`), through the library. */
export async function targetAttainment(database: Database, actor: Actor, query: AttainmentQuery) {
  const period = query.period ? periodOrThrow(query.period) : undefined;
  return computeKpi(database, actor, 'target_attainment', {
    metric: query.metric,
    from: period?.from ?? query.from,
    to: period?.to ?? query.to,
    by: query.by,
    unitId: query.unitId,
    ownerId: query.ownerId,
  });
}
