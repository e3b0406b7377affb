import type { Actor } from '../../auth/actor';
import { assertWritable } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { findKpi } from '../../domain/kpi/definitions';
import { localToday } from '../../domain/kpi/periods';
import { attainment, decompose, rollUp } from '../../domain/targets/decompose';
import { checkMilestones, currentMilestone, type Milestone } from '../../domain/targets/milestones';
import { parsePeriod, sameLastYear, type TargetPeriod } from '../../domain/targets/target-period';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { computeKpi } from '../kpi/kpi.service';
import { resolveScope } from '../kpi/kpi-scope';
import {
  findOrg,
  findTargetById,
  findTargetBySubject,
  findTargets,
  insertTarget,
  sumReceipts,
  type TargetRow,
  updateTarget,
} from './target.repository';
import type {
  CreateTargetInput,
  DecomposeInput,
  ListTargetsQuery,
  UpdateTargetInput,
} from './target.schemas';
import {
  childSubject,
  defaultChildren,
  isBelow,
  type Org,
  type Subject,
  storedSubject,
  subjectOf,
} from './target-subjects';

const text = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });

function invalid(code: string, message: { 'zh-CN': string; 'en-US': string }, field?: string): AppError {
  return new AppError('TARGET_INVALID', { field, details: { violations: [{ code, message }] } });
}

/** Money, counts and collection add up: children of such a target are split from it and sum back to it. */
export function isAdditive(metric: string): boolean {
  if (metric === COLLECTION) return true;
  const def = findKpi(metric);
  return (
    !!def?.compute && (def.unit === 'fen' || def.unit === 'count') && def.compute.aggregate !== 'per_capita'
  );
}

/**
 * Any KPI the library computes can carry a target (and collection, money received). Additive
 * ones (money, counts) are split over the children; the others (ratios, days, hours, per-capita
 * revenue) are copied down, since a team's win rate is not the sum of its reps'.
 */
export function targetMetricOrThrow(metric: string) {
  if (metric === COLLECTION) return;
  const def = findKpi(metric);
  if (!def) throw new AppError('KPI_NOT_FOUND', { field: 'metric', params: { key: metric } });
  if (!def.compute) {
    throw invalid(
      'metric_not_available',
      text(
        `指标「${metric}」不能设目标：该指标尚不能计算`,
        `KPI ${metric} cannot carry a target: it is not computed from records`,
      ),
      'metric',
    );
  }
}

/** How target values are stored (bigint): ratios in basis points, days and hours in hundredths. */
function scaleOf(metric: string): number {
  if (metric === COLLECTION) return 1;
  const unit = findKpi(metric)?.unit;
  return unit === 'ratio' ? 10_000 : unit === 'days' || unit === 'hours' || unit === 'score' ? 100 : 1;
}

/** A stored target value in the metric's own unit (0.6 for a 60 % win rate, 12.5 days). */
export function targetValue(metric: string, stored: number): number {
  return Number(stored) / scaleOf(metric);
}

/** A target value given in the metric's unit as stored; money and counts must be whole. */
export function storedValueOrThrow(metric: string, value: number, field = 'value'): number {
  const scale = scaleOf(metric);
  if (scale === 1 && !Number.isInteger(value)) {
    throw new AppError('VALIDATION_FAILED', { field, issues: [{ field, code: 'invalid_type' }] });
  }
  return Math.round(value * scale);
}

/**
 * Attainment in the KPI's direction: actual ÷ target when higher is better, target ÷ actual when
 * lower is better (a 30-day cycle against a 20-day target is 0.6667). Null with no actual value
 * (a rate with nothing to divide) or nothing to divide by.
 */
export function attainmentOf(metric: string, actual: number | null, target: number): number | null {
  if (actual === null) return null;
  return findKpi(metric)?.direction === 'lower_is_better'
    ? attainment(target, actual)
    : attainment(actual, target);
}

export function periodOrThrow(key: string, field = 'period'): TargetPeriod {
  const p = parsePeriod(key);
  if (!p) throw new AppError('VALIDATION_FAILED', { field, issues: [{ field, code: 'invalid_value' }] });
  return p;
}

function parseMilestones(json: string): Milestone[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function milestonesOrThrow(metric: string, ms: Milestone[], period: TargetPeriod, value: number) {
  if (ms.length && !isAdditive(metric)) {
    // A milestone is a running total on the way to the target: only money and counts have one.
    throw invalid(
      'milestones_not_additive',
      text('比率、天数类目标不设里程碑', 'ratio and average targets take no milestones'),
      'milestones',
    );
  }
  const violations = checkMilestones(ms, period, value);
  if (!violations.length) return;
  const messages = {
    outside_period: text('里程碑日期不在目标周期内', 'a milestone date is outside the period'),
    not_increasing: text(
      '里程碑须按日期递增且累计值不减',
      'milestones must go forward in date and not decrease',
    ),
    above_target: text('里程碑累计值不能超过目标值', 'a milestone cannot exceed the target'),
  };
  throw new AppError('TARGET_INVALID', {
    field: `milestones.${violations[0]!.index}`,
    details: { violations: violations.map((v) => ({ ...v, message: messages[v.code] })) },
  });
}

/**
 * Collection targets (回款目标): money received (receipts booked) in the period, from the payments
 * module's receipts; not a KPI of the library (collection_rate is a ratio), so read here.
 */
export const COLLECTION = 'collection';

/** The actual value of a target's metric for its subject and period, inside the caller's visibility. */
export async function actualOf(
  database: Database,
  actor: Actor,
  metric: string,
  period: TargetPeriod,
  subject: Subject,
  to?: string,
) {
  const scope = { from: period.from, to: to ?? period.to, ...subject.filter };
  if (metric === COLLECTION) {
    const { owners } = await resolveScope(database.db, actor, scope);
    return sumReceipts(database.db, actor, scope, owners);
  }
  const out = await computeKpi(database, actor, metric, scope);
  // Money and counts are 0 with no records; a rate or an average has no value then.
  return out.total.value ?? (isAdditive(metric) ? 0 : null);
}

async function targetView(
  database: Database,
  actor: Actor,
  org: Org & { tenantName: string; timeZone: string },
  row: TargetRow,
) {
  const period = periodOrThrow(row.period);
  const subject = storedSubject(org, row.level, row.subjectId, org.tenantName);
  const actual = await actualOf(database, actor, row.metric, period, subject);
  const value = targetValue(row.metric, row.value);
  const scale = scaleOf(row.metric);
  const milestones = parseMilestones(row.milestones);
  const today = localToday(org.timeZone);
  const due = currentMilestone(milestones, today);
  const milestone = due
    ? {
        date: due.date,
        value: due.value,
        actual: await actualOf(database, actor, row.metric, period, subject, due.date),
      }
    : null;
  return {
    id: row.id,
    metric: row.metric,
    period: row.period,
    from: period.from,
    to: period.to,
    level: row.level,
    subjectId: row.subjectId,
    subjectName: subject.name,
    parentId: row.parentId,
    ownerId: row.ownerId,
    value,
    method: row.method,
    weight: row.weight,
    milestones,
    actual,
    attainment: attainmentOf(row.metric, actual, value),
    gapToTarget: actual === null ? null : Math.round((value - actual) * scale) / scale,
    currentMilestone: milestone
      ? { ...milestone, attainment: attainmentOf(row.metric, milestone.actual, milestone.value) }
      : null,
    version: row.version,
  };
}

export async function listTargets(database: Database, actor: Actor, query: ListTargetsQuery) {
  const rows = await findTargets(database.db, actor, query);
  const org = await findOrg(database.db, actor.tenantId);
  const items = [];
  for (const r of rows) items.push(await targetView(database, actor, org, r));
  return { items };
}

/** A target with its actual value, attainment, milestone and its visible children rolled up. */
export async function getTarget(database: Database, actor: Actor, id: string) {
  const row = await findTargetById(database.db, actor, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'target' } });
  const org = await findOrg(database.db, actor.tenantId);
  const view = await targetView(database, actor, org, row);
  const children = [];
  for (const c of await findTargets(database.db, actor, { parentId: row.id })) {
    children.push(await targetView(database, actor, org, c));
  }
  // Bottom-up against top-down: a non-zero gap means the children disagree with the parent.
  return {
    ...view,
    children,
    // A ratio or an average does not add up: its children carry copies, so there is no sum to compare.
    rollUp: isAdditive(row.metric)
      ? rollUp(
          view.value,
          children.map((c) => c.value),
        )
      : { childrenSum: null, gap: null },
  };
}

export async function createTarget(database: Database, actor: Actor, input: CreateTargetInput) {
  targetMetricOrThrow(input.metric);
  const stored = storedValueOrThrow(input.metric, input.value);
  const period = periodOrThrow(input.period);
  const org = await findOrg(database.db, actor.tenantId);
  const subject = subjectOf(org, input.level, input, org.tenantName);
  if (input.parentId) {
    const parent = await findTargetById(database.db, actor, input.parentId);
    if (!parent)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'parentId',
        params: { entity: 'target', field: 'parentId' },
      });
    if (parent.metric !== input.metric || parent.period !== input.period) {
      throw invalid(
        'parent_mismatch',
        text('上级目标的指标或周期不同', 'the parent target has another metric or period'),
        'parentId',
      );
    }
    if (!isBelow(org, storedSubject(org, parent.level, parent.subjectId, org.tenantName), subject)) {
      throw invalid(
        'not_below_parent',
        text('目标对象不在上级目标的组织之下', 'the subject is not below the parent target'),
        'parentId',
      );
    }
  } else if (actor.writableOwners !== 'all') {
    // Top-level targets are set by sales ops or an admin; managers decompose what they are given.
    throw new AppError('FORBIDDEN');
  }
  assertWritable(actor, 'target', subject.ownerId);
  milestonesOrThrow(input.metric, input.milestones, period, input.value);
  const existing = await findTargetBySubject(database.db, actor.tenantId, {
    metric: input.metric,
    period: input.period,
    subjectId: subject.subjectId,
  });
  if (existing)
    throw new AppError('ALREADY_EXISTS', {
      field: 'period',
      params: { field: `${input.metric} ${input.period} ${subject.name}` },
    });
  const now = new Date().toISOString();
  const id = newId('tgt');
  await database.db.transaction().execute(async (trx) => {
    await insertTarget(trx, {
      id,
      tenantId: actor.tenantId,
      metric: input.metric,
      period: input.period,
      level: input.level,
      subjectId: subject.subjectId,
      parentId: input.parentId ?? null,
      ownerId: subject.ownerId,
      value: stored,
      method: 'manual',
      weight: null,
      milestones: JSON.stringify(input.milestones),
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    });
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'target',
      entityId: id,
      action: 'create',
      changes: {
        after: {
          metric: input.metric,
          period: input.period,
          subjectId: subject.subjectId,
          value: input.value,
        },
      },
      at: now,
    });
  });
  return getTarget(database, actor, id);
}

export async function updateTargetValue(
  database: Database,
  actor: Actor,
  id: string,
  input: UpdateTargetInput,
  version: number | undefined,
) {
  if (version === undefined) throw new AppError('PRECONDITION_REQUIRED');
  const row = await findTargetById(database.db, actor, id);
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'target' } });
  if (!row.parentId && actor.writableOwners !== 'all') throw new AppError('FORBIDDEN');
  assertWritable(actor, 'target', row.ownerId);
  const value = input.value === undefined ? row.value : storedValueOrThrow(row.metric, input.value);
  const milestones = input.milestones ?? parseMilestones(row.milestones);
  milestonesOrThrow(row.metric, milestones, periodOrThrow(row.period), targetValue(row.metric, value));
  const now = new Date().toISOString();
  await database.db.transaction().execute(async (trx) => {
    const ok = await updateTarget(trx, actor.tenantId, id, version, {
      value,
      milestones: JSON.stringify(milestones),
      method: input.value !== undefined && value !== Number(row.value) ? 'manual' : row.method,
      updatedAt: now,
    });
    if (!ok) throw new AppError('VERSION_MISMATCH');
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'target',
      entityId: id,
      action: 'update',
      changes: {
        before: { value: targetValue(row.metric, row.value), milestones: parseMilestones(row.milestones) },
        after: { value: targetValue(row.metric, value), milestones },
      },
      at: now,
    });
  });
  return getTarget(database, actor, id);
}

/**
 * Top-down decomposition: the parent's value split over its children (given, or the org's
 * default) evenly, by weights, or by each child's share of the same period last year. The
 * children always add up to the parent exactly; existing child targets are updated in place.
 */
export async function decomposeTarget(database: Database, actor: Actor, id: string, input: DecomposeInput) {
  const parent = await findTargetById(database.db, actor, id);
  if (!parent) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'target' } });
  const org = await findOrg(database.db, actor.tenantId);
  const parentSubject = storedSubject(org, parent.level, parent.subjectId, org.tenantName);
  const refs: NonNullable<DecomposeInput['children']> = input.children ?? defaultChildren(org, parentSubject);
  if (!refs.length) {
    throw invalid(
      'no_children',
      text('没有可分解的下级', 'there is nothing below this target to decompose into'),
      'children',
    );
  }
  const subjects = refs.map((ref, i) => {
    if (!!ref.unitId === !!ref.userId) {
      throw new AppError('VALIDATION_FAILED', {
        field: `children.${i}`,
        issues: [{ field: `children.${i}`, code: 'invalid_value' }],
      });
    }
    const s = childSubject(org, ref, org.tenantName);
    if (!isBelow(org, parentSubject, s)) {
      throw invalid(
        'not_below_parent',
        text(`「${s.name}」不在该目标的组织之下`, `${s.name} is not below this target`),
        `children.${i}`,
      );
    }
    assertWritable(actor, 'target', s.ownerId);
    return s;
  });
  if (new Set(subjects.map((s) => s.subjectId)).size !== subjects.length) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'children',
      issues: [{ field: 'children', code: 'invalid_value' }],
    });
  }
  // A ratio or an average is not split but copied: each child aims at the parent's rate.
  const additive = isAdditive(parent.metric);
  const method = additive ? input.method : 'copy';
  let weights: number[];
  if (!additive || input.method === 'even') weights = subjects.map(() => 1);
  else if (input.method === 'weights') {
    weights = refs.map((r, i) => {
      if (r.weight === undefined) {
        throw new AppError('VALIDATION_FAILED', {
          field: `children.${i}.weight`,
          issues: [{ field: `children.${i}.weight`, code: 'required' }],
        });
      }
      return r.weight;
    });
  } else {
    const last = periodOrThrow(sameLastYear(parent.period));
    weights = [];
    for (const s of subjects) weights.push((await actualOf(database, actor, parent.metric, last, s)) ?? 0);
  }
  const split: ReturnType<typeof decompose> = additive
    ? decompose(Number(parent.value), weights)
    : { ok: true, values: subjects.map(() => Number(parent.value)) };
  if (!split.ok) {
    throw invalid(
      split.reason,
      input.method === 'last_year'
        ? text(
            '去年同期没有数据，请改用平均或权重分解',
            'there is no data for the same period last year; split evenly or by weights',
          )
        : text('权重之和必须大于 0', 'the weights must add up to more than 0'),
      'children',
    );
  }
  const now = new Date().toISOString();
  await database.db.transaction().execute(async (trx) => {
    for (const [i, s] of subjects.entries()) {
      const value = split.values[i]!;
      const weight = additive && Number.isInteger(weights[i]) ? weights[i]! : null;
      const existing = await findTargetBySubject(trx, actor.tenantId, {
        metric: parent.metric,
        period: parent.period,
        subjectId: s.subjectId,
      });
      if (existing) {
        const ok = await updateTarget(trx, actor.tenantId, existing.id, existing.version, {
          value,
          method,
          weight,
          parentId: parent.id,
          updatedAt: now,
        });
        if (!ok) throw new AppError('VERSION_MISMATCH');
      } else {
        await insertTarget(trx, {
          id: newId('tgt'),
          tenantId: actor.tenantId,
          metric: parent.metric,
          period: parent.period,
          level: s.level,
          subjectId: s.subjectId,
          parentId: parent.id,
          ownerId: s.ownerId,
          value,
          method,
          weight,
          milestones: '[]',
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'target',
      entityId: parent.id,
      action: 'update',
      changes: {
        note: `decomposed (${method})`,
        after: Object.fromEntries(
          subjects.map((s, i) => [s.subjectId, targetValue(parent.metric, split.values[i]!)]),
        ),
      },
      at: now,
    });
  });
  return getTarget(database, actor, parent.id);
}
