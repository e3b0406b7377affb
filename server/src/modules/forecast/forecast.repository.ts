import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import type { OwnerFilter } from '../kpi/kpi.repository';

// The open pipeline (加权管道): open deals expected to close in the period, with their forecast
// category and the playbook version their SOP runs under (for the stage probability).

export async function findOpenPipeline(
  db: Kysely<DB>,
  actor: Actor,
  range: { from: string; to: string },
  owners: OwnerFilter,
) {
  let q = db
    .selectFrom('deals')
    .leftJoin('dealForecasts', (j) =>
      j.onRef('dealForecasts.dealId', '=', 'deals.id').onRef('dealForecasts.tenantId', '=', 'deals.tenantId'),
    )
    .leftJoin('sopRuns', (j) =>
      j
        .onRef('sopRuns.recordId', '=', 'deals.id')
        .onRef('sopRuns.tenantId', '=', 'deals.tenantId')
        .on('sopRuns.recordType', '=', 'deal'),
    )
    .select([
      'deals.id',
      'deals.name',
      'deals.ownerId',
      'deals.amount',
      'deals.stage',
      'deals.probability',
      'deals.expectedCloseDate',
      'dealForecasts.repCategory',
      'dealForecasts.managerCategory',
      'sopRuns.playbookVersionId',
    ])
    .where('deals.deletedAt', 'is', null)
    .where('deals.status', '=', 'open')
    .where('deals.expectedCloseDate', '>=', range.from)
    .where('deals.expectedCloseDate', '<=', range.to);
  if (owners) q = q.where('deals.ownerId', 'in', owners.length ? owners : ['-']);
  return scopeQuery(q, actor, 'deals').orderBy('deals.expectedCloseDate').orderBy('deals.id').execute();
}

export async function findDealForForecast(db: Kysely<DB>, actor: Actor, dealId: string) {
  return scopeQuery(
    db
      .selectFrom('deals')
      .select(['id', 'ownerId', 'status', 'stage', 'probability'])
      .where('id', '=', dealId)
      .where('deletedAt', 'is', null),
    actor,
    'deals',
  ).executeTakeFirst();
}

export async function findDealForecast(db: Kysely<DB>, tenantId: string, dealId: string) {
  return db
    .selectFrom('dealForecasts')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('dealId', '=', dealId)
    .executeTakeFirst();
}
