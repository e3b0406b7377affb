import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type Database, type Dialect, openDatabase } from '../server/src/db/database';
import { migrateToLatest } from '../server/src/db/migrate';

/** Raw, batched inserts of rows given as arrays in column order (snake_case table and columns). */
export interface BulkWriter {
  insert(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>;
  /** Refreshes the planner statistics after a bulk load (ANALYZE). */
  analyze(): Promise<void>;
  /**
   * Drops the secondary indexes of these tables for a bulk load; `restore` builds them again
   * from their stored definitions. One sort per index after the load is far cheaper than
   * keeping every index up to date row by row (the end state is the same).
   */
  dropIndexes(tables: readonly string[]): Promise<{ restore(): Promise<void> }>;
  close(): Promise<void>;
}

/** One database the benchmark runs against: the app's handle plus a raw bulk writer. */
export interface BenchTarget {
  dialect: Dialect;
  database: Database;
  bulk: BulkWriter;
  /** Where it lives: a temporary SQLite file, or a PostgreSQL schema. */
  where: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in the temporary folder, migrated; deleted by drop(). */
export async function openSqliteTarget(): Promise<BenchTarget> {
  const file = join(tmpdir(), `salesops-bench-${process.pid}-${randomBytes(4).toString('hex')}.db`);
  const database = openDatabase(file);
  await migrateToLatest(database);
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 5000');
  // A bigger page cache than the default 2 MB: the index B-trees of a million rows stay hot.
  raw.pragma('cache_size = -262144');
  const statements = new Map<string, SQLite.Statement>();
  const statement = (table: string, columns: readonly string[], rows: number) => {
    const key = `${table}(${columns.join(',')})x${rows}`;
    let stmt = statements.get(key);
    if (!stmt) {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      stmt = raw.prepare(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`,
      );
      statements.set(key, stmt);
    }
    return stmt;
  };
  const bulk: BulkWriter = {
    // Multi-row INSERTs from prepared statements (one call into SQLite per SQLITE_ROWS rows
    // instead of per row), all rows of a batch in one transaction.
    insert: async (table, columns, rows) => {
      const per = Math.max(1, Math.min(SQLITE_ROWS, Math.floor(SQLITE_PARAMS / columns.length)));
      raw.transaction(() => {
        let i = 0;
        if (rows.length >= per) {
          const full = statement(table, columns, per);
          for (; i + per <= rows.length; i += per) full.run(rows.slice(i, i + per).flat());
        }
        if (i < rows.length) {
          const rest = statement(table, columns, 1);
          for (; i < rows.length; i++) rest.run(rows[i]);
        }
      })();
    },
    dropIndexes: async (tables) => {
      const list = tables.map(() => '?').join(', ');
      const indexes = raw
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list})`,
        )
        .all(...tables) as Array<{ name: string; sql: string }>;
      for (const ix of indexes) raw.exec(`DROP INDEX ${ix.name}`);
      // A generated company need not survive a power cut: no fsync per batch while loading.
      raw.pragma('synchronous = OFF');
      return {
        restore: async () => {
          for (const ix of indexes) raw.exec(ix.sql);
          raw.pragma('synchronous = FULL');
        },
      };
    },
    analyze: async () => {
      raw.exec('ANALYZE');
    },
    close: async () => {
      raw.close();
    },
  };
  return {
    dialect: 'sqlite',
    database,
    bulk,
    where: file,
    drop: async () => {
      await bulk.close();
      await database.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

/** SQLite: rows per multi-row INSERT, within its limit of 32,766 bound parameters. */
const SQLITE_ROWS = 100;
const SQLITE_PARAMS = 32_000;

/** PostgreSQL: rows per INSERT … SELECT FROM unnest(…). */
const PG_ROWS = 10_000;

/** A fresh schema in the PostgreSQL database at `url`, migrated; dropped by drop(). */
export async function openPostgresTarget(url: string, poolSize = 20): Promise<BenchTarget> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const database = openDatabase(url, { schema, poolSize });
  await migrateToLatest(database);
  const raw = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await raw.connect();
  const types = new Map<string, Map<string, string>>();
  /** The stored type of each column (udt_name: text, int4, timestamptz, …), for the array casts. */
  const columnTypes = async (table: string) => {
    let t = types.get(table);
    if (!t) {
      const { rows } = await raw.query<{ column_name: string; udt_name: string }>(
        'SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, table],
      );
      t = new Map(rows.map((r) => [r.column_name, r.udt_name]));
      types.set(table, t);
    }
    return t;
  };
  const names = new Map<string, string>();
  const statementName = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `bulk_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  // INSERT … SELECT FROM unnest(arrays), 10,000 rows per statement, one transaction per batch;
  // each table's statement is prepared once by name.
  const bulk: BulkWriter = {
    insert: async (table, columns, rows) => {
      const types = await columnTypes(table);
      // One array per column, unnested by the server: a statement of 10,000 rows has as many
      // parameters as columns, where a VALUES list needs one per cell and a plan per row.
      const text = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${columns
        .map((c, i) => `$${i + 1}::${types.get(c) ?? 'text'}[]`)
        .join(', ')})`;
      await raw.query('BEGIN');
      try {
        for (let i = 0; i < rows.length; i += PG_ROWS) {
          const chunk = rows.slice(i, i + PG_ROWS);
          await raw.query({
            name: statementName(text),
            text,
            values: columns.map((_c, k) => chunk.map((r) => r[k])),
          });
        }
        await raw.query('COMMIT');
      } catch (err) {
        await raw.query('ROLLBACK');
        throw err;
      }
    },
    // Indexes that back a constraint (primary keys, UNIQUE) stay: only plain indexes are dropped.
    dropIndexes: async (tables) => {
      const { rows: indexes } = await raw.query<{ indexname: string; indexdef: string }>(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.schemaname = $1 AND i.tablename = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                           WHERE n.nspname = $1 AND c.conname = i.indexname)`,
        [schema, tables],
      );
      for (const ix of indexes) await raw.query(`DROP INDEX ${schema}.${ix.indexname}`);
      return {
        restore: async () => {
          for (const ix of indexes) await raw.query(ix.indexdef);
        },
      };
    },
    // Only this schema's tables: other schemas in the database are none of the benchmark's business.
    analyze: async () => {
      const tables = await raw.query<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1',
        [schema],
      );
      // VACUUM too, as autovacuum would after a load: it sets the visibility map, without which
      // no index-only scan skips the table (the follow-ups counted per rep from their index).
      for (const t of tables.rows) await raw.query(`VACUUM ANALYZE ${schema}.${t.tablename}`);
    },
    close: async () => {
      await raw.end();
    },
  };
  return {
    dialect: 'postgres',
    database,
    bulk,
    where: `schema ${schema}`,
    drop: async () => {
      await bulk.close().catch(() => {});
      await database.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}
