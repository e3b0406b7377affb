import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import {
  type DuplicateKeys,
  FUZZY_COMPARISON_BUDGET,
  type FuzzyCheck,
  FuzzyNameIndex,
  findDuplicates as findDuplicatesInFile,
} from '../../domain/cleaning/duplicates';
import { matchHeaders } from '../../domain/cleaning/headers';
import { normalizeCompanyName } from '../../domain/company-name';
import { AppError, type FieldIssue } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { findDuplicateCustomers } from '../duplicates/duplicate.repository';
import { readTable, type Table } from './file-reader';
import {
  findActiveUserKeys,
  findImportedFingerprints,
  findJob,
  findMapping,
  findRows,
  findVisibleAccountNames,
  findVisibleSignedContracts,
  type ImportJobRow,
  type ImportRowRow,
  insertJob,
  insertRows,
  upsertMapping,
} from './import.repository';
import { IMPORT_SPECS, type ImportSpec, synonymsOf } from './import-fields';
import { importIssueMessage, importNote } from './import-messages';
import { type Lookups, mapRow } from './row-mapper';

/** Largest file accepted (bytes); `IMPORT_MAX_BYTES` overrides the default of 20 MiB. */
export const IMPORT_MAX_BYTES = Number(process.env.IMPORT_MAX_BYTES ?? 20 * 1024 * 1024);
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

export interface ImportReport {
  unknownHeaders: string[];
  emptyLines: number;
  formulaCells: Table['formulaCells'];
  possibleDuplicates: Array<{ rowNo: number; otherRowNo?: number; existingId?: string; score: number }>;
  /**
   * Whether fuzzy (similar-name) duplicates were looked for: `complete`, `skipped_too_large` (too
   * many comparisons even after blocking; exact duplicates are still checked) or
   * `not_applicable` (the entity has no name key).
   */
  fuzzyDuplicateCheck: 'complete' | 'skipped_too_large' | 'not_applicable';
  fuzzy?: { inFile: FuzzyCheck; database: FuzzyCheck; budget: number };
  issuesByField: Record<string, number>;
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

export function assertFileSize(size: number): void {
  if (size > IMPORT_MAX_BYTES) {
    throw new AppError('IMPORT_FILE_TOO_LARGE', {
      field: 'file',
      params: { max: `${Math.round(IMPORT_MAX_BYTES / 1024 / 1024)} MB` },
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
  input: PrepareImportInput,
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
 * Reads, maps, cleans and validates a file, and stores the job with every row, without creating
 * any record yet: the caller previews the report, then commits.
 */
export async function prepareImport(database: Database, actor: Actor, input: PrepareImportInput) {
  const { db } = database;
  const spec = entitySpec(input.entity);
  if (spec.roles && !spec.roles.includes(actor.role)) throw new AppError('FORBIDDEN');
  assertFileSize(input.content.length);
  const table = await readTable(input.fileName, input.content, { encoding: input.encoding });
  const { mapping, unknown } = await resolveMapping(db, actor, spec, input.entity, table.headers, input);
  const missing = missingColumns(spec, mapping);
  if (missing.length) {
    throw new AppError('IMPORT_COLUMNS_MISSING', {
      field: 'mapping',
      params: { columns: missing.join(', ') },
      details: { headers: table.headers, mapping, missing },
    });
  }
  const now = new Date().toISOString();
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
  const lookups = await buildLookups(db, actor, spec);
  const jobId = newId('imp');
  const mapped = table.rows.map((r) => ({
    rowNo: r.rowNo,
    cells: r.cells,
    ...mapRow(spec, mapping, table.headers, r.cells, lookups),
  }));
  if (spec.repeatable) {
    // Identical rows are separate records (two equal receipts on one day): number the occurrences.
    const seen = new Map<string, number>();
    for (const m of mapped) {
      const n = (seen.get(m.fingerprint) ?? 0) + 1;
      seen.set(m.fingerprint, n);
      if (n > 1) m.fingerprint = occurrenceFingerprint(m.fingerprint, n);
    }
  }
  for (const fc of table.formulaCells) {
    if (fc.hasValue) continue;
    const row = mapped.find((m) => m.rowNo === fc.rowNo);
    if (row && mapping[fc.column])
      row.issues.push({ field: mapping[fc.column]!, code: 'formula_without_value' });
  }
  const report: ImportReport = {
    unknownHeaders: unknown,
    emptyLines: table.emptyLines,
    formulaCells: table.formulaCells,
    possibleDuplicates: [],
    fuzzyDuplicateCheck: 'not_applicable',
    issuesByField: {},
  };

  const imported = await findImportedFingerprints(
    db,
    actor.tenantId,
    spec.entity,
    mapped.map((m) => m.fingerprint),
  );
  const status = new Map<number, string>();
  const seenFingerprint = new Set<string>();
  for (const [i, m] of mapped.entries()) {
    if (imported.has(m.fingerprint) || seenFingerprint.has(m.fingerprint)) status.set(i, 'skipped');
    seenFingerprint.add(m.fingerprint);
  }
  await findDuplicates(db, actor, spec, mapped, status, report);
  for (const [i, r] of table.rows.entries()) {
    // The row where a cut-off file stops: rejected with its text (only the cut is reported:
    // what else is wrong with it follows from the cut), the rows before it kept.
    if (!r.cutOff) continue;
    mapped[i]!.issues = [
      { field: 'row', code: 'row_cut_off', params: { row: r.rowNo, reason: r.cutOff.reason } },
    ];
    status.delete(i);
    report.possibleDuplicates = report.possibleDuplicates.filter((d) => d.rowNo !== r.rowNo);
  }
  const rows: ImportRowRow[] = mapped.map((m, i) => {
    const s = status.get(i) ?? (m.issues.length ? 'rejected' : 'valid');
    if (s === 'rejected')
      for (const iss of m.issues)
        report.issuesByField[iss.field] = (report.issuesByField[iss.field] ?? 0) + 1;
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
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const job: ImportJobRow = {
    id: jobId,
    tenantId: actor.tenantId,
    entity: input.entity,
    fileName: input.fileName,
    fileHash: createHash('sha256').update(input.content).digest('hex'),
    fileSize: input.content.length,
    format: table.format,
    encoding: table.encoding,
    status: 'validated',
    headers: JSON.stringify(table.headers),
    mapping: JSON.stringify(mapping),
    totalRows: rows.length,
    validRows: count('valid'),
    rejectedRows: count('rejected'),
    skippedRows: count('skipped'),
    createdRows: 0,
    doneRows: 0,
    report: JSON.stringify(report),
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
    committedAt: null,
    undoneAt: null,
  };
  await db.transaction().execute(async (trx) => {
    await insertJob(trx, job);
    await insertRows(trx, rows);
  });
  return jobView(db, actor, job);
}

/** Exact key duplicates inside the file and against existing customers reject a row; fuzzy names only warn. */
async function findDuplicates(
  db: Kysely<DB>,
  actor: Actor,
  spec: ImportSpec,
  mapped: Array<{ rowNo: number; input: Record<string, unknown>; issues: FieldIssue[] }>,
  status: Map<number, string>,
  report: ImportReport,
) {
  if (!spec.keys) return;
  const candidates = mapped
    .map((m, i) => ({ i, keys: keysOf(spec, m.input) }))
    .filter((c) => status.get(c.i) !== 'skipped');
  const budget = fuzzyBudget();
  const { pairs, fuzzy: inFile } = findDuplicatesInFile(
    candidates.map((c) => c.keys),
    { budget },
  );
  for (const p of pairs) {
    const a = candidates[p.first]!;
    const b = candidates[p.second]!;
    if (p.on === 'fuzzyName') {
      report.possibleDuplicates.push({
        rowNo: mapped[b.i]!.rowNo,
        otherRowNo: mapped[a.i]!.rowNo,
        score: round(p.score),
      });
      continue;
    }
    const field = p.on === 'name' ? (spec.keys.name ?? 'name') : (spec.keys[p.on] ?? p.on);
    mapped[b.i]!.issues.push({ field, code: 'duplicate_in_file', params: { row: mapped[a.i]!.rowNo } });
  }
  // Against the database: the same 查重 the API applies on create, and fuzzy names as warnings.
  const existing =
    spec.entity === 'account' || spec.entity === 'lead'
      ? await db
          .selectFrom('accounts')
          .select(['id', 'nameNorm'])
          .where('tenantId', '=', actor.tenantId)
          .where('deletedAt', 'is', null)
          .execute()
      : [];
  const index = new FuzzyNameIndex(existing);
  const names = candidates.flatMap((c) => (c.keys.name ? [c.keys.name] : []));
  const dbComparisons = spec.keys.name ? index.comparisonsFor(names) : 0;
  const database: FuzzyCheck = {
    status: dbComparisons > budget ? 'skipped_too_large' : 'complete',
    comparisons: dbComparisons,
  };
  if (spec.keys.name) {
    report.fuzzy = { inFile, database, budget };
    report.fuzzyDuplicateCheck =
      inFile.status === 'complete' && database.status === 'complete' ? 'complete' : 'skipped_too_large';
  }
  const fuzzyOk = database.status === 'complete';
  for (const c of candidates) {
    const m = mapped[c.i]!;
    if (m.issues.length) continue;
    const nameNorm = c.keys.name ? normalizeCompanyName(c.keys.name) : null;
    const matches = await findDuplicateCustomers(db, actor.tenantId, {
      nameNorm,
      mobile: c.keys.mobile,
      creditCode: c.keys.creditCode,
    });
    const first = matches[0];
    if (first) {
      const field = first.matchedOn === 'name' ? (spec.keys.name ?? 'name') : first.matchedOn;
      m.issues.push({
        field,
        code: 'duplicate_customer',
        params: { name: first.name, owner: first.ownerName ?? '—' },
      });
      continue;
    }
    if (fuzzyOk && c.keys.name) {
      const best = index.best(c.keys.name);
      if (best)
        report.possibleDuplicates.push({ rowNo: m.rowNo, existingId: best.id, score: round(best.score) });
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
    report: reportView(JSON.parse(job.report) as ImportReport, actor),
    preview: preview.map(rowView),
    rejected: rejected.map(rowView),
    createdBy: job.createdBy,
    createdAt: job.createdAt,
    committedAt: job.committedAt,
    undoneAt: job.undoneAt,
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
  return { ...report, fuzzyDuplicateCheck: check, fuzzyDuplicateMessage };
}

export type ImportJobView = Awaited<ReturnType<typeof jobView>>;

export async function getImport(database: Database, actor: Actor, id: string): Promise<ImportJobView> {
  return jobView(database.db, actor, await loadJobOrThrow(database.db, actor, id));
}
