import dayjs from 'dayjs';
import type { Actor } from '../../auth/actor';
import { assertWritable } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { DEAL_STAGES } from '../../domain/deal-stages';
import { linearTrend, movingAverage } from '../../domain/forecast/trend';
import { effectiveCategory, summarisePipeline, weightedAmount } from '../../domain/forecast/weighted';
import { localToday } from '../../domain/kpi/periods';
import type { Playbook } from '../../domain/sop/playbook';
import { monthsOf } from '../../domain/targets/target-period';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { findPlaybookDefinitions } from '../kpi/kpi.repository';
import { computeKpi } from '../kpi/kpi.service';
import { resolveScope } from '../kpi/kpi-scope';
import { findOrg, findTargets } from '../targets/target.repository';
import { periodOrThrow } from '../targets/target.service';
import { scopeSubject } from '../targets/target-attainment.service';
import { findDealForecast, findDealForForecast, findOpenPipeline } from './forecast.repository';
import type { ForecastCategoryInput, ForecastQuery } from './forecast.schemas';

const TREND_MONTHS = 12;

function currentQuarter(today: string): string {
  return `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
}

/** Stage probability from the playbook version the deal runs under; else the default stage table. */
async function probabilityLookup(database: Database, tenantId: string, versionIds: string[]) {
  const defs = await findPlaybookDefinitions(database.db, tenantId, versionIds);
  const byVersion = new Map<string, Map<string, number>>();
  for (const d of defs) {
    try {
      const pb = JSON.parse(d.definition) as Playbook;
      byVersion.set(
        d.id,
        new Map(pb.stages.filter((s) => s.probability !== undefined).map((s) => [s.key, s.probability!])),
      );
    } catch {
      // An unreadable definition falls back to the default table.
    }
  }
  const defaults = new Map(DEAL_STAGES.map((s) => [s.key as string, s.probability]));
  return (versionId: string | null, stage: string): number =>
    (versionId ? byVersion.get(versionId)?.get(stage) : undefined) ?? defaults.get(stage) ?? 0;
}

/**
 * The forecast (销售预测) of a period for the caller's scope: won so far, the weighted pipeline,
 * commit and best case, a linear trend from the last twelve months of won revenue, and the
 * target of the level asked for with the gap to it.
 */
export async function forecast(database: Database, actor: Actor, query: ForecastQuery) {
  const org = await findOrg(database.db, actor.tenantId);
  const periodKey = query.period ?? currentQuarter(localToday(org.timeZone));
  const period = periodOrThrow(periodKey);
  const scope = await resolveScope(database.db, actor, {
    from: period.from,
    to: period.to,
    unitId: query.unitId,
    ownerId: query.ownerId,
  });
  const rows = await findOpenPipeline(database.db, actor, period, scope.owners);
  const probabilityOf = await probabilityLookup(database, actor.tenantId, [
    ...new Set(rows.map((r) => r.playbookVersionId).filter((v): v is string => !!v)),
  ]);
  const deals = rows.map((r) => {
    const probability = probabilityOf(r.playbookVersionId, r.stage);
    return {
      id: r.id,
      name: r.name,
      ownerId: r.ownerId,
      stage: r.stage,
      amount: r.amount,
      expectedCloseDate: r.expectedCloseDate,
      probability,
      weighted: weightedAmount(r.amount, probability),
      repCategory: r.repCategory,
      managerCategory: r.managerCategory,
      category: effectiveCategory(r.managerCategory, r.repCategory, probability),
    };
  });
  const pipeline = summarisePipeline(deals);
  const filter = { unitId: query.unitId, ownerId: query.ownerId };
  const won =
    (await computeKpi(database, actor, 'revenue', { from: period.from, to: period.to, ...filter })).total
      .value ?? 0;

  // Trend: monthly won revenue of the twelve months before the period, extended over its months.
  const start = dayjs(period.from);
  const historyFrom = start.subtract(TREND_MONTHS, 'month').format('YYYY-MM-DD');
  const historyTo = start.subtract(1, 'day').format('YYYY-MM-DD');
  const monthly = await computeKpi(database, actor, 'revenue', {
    from: historyFrom,
    to: historyTo,
    by: 'month',
    ...filter,
  });
  const history = Array.from({ length: TREND_MONTHS }, (_, i) => {
    const key = start.subtract(TREND_MONTHS - i, 'month').format('YYYY-MM');
    return {
      month: key,
      value: (monthly.groups.find((g) => g.key === key)?.value as number | undefined) ?? 0,
    };
  });
  const months = monthsOf(period);
  const line = linearTrend(
    history.map((h) => h.value),
    months.length,
  );
  const trend = {
    method: 'linear_regression',
    history,
    slope: line?.slope ?? null,
    intercept: line?.intercept ?? null,
    months: months.map((m, i) => ({ month: m, value: line?.forecast[i] ?? 0 })),
    total: (line?.forecast ?? []).reduce((s, v) => s + v, 0),
    movingAverage3:
      movingAverage(
        history.map((h) => h.value),
        3,
      ) ?? null,
  };

  const subject = scopeSubject(org, actor, filter);
  const [target] = await findTargets(database.db, actor, {
    metric: 'revenue',
    period: periodKey,
    subjectIds: [subject.subjectId],
  });
  const commitForecast = won + pipeline.commit;
  return {
    period: periodKey,
    from: period.from,
    to: period.to,
    timeZone: org.timeZone,
    level: subject.level,
    subjectId: subject.subjectId,
    won,
    pipeline,
    forecast: {
      commit: commitForecast,
      bestCase: won + pipeline.bestCase,
      weighted: won + pipeline.weighted,
    },
    target: target ? { id: target.id, value: target.value, gap: target.value - commitForecast } : null,
    trend,
    deals,
  };
}

/**
 * Sets a deal's forecast category: the owner sets their own; a manager (or anyone else with
 * write reach over the deal) overrides it. Both are kept, with an audit event.
 */
export async function setForecastCategory(
  database: Database,
  actor: Actor,
  dealId: string,
  input: ForecastCategoryInput,
) {
  const deal = await findDealForForecast(database.db, actor, dealId);
  if (!deal) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'deal' } });
  assertWritable(actor, 'deal', deal.ownerId);
  if (deal.status !== 'open') {
    throw new AppError('INVALID_STATE', { params: { reason: deal.status } });
  }
  const asOwner = deal.ownerId === actor.userId;
  const now = new Date().toISOString();
  await database.db.transaction().execute(async (trx) => {
    const existing = await findDealForecast(trx, actor.tenantId, dealId);
    const set = asOwner
      ? { repCategory: input.category, repSetBy: actor.userId, repSetAt: now }
      : { managerCategory: input.category, managerSetBy: actor.userId, managerSetAt: now };
    if (existing) {
      await trx
        .updateTable('dealForecasts')
        .set({ ...set, version: existing.version + 1, updatedAt: now })
        .where('id', '=', existing.id)
        .where('version', '=', existing.version)
        .execute();
    } else {
      await trx
        .insertInto('dealForecasts')
        .values({
          id: newId('dfc'),
          tenantId: actor.tenantId,
          dealId,
          repCategory: null,
          repSetBy: null,
          repSetAt: null,
          managerCategory: null,
          managerSetBy: null,
          managerSetAt: null,
          ...set,
          updatedAt: now,
        })
        .execute();
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'deal',
      entityId: dealId,
      action: 'update',
      changes: {
        note: asOwner ? 'forecast category' : 'forecast category override',
        before: {
          [asOwner ? 'repCategory' : 'managerCategory']:
            (asOwner ? existing?.repCategory : existing?.managerCategory) ?? null,
        },
        after: { [asOwner ? 'repCategory' : 'managerCategory']: input.category },
      },
      at: now,
    });
  });
  const row = await findDealForecast(database.db, actor.tenantId, dealId);
  const probability = deal.probability;
  return {
    dealId,
    repCategory: row?.repCategory ?? null,
    managerCategory: row?.managerCategory ?? null,
    category: effectiveCategory(row?.managerCategory, row?.repCategory, probability),
  };
}
