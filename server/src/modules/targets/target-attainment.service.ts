import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { findKpi } from '../../domain/kpi/definitions';
import { localToday } from '../../domain/kpi/periods';
import { attainment } from '../../domain/targets/decompose';
import { kpiDto } from '../kpi/kpi.service';
import { findOrg, findTargets } from './target.repository';
import type { AttainmentQuery } from './target.schemas';
import { actualOf, periodOrThrow, targetMetricOrThrow } from './target.service';
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

/**
 * The `target_attainment` KPI (目标达成率): actual ÷ target for a metric and period, for the
 * caller's own level (a rep: self; a manager: their unit; admin and sales ops: the company) or
 * the `unitId` / `ownerId` asked for, sliced by team or rep over the targets the caller can see.
 * `numerator` is the actual (from the KPI layer), `denominator` the target.
 */
export async function targetAttainment(database: Database, actor: Actor, query: AttainmentQuery) {
  targetMetricOrThrow(query.metric);
  const org = await findOrg(database.db, actor.tenantId);
  const periodKey = query.period ?? localToday(org.timeZone).slice(0, 7);
  const period = periodOrThrow(periodKey);
  const total = scopeSubject(org, actor, query);
  const cell = async (s: Subject, target: number | undefined) => {
    const actual = await actualOf(database, actor, query.metric, period, s);
    return {
      value: target === undefined ? null : attainment(actual ?? 0, target),
      count: target === undefined ? 0 : 1,
      numerator: actual ?? 0,
      ...(target === undefined ? {} : { denominator: target }),
    };
  };
  const [own] = await findTargets(database.db, actor, {
    metric: query.metric,
    period: periodKey,
    subjectIds: [total.subjectId],
  });
  const groups = [];
  if (query.by) {
    const rows = await findTargets(database.db, actor, {
      metric: query.metric,
      period: periodKey,
      level: query.by,
    });
    for (const r of rows) {
      const s = storedSubject(org, r.level, r.subjectId, org.tenantName);
      if (total.level !== 'company' && !isBelow(org, total, s) && s.subjectId !== total.subjectId) continue;
      groups.push({ key: s.subjectId, label: s.name, ...(await cell(s, r.value)) });
    }
  }
  return {
    kpi: kpiDto(findKpi('target_attainment')!),
    metric: query.metric,
    period: periodKey,
    from: period.from,
    to: period.to,
    timeZone: org.timeZone,
    level: total.level,
    subjectId: total.subjectId,
    by: query.by ?? null,
    total: await cell(total, own?.value),
    groups,
  };
}
