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
  const statements = new Map<string, SQLite.Statement>();
  const bulk: BulkWriter = {
    // One prepared statement per table, all rows of a batch in one transaction.
    insert: async (table, columns, rows) => {
      const key = `${table}(${columns.join(',')})`;
      let stmt = statements.get(key);
      if (!stmt) {
        stmt = raw.prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        statements.set(key, stmt);
      }
      const s = stmt;
      raw.transaction((batch: unknown[][]) => {
        for (const r of batch) s.run(r);
      })(rows);
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

/** pg accepts at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

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
  // Multi-row INSERTs, as many rows per statement as the parameter limit allows, one
  // transaction per batch; each statement shape is prepared once by name.
  const bulk: BulkWriter = {
    insert: async (table, columns, rows) => {
      const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
      await raw.query('BEGIN');
      try {
        for (let i = 0; i < rows.length; i += perStatement) {
          const chunk = rows.slice(i, i + perStatement);
          const tuples = chunk.map(
            (_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
          );
          await raw.query({
            name: `bulk_${table}_${columns.length}_${chunk.length}`,
            text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
            values: chunk.flat(),
          });
        }
        await raw.query('COMMIT');
      } catch (err) {
        await raw.query('ROLLBACK');
        throw err;
      }
    },
    // Only this schema's tables: other schemas in the database are none of the benchmark's business.
    analyze: async () => {
      const tables = await raw.query<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1',
        [schema],
      );
      for (const t of tables.rows) await raw.query(`ANALYZE ${schema}.${t.tablename}`);
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
