import { type Kysely, sql } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { loadDefaultPlaybooks } from '../../domain/sop/default-playbooks';
import type { Playbook } from '../../domain/sop/playbook';
import { searchPattern } from '../../shared/search-text';
import { dealDefinition } from '../deals/deal.definition';
import { findOwnerNames } from '../records/record.repository';
import type { Row } from '../records/record-definition';
import { findPublishedPlaybook } from './sop-run.repository';

// The deal board (商机看板): its columns are the stages of the tenant's published deal playbook,
// which may add or rename stages beyond deal.stage's fixed keys. A deal sits in the stage of its
// SOP run (the playbook's word for where it is), or in deal.stage when it has no run; a deal whose
// stage the playbook does not have goes to the "other" column, so that none ever vanishes.

/** The stage query value for deals on no stage of the published playbook (keys start with a letter). */
export const OFF_PLAYBOOK = '_other';

async function boardPlaybook(db: Kysely<DB>, tenantId: string) {
  const found = await findPublishedPlaybook(db, tenantId, 'deal');
  if (found)
    return {
      id: found.playbookId as string | null,
      versionId: found.versionId as string | null,
      number: found.number as number | null,
      playbook: JSON.parse(found.definition) as Playbook,
    };
  // Nothing published yet: the default playbook, which the first move publishes.
  const playbook = loadDefaultPlaybooks().find((p) => p.process === 'deal')!;
  return { id: null, versionId: null, number: null, playbook };
}

export async function dealBoardStages(database: Database, actor: Actor) {
  const { id, versionId, number, playbook } = await boardPlaybook(database.db, actor.tenantId);
  return {
    playbook: { id, versionId, number, name: playbook.name },
    stages: playbook.stages.map((s) => ({
      key: s.key,
      name: s.name,
      terminal: s.terminal ?? null,
      probability: s.probability ?? null,
    })),
  };
}

export async function dealBoardColumn(
  database: Database,
  actor: Actor,
  p: { stage: string; q?: string; ownerId?: string; limit: number; offset: number },
) {
  const { db } = database;
  const boardStage = sql<string>`coalesce(${sql.ref('sopRuns.stageKey')}, ${sql.ref('deals.stage')})`;
  let query = scopeQuery(
    db
      .selectFrom('deals')
      .leftJoin('sopRuns', (join) =>
        join
          .onRef('sopRuns.recordId', '=', 'deals.id')
          .onRef('sopRuns.tenantId', '=', 'deals.tenantId')
          .on('sopRuns.recordType', '=', 'deal'),
      ),
    actor,
    'deals',
  ).where('deals.deletedAt', 'is', null);
  if (p.stage === OFF_PLAYBOOK) {
    const { playbook } = await boardPlaybook(db, actor.tenantId);
    query = query.where(
      boardStage,
      'not in',
      playbook.stages.map((s) => s.key),
    );
  } else {
    query = query.where(boardStage, '=', p.stage);
  }
  if (p.q?.trim()) query = query.where('deals.searchText', 'like', searchPattern(p.q));
  const owners = (p.ownerId ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (owners.length) query = query.where('deals.ownerId', 'in', owners);
  const enteredAt = sql<string>`coalesce(${sql.ref('sopRuns.stageEnteredAt')}, ${sql.ref('deals.stageEnteredAt')})`;
  const [rows, total] = await Promise.all([
    query
      .selectAll('deals')
      .select(boardStage.as('boardStage'))
      .orderBy(enteredAt, 'desc')
      .orderBy('deals.id', 'desc')
      .limit(p.limit)
      .offset(p.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const names = await findOwnerNames(db, actor.tenantId, rows.map((r) => r.ownerId ?? '').filter(Boolean));
  const n = Number(total.n);
  return {
    items: rows.map(({ boardStage: stage, ...row }) => ({
      ...(dealDefinition.toDto(row as unknown as Row, actor) as Record<string, unknown>),
      ownerName: row.ownerId ? (names.get(row.ownerId) ?? null) : null,
      boardStage: stage,
    })),
    total: n,
    hasMore: p.offset + rows.length < n,
  };
}
