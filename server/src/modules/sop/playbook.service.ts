import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import { loadDefaultPlaybooks } from '../../domain/sop/default-playbooks';
import type { Playbook } from '../../domain/sop/playbook';
import { playbookFromYaml, playbookToYaml, validatePlaybook } from '../../domain/sop/validate';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { moveRunOnPublish, publishedPlaybook } from './run.service';

function assertDesigner(actor: Actor) {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
}

export async function listPlaybooks(database: Database, actor: Actor) {
  // Every tenant has the default playbook of each process (lead, deal, order, ticket).
  await database.db.transaction().execute(async (trx) => {
    for (const p of loadDefaultPlaybooks()) await publishedPlaybook(trx, actor.tenantId, p.process);
  });
  const playbooks = await database.db
    .selectFrom('playbooks')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .orderBy('key')
    .execute();
  const versions = await database.db
    .selectFrom('playbookVersions')
    .select(['id', 'playbookId', 'number', 'status', 'notes', 'createdAt', 'publishedAt'])
    .where('tenantId', '=', actor.tenantId)
    .orderBy('number', 'desc')
    .execute();
  // The name in both languages, as the published version (else the newest) gives it.
  const shown = await database.db
    .selectFrom('playbookVersions')
    .select(['id', 'definition'])
    .where(
      'id',
      'in',
      playbooks.map((p) => p.publishedVersionId ?? versions.find((v) => v.playbookId === p.id)?.id ?? '-'),
    )
    .execute();
  const titleOf = (p: (typeof playbooks)[number]) => {
    const id = p.publishedVersionId ?? versions.find((v) => v.playbookId === p.id)?.id;
    const def = shown.find((v) => v.id === id)?.definition;
    const name = def ? (JSON.parse(def) as Playbook).name : undefined;
    return name ?? { 'zh-CN': p.name, 'en-US': p.name };
  };
  return {
    items: playbooks.map((p) => ({
      ...p,
      title: titleOf(p),
      versions: versions.filter((v) => v.playbookId === p.id),
    })),
  };
}

async function versionOrThrow(database: Database, actor: Actor, id: string) {
  const v = await database.db
    .selectFrom('playbookVersions')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!v) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
  return v;
}

export async function getPlaybookVersion(database: Database, actor: Actor, id: string) {
  const v = await versionOrThrow(database, actor, id);
  const definition = JSON.parse(v.definition) as Playbook;
  return { ...v, definition, yaml: playbookToYaml(definition) };
}

/** A new draft from YAML or JSON; refused whole, naming every problem, when invalid. */
export async function createDraft(
  database: Database,
  actor: Actor,
  playbookId: string,
  input: { yaml?: string; definition?: unknown; notes?: string },
) {
  assertDesigner(actor);
  const result = input.yaml !== undefined ? playbookFromYaml(input.yaml) : validatePlaybook(input.definition);
  if (!result.ok) {
    throw new AppError('PLAYBOOK_INVALID', {
      field: input.yaml !== undefined ? 'yaml' : 'definition',
      params: { count: result.problems.length },
      details: { problems: result.problems },
    });
  }
  return database.db.transaction().execute(async (trx) => {
    const pb = await trx
      .selectFrom('playbooks')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', playbookId)
      .executeTakeFirst();
    if (!pb) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
    if (result.playbook.process !== pb.process) {
      throw new AppError('PLAYBOOK_INVALID', {
        field: 'process',
        params: { count: 1 },
        details: { problems: [{ path: 'process', code: 'invalid_value', message: `must be ${pb.process}` }] },
      });
    }
    const last = await trx
      .selectFrom('playbookVersions')
      .select((eb) => eb.fn.max('number').as('n'))
      .where('playbookId', '=', playbookId)
      .executeTakeFirst();
    const now = new Date().toISOString();
    const row = {
      id: newId('pbv'),
      tenantId: actor.tenantId,
      playbookId,
      number: Number(last?.n ?? 0) + 1,
      status: 'draft',
      definition: JSON.stringify(result.playbook),
      notes: input.notes ?? null,
      createdBy: actor.userId,
      createdAt: now,
      publishedBy: null,
      publishedAt: null,
    };
    await trx.insertInto('playbookVersions').values(row).execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'playbook',
      entityId: playbookId,
      action: 'create',
      changes: { after: { version: row.number, status: 'draft' } },
      at: now,
    });
    return { id: row.id, number: row.number, status: row.status };
  });
}

/**
 * Publishes a draft. Open records either stay on the version they started under, or move to
 * the new one, with a mapping for stages the new version no longer has.
 */
export async function publishVersion(
  database: Database,
  actor: Actor,
  versionId: string,
  input: { openRecords: 'stay' | 'move'; stageMapping?: Record<string, string> },
) {
  assertDesigner(actor);
  const version = await versionOrThrow(database, actor, versionId);
  if (version.status !== 'draft')
    throw new AppError('INVALID_STATE', { params: { reason: `version is ${version.status}` } });
  const definition = JSON.parse(version.definition) as Playbook;
  const stageKeys = new Set(definition.stages.map((s) => s.key));
  const mapping = input.stageMapping ?? {};
  for (const [from, to] of Object.entries(mapping)) {
    if (!stageKeys.has(to)) {
      throw new AppError('VALIDATION_FAILED', {
        field: `stageMapping.${from}`,
        issues: [{ field: `stageMapping.${from}`, code: 'invalid_value' }],
      });
    }
  }
  return database.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    await trx
      .updateTable('playbookVersions')
      .set({ status: 'retired' })
      .where('playbookId', '=', version.playbookId)
      .where('status', '=', 'published')
      .execute();
    await trx
      .updateTable('playbookVersions')
      .set({ status: 'published', publishedAt: now, publishedBy: actor.userId })
      .where('id', '=', versionId)
      .execute();
    await trx
      .updateTable('playbooks')
      .set({ publishedVersionId: versionId, updatedAt: now })
      .where('id', '=', version.playbookId)
      .execute();
    let moved = 0;
    if (input.openRecords === 'move') {
      const runs = await trx
        .selectFrom('sopRuns')
        .select(['id', 'stageKey', 'recordId', 'recordType', 'ownerId'])
        .where('playbookId', '=', version.playbookId)
        .where('status', '=', 'open')
        .execute();
      // Every open record's stage must exist in the new version, directly or through the mapping.
      const unmapped = [
        ...new Set(runs.map((r) => r.stageKey).filter((k) => !stageKeys.has(mapping[k] ?? k))),
      ];
      if (unmapped.length) {
        throw new AppError('VALIDATION_FAILED', {
          field: 'stageMapping',
          issues: unmapped.map((k) => ({ field: `stageMapping.${k}`, code: 'required' })),
        });
      }
      for (const run of runs) {
        const to = mapping[run.stageKey] ?? run.stageKey;
        await moveRunOnPublish(trx, actor, run, { id: versionId, playbook: definition }, to, now);
        moved++;
      }
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'playbook',
      entityId: version.playbookId,
      action: 'update',
      changes: { after: { publishedVersion: version.number, openRecords: input.openRecords, moved } },
      at: now,
    });
    return { id: versionId, number: version.number, status: 'published', movedRecords: moved };
  });
}
