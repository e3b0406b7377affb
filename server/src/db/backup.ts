import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import { AppError } from '../shared/errors';
import type { Database } from './database';

// A logical backup: gzip'd JSON lines, one header, one line per row, one trailer with the row
// counts. Being rows rather than a file copy, it restores into either dialect.
export const BACKUP_FORMAT = 'salesops-backup';
export const BACKUP_FORMAT_VERSION = 1;

// Parents before children, so that restore satisfies foreign keys as it goes. The order comes
// from the database's own foreign keys; this list only breaks ties among the core tables.
const TABLE_ORDER = [
  'tenants',
  'org_units',
  'users',
  'sessions',
  'api_tokens',
  'login_attempts',
  'audit_events',
  'idempotency_keys',
  'owner_transfers',
  'accounts',
  'contacts',
  'leads',
  'products',
  'deals',
  'activities',
  'tasks',
  'saved_views',
];

type AnyDb = Kysely<any>;

async function appTables(database: Database): Promise<string[]> {
  // PostgreSQL lists every schema's tables: keep ours.
  const schema = database.dialect === 'postgres' ? (database.schema ?? 'public') : undefined;
  const all = (await (database.db as AnyDb).introspection.getTables())
    .filter((t) => !schema || t.schema === schema)
    .map((t) => t.name)
    .filter((n) => !n.startsWith('kysely_'));
  const known = TABLE_ORDER.filter((t) => all.includes(t));
  const preferred = [...known, ...all.filter((t) => !TABLE_ORDER.includes(t)).sort()];
  return parentsBeforeChildren(preferred, await foreignKeys(database, all, schema));
}

/** table → the tables its foreign keys point at (self-references left out). */
async function foreignKeys(database: Database, tables: string[], schema: string | undefined) {
  const refs = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  if (database.dialect === 'postgres') {
    const rows = await sql<{ child: string; parent: string }>`
      select tc.table_name as child, ccu.table_name as parent
      from information_schema.table_constraints tc
      join information_schema.constraint_column_usage ccu
        on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = ${schema ?? 'public'}`.execute(
      database.db,
    );
    for (const r of rows.rows) if (r.child !== r.parent) refs.get(r.child)?.add(r.parent);
  } else {
    for (const t of tables) {
      const rows = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${t})`.execute(
        database.db,
      );
      for (const r of rows.rows) if (r.table !== t) refs.get(t)?.add(r.table);
    }
  }
  return refs;
}

/** A stable topological order: each table after every table it refers to, else as preferred. */
export function parentsBeforeChildren(preferred: string[], refs: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (done.has(t) || visiting.has(t)) return; // a cycle keeps the preferred order
    visiting.add(t);
    for (const p of preferred) if (refs.get(t)?.has(p)) visit(p);
    visiting.delete(t);
    done.add(t);
    out.push(t);
  };
  for (const t of preferred) visit(t);
  return out;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

// org_units refers to itself: parents must come first.
function parentsFirst(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  const out: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  const visit = (r: Record<string, unknown>) => {
    const id = r.id as string;
    if (seen.has(id)) return;
    seen.add(id);
    const parent = r.parentId ? byId.get(r.parentId as string) : undefined;
    if (parent) visit(parent);
    out.push(r);
  };
  for (const r of rows) visit(r);
  return out;
}

export async function writeBackup(
  database: Database,
  file: string,
  appVersion: string,
): Promise<Record<string, number>> {
  const db = database.db as AnyDb;
  const tables = await appTables(database);
  await mkdir(dirname(file), { recursive: true });
  const counts: Record<string, number> = {};
  async function* lines() {
    yield `${JSON.stringify({ format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, appVersion, createdAt: new Date().toISOString(), dialect: database.dialect, tables })}\n`;
    for (const table of tables) {
      let rows = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
      if (table === 'org_units') rows = parentsFirst(rows);
      counts[table] = rows.length;
      for (const r of rows) yield `${JSON.stringify({ t: table, r })}\n`;
    }
    yield `${JSON.stringify({ end: true, counts })}\n`;
  }
  await pipeline(lines, createGzip(), createWriteStream(file));
  return counts;
}

function badFile(reason: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    field: 'file',
    issues: [{ field: 'file', code: 'invalid' }],
    details: { reason },
  });
}

export async function databaseIsEmpty(database: Database): Promise<boolean> {
  const r = await database.db.selectFrom('tenants').select('id').limit(1).execute();
  return r.length === 0;
}

/**
 * Replaces all data with the backup's, in one transaction. A file that is not a salesops backup,
 * or is cut off (no trailer, or counts that do not match), is refused and nothing changes.
 */
export async function restoreBackup(database: Database, file: string): Promise<Record<string, number>> {
  const db = database.db as AnyDb;
  const tables = await appTables(database);
  let lines: string[];
  try {
    // gunzip refuses a truncated stream, which is what a cut-off backup is.
    lines = gunzipSync(await readFile(file))
      .toString('utf8')
      .split('\n');
  } catch {
    throw badFile('not a readable backup (not gzip, or cut off)');
  }
  let header: { format?: string; formatVersion?: number; tables?: string[] };
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw badFile('not a salesops backup (no header)');
  }
  if (
    header.format !== BACKUP_FORMAT ||
    header.formatVersion !== BACKUP_FORMAT_VERSION ||
    !Array.isArray(header.tables)
  ) {
    throw badFile('not a salesops backup (wrong header)');
  }
  const unknown = header.tables.filter((t) => !tables.includes(t));
  if (unknown.length) throw badFile(`unknown tables: ${unknown.join(', ')}`);

  const counts: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    for (const table of [...tables].reverse()) await trx.deleteFrom(table).execute();
    let batch: Array<Record<string, unknown>> = [];
    let batchTable = '';
    const flush = async () => {
      if (!batch.length) return;
      // Column names as stored (snake_case) back to the camelCase the plugin expects.
      await trx.insertInto(batchTable).values(batch).execute();
      batch = [];
    };
    let trailer: { end?: boolean; counts?: Record<string, number> } | undefined;
    for (const text of lines.slice(1)) {
      if (!text.trim()) continue;
      let line: { t?: string; r?: Record<string, unknown>; end?: boolean; counts?: Record<string, number> };
      try {
        line = JSON.parse(text);
      } catch {
        throw badFile('malformed line');
      }
      if (line.end) {
        trailer = line;
        break;
      }
      if (!line.t || !line.r || !header.tables!.includes(line.t)) throw badFile('malformed row line');
      if (line.t !== batchTable || batch.length >= 200) {
        await flush();
        batchTable = line.t;
      }
      batch.push(Object.fromEntries(Object.entries(line.r).map(([k, v]) => [camel(k), v])));
      counts[line.t] = (counts[line.t] ?? 0) + 1;
    }
    await flush();
    if (!trailer?.counts) throw badFile('the file is cut off (no trailer)');
    for (const t of header.tables!) {
      if ((trailer.counts[t] ?? 0) !== (counts[t] ?? 0)) throw badFile(`row count of ${t} does not match`);
    }
  });
  return counts;
}
