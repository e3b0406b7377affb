import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { assertWritable } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { loadDefaultPlaybooks } from '../../domain/sop/default-playbooks';
import { formValueIssues } from '../../domain/sop/form-values';
import { checkMove, type GateContext } from '../../domain/sop/gates';
import type { Playbook, Stage } from '../../domain/sop/playbook';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent, diffRows } from '../audit/audit.repository';
import { runStageAutomations } from '../automation/automation.hooks';
import { findInTenantById, updateIfVersion } from '../records/record.repository';
import { updateRecord } from '../records/record.service';
import { AUDIT_IGNORED, type Row } from '../records/record-definition';
import { startStageClocks, stopStageClocks } from './clock.service';
import { gateApprovals } from './gate-approvals';
import { type RunAdapter, type RunRecordType, runAdapter } from './run-adapters';
import { findPublishedPlaybook, findRun, type RunState } from './sop-run.repository';

// One run service for every record type that runs through a playbook (lead, deal, order,
// ticket): the run starts under the published version, checklist and forms are kept per run,
// and a stage move is gated, written with its stage event and restarts the stage's clocks.

export interface PublishedPlaybook {
  playbookId: string;
  versionId: string;
  number: number;
  playbook: Playbook;
}

/** The tenant's published playbook for a process; the shipped default is published on first use. */
export async function publishedPlaybook(
  trx: Kysely<DB>,
  tenantId: string,
  process: RunRecordType,
): Promise<PublishedPlaybook> {
  const found = await findPublishedPlaybook(trx, tenantId, process);
  if (found) {
    return {
      playbookId: found.playbookId,
      versionId: found.versionId,
      number: found.number,
      playbook: JSON.parse(found.definition) as Playbook,
    };
  }
  const playbook = loadDefaultPlaybooks().find((p) => p.process === process);
  if (!playbook) throw new AppError('INVALID_STATE', { params: { reason: `no ${process} playbook` } });
  const now = new Date().toISOString();
  const playbookId = newId('pb');
  const versionId = newId('pbv');
  // Two first uses at once: the second waits for the first and then finds its playbook.
  const inserted = await trx
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
    .onConflict((oc) => oc.columns(['tenantId', 'key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const again = await findPublishedPlaybook(trx, tenantId, process);
    if (!again)
      throw new AppError('INVALID_STATE', { params: { reason: `no published ${process} playbook` } });
    return {
      playbookId: again.playbookId,
      versionId: again.versionId,
      number: again.number,
      playbook: JSON.parse(again.definition) as Playbook,
    };
  }
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

export async function loadPlaybookVersion(trx: Kysely<DB>, versionId: string): Promise<Playbook> {
  const v = await trx
    .selectFrom('playbookVersions')
    .select('definition')
    .where('id', '=', versionId)
    .executeTakeFirstOrThrow();
  return JSON.parse(v.definition) as Playbook;
}

interface RunRef {
  id: string;
  tenantId: string;
  recordType: string;
  recordId: string;
  ownerId: string | null;
  playbookVersionId: string;
}

/**
 * A record enters a stage: the stage event (who, when, from, to, version), the run's new place,
 * the old stage's clocks stopped and the new stage's started. The one place stage events are
 * written, for every record type.
 */
export async function enterStage(
  trx: Kysely<DB>,
  run: RunRef,
  move: {
    from: string | null;
    to: Stage;
    at: string;
    actorId: string | null;
    reason?: string | null;
    stopAs?: 'met' | 'cancelled';
  },
): Promise<void> {
  await trx
    .insertInto('stageEvents')
    .values({
      id: newId('sev'),
      tenantId: run.tenantId,
      recordType: run.recordType,
      recordId: run.recordId,
      playbookVersionId: run.playbookVersionId,
      fromStage: move.from,
      toStage: move.to.key,
      actorId: move.actorId,
      ownerId: run.ownerId,
      reason: move.reason ?? null,
      at: move.at,
    })
    .execute();
  await trx
    .updateTable('sopRuns')
    .set((eb) => ({
      stageKey: move.to.key,
      stageEnteredAt: move.at,
      playbookVersionId: run.playbookVersionId,
      ownerId: run.ownerId,
      status: move.to.terminal ? 'closed' : 'open',
      updatedAt: move.at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', run.id)
    .execute();
  if (move.from) await stopStageClocks(trx, run.id, move.from, move.at, move.stopAs);
  await startStageClocks(trx, run, move.to, move.at);
  await runStageAutomations(trx, run, move.to.key, move.at);
}

/**
 * Starts a record's run under the published playbook at `stageKey` (default: the first stage),
 * with the stage's clocks counted from `at`. Any record type with a playbook may start one —
 * orders and tickets included. Returns the existing run when there is one.
 */
export async function startRun(
  trx: Kysely<DB>,
  input: {
    tenantId: string;
    recordType: RunRecordType;
    recordId: string;
    ownerId: string | null;
    at: string;
    stageKey?: string;
    /** Write an entry stage event (a record created directly in a later stage). */
    event?: { actorId: string | null; reason?: string | null };
    forms?: RunState['forms'];
    checklist?: RunState['checklist'];
  },
) {
  const existing = await findRun(trx, input.tenantId, input.recordType, input.recordId);
  if (existing) return existing;
  const pb = await publishedPlaybook(trx, input.tenantId, input.recordType);
  const stage = pb.playbook.stages.find((s) => s.key === (input.stageKey ?? pb.playbook.stages[0]!.key));
  if (!stage) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'stage',
      issues: [{ field: 'stage', code: 'invalid_value' }],
    });
  }
  const now = new Date().toISOString();
  const row = {
    id: newId('run'),
    tenantId: input.tenantId,
    recordType: input.recordType,
    recordId: input.recordId,
    playbookId: pb.playbookId,
    playbookVersionId: pb.versionId,
    stageKey: stage.key,
    stageEnteredAt: input.at,
    checklist: JSON.stringify(input.checklist ?? {}),
    forms: JSON.stringify(input.forms ?? {}),
    ownerId: input.ownerId,
    status: stage.terminal ? 'closed' : 'open',
    createdAt: now,
    updatedAt: now,
  };
  await trx.insertInto('sopRuns').values(row).execute();
  if (input.event) {
    await enterStage(trx, row, {
      from: null,
      to: stage,
      at: input.at,
      actorId: input.event.actorId,
      reason: input.event.reason,
    });
  } else {
    await startStageClocks(trx, row, stage, input.at);
    await runStageAutomations(trx, row, stage.key, input.at);
  }
  return (await findRun(trx, input.tenantId, input.recordType, input.recordId))!;
}

/**
 * A record that ends outside its moves (an order cancelled): its run goes to the playbook's
 * closed (or lost) stage as a stage event, and the clocks of the stage it leaves are cancelled.
 * Called in the transaction that ended the record.
 */
export async function closeRun(
  trx: Kysely<DB>,
  input: {
    tenantId: string;
    recordType: RunRecordType;
    recordId: string;
    actorId: string | null;
    at: string;
    reason: string;
  },
): Promise<void> {
  const run = await findRun(trx, input.tenantId, input.recordType, input.recordId);
  if (run?.status !== 'open') return;
  const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
  const target = playbook.stages.find((s) => s.terminal === 'closed' || s.terminal === 'lost');
  if (target) {
    await enterStage(trx, run, {
      from: run.stageKey,
      to: target,
      at: input.at,
      actorId: input.actorId,
      reason: input.reason,
      stopAs: 'cancelled',
    });
    return;
  }
  await stopStageClocks(trx, run.id, run.stageKey, input.at, 'cancelled');
  await trx
    .updateTable('sopRuns')
    .set((eb) => ({ status: 'closed', updatedAt: input.at, version: eb('version', '+', 1) }))
    .where('id', '=', run.id)
    .execute();
}

function adapterOrThrow(recordType: string): RunAdapter {
  const adapter = runAdapter(recordType);
  if (!adapter) throw new AppError('ROUTE_NOT_FOUND');
  return adapter;
}

/** May the actor work this record's run (checklist, forms, moves)? */
function assertRunWritable(actor: Actor, adapter: RunAdapter, record: Record<string, unknown>) {
  if (adapter.assertWritable) return adapter.assertWritable(actor, record);
  assertWritable(
    actor,
    adapter.recordType,
    (record.ownerId as string | null) ?? null,
    adapter.definition?.scope,
  );
}

async function visibleOrThrow(trx: Kysely<DB>, actor: Actor, adapter: RunAdapter, id: string) {
  const record = await adapter.load(trx, actor, id);
  if (!record) throw new AppError('RECORD_NOT_FOUND', { params: { entity: adapter.recordType } });
  return record;
}

/** The record's run, started under the published version (at the record's own stage) on first use. */
async function ensureRun(trx: Kysely<DB>, adapter: RunAdapter, record: Record<string, unknown>) {
  const tenantId = String(record.tenantId);
  const existing = await findRun(trx, tenantId, adapter.recordType, String(record.id));
  if (existing) return existing;
  const pb = await publishedPlaybook(trx, tenantId, adapter.recordType);
  return startRun(trx, {
    tenantId,
    recordType: adapter.recordType,
    recordId: String(record.id),
    ownerId: (record.ownerId as string | null) ?? null,
    at: adapter.enteredAtOf(record),
    stageKey: adapter.stageOf(record, pb.playbook),
  });
}

function gateContext(
  adapter: RunAdapter,
  record: Record<string, unknown>,
  state: RunState,
  approvals: Record<string, string>,
  reason?: string | null,
): GateContext {
  return {
    record: adapter.gateRecord(record),
    approvals,
    forms: Object.fromEntries(Object.entries(state.forms).map(([k, v]) => [k, v.values])),
    checklist: Object.fromEntries(Object.entries(state.checklist).map(([k]) => [k, true])),
    reason: reason ?? null,
  };
}

/** The run a record would start now, unsaved. */
async function virtualRun(trx: Kysely<DB>, adapter: RunAdapter, record: Record<string, unknown>) {
  const pb = await publishedPlaybook(trx, String(record.tenantId), adapter.recordType);
  return {
    playbookVersionId: pb.versionId,
    stageKey: adapter.stageOf(record, pb.playbook),
    stageEnteredAt: adapter.enteredAtOf(record),
    state: { checklist: {}, forms: {} } as RunState,
  };
}

/** The SOP panel: stage, its checklist and forms with what is done, and each next move's gate. */
export async function getRunPanel(database: Database, actor: Actor, recordType: string, id: string) {
  const adapter = adapterOrThrow(recordType);
  return database.db.transaction().execute(async (trx) => {
    const record = await visibleOrThrow(trx, actor, adapter, id);
    // Looking at a record nobody owns yet (a pool lead) starts no run and no clocks: its run
    // starts when it reaches an owner.
    const run =
      record.ownerId || (await findRun(trx, actor.tenantId, recordType, id))
        ? await ensureRun(trx, adapter, record)
        : await virtualRun(trx, adapter, record);
    const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
    const stage = playbook.stages.find((s) => s.key === run.stageKey);
    const approvals = await gateApprovals(trx, actor.tenantId, recordType, id);
    const ctx = gateContext(adapter, record, run.state, approvals);
    const next = (stage?.allowedNext ?? []).map((to) => {
      const r = checkMove(playbook, run.stageKey, to, { ...ctx, reason: '__any__' });
      const violations = r.ok ? [] : r.violations.filter((v) => v.kind !== 'reason');
      return { stage: to, ready: violations.length === 0, violations };
    });
    // The stage's clocks as the sweep sees them: due times in business time, exact.
    const clocks =
      'id' in run
        ? await trx
            .selectFrom('sopClocks')
            .select(['id', 'stageKey', 'limitKey', 'status', 'startedAt', 'warnAt', 'dueAt', 'stoppedAt'])
            .where('runId', '=', String(run.id))
            .where('stageKey', '=', run.stageKey)
            .orderBy('dueAt', 'desc')
            .execute()
        : [];
    return {
      playbookVersionId: run.playbookVersionId,
      stage,
      stageEnteredAt: run.stageEnteredAt,
      state: run.state,
      clocks,
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

export async function setRunChecklistAction(
  database: Database,
  actor: Actor,
  recordType: string,
  id: string,
  actionKey: string,
  done: boolean,
) {
  const adapter = adapterOrThrow(recordType);
  return database.db.transaction().execute(async (trx) => {
    const record = await visibleOrThrow(trx, actor, adapter, id);
    assertRunWritable(actor, adapter, record);
    const run = await ensureRun(trx, adapter, record);
    const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
    const stage = playbook.stages.find((s) => s.key === run.stageKey);
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

export async function submitRunForm(
  database: Database,
  actor: Actor,
  recordType: string,
  id: string,
  formKey: string,
  values: Record<string, unknown>,
) {
  const adapter = adapterOrThrow(recordType);
  return database.db.transaction().execute(async (trx) => {
    const record = await visibleOrThrow(trx, actor, adapter, id);
    assertRunWritable(actor, adapter, record);
    const run = await ensureRun(trx, adapter, record);
    const playbook = await loadPlaybookVersion(trx, run.playbookVersionId);
    const form = playbook.stages.flatMap((s) => s.forms).find((f) => f.key === formKey);
    if (!form)
      throw new AppError('VALIDATION_FAILED', {
        field: 'formKey',
        issues: [{ field: 'formKey', code: 'invalid_value' }],
      });
    // Each field by its type: options, dates, phones, e-mails, min/max (422 with the path).
    const issues = formValueIssues(form, values);
    if (issues.length) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });
    const state = run.state;
    state.forms[formKey] = { values, submittedAt: new Date().toISOString(), submittedBy: actor.userId };
    await updateRunState(trx, run.id, state);
    return state;
  });
}

/** A gated stage move: refused with every unmet item, or done with its stage event, in one transaction. */
export async function moveRecord(
  database: Database,
  actor: Actor,
  recordType: string,
  id: string,
  expectedVersion: number | undefined,
  input: { toStage: string; reason?: string | null },
) {
  const adapter = adapterOrThrow(recordType);
  const { record, run, playbook, approvals } = await database.db.transaction().execute(async (trx) => {
    const record = await visibleOrThrow(trx, actor, adapter, id);
    const run = await ensureRun(trx, adapter, record);
    return {
      record,
      run,
      playbook: await loadPlaybookVersion(trx, run.playbookVersionId),
      approvals: await gateApprovals(trx, actor.tenantId, recordType, id),
    };
  });
  assertRunWritable(actor, adapter, record);
  const closed = adapter.closed?.(record);
  if (closed) throw new AppError('INVALID_STATE', { field: 'toStage', params: { reason: closed } });
  const verdict = checkMove(
    playbook,
    run.stageKey,
    input.toStage,
    gateContext(adapter, record, run.state, approvals, input.reason),
  );
  if (!verdict.ok) {
    throw new AppError('STAGE_GATE_UNMET', {
      field: 'toStage',
      details: { from: run.stageKey, to: input.toStage, violations: verdict.violations },
    });
  }
  const target = playbook.stages.find((s) => s.key === input.toStage)!;
  const reasonLabel = target.requiredReasons?.find((r) => r.value === input.reason)?.label['zh-CN'] ?? null;
  const afterWrite = async (trx: Kysely<DB>, _before: unknown, after: Record<string, unknown>) => {
    // The run as it is now, in this transaction: a concurrent move of the same record
    // failed its version check on the record already.
    const current = (await findRun(trx, actor.tenantId, recordType, id))!;
    await enterStage(
      trx,
      {
        id: current.id,
        tenantId: actor.tenantId,
        recordType,
        recordId: id,
        ownerId: (after.ownerId as string | null) ?? null,
        playbookVersionId: current.playbookVersionId,
      },
      {
        from: current.stageKey,
        to: target,
        at: String(after.updatedAt),
        actorId: actor.userId,
        reason: input.reason ?? null,
      },
    );
  };
  if (adapter.writeMove)
    return adapter.writeMove(
      database,
      actor,
      id,
      expectedVersion,
      { from: run.stageKey, target, reasonLabel },
      afterWrite,
    );
  return updateRecord(
    database,
    adapter.definition!,
    actor,
    id,
    expectedVersion,
    adapter.stageColumns(target, playbook, reasonLabel),
    { afterWrite },
  );
}

const IMPORTING_ROLES = new Set(['admin', 'sales_ops']);

/**
 * A record created with its stage already set: the first stage for everybody; a later one only
 * for admin and sales ops (imports), with an entry stage event. The run starts in the creating
 * transaction. A deal made from a lead takes over the lead's submitted forms of the same key
 * (客户初步沟通记录表 is filled once).
 */
export async function startRunOnCreate(
  trx: Kysely<DB>,
  actor: Actor,
  recordType: RunRecordType,
  row: Record<string, unknown>,
  now: string,
): Promise<void> {
  const adapter = adapterOrThrow(recordType);
  const pb = await publishedPlaybook(trx, actor.tenantId, recordType);
  const stageKey = adapter.stageOf(row, pb.playbook);
  const first = pb.playbook.stages[0]!.key;
  const late = stageKey !== first;
  if (late && !IMPORTING_ROLES.has(actor.role)) {
    throw new AppError('LATE_STAGE_CREATE_FORBIDDEN', { field: 'stage', params: { stage: stageKey } });
  }
  // What was done on the lead is not done again on its deal: the deliverables this playbook also
  // asks for (客户初步沟通记录表) and the starting stage's actions already ticked (首次触达).
  let forms: RunState['forms'] | undefined;
  let checklist: RunState['checklist'] | undefined;
  if (row.leadId) {
    const leadRun = await findRun(trx, actor.tenantId, 'lead', String(row.leadId));
    const known = new Set(pb.playbook.stages.flatMap((s) => s.forms.map((f) => f.key)));
    const actions = new Set(
      pb.playbook.stages.find((s) => s.key === stageKey)?.checklist.map((a) => a.key) ?? [],
    );
    if (leadRun) {
      forms = Object.fromEntries(Object.entries(leadRun.state.forms).filter(([k]) => known.has(k)));
      checklist = Object.fromEntries(Object.entries(leadRun.state.checklist).filter(([k]) => actions.has(k)));
    }
  }
  await startRun(trx, {
    tenantId: actor.tenantId,
    recordType,
    recordId: String(row.id),
    ownerId: (row.ownerId as string | null) ?? null,
    at: now,
    stageKey,
    event: late ? { actorId: actor.userId, reason: 'created_in_stage' } : undefined,
    forms,
    checklist,
  });
}

/**
 * Publishing with `move`: an open run goes to the new version at its mapped stage. When the
 * stage changes, the record's own column follows (deal.stage, lead.status — versioned and
 * audited), the move is a stage event under the new version, the old stage's clocks are
 * cancelled and the new stage's start now.
 */
export async function moveRunOnPublish(
  trx: Kysely<DB>,
  actor: Actor,
  run: { id: string; recordType: string; recordId: string; stageKey: string; ownerId: string | null },
  version: { id: string; playbook: Playbook },
  toStage: string,
  now: string,
): Promise<void> {
  const target = version.playbook.stages.find((s) => s.key === toStage)!;
  const ref: RunRef = {
    id: run.id,
    tenantId: actor.tenantId,
    recordType: run.recordType,
    recordId: run.recordId,
    ownerId: run.ownerId,
    playbookVersionId: version.id,
  };
  if (toStage === run.stageKey) {
    await trx
      .updateTable('sopRuns')
      .set((eb) => ({ playbookVersionId: version.id, updatedAt: now, version: eb('version', '+', 1) }))
      .where('id', '=', run.id)
      .execute();
    return;
  }
  const adapter = runAdapter(run.recordType);
  // A record type without a stage column of its own (orders) keeps its row as it is.
  if (adapter?.definition) {
    const definition = adapter.definition;
    const existing = (await findInTenantById(trx, adapter.table, actor.tenantId, run.recordId)) as
      | Row
      | undefined;
    if (existing) {
      const columns = adapter.stageColumns(target, version.playbook, null);
      const merged = { ...existing, ...columns };
      const patch = {
        ...columns,
        ...definition.derive(merged, { actor, now, trx, existing }),
        updatedAt: now,
      };
      await updateIfVersion(trx, adapter.table, actor.tenantId, existing.id, existing.version, patch);
      const after = { ...existing, ...patch, version: existing.version + 1 };
      const diff = diffRows(existing, after, AUDIT_IGNORED) ?? { before: {}, after: {} };
      await appendAuditEvent(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: adapter.recordType,
        entityId: existing.id,
        action: 'update',
        changes: { ...diff, note: `playbook ${version.id} published: ${run.stageKey} → ${toStage}` },
        at: now,
      });
      ref.ownerId = (existing.ownerId as string | null) ?? null;
    }
  }
  await enterStage(trx, ref, {
    from: run.stageKey,
    to: target,
    at: now,
    actorId: actor.userId,
    reason: 'playbook_published',
    stopAs: 'cancelled',
  });
}
