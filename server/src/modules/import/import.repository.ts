import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB, ImportJobTable, ImportRowTable } from '../../db/schema';

// Kysely queries of the import module: jobs, rows, saved mappings and the lookups rows need.

export type ImportJobRow = ImportJobTable;
export type ImportRowRow = ImportRowTable;

const CHUNK = 200;

export async function insertJob(db: Kysely<DB>, job: ImportJobTable): Promise<void> {
  await db.insertInto('importJobs').values(job).execute();
}

export async function insertRows(db: Kysely<DB>, rows: ImportRowTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('importRows')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export async function findJob(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
): Promise<ImportJobRow | undefined> {
  return db
    .selectFrom('importJobs')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listJobs(
  db: Kysely<DB>,
  tenantId: string,
  createdBy?: string,
): Promise<ImportJobRow[]> {
  let q = db.selectFrom('importJobs').selectAll().where('tenantId', '=', tenantId);
  if (createdBy) q = q.where('createdBy', '=', createdBy);
  return q.orderBy('createdAt', 'desc').limit(100).execute();
}

export async function updateJob(
  db: Kysely<DB>,
  id: string,
  patch: Partial<Omit<ImportJobTable, 'id' | 'tenantId'>>,
): Promise<void> {
  await db.updateTable('importJobs').set(patch).where('id', '=', id).execute();
}

/** Moves a job from one status to another; false when another request moved it first. */
export async function transitionJob(
  db: Kysely<DB>,
  id: string,
  from: string,
  to: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('importJobs')
    .set({ status: to, updatedAt: at })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function findRows(
  db: Kysely<DB>,
  jobId: string,
  opts: { status?: string[]; limit?: number; afterRowNo?: number } = {},
): Promise<ImportRowRow[]> {
  let q = db.selectFrom('importRows').selectAll().where('jobId', '=', jobId);
  if (opts.status) q = q.where('status', 'in', opts.status);
  if (opts.afterRowNo !== undefined) q = q.where('rowNo', '>', opts.afterRowNo);
  q = q.orderBy('rowNo', 'asc');
  if (opts.limit) q = q.limit(opts.limit);
  return q.execute();
}

export async function updateRow(
  db: Kysely<DB>,
  id: string,
  patch: Partial<Pick<ImportRowTable, 'status' | 'errors' | 'recordId' | 'recordVersion'>>,
): Promise<void> {
  await db.updateTable('importRows').set(patch).where('id', '=', id).execute();
}

export async function countRowsByStatus(db: Kysely<DB>, jobId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('importRows')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('jobId', '=', jobId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Fingerprints of rows already imported (and not undone) for this entity in the tenant. */
export async function findImportedFingerprints(
  db: Kysely<DB>,
  tenantId: string,
  entity: string,
  fingerprints: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < fingerprints.length; i += CHUNK) {
    const rows = await db
      .selectFrom('importRows')
      .select('fingerprint')
      .where('tenantId', '=', tenantId)
      .where('entity', '=', entity)
      .where('status', '=', 'imported')
      .where('fingerprint', 'in', fingerprints.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.add(r.fingerprint);
  }
  return out;
}

export async function findRecordVersions(
  db: Kysely<DB>,
  table: string,
  tenantId: string,
  ids: string[],
): Promise<Map<string, { version: number; deletedAt: string | null }>> {
  const out = new Map<string, { version: number; deletedAt: string | null }>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = (await (db as Kysely<any>)
      .selectFrom(table)
      .select(['id', 'version', 'deletedAt'])
      .where('tenantId', '=', tenantId)
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute()) as Array<{ id: string; version: number; deletedAt: string | null }>;
    for (const r of rows) out.set(r.id, { version: r.version, deletedAt: r.deletedAt });
  }
  return out;
}

/** Accounts the actor can see, by normalised name (for 客户名称 columns of contacts and deals). */
export async function findVisibleAccountNames(db: Kysely<DB>, actor: Actor): Promise<Map<string, string>> {
  const q = scopeQuery(
    db.selectFrom('accounts').select(['accounts.id', 'accounts.nameNorm']),
    actor,
    'accounts',
    {
      poolReadable: true,
    },
  ).where('accounts.deletedAt', 'is', null);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.nameNorm, r.id]));
}

/** Signed contracts the importer can see, by number (upper case) and by the customer's normalised name. */
export async function findVisibleSignedContracts(
  db: Kysely<DB>,
  actor: Actor,
): Promise<{ byNumber: Map<string, string>; byAccount: Map<string, string[]> }> {
  const rows = await scopeQuery(
    db
      .selectFrom('contracts')
      .innerJoin('accounts', 'accounts.id', 'contracts.accountId')
      .select(['contracts.id', 'contracts.number', 'accounts.nameNorm']),
    actor,
    'contracts',
  )
    .where('contracts.deletedAt', 'is', null)
    .where('contracts.signedVersion', 'is not', null)
    .orderBy('contracts.id')
    .execute();
  const byNumber = new Map<string, string>();
  const byAccount = new Map<string, string[]>();
  for (const r of rows) {
    byNumber.set(r.number.toUpperCase(), r.id);
    byAccount.set(r.nameNorm, [...(byAccount.get(r.nameNorm) ?? []), r.id]);
  }
  return { byNumber, byAccount };
}

export async function findActiveUserKeys(db: Kysely<DB>, tenantId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'active')
    .execute();
  const out = new Map<string, string>();
  for (const u of rows) {
    out.set(u.email.toLowerCase(), u.id);
    if (!out.has(u.name.toLowerCase())) out.set(u.name.toLowerCase(), u.id);
  }
  return out;
}

export async function findMappings(db: Kysely<DB>, tenantId: string, entity?: string) {
  let q = db.selectFrom('importMappings').selectAll().where('tenantId', '=', tenantId);
  if (entity) q = q.where('entity', '=', entity);
  return q.orderBy('name').execute();
}

export async function findMapping(db: Kysely<DB>, tenantId: string, idOrName: string, entity?: string) {
  let q = db
    .selectFrom('importMappings')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]));
  if (entity) q = q.where('entity', '=', entity);
  return q.executeTakeFirst();
}

export async function upsertMapping(
  db: Kysely<DB>,
  m: {
    id: string;
    tenantId: string;
    entity: string;
    name: string;
    mapping: string;
    createdBy: string;
    at: string;
  },
) {
  const existing = await findMapping(db, m.tenantId, m.name, m.entity);
  if (existing) {
    await db
      .updateTable('importMappings')
      .set({ mapping: m.mapping, updatedAt: m.at })
      .where('id', '=', existing.id)
      .execute();
    return { ...existing, mapping: m.mapping, updatedAt: m.at };
  }
  const row = {
    id: m.id,
    tenantId: m.tenantId,
    entity: m.entity,
    name: m.name,
    mapping: m.mapping,
    createdBy: m.createdBy,
    createdAt: m.at,
    updatedAt: m.at,
  };
  await db.insertInto('importMappings').values(row).execute();
  return row;
}
