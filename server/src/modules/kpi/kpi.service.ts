import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import {
  aggregate,
  type GroupContext,
  groupFacts,
  type KpiCell,
  type KpiFact,
} from '../../domain/kpi/aggregate';
import { type Dimension, findKpi, KPI_DEFINITIONS, type KpiDefinition } from '../../domain/kpi/definitions';
import { isTimeDimension } from '../../domain/kpi/periods';
import { ratio } from '../../domain/kpi/stats';
import { AppError } from '../../shared/errors';
import { findProductNames } from './kpi.repository';
import type { KpiQuery, KpiRecordsQuery } from './kpi.schemas';
import { DEAL_STAGE_ORDER, loadFacts } from './kpi-facts';
import { type KpiScope, resolveScope } from './kpi-scope';
import { dayBucket, type FactTotals, sumFacts, type TotalsSource, totalsInSql } from './kpi-totals';

const NONE = '-';

export function kpiDto(def: KpiDefinition) {
  return {
    key: def.key,
    name: def.name,
    unit: def.unit,
    direction: def.direction,
    dimensions: def.dimensions,
    formula: def.formula,
    available: !!def.compute || !!def.servedBy,
    ...(def.requires ? { requires: def.requires } : {}),
  };
}

/** The KPI library (指标库). */
export function listKpis() {
  return { items: KPI_DEFINITIONS.map(kpiDto) };
}

function kpiOrThrow(key: string, by: Dimension | undefined) {
  const def = findKpi(key);
  if (!def) throw new AppError('KPI_NOT_FOUND', { field: 'key', params: { key } });
  if (!def.compute && !def.servedBy)
    throw new AppError('KPI_NOT_AVAILABLE', { field: 'key', params: { key } });
  if (by && !def.dimensions.includes(by)) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'by',
      issues: [{ field: 'by', code: 'invalid_value' }],
    });
  }
  return def;
}

function computableKpiOrThrow(key: string, by: Dimension | undefined) {
  const def = kpiOrThrow(key, by);
  if (!def.compute) throw new AppError('KPI_NOT_AVAILABLE', { field: 'key', params: { key } });
  return { def, compute: def.compute };
}

function repCounter(scope: KpiScope, actor: Actor, by: Dimension | undefined) {
  const reps = scope.users.filter(
    (u) =>
      u.role === 'rep' &&
      u.status === 'active' &&
      (actor.readableOwners === 'all' || actor.readableOwners.has(u.id)) &&
      (!scope.owners || scope.owners.includes(u.id)),
  );
  return (groupKey: string | undefined) => {
    if (groupKey === undefined || !by || isTimeDimension(by)) return reps.length;
    if (by === 'rep') return groupKey === NONE ? 0 : 1;
    if (by === 'team') return reps.filter((r) => (r.orgUnitId ?? NONE) === groupKey).length;
    return 0;
  };
}

async function labeller(
  database: Database,
  actor: Actor,
  scope: KpiScope,
  by: Dimension | undefined,
  keys: string[],
) {
  const products =
    by === 'product'
      ? await findProductNames(
          database.db,
          actor.tenantId,
          keys.filter((k) => k !== NONE),
        )
      : undefined;
  return (key: string): string => {
    if (key === NONE) return actor.locale === 'en-US' ? '(none)' : '（未指定）';
    if (by === 'rep') return scope.userName(key) ?? key;
    if (by === 'team') return scope.unitName(key) ?? key;
    if (products) return products.get(key) ?? key;
    return key;
  };
}

async function factsFor(database: Database, actor: Actor, key: string, query: KpiQuery) {
  const { def, compute } = computableKpiOrThrow(key, query.by);
  const scope = await resolveScope(database.db, actor, query);
  const facts = await loadFacts(database.db, actor, scope, compute.facts);
  const groupCtx: GroupContext = { timeZone: scope.timeZone, unitOf: scope.unitOf };
  return { def, compute, scope, facts, groupCtx };
}

/**
 * One KPI over the period, in total and sliced by a dimension. The API, the CLI and the screens
 * all read numbers from here.
 */
export async function computeKpi(database: Database, actor: Actor, key: string, query: KpiQuery) {
  const served = kpiOrThrow(key, query.by);
  if (query.metric !== undefined && served.servedBy !== 'targets') {
    throw new AppError('VALIDATION_FAILED', {
      field: 'metric',
      issues: [{ field: 'metric', code: 'invalid_value' }],
    });
  }
  if (served.servedBy === 'targets') {
    // Attainment is targets against actuals; the targets module computes it (loaded lazily, as
    // it reads its actuals from this module).
    const { targetAttainmentKpi } = await import('../targets/target-attainment.service');
    return targetAttainmentKpi(database, actor, query);
  }
  const { def, compute } = computableKpiOrThrow(key, query.by);
  if (totalsInSql(compute.facts, compute.aggregate, query.by)) {
    return computeKpiInSql(database, actor, def, compute, query);
  }
  return computeKpiFromFacts(database, actor, key, query);
}

/**
 * A KPI from its facts loaded into memory and aggregated by domain/kpi/aggregate.ts: every KPI
 * but the counted and summed ones (and those, too, when sliced by product or channel).
 */
export async function computeKpiFromFacts(database: Database, actor: Actor, key: string, query: KpiQuery) {
  const { def, compute, scope, facts, groupCtx } = await factsFor(database, actor, key, query);
  const ctx = { stageOrder: DEAL_STAGE_ORDER, repCount: repCounter(scope, actor, query.by) };
  const total = aggregate(compute.aggregate, facts, ctx);
  let groups: Array<{ key: string; label: string } & KpiCell> = [];
  if (query.by) {
    const grouped = groupFacts(facts, query.by, groupCtx);
    const label = await labeller(database, actor, scope, query.by, [...grouped.keys()]);
    groups = [...grouped.entries()]
      .map(([k, list]) => ({ key: k, label: label(k), ...aggregate(compute.aggregate, list, ctx, k) }))
      .filter((g) => g.count > 0);
  }
  return {
    kpi: kpiDto(def),
    from: scope.from,
    to: scope.to,
    timeZone: scope.timeZone,
    by: query.by ?? null,
    total,
    groups,
  };
}

/** A counted or summed KPI's cell from its facts' totals (what aggregate() gives for those facts). */
function totalsCell(formula: string, t: FactTotals, reps: number): KpiCell {
  switch (formula) {
    case 'sum_amount':
      return { value: t.amount, count: t.count };
    case 'hit_rate':
      return { value: ratio(t.hits, t.count), count: t.count, numerator: t.hits, denominator: t.count };
    case 'per_capita':
      return {
        value: reps > 0 ? Math.round(t.amount / reps) : null,
        count: t.count,
        numerator: t.amount,
        denominator: reps,
      };
    default:
      return { value: t.count, count: t.count };
  }
}

/**
 * computeKpi for the counted and summed KPIs: the database groups and sums (kpi-totals.ts),
 * the owners are mapped to teams and the local days to time buckets here. Same answer as the
 * facts path, without loading a year of follow-ups into memory.
 */
async function computeKpiInSql(
  database: Database,
  actor: Actor,
  def: KpiDefinition,
  compute: NonNullable<KpiDefinition['compute']>,
  query: KpiQuery,
) {
  const scope = await resolveScope(database.db, actor, query);
  const by = query.by;
  const rows = await sumFacts(
    database.db,
    database.dialect,
    actor,
    compute.facts as TotalsSource,
    compute.aggregate,
    scope.window,
    scope.owners,
    !by
      ? undefined
      : isTimeDimension(by)
        ? { by: 'day', timeZone: scope.timeZone }
        : by === 'rep' || by === 'team'
          ? { by: 'owner' }
          : { by: by as 'region' | 'industry' | 'source' },
  );
  const reps = repCounter(scope, actor, by);
  const add = (a: FactTotals, b: FactTotals) => ({
    count: a.count + b.count,
    amount: a.amount + b.amount,
    hits: a.hits + b.hits,
  });
  const zero: FactTotals = { count: 0, amount: 0, hits: 0 };
  const total = totalsCell(compute.aggregate, rows.reduce(add, zero), reps(undefined));
  let groups: Array<{ key: string; label: string } & KpiCell> = [];
  if (by) {
    const grouped = new Map<string, FactTotals>();
    for (const r of rows) {
      const k =
        by === 'team'
          ? (scope.unitOf(r.key) ?? NONE)
          : r.key === null
            ? NONE
            : isTimeDimension(by)
              ? dayBucket(r.key, by)
              : r.key;
      grouped.set(k, add(grouped.get(k) ?? zero, r));
    }
    const keys = [...grouped.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const label = await labeller(database, actor, scope, by, keys);
    groups = keys
      .map((k) => ({ key: k, label: label(k), ...totalsCell(compute.aggregate, grouped.get(k)!, reps(k)) }))
      .filter((g) => g.count > 0);
  }
  return {
    kpi: kpiDto(def),
    from: scope.from,
    to: scope.to,
    timeZone: scope.timeZone,
    by: by ?? null,
    total,
    groups,
  };
}

/**
 * Every fact behind a KPI in the scope, uncapped (drill-down pages are capped; panels built from
 * the facts, like the stage-duration buckets and the SLA heat map, must not be).
 */
export async function kpiFacts(database: Database, actor: Actor, key: string, query: KpiQuery) {
  const { facts } = await factsFor(database, actor, key, query);
  return facts.filter((f) => !f.previous);
}

function recordDto(f: KpiFact) {
  return {
    entity: f.entity,
    id: f.id,
    name: f.name,
    ownerId: f.ownerId,
    at: f.at,
    ...(f.amount !== undefined ? { amount: f.amount } : {}),
    ...(f.collected !== undefined ? { collected: f.collected } : {}),
    ...(f.hit !== undefined ? { counted: f.hit } : {}),
    ...(f.stage !== undefined ? { stage: f.stage } : {}),
    ...(f.hours !== undefined ? { hours: Math.round(f.hours * 100) / 100 } : {}),
    // A satisfaction score belongs to a form of a record's SOP run (an order's after-sales visit).
    ...(f.score !== undefined ? { score: f.score, recordId: f.recordId ?? null } : {}),
  };
}

/** The records behind a KPI number (drill-down): the same facts the number was computed from. */
export async function kpiRecords(database: Database, actor: Actor, key: string, query: KpiRecordsQuery) {
  if (query.group !== undefined && !query.by) {
    throw new AppError('VALIDATION_FAILED', { field: 'by', issues: [{ field: 'by', code: 'required' }] });
  }
  const { facts, groupCtx, scope } = await factsFor(database, actor, key, query);
  let list = facts.filter((f) => !f.previous);
  if (query.by && query.group !== undefined) {
    const grouped = groupFacts(list, query.by, groupCtx);
    list = grouped.get(query.group) ?? [];
  }
  if (query.stage) list = list.filter((f) => f.stage === query.stage);
  return {
    kpi: key,
    from: scope.from,
    to: scope.to,
    by: query.by ?? null,
    group: query.group ?? null,
    total: list.length,
    items: list.slice(0, query.limit).map(recordDto),
  };
}
