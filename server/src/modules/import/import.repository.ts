import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB, ImportJobTable, ImportRowTable } from '../../db/schema';
import type { CustomerKeys, DuplicateMatch } from '../duplicates/duplicate.repository';

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

export interface JobListFilter {
  createdBy?: string;
  entity?: string;
  status?: string;
  /** Part of the file name (case-insensitive). */
  q?: string;
  sort: { column: 'createdAt' | 'fileName' | 'totalRows' | 'status' | 'entity'; desc: boolean };
  limit: number;
  offset: number;
}

/** A page of a tenant's import jobs (filtered, sorted, newest first on ties) and how many match. */
export async function listJobs(
  db: Kysely<DB>,
  tenantId: string,
  f: JobListFilter,
): Promise<{ items: ImportJobRow[]; total: number }> {
  let q = db.selectFrom('importJobs').where('tenantId', '=', tenantId);
  if (f.createdBy) q = q.where('createdBy', '=', f.createdBy);
  if (f.entity) q = q.where('entity', '=', f.entity);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`lower(file_name) like ${like} escape '\\'`);
  }
  const counted = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const items = await q
    .selectAll()
    .orderBy(f.sort.column, f.sort.desc ? 'desc' : 'asc')
    .orderBy('createdAt', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return { items, total: Number(counted?.n ?? 0) };
}

/** Drops a job and its rows (a file refused half-way while being read). */
export async function deleteJob(db: Kysely<DB>, jobId: string): Promise<void> {
  await deleteRows(db, jobId);
  await db.deleteFrom('importJobs').where('id', '=', jobId).execute();
}

export async function deleteRows(db: Kysely<DB>, jobId: string): Promise<void> {
  await db.deleteFrom('importRows').where('jobId', '=', jobId).execute();
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

/** Whose a job is while it is validated or committed: a worker's token and the status it works in. */
export interface JobLease {
  workerId: string;
  status: string;
}

/**
 * Updates a job only while the lease is still the worker's (same token, same status), renewing its
 * heartbeat; false when recovery took the job over meanwhile. On PostgreSQL the update locks the
 * job's row until the transaction ends, so a takeover and a worker's batch never interleave.
 */
export async function updateLeasedJob(
  db: Kysely<DB>,
  id: string,
  lease: JobLease,
  patch: Partial<Omit<ImportJobTable, 'id' | 'tenantId' | 'workerId'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('importJobs')
    .set({ heartbeatAt: new Date().toISOString(), ...patch })
    .where('id', '=', id)
    .where('workerId', '=', lease.workerId)
    .where('status', '=', lease.status)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Moves a job from one of `from` to `to` under a new worker's lease; false when it was in none of them. */
export async function claimJob(
  db: Kysely<DB>,
  id: string,
  from: string[],
  lease: JobLease,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('importJobs')
    .set({ status: lease.status, workerId: lease.workerId, heartbeatAt: at, updatedAt: at })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Unfinished jobs (`validating`, `running`) whose worker has not been heard of since `cutoff`, all tenants. */
export async function findStaleJobs(db: Kysely<DB>, cutoff: string, limit = 100): Promise<ImportJobRow[]> {
  return db
    .selectFrom('importJobs')
    .selectAll()
    .where('status', 'in', ['validating', 'running'])
    .where(staleSince(cutoff))
    .orderBy('heartbeatAt')
    .limit(limit)
    .execute();
}

/**
 * Takes over a job whose worker is gone: applies `patch` only if it is still in `status` and its
 * heartbeat still older than `cutoff` (a worker that came back to life meanwhile keeps it).
 */
export async function takeOverStaleJob(
  db: Kysely<DB>,
  id: string,
  status: string,
  cutoff: string,
  patch: Partial<Omit<ImportJobTable, 'id' | 'tenantId'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('importJobs')
    .set({ ...patch, workerId: null })
    .where('id', '=', id)
    .where('status', '=', status)
    .where(staleSince(cutoff))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** No heartbeat since `cutoff` (jobs from before heartbeats existed: no update since). */
function staleSince(cutoff: string) {
  return (eb: ExpressionBuilder<DB, 'importJobs'>) =>
    eb.or([
      eb('heartbeatAt', '<', cutoff),
      eb.and([eb('heartbeatAt', 'is', null), eb('updatedAt', '<', cutoff)]),
    ]);
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

/** Sets one column of many rows, each to its own value, one statement per chunk (CASE id …). */
async function setEach(
  db: Kysely<DB>,
  column: 'record_id' | 'record_version',
  values: Array<{ id: string; value: string | number }>,
  also: Partial<Pick<ImportRowTable, 'status'>> = {},
): Promise<void> {
  for (let i = 0; i < values.length; i += CHUNK) {
    const part = values.slice(i, i + CHUNK);
    const cases = sql.join(
      part.map((v) => sql`when ${v.id} then ${v.value}`),
      sql` `,
    );
    await db
      .updateTable('importRows')
      .set({
        ...also,
        // PostgreSQL types the values of a CASE as text: versions are cast back to integers.
        ...(column === 'record_id'
          ? { recordId: sql<string>`case id ${cases} end` }
          : { recordVersion: sql<number>`cast(case id ${cases} end as integer)` }),
      })
      .where(
        'id',
        'in',
        part.map((v) => v.id),
      )
      .execute();
  }
}

/** Rows imported as these records (one statement per chunk of rows). */
export async function markRowsImported(db: Kysely<DB>, rows: Array<{ rowId: string; recordId: string }>) {
  await setEach(
    db,
    'record_id',
    rows.map((r) => ({ id: r.rowId, value: r.recordId })),
    { status: 'imported' },
  );
}

/** The version each imported record had right after its import (one statement per chunk). */
export async function setRowVersions(db: Kysely<DB>, rows: Array<{ rowId: string; version: number }>) {
  await setEach(
    db,
    'record_version',
    rows.map((r) => ({ id: r.rowId, value: r.version })),
  );
}

export async function markRowsSkipped(db: Kysely<DB>, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    await db
      .updateTable('importRows')
      .set({ status: 'skipped' })
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
  }
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

/** Which of the fingerprints rows of this job already have. */
export async function findJobFingerprints(
  db: Kysely<DB>,
  tenantId: string,
  entity: string,
  jobId: string,
  fingerprints: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  const distinct = [...new Set(fingerprints)];
  for (let i = 0; i < distinct.length; i += CHUNK) {
    const rows = await db
      .selectFrom('importRows')
      .select('fingerprint')
      .where('tenantId', '=', tenantId)
      .where('entity', '=', entity)
      .where('fingerprint', 'in', distinct.slice(i, i + CHUNK))
      .where('jobId', '=', jobId)
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

/**
 * The first duplicate customer of each set of keys, as `findDuplicateCustomers` finds it for one
 * (accounts by name or credit code, then open leads by company, credit code or mobile, then
 * contacts by mobile), with one query per table for all of them.
 */
export async function findDuplicateCustomersMany(
  db: Kysely<DB>,
  tenantId: string,
  keys: CustomerKeys[],
): Promise<Array<DuplicateMatch | undefined>> {
  const values = (k: keyof CustomerKeys) => [...new Set(keys.flatMap((x) => (x[k] ? [x[k]!] : [])))];
  const norms = values('nameNorm');
  const codes = values('creditCode');
  const mobiles = values('mobile');
  const chunks = (list: string[]) => {
    const out: string[][] = [];
    for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
    return out;
  };
  type Hit = DuplicateMatch & {
    order: number;
    nameNorm?: string | null;
    creditCode?: string | null;
    mobile?: string | null;
  };
  const firstBy = (map: Map<string, Hit>, key: string | null | undefined, hit: Hit) => {
    if (!key) return;
    const had = map.get(key);
    if (!had || had.order > hit.order) map.set(key, hit);
  };
  const accNorm = new Map<string, Hit>();
  const accCode = new Map<string, Hit>();
  let order = 0;
  const accountQuery = (column: 'accounts.nameNorm' | 'accounts.creditCode', list: string[]) =>
    db
      .selectFrom('accounts')
      .leftJoin('users', 'users.id', 'accounts.ownerId')
      .select([
        'accounts.id',
        'accounts.name',
        'accounts.nameNorm',
        'accounts.creditCode',
        'accounts.ownerId',
        'users.name as ownerName',
      ])
      .where('accounts.tenantId', '=', tenantId)
      .where('accounts.deletedAt', 'is', null)
      .where(column, 'in', list)
      .orderBy('accounts.createdAt')
      .orderBy('accounts.id')
      .execute();
  for (const [column, list] of [
    ['accounts.nameNorm', norms],
    ['accounts.creditCode', codes],
  ] as const) {
    for (const part of chunks(list)) {
      for (const a of await accountQuery(column, part)) {
        const hit: Hit = {
          entity: 'account',
          id: a.id,
          name: a.name,
          matchedOn: 'name',
          ownerId: a.ownerId,
          ownerName: a.ownerName,
          order: order++,
          nameNorm: a.nameNorm,
          creditCode: a.creditCode,
        };
        firstBy(accNorm, a.nameNorm, hit);
        firstBy(accCode, a.creditCode, hit);
      }
    }
  }
  const leadNorm = new Map<string, Hit>();
  const leadCode = new Map<string, Hit>();
  const leadMobile = new Map<string, Hit>();
  for (const [column, list] of [
    ['leads.companyNorm', norms],
    ['leads.creditCode', codes],
    ['leads.mobile', mobiles],
  ] as const) {
    for (const part of chunks(list)) {
      const rows = await db
        .selectFrom('leads')
        .leftJoin('users', 'users.id', 'leads.ownerId')
        .select([
          'leads.id',
          'leads.name',
          'leads.companyName',
          'leads.companyNorm',
          'leads.mobile',
          'leads.creditCode',
          'leads.ownerId',
          'users.name as ownerName',
        ])
        .where('leads.tenantId', '=', tenantId)
        .where('leads.deletedAt', 'is', null)
        .where('leads.status', 'not in', ['converted', 'disqualified'])
        .where(column, 'in', part)
        .orderBy('leads.createdAt')
        .orderBy('leads.id')
        .execute();
      for (const l of rows) {
        const hit: Hit = {
          entity: 'lead',
          id: l.id,
          name: l.companyName ? `${l.companyName}（${l.name}）` : l.name,
          matchedOn: 'name',
          ownerId: l.ownerId,
          ownerName: l.ownerName,
          order: order++,
          nameNorm: l.companyNorm,
          creditCode: l.creditCode,
          mobile: l.mobile,
        };
        firstBy(leadNorm, l.companyNorm, hit);
        firstBy(leadCode, l.creditCode, hit);
        firstBy(leadMobile, l.mobile, hit);
      }
    }
  }
  const contactMobile = new Map<string, Hit>();
  for (const part of chunks(mobiles)) {
    const rows = await db
      .selectFrom('contacts')
      .innerJoin('accounts', 'accounts.id', 'contacts.accountId')
      .leftJoin('users', 'users.id', 'accounts.ownerId')
      .select([
        'contacts.id',
        'contacts.name',
        'contacts.mobile',
        'accounts.id as accountId',
        'accounts.name as accountName',
        'accounts.ownerId',
        'users.name as ownerName',
      ])
      .where('contacts.tenantId', '=', tenantId)
      .where('contacts.deletedAt', 'is', null)
      .where('contacts.mobile', 'in', part)
      .orderBy('contacts.createdAt')
      .orderBy('contacts.id')
      .execute();
    for (const c of rows) {
      firstBy(contactMobile, c.mobile, {
        entity: 'contact',
        id: c.id,
        name: `${c.accountName}（${c.name}）`,
        matchedOn: 'mobile',
        ownerId: c.ownerId,
        ownerName: c.ownerName,
        accountId: c.accountId,
        order: order++,
      });
    }
  }
  const earliest = (...hits: Array<Hit | undefined>) =>
    hits.reduce<Hit | undefined>((best, h) => (h && (!best || h.order < best.order) ? h : best), undefined);
  return keys.map((k) => {
    const account = earliest(
      k.nameNorm ? accNorm.get(k.nameNorm) : undefined,
      k.creditCode ? accCode.get(k.creditCode) : undefined,
    );
    if (account) {
      const { order: _o, nameNorm: _n, mobile: _m, creditCode, ...m } = account;
      return { ...m, matchedOn: k.creditCode && creditCode === k.creditCode ? 'creditCode' : 'name' };
    }
    const lead = earliest(
      k.nameNorm ? leadNorm.get(k.nameNorm) : undefined,
      k.creditCode ? leadCode.get(k.creditCode) : undefined,
      k.mobile ? leadMobile.get(k.mobile) : undefined,
    );
    if (lead) {
      const { order: _o, nameNorm: _n, mobile, creditCode, ...m } = lead;
      const matchedOn =
        k.creditCode && creditCode === k.creditCode
          ? 'creditCode'
          : k.mobile && mobile === k.mobile
            ? 'mobile'
            : 'name';
      return { ...m, matchedOn };
    }
    const contact = k.mobile ? contactMobile.get(k.mobile) : undefined;
    if (contact) {
      const { order: _o, nameNorm: _n, mobile: _m, creditCode: _c, ...m } = contact;
      return m;
    }
    return undefined;
  });
}
