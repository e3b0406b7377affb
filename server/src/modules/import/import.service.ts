import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import {
  blockKeys,
  type DuplicateKeys,
  FUZZY_COMPARISON_BUDGET,
  type FuzzyCheck,
  FuzzyNameIndex,
  findDuplicates as findDuplicatesInFile,
} from '../../domain/cleaning/duplicates';
import { matchHeaders } from '../../domain/cleaning/headers';
import { normalizeCompanyName } from '../../domain/company-name';
import { AppError, type ErrorCode, type FieldIssue } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { errorMessage } from '../../shared/messages';
import type { FormulaCell } from './file-reader';
import {
  deleteJob,
  deleteRows,
  findActiveUserKeys,
  findDuplicateCustomersMany,
  findImportedFingerprints,
  findJob,
  findJobFingerprints,
  findMapping,
  findRows,
  findVisibleAccountNames,
  findVisibleSignedContracts,
  type ImportJobRow,
  type ImportRowRow,
  insertJob,
  insertRows,
  type JobLease,
  updateLeasedJob,
  upsertMapping,
} from './import.repository';
import { IMPORT_SPECS, type ImportSpec, synonymsOf } from './import-fields';
import { keepAlive, LeaseLostError, newLease } from './import-lease';
import { importErrorMessage, importIssueMessage, importNote } from './import-messages';
import { KeyIndex } from './key-index';
import { type Lookups, mapRow } from './row-mapper';
import { chunksOf, openTableStream, type TableStream } from './stream-reader';

/**
 * Largest file accepted (bytes): `IMPORT_MAX_BYTES`, read on every upload, overrides the default
 * of 512 MiB (a 200 MB CSV is streamed, never held in memory whole).
 */
export function importMaxBytes(): number {
  const v = Number(process.env.IMPORT_MAX_BYTES);
  return Number.isFinite(v) && v > 0 && process.env.IMPORT_MAX_BYTES ? v : 512 * 1024 * 1024;
}
/** The limit when the module was loaded (see importMaxBytes for the current one). */
export const IMPORT_MAX_BYTES = importMaxBytes();
/**
 * Fuzzy name matching (blocked: only names sharing their first or last two characters are
 * compared) stays below this many comparisons, in the file and against the database; above it
 * the report says the check was skipped. `IMPORT_FUZZY_BUDGET` overrides the default.
 */
function fuzzyBudget(): number {
  const v = Number(process.env.IMPORT_FUZZY_BUDGET);
  return Number.isFinite(v) && v >= 0 && process.env.IMPORT_FUZZY_BUDGET ? v : FUZZY_COMPARISON_BUDGET;
}

export interface PrepareImportInput {
  entity: string;
  fileName: string;
  content: Buffer;
  mapping?: Record<string, string | null>;
  mappingId?: string;
  saveMappingAs?: string;
  encoding?: string;
}

/** A file to import as a stream of chunks (`size` when known beforehand, for progress and the cap). */
export interface PrepareStreamInput extends Omit<PrepareImportInput, 'content'> {
  source: AsyncIterable<Buffer>;
  size?: number;
}

export interface ValidationProgress {
  rows: number;
  bytes: number;
  totalBytes: number | null;
}

export interface PrepareOptions {
  /** Answer once the header is read and the job stored; validate the rows after. */
  background?: boolean;
  /** After every batch of rows written (rows so far, bytes read). */
  onProgress?: (p: ValidationProgress) => void | Promise<void>;
  /** A background validation that failed (the job is then `invalid`). */
  onError?: (err: unknown) => void;
  /** The background validation is over (either way): the source can go. */
  onSettled?: () => void | Promise<void>;
}

export interface ImportReport {
  unknownHeaders: string[];
  emptyLines: number;
  formulaCells: FormulaCell[];
  possibleDuplicates: Array<{ rowNo: number; otherRowNo?: number; existingId?: string; score: number }>;
  /**
   * Whether fuzzy (similar-name) duplicates were looked for: `complete`, `skipped_too_large` (too
   * many comparisons even after blocking; exact duplicates are still checked) or
   * `not_applicable` (the entity has no name key).
   */
  fuzzyDuplicateCheck: 'complete' | 'skipped_too_large' | 'not_applicable';
  fuzzy?: { inFile: FuzzyCheck; database: FuzzyCheck; budget: number };
  issuesByField: Record<string, number>;
  /** More possible duplicates than listed: how many in all. */
  possibleDuplicatesTotal?: number;
  /** How far reading the file got (while validating) and how far it went. */
  scan?: ValidationProgress;
  /** Why a file validated in the background was refused half-way (status `invalid`). */
  error?: { code: string; field: string | null; params: Record<string, string | number> };
  undo?: { undone: number; changed: Array<{ rowNo: number; recordId: string }> };
}

export function entitySpec(entity: string): ImportSpec {
  const spec = IMPORT_SPECS[entity];
  if (!spec) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'entity',
      issues: [
        {
          field: 'entity',
          code: 'invalid_value',
          params: { allowed: Object.keys(IMPORT_SPECS).join(', ') },
        },
      ],
    });
  }
  return spec;
}

export function assertFileSize(size: number, max = importMaxBytes()): void {
  if (size > max) {
    throw new AppError('IMPORT_FILE_TOO_LARGE', {
      field: 'file',
      params: {
        max: max >= 1024 * 1024 ? `${Math.round(max / 1024 / 1024)} MB` : `${Math.ceil(max / 1024)} KB`,
      },
    });
  }
}

export async function loadJobOrThrow(db: Kysely<DB>, actor: Actor, id: string): Promise<ImportJobRow> {
  const job = await findJob(db, actor.tenantId, id);
  // Jobs belong to whoever uploaded them; admins and sales ops see all of the tenant's.
  if (!job || (job.createdBy !== actor.userId && !ROLE_POLICIES[actor.role].administers)) {
    throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'import' } });
  }
  return job;
}

async function resolveMapping(
  db: Kysely<DB>,
  actor: Actor,
  spec: ImportSpec,
  entity: string,
  headers: string[],
  input: Pick<PrepareImportInput, 'mapping' | 'mappingId'>,
): Promise<{ mapping: Record<string, string | null>; unknown: string[] }> {
  const auto = matchHeaders(headers, synonymsOf(spec));
  let given: Record<string, string | null> = {};
  if (input.mappingId) {
    const saved = await findMapping(db, actor.tenantId, input.mappingId, entity);
    if (!saved)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'mappingId',
        params: { entity: 'mapping', field: 'mappingId' },
      });
    given = JSON.parse(saved.mapping);
  }
  given = { ...given, ...input.mapping };
  const issues: FieldIssue[] = [];
  for (const [header, field] of Object.entries(given)) {
    if (field !== null && !spec.fields[field]) {
      issues.push({
        field: `mapping.${header}`,
        code: 'invalid_value',
        params: { allowed: Object.keys(spec.fields).join(', ') },
      });
    }
  }
  if (issues.length) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });
  const mapping: Record<string, string | null> = {};
  for (const h of headers) mapping[h] = h in given ? (given[h] ?? null) : (auto.mapping[h] ?? null);
  const unknown = headers.filter((h) => h.trim() && !mapping[h]);
  return { mapping, unknown };
}

function missingColumns(spec: ImportSpec, mapping: Record<string, string | null>): string[] {
  const mapped = new Set(Object.values(mapping).filter(Boolean));
  return Object.values(spec.required)
    .filter((alternatives) => !alternatives.some((f) => mapped.has(f)))
    .map((alternatives) => alternatives[0]!);
}

async function buildLookups(db: Kysely<DB>, actor: Actor, spec: ImportSpec): Promise<Lookups> {
  const kinds = new Set(Object.values(spec.fields).map((f) => f.kind));
  return {
    accountsByName: kinds.has('accountRef') ? await findVisibleAccountNames(db, actor) : new Map(),
    usersByKey: await findActiveUserKeys(db, actor.tenantId),
    contracts:
      kinds.has('contractRef') || kinds.has('accountContractRef')
        ? await findVisibleSignedContracts(db, actor)
        : undefined,
    timeOffset: '+08:00',
  };
}

function keysOf(spec: ImportSpec, input: Record<string, unknown>): DuplicateKeys {
  const k = spec.keys ?? {};
  const get = (f?: string) => (f && typeof input[f] === 'string' ? (input[f] as string) : null);
  return { name: get(k.name), mobile: get(k.mobile), creditCode: get(k.creditCode), email: get(k.email) };
}

/**
 * Reads, maps, cleans and validates a file held in memory, and stores the job with every row,
 * without creating any record yet: the caller previews the report, then commits. The same
 * pipeline as `prepareImportStream` (the file is read chunk by chunk from the buffer).
 */
export async function prepareImport(
  database: Database,
  actor: Actor,
  input: PrepareImportInput,
): Promise<ImportJobView> {
  assertFileSize(input.content.length);
  const { content, ...rest } = input;
  return prepareImportStream(database, actor, { ...rest, source: chunksOf(content), size: content.length });
}

/**
 * Reads, maps, cleans and validates a file as a stream of chunks (an upload spooled to disk, a
 * file the CLI reads), writing the import rows to the database batch by batch while it goes, so
 * a file of hundreds of megabytes never sits in memory. The header is read first: a file that
 * cannot be read, has no header or lacks required columns is refused before any job is stored.
 * Then the job is stored as `validating` and its rows are checked; with `background` the job is
 * returned at once and its progress (rows and bytes read) is readable with GET /api/imports/:id
 * until it is `validated` (or `invalid`, with the error, when the file turns out unreadable
 * further on: its rows are then dropped, nothing is kept half-read).
 */
export async function prepareImportStream(
  database: Database,
  actor: Actor,
  input: PrepareStreamInput,
  opts: PrepareOptions = {},
): Promise<ImportJobView> {
  const { db } = database;
  const spec = entitySpec(input.entity);
  if (spec.roles && !spec.roles.includes(actor.role)) throw new AppError('FORBIDDEN');
  if (input.size !== undefined) assertFileSize(input.size);
  const hash = createHash('sha256');
  const read = { bytes: 0 };
  const max = importMaxBytes();
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input.source) {
      read.bytes += chunk.length;
      if (read.bytes > max) assertFileSize(read.bytes);
      hash.update(chunk);
      yield chunk;
    }
  }
  const table = await openTableStream(input.fileName, counted(), { encoding: input.encoding });
  const jobId = newId('imp');
  const lease = newLease('validating');
  const now = new Date().toISOString();
  let mapping: Record<string, string | null>;
  let unknown: string[];
  let lookups: Lookups;
  try {
    ({ mapping, unknown } = await resolveMapping(db, actor, spec, input.entity, table.headers, input));
    const missing = missingColumns(spec, mapping);
    if (missing.length) {
      throw new AppError('IMPORT_COLUMNS_MISSING', {
        field: 'mapping',
        params: { columns: missing.join(', ') },
        details: { headers: table.headers, mapping, missing },
      });
    }
    if (input.saveMappingAs) {
      await upsertMapping(db, {
        id: newId('imap'),
        tenantId: actor.tenantId,
        entity: input.entity,
        name: input.saveMappingAs,
        mapping: JSON.stringify(mapping),
        createdBy: actor.userId,
        at: now,
      });
    }
    lookups = await buildLookups(db, actor, spec);
    const report: ImportReport = {
      unknownHeaders: unknown,
      emptyLines: 0,
      formulaCells: table.formulaCells,
      possibleDuplicates: [],
      fuzzyDuplicateCheck: 'not_applicable',
      issuesByField: {},
      scan: { rows: 0, bytes: read.bytes, totalBytes: input.size ?? null },
    };
    await insertJob(db, {
      id: jobId,
      tenantId: actor.tenantId,
      entity: input.entity,
      fileName: input.fileName,
      fileHash: '',
      fileSize: input.size ?? 0,
      format: table.format,
      encoding: table.encoding,
      status: 'validating',
      headers: JSON.stringify(table.headers),
      mapping: JSON.stringify(mapping),
      totalRows: 0,
      validRows: 0,
      rejectedRows: 0,
      skippedRows: 0,
      createdRows: 0,
      doneRows: 0,
      report: JSON.stringify(report),
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
      committedAt: null,
      undoneAt: null,
      workerId: lease.workerId,
      heartbeatAt: now,
    });
  } catch (err) {
    await table.rows.return(undefined);
    throw err;
  }
  const stopHeartbeat = keepAlive(db, jobId, lease);
  const work = validateRows(database, actor, spec, {
    jobId,
    lease,
    table,
    mapping,
    unknown,
    lookups,
    read,
    totalBytes: input.size ?? null,
    hash: () => hash.digest('hex'),
    onProgress: opts.onProgress,
  }).finally(stopHeartbeat);
  if (opts.background) {
    work
      .catch(async (err) => {
        opts.onError?.(err);
        await failValidation(db, jobId, lease, err, actor).catch(() => undefined);
      })
      .finally(() => opts.onSettled?.());
    return jobView(db, actor, await loadJobOrThrow(db, actor, jobId));
  }
  try {
    await work;
  } catch (err) {
    // Nothing of a file refused half-way is kept: its rows and its job go (unless recovery took
    // the job over: it is then `invalid` with the reason, for the user to see).
    if (!(err instanceof LeaseLostError)) {
      await db.transaction().execute(async (trx) => {
        await deleteJob(trx, jobId);
      });
    }
    throw err;
  }
  return jobView(db, actor, await loadJobOrThrow(db, actor, jobId));
}

/** A job whose file proved unreadable half-way in the background: `invalid`, the error kept, the rows dropped. */
async function failValidation(db: Kysely<DB>, jobId: string, lease: JobLease, err: unknown, actor: Actor) {
  if (err instanceof LeaseLostError) return; // recovery has already failed the job, with its reason
  const e =
    err instanceof AppError
      ? err
      : new AppError('IMPORT_FILE_UNREADABLE', {
          field: 'file',
          params: { reason: err instanceof Error ? err.message.slice(0, 200) : 'error' },
        });
  await db.transaction().execute(async (trx) => {
    const job = await findJob(trx, actor.tenantId, jobId);
    const report = job ? (JSON.parse(job.report) as ImportReport) : ({} as ImportReport);
    report.error = { code: e.code, field: e.field ?? null, params: stringParams(e.params) };
    const failed = await updateLeasedJob(trx, jobId, lease, {
      status: 'invalid',
      totalRows: 0,
      validRows: 0,
      rejectedRows: 0,
      skippedRows: 0,
      report: JSON.stringify(report),
      updatedAt: new Date().toISOString(),
    });
    if (failed) await deleteRows(trx, jobId);
  });
}

function stringParams(params: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params ?? {})) out[k] = typeof v === 'number' ? v : String(v ?? '');
  return out;
}

/** Rows validated and written per transaction while a file is read. */
const VALIDATE_BATCH = 1000;
/** Possible (fuzzy) duplicates listed in a report; the rest are only counted. */
const POSSIBLE_DUPLICATES_SHOWN = 1000;

interface ValidateContext {
  jobId: string;
  lease: JobLease;
  table: TableStream;
  mapping: Record<string, string | null>;
  unknown: string[];
  lookups: Lookups;
  read: { bytes: number };
  totalBytes: number | null;
  hash: () => string;
  onProgress?: PrepareOptions['onProgress'];
}

interface PendingRow {
  rowNo: number;
  cells: string[];
  cutOff?: { reason: string };
  input: Record<string, unknown>;
  issues: FieldIssue[];
  fingerprint: string;
  status?: 'skipped';
}

async function validateRows(database: Database, actor: Actor, spec: ImportSpec, c: ValidateContext) {
  const { db } = database;
  const { table, mapping, jobId } = c;
  const dup = spec.keys ? await DuplicateState.create(db, actor, spec) : undefined;
  const occurrences = new KeyIndex();
  const issuesByField: Record<string, number> = {};
  const counts = { total: 0, valid: 0, rejected: 0, skipped: 0 };
  let batch: PendingRow[] = [];

  const flush = async () => {
    if (!batch.length) return;
    const fingerprints = batch.map((m) => m.fingerprint);
    const imported = await findImportedFingerprints(db, actor.tenantId, spec.entity, fingerprints);
    // Rows of this file seen before: asked of the rows already written (an index lookup), not
    // kept in memory, so that millions of rows do not hold millions of fingerprints.
    const inFile = await findJobFingerprints(db, actor.tenantId, spec.entity, jobId, fingerprints);
    for (const m of batch) {
      if (m.cutOff) continue;
      if (imported.has(m.fingerprint) || inFile.has(m.fingerprint)) m.status = 'skipped';
      inFile.add(m.fingerprint);
    }
    if (dup) await dup.check(batch);
    const rows: ImportRowRow[] = batch.map((m) => {
      if (m.cutOff) {
        // The row where a cut-off file stops: rejected with its text (only the cut is reported:
        // what else is wrong with it follows from the cut), the rows before it kept.
        m.issues = [{ field: 'row', code: 'row_cut_off', params: { row: m.rowNo, reason: m.cutOff.reason } }];
        m.status = undefined;
      }
      const s = m.status ?? (m.issues.length ? 'rejected' : 'valid');
      counts[s]++;
      counts.total++;
      if (s === 'rejected')
        for (const iss of m.issues) issuesByField[iss.field] = (issuesByField[iss.field] ?? 0) + 1;
      return {
        id: newId('impr'),
        tenantId: actor.tenantId,
        jobId,
        entity: spec.entity,
        rowNo: m.rowNo,
        fingerprint: m.fingerprint,
        status: s,
        raw: JSON.stringify(m.cells),
        input: JSON.stringify(m.input),
        errors: m.issues.length ? JSON.stringify(m.issues) : null,
        recordId: null,
        recordVersion: null,
      };
    });
    batch = [];
    const scan = { rows: counts.total, bytes: c.read.bytes, totalBytes: c.totalBytes };
    await db.transaction().execute(async (trx) => {
      // The job first: its row stays locked (PostgreSQL) until the rows are in, and a job taken
      // over meanwhile gets none of them.
      const own = await updateLeasedJob(trx, jobId, c.lease, {
        totalRows: counts.total,
        validRows: counts.valid,
        rejectedRows: counts.rejected,
        skippedRows: counts.skipped,
        doneRows: counts.total,
        report: JSON.stringify({ ...progressReport(c), scan }),
        updatedAt: new Date().toISOString(),
      });
      if (!own) throw new LeaseLostError(jobId);
      await insertRows(trx, rows);
    });
    await c.onProgress?.(scan);
  };

  for await (const r of table.rows) {
    const m: PendingRow = {
      rowNo: r.rowNo,
      cells: r.cells,
      cutOff: r.cutOff,
      ...mapRow(spec, mapping, table.headers, r.cells, c.lookups),
    };
    if (spec.repeatable) {
      // Identical rows are separate records (two equal receipts on one day): number the occurrences.
      const n = (occurrences.get(m.fingerprint) ?? 0) + 1;
      occurrences.set(m.fingerprint, n);
      if (n > 1) m.fingerprint = occurrenceFingerprint(m.fingerprint, n);
    }
    for (const column of r.formulasWithoutValue ?? []) {
      if (mapping[column]) m.issues.push({ field: mapping[column]!, code: 'formula_without_value' });
    }
    batch.push(m);
    if (batch.length >= VALIDATE_BATCH) await flush();
  }
  await flush();

  const report: ImportReport = {
    ...progressReport(c),
    emptyLines: table.emptyLines(),
    issuesByField,
    scan: { rows: counts.total, bytes: c.read.bytes, totalBytes: c.read.bytes },
  };
  if (dup) dup.finish(report);
  const updatedAt = new Date().toISOString();
  const own = await updateLeasedJob(db, jobId, c.lease, {
    status: 'validated',
    fileHash: c.hash(),
    fileSize: c.read.bytes,
    totalRows: counts.total,
    validRows: counts.valid,
    rejectedRows: counts.rejected,
    skippedRows: counts.skipped,
    doneRows: 0,
    report: JSON.stringify(report),
    updatedAt,
  });
  if (!own) throw new LeaseLostError(jobId);
}

function progressReport(c: ValidateContext): ImportReport {
  return {
    unknownHeaders: c.unknown,
    emptyLines: 0,
    formulaCells: c.table.formulaCells,
    possibleDuplicates: [],
    fuzzyDuplicateCheck: 'not_applicable',
    issuesByField: {},
  };
}

/**
 * Duplicate checks over a file read in batches: exact keys inside the file (hashed normalised
 * keys → the first row holding them, see KeyIndex), exact 查重 against the database (one query
 * per batch and table, the same rules as the API's create), fuzzy names against the database
 * per row (within the comparison budget) and fuzzy names inside the file once the whole file is
 * read (its distinct names are kept for it only while the check can stay within the budget).
 */
class DuplicateState {
  private readonly firstAt = {
    creditCode: new KeyIndex(),
    mobile: new KeyIndex(),
    email: new KeyIndex(),
  };
  /** Normalised names → the first row with each (exact duplicates). */
  private readonly nameAt = new KeyIndex();
  /**
   * Distinct normalised names → the first row with each (in file order), for the in-file fuzzy
   * check; dropped (null) once its comparisons exceed the budget, as the check is then skipped.
   */
  private names: Map<string, number> | null = new Map();
  /** Distinct names per blocking key, and the comparisons the in-file fuzzy check would need. */
  private readonly blockSizes = new Map<string, number>();
  private inFileComparisons = 0;
  private readonly dbFuzzy: ImportReport['possibleDuplicates'] = [];
  private dbFuzzyCount = 0;
  private dbComparisons = 0;
  private readonly budget = fuzzyBudget();

  private constructor(
    private readonly db: Kysely<DB>,
    private readonly actor: Actor,
    private readonly spec: ImportSpec & { keys: NonNullable<ImportSpec['keys']> },
    private readonly index: FuzzyNameIndex,
  ) {}

  static async create(db: Kysely<DB>, actor: Actor, spec: ImportSpec): Promise<DuplicateState> {
    const existing =
      spec.entity === 'account' || spec.entity === 'lead'
        ? await db
            .selectFrom('accounts')
            .select(['id', 'nameNorm'])
            .where('tenantId', '=', actor.tenantId)
            .where('deletedAt', 'is', null)
            .execute()
        : [];
    return new DuplicateState(
      db,
      actor,
      spec as ImportSpec & { keys: NonNullable<ImportSpec['keys']> },
      new FuzzyNameIndex(existing),
    );
  }

  async check(batch: PendingRow[]): Promise<void> {
    const { spec } = this;
    const candidates = batch
      .filter((m) => m.status !== 'skipped' && !m.cutOff)
      .map((m) => ({ m, keys: keysOf(spec, m.input) }));
    for (const { m, keys } of candidates) {
      // The first row holding each key; a later row sharing one is a duplicate of it.
      const hits: Array<{ field: string; row: number }> = [];
      const seen = new Set<number>();
      const hit = (field: string, at: number) => {
        if (seen.has(at)) return;
        seen.add(at);
        hits.push({ field, row: at });
      };
      for (const key of ['creditCode', 'mobile', 'email'] as const) {
        const v = keys[key];
        if (!v) continue;
        const at = this.firstAt[key].getOrSet(v, m.rowNo);
        if (at !== undefined) hit(spec.keys[key] ?? key, at);
      }
      const norm = keys.name ? normalizeCompanyName(keys.name) : '';
      if (norm) {
        const at = this.nameAt.getOrSet(norm, m.rowNo);
        if (at === undefined) this.addDistinctName(norm, m.rowNo);
        else hit(spec.keys.name ?? 'name', at);
      }
      hits.sort((a, b) => a.row - b.row);
      for (const h of hits)
        m.issues.push({ field: h.field, code: 'duplicate_in_file', params: { row: h.row } });
      if (keys.name) this.dbComparisons += this.index.candidates(keys.name).length;
    }
    // Against the database: the same 查重 the API applies on create, and fuzzy names as warnings.
    const clean = candidates.filter((c) => !c.m.issues.length);
    const matches = await findDuplicateCustomersMany(
      this.db,
      this.actor.tenantId,
      clean.map((c) => ({
        nameNorm: c.keys.name ? normalizeCompanyName(c.keys.name) : null,
        mobile: c.keys.mobile,
        creditCode: c.keys.creditCode,
      })),
    );
    clean.forEach(({ m, keys }, i) => {
      const first = matches[i];
      if (first) {
        const field = first.matchedOn === 'name' ? (spec.keys.name ?? 'name') : first.matchedOn;
        m.issues.push({
          field,
          code: 'duplicate_customer',
          params: { name: first.name, owner: first.ownerName ?? '—' },
        });
        return;
      }
      if (keys.name && this.dbComparisons <= this.budget) {
        const best = this.index.best(keys.name);
        if (best) {
          this.dbFuzzyCount++;
          if (this.dbFuzzy.length < POSSIBLE_DUPLICATES_SHOWN)
            this.dbFuzzy.push({ rowNo: m.rowNo, existingId: best.id, score: round(best.score) });
        }
      }
    });
  }

  /**
   * Counts the comparisons the in-file fuzzy check will need (the same count as
   * findDuplicatesInFile: pairs of names sharing a blocking key); past the budget that check is
   * skipped, so the names need not be kept.
   */
  private addDistinctName(norm: string, rowNo: number): void {
    for (const k of blockKeys(norm)) {
      const n = this.blockSizes.get(k) ?? 0;
      this.inFileComparisons += n;
      this.blockSizes.set(k, n + 1);
    }
    if (this.names && this.inFileComparisons > this.budget) this.names = null;
    this.names?.set(norm, rowNo);
  }

  /** Fuzzy names inside the file (all names known now) and the report of the checks. */
  finish(report: ImportReport): void {
    const distinct = this.names ? [...this.names.entries()] : [];
    const { pairs, fuzzy: inFile } = this.names
      ? findDuplicatesInFile(
          distinct.map(([name]) => ({ name })),
          { budget: this.budget },
        )
      : {
          pairs: [],
          fuzzy: { status: 'skipped_too_large' as const, comparisons: this.inFileComparisons },
        };
    const inFileFuzzy = pairs
      .filter((p) => p.on === 'fuzzyName')
      .map((p) => ({
        rowNo: distinct[p.second]![1],
        otherRowNo: distinct[p.first]![1],
        score: round(p.score),
      }));
    const database: FuzzyCheck = {
      status: this.dbComparisons > this.budget ? 'skipped_too_large' : 'complete',
      comparisons: this.dbComparisons,
    };
    const all = [...inFileFuzzy, ...(database.status === 'complete' ? this.dbFuzzy : [])];
    report.possibleDuplicates = all.slice(0, POSSIBLE_DUPLICATES_SHOWN);
    const total = inFileFuzzy.length + (database.status === 'complete' ? this.dbFuzzyCount : 0);
    if (total > report.possibleDuplicates.length) report.possibleDuplicatesTotal = total;
    if (this.spec.keys.name) {
      report.fuzzy = { inFile, database, budget: this.budget };
      report.fuzzyDuplicateCheck =
        inFile.status === 'complete' && database.status === 'complete' ? 'complete' : 'skipped_too_large';
    }
  }
}

function occurrenceFingerprint(fingerprint: string, n: number): string {
  return createHash('sha256').update(`${fingerprint}#${n}`).digest('hex').slice(0, 40);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** field → the header the user's file names it by (messages speak the file's language). */
export function headerLabels(job: Pick<ImportJobRow, 'entity' | 'mapping'>): Map<string, string> {
  const spec = IMPORT_SPECS[job.entity];
  const labels = new Map<string, string>();
  for (const [header, field] of Object.entries(JSON.parse(job.mapping) as Record<string, string | null>)) {
    if (!field) continue;
    labels.set(field, header);
    const target = spec?.fields[field]?.target;
    if (target && !labels.has(target)) labels.set(target, header);
  }
  return labels;
}

export function localiseIssues(raw: string | null, actor: Actor, labels = new Map<string, string>()) {
  const issues = raw ? (JSON.parse(raw) as FieldIssue[]) : [];
  return issues.map((i) => ({
    ...i,
    message: importIssueMessage(i.code, labels.get(i.field) ?? i.field, i.params ?? {}, actor.locale),
  }));
}

/** A job without its rows (status, counts, progress, report): what the history lists. */
export function jobSummary(actor: Actor, job: ImportJobRow) {
  const report = JSON.parse(job.report) as ImportReport;
  return {
    id: job.id,
    entity: job.entity,
    fileName: job.fileName,
    fileHash: job.fileHash,
    fileSize: job.fileSize,
    format: job.format,
    encoding: job.encoding,
    status: job.status,
    headers: JSON.parse(job.headers) as string[],
    mapping: JSON.parse(job.mapping) as Record<string, string | null>,
    counts: {
      total: job.totalRows,
      valid: job.validRows,
      rejected: job.rejectedRows,
      skipped: job.skippedRows,
      created: job.createdRows,
    },
    progress: { done: job.doneRows, total: job.validRows },
    /** Reading the file: rows checked and bytes read so far (of totalBytes, when known). */
    validation: report.scan ?? null,
    report: reportView(report, actor),
    createdBy: job.createdBy,
    createdAt: job.createdAt,
    committedAt: job.committedAt,
    undoneAt: job.undoneAt,
  };
}

export async function jobView(db: Kysely<DB>, actor: Actor, job: ImportJobRow) {
  const preview = await findRows(db, job.id, { limit: 20 });
  const rejected = await findRows(db, job.id, { status: ['rejected'], limit: 50 });
  const labels = headerLabels(job);
  const rowView = (r: ImportRowRow) => ({
    rowNo: r.rowNo,
    status: r.status,
    input: r.input ? JSON.parse(r.input) : null,
    errors: localiseIssues(r.errors, actor, labels),
    recordId: r.recordId,
  });
  const { createdBy, createdAt, committedAt, undoneAt, ...head } = jobSummary(actor, job);
  return {
    ...head,
    preview: preview.map(rowView),
    rejected: rejected.map(rowView),
    createdBy,
    createdAt,
    committedAt,
    undoneAt,
  };
}

/** The stored report plus, in the caller's language, what the fuzzy duplicate check did. */
function reportView(report: ImportReport, actor: Actor) {
  const check = report.fuzzyDuplicateCheck ?? 'not_applicable';
  const f = report.fuzzy;
  const fuzzyDuplicateMessage =
    check === 'not_applicable' || !f
      ? null
      : check === 'complete'
        ? importNote(
            'fuzzy_complete',
            { comparisons: f.inFile.comparisons + f.database.comparisons },
            actor.locale,
          )
        : importNote(
            'fuzzy_skipped_too_large',
            { comparisons: Math.max(f.inFile.comparisons, f.database.comparisons), budget: f.budget },
            actor.locale,
          );
  const error = report.error;
  const errorParams = error ? { ...error.params, field: error.field ?? '' } : {};
  // The import's own errors (an interrupted job) first, then the shared catalogue.
  const errorMessageText = error
    ? (importErrorMessage(error.code, errorParams, actor.locale) ??
      errorMessage(error.code as ErrorCode, errorParams, actor.locale))
    : null;
  return { ...report, fuzzyDuplicateCheck: check, fuzzyDuplicateMessage, errorMessage: errorMessageText };
}

export type ImportJobView = Awaited<ReturnType<typeof jobView>>;

export async function getImport(database: Database, actor: Actor, id: string): Promise<ImportJobView> {
  return jobView(database.db, actor, await loadJobOrThrow(database.db, actor, id));
}
