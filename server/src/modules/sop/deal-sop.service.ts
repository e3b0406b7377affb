import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { assertWritable } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { loadDefaultPlaybooks } from '../../domain/sop/default-playbooks';
import { checkMove, type GateContext } from '../../domain/sop/gates';
import type { Playbook } from '../../domain/sop/playbook';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { dealDefinition } from '../deals/deal.definition';
import { findVisibleById } from '../records/record.repository';
import { updateRecord } from '../records/record.service';
import { startStageClocks, stopStageClocks } from './clock.service';
import { findPublishedPlaybook, findRun, type RunState } from './sop-run.repository';

/** The tenant's published playbook for a process; the shipped default is published on first use. */
export async function publishedPlaybook(trx: Kysely<DB>, tenantId: string, process: 'deal' | 'lead') {
  const found = await findPublishedPlaybook(trx, tenantId, process);
  if (found) {
    return {
      playbookId: found.playbookId,
      versionId: found.versionId,
      number: found.number,
      playbook: JSON.parse(found.definition) as Playbook,
    };
  }
  const playbook = loadDefaultPlaybooks().find((p) => p.process === process)!;
  const now = new Date().toISOString();
  const playbookId = newId('pb');
  const versionId = newId('pbv');
  await trx
    .insertInto('playbooks')
    .values({
      id: playbookId,
      tenantId,
      key: playbook.key,
      process,
      name: playbook.name['zh-CN'],
      publishedVersionId: null,
      createdAt: now,
      updatedAt: now,
    })
    .execute();
  await trx
    .insertInto('playbookVersions')
    .values({
      id: versionId,
      tenantId,
      playbookId,
      number: 1,
      status: 'published',
      definition: JSON.stringify(playbook),
      notes: 'default',
      createdBy: null,
      createdAt: now,
      publishedBy: null,
      publishedAt: now,
    })
    .execute();
  await trx
    .updateTable('playbooks')
    .set({ publishedVersionId: versionId })
    .where('id', '=', playbookId)
    .execute();
  return { playbookId, versionId, number: 1, playbook };
}

export const publishedDealPlaybook = (trx: Kysely<DB>, tenantId: string) =>
  publishedPlaybook(trx, tenantId, 'deal');

/** The deal's run through its playbook, started under the published version on first use. */
async function ensureRun(trx: Kysely<DB>, actor: Actor, deal: Record<string, unknown>) {
  const existing = await findRun(trx, actor.tenantId, 'deal', String(deal.id));
  if (existing) return existing;
  const pb = await publishedDealPlaybook(trx, actor.tenantId);
  const now = new Date().toISOString();
  const row = {
    id: newId('run'),
    tenantId: actor.tenantId,
    recordType: 'deal',
    recordId: String(deal.id),
    playbookId: pb.playbookId,
    playbookVersionId: pb.versionId,
    stageKey: String(deal.stage),
    stageEnteredAt: String(deal.stageEnteredAt),
    checklist: '{}',
    forms: '{}',
    ownerId: (deal.ownerId as string | null) ?? null,
    status: 'open',
    createdAt: now,
    updatedAt: now,
  };
  await trx.insertInto('sopRuns').values(row).execute();
  const stage = pb.playbook.stages.find((s) => s.key === row.stageKey);
  await startStageClocks(trx, row, stage, row.stageEnteredAt);
  return (await findRun(trx, actor.tenantId, 'deal', String(deal.id)))!;
}

async function loadPlaybookVersion(trx: Kysely<DB>, versionId: string): Promise<Playbook> {
  const v = await trx
    .selectFrom('playbookVersions')
    .select('definition')
    .where('id', '=', versionId)
    .executeTakeFirstOrThrow();
  return JSON.parse(v.definition) as Playbook;
}

async function visibleDealOrThrow(trx: Kysely<DB>, actor: Actor, id: string) {
  const deal = await findVisibleById(trx, dealDefinition, actor, id);
  if (!deal) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'deal' } });
  return deal;
}

function gateContext(deal: Record<string, unknown>, state: RunState, reason?: string | null): GateContext {
  return {
    record: {
      ...deal,
      productIds: typeof deal.productIds === 'string' ? JSON.parse(deal.productIds) : deal.productIds,
    },
    forms: Object.fromEntries(Object.entries(state.forms).map(([k, v]) => [k, v.values])),
    checklist: Object.fromEntries(Object.entries(state.checklist).map(([k]) => [k, true])),
    reason: reason ?? null,
  };
}

/** The SOP panel of a deal: stage, its checklist and forms with what is done, and each next move's gate. */
export async function getDealSop(database: Database, actor: Actor, dealId: string) {
  return database.db.transaction().execute(async (trx) => {
    const deal = await visibleDealOrThrow(trx, actor, dealId);
    const run = await ensureRun(trx, actor, deal);
    const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
    const stage = playbook.stages.find((s) => s.key === deal.stage);
    const ctx = gateContext(deal, run.state);
    const next = (stage?.allowedNext ?? []).map((to) => {
      const r = checkMove(playbook, String(deal.stage), to, { ...ctx, reason: '__any__' });
      const violations = r.ok ? [] : r.violations.filter((v) => v.kind !== 'reason');
      return { stage: to, ready: violations.length === 0, violations };
    });
    return {
      playbookVersionId: run.playbookVersionId,
      stage,
      stageEnteredAt: deal.stageEnteredAt,
      state: run.state,
      next,
    };
  });
}

async function updateRunState(trx: Kysely<DB>, runId: string, state: RunState) {
  await trx
    .updateTable('sopRuns')
    .set((eb) => ({
      checklist: JSON.stringify(state.checklist),
      forms: JSON.stringify(state.forms),
      updatedAt: new Date().toISOString(),
      version: eb('version', '+', 1),
    }))
    .where('id', '=', runId)
    .execute();
}

export async function setChecklistAction(
  database: Database,
  actor: Actor,
  dealId: string,
  actionKey: string,
  done: boolean,
) {
  return database.db.transaction().execute(async (trx) => {
    const deal = await visibleDealOrThrow(trx, actor, dealId);
    assertWritable(actor, 'deal', (deal.ownerId as string | null) ?? null);
    const run = await ensureRun(trx, actor, deal);
    const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
    const stage = playbook.stages.find((s) => s.key === deal.stage);
    if (!stage?.checklist.some((a) => a.key === actionKey)) {
      throw new AppError('VALIDATION_FAILED', {
        field: 'actionKey',
        issues: [{ field: 'actionKey', code: 'invalid_value' }],
      });
    }
    const state = run.state;
    if (done) state.checklist[actionKey] = { doneAt: new Date().toISOString(), doneBy: actor.userId };
    else delete state.checklist[actionKey];
    await updateRunState(trx, run.id, state);
    return state;
  });
}

export async function submitForm(
  database: Database,
  actor: Actor,
  dealId: string,
  formKey: string,
  values: Record<string, unknown>,
) {
  return database.db.transaction().execute(async (trx) => {
    const deal = await visibleDealOrThrow(trx, actor, dealId);
    assertWritable(actor, 'deal', (deal.ownerId as string | null) ?? null);
    const run = await ensureRun(trx, actor, deal);
    const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
    const form = playbook.stages.flatMap((s) => s.forms).find((f) => f.key === formKey);
    if (!form)
      throw new AppError('VALIDATION_FAILED', {
        field: 'formKey',
        issues: [{ field: 'formKey', code: 'invalid_value' }],
      });
    const known = new Set(form.fields.map((f) => f.key));
    const issues = Object.keys(values)
      .filter((k) => !known.has(k))
      .map((k) => ({ field: `values.${k}`, code: 'unknown_field' }));
    for (const f of form.fields) {
      const v = values[f.key];
      if (v === undefined || v === null || v === '') continue;
      const bad =
        ((f.type === 'number' || f.type === 'money') &&
          (typeof v !== 'number' || (f.type === 'money' && !Number.isInteger(v)))) ||
        (f.type === 'boolean' && typeof v !== 'boolean') ||
        ((f.type === 'text' || f.type === 'textarea') && (typeof v !== 'string' || v.length > 10_000)) ||
        (f.type === 'select' && !f.options?.some((o) => o.value === v));
      if (bad) issues.push({ field: `values.${f.key}`, code: 'invalid_value' });
    }
    if (issues.length) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });
    const state = run.state;
    state.forms[formKey] = { values, submittedAt: new Date().toISOString(), submittedBy: actor.userId };
    await updateRunState(trx, run.id, state);
    return state;
  });
}

/** A gated stage move: refused with every unmet item, or done with its stage event, in one transaction. */
export async function moveDeal(
  database: Database,
  actor: Actor,
  dealId: string,
  expectedVersion: number | undefined,
  input: { toStage: string; reason?: string | null },
) {
  const { deal, run, playbook } = await database.db.transaction().execute(async (trx) => {
    const deal = await visibleDealOrThrow(trx, actor, dealId);
    const run = await ensureRun(trx, actor, deal);
    return { deal, run, playbook: await loadPlaybookVersion(trx, run.playbookVersionId) };
  });
  assertWritable(actor, 'deal', (deal.ownerId as string | null) ?? null);
  const verdict = checkMove(
    playbook,
    String(deal.stage),
    input.toStage,
    gateContext(deal, run.state, input.reason),
  );
  if (!verdict.ok) {
    throw new AppError('STAGE_GATE_UNMET', {
      field: 'toStage',
      details: { from: deal.stage, to: input.toStage, violations: verdict.violations },
    });
  }
  const target = playbook.stages.find((s) => s.key === input.toStage)!;
  const reasonLabel = target.requiredReasons?.find((r) => r.value === input.reason)?.label['zh-CN'] ?? null;
  return updateRecord(
    database,
    dealDefinition,
    actor,
    dealId,
    expectedVersion,
    {
      stage: input.toStage,
      ...(target.probability !== undefined ? { probability: target.probability } : {}),
      ...(target.terminal === 'lost' ? { lostReason: reasonLabel } : {}),
    },
    {
      afterWrite: async (trx, before, after) => {
        const now = String(after.updatedAt);
        await trx
          .insertInto('stageEvents')
          .values({
            id: newId('sev'),
            tenantId: actor.tenantId,
            recordType: 'deal',
            recordId: dealId,
            playbookVersionId: run.playbookVersionId,
            fromStage: String(before.stage),
            toStage: input.toStage,
            actorId: actor.userId,
            ownerId: (after.ownerId as string | null) ?? null,
            reason: input.reason ?? null,
            at: now,
          })
          .execute();
        await trx
          .updateTable('sopRuns')
          .set((eb) => ({
            stageKey: input.toStage,
            stageEnteredAt: now,
            status: target.terminal ? 'closed' : 'open',
            updatedAt: now,
            version: eb('version', '+', 1),
          }))
          .where('id', '=', run.id)
          .execute();
        await stopStageClocks(trx, run.id, String(before.stage), now);
        await startStageClocks(
          trx,
          {
            id: run.id,
            tenantId: actor.tenantId,
            recordType: 'deal',
            recordId: dealId,
            ownerId: (after.ownerId as string | null) ?? null,
          },
          target,
          now,
        );
      },
    },
  );
}
