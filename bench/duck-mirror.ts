import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** The columns the dashboard aggregations read, as DuckDB tables (times stay ISO-8601 UTC text). */
const TABLES = {
  users: 'id VARCHAR, org_unit_id VARCHAR, role VARCHAR',
  leads: 'id VARCHAR, owner_id VARCHAR, source VARCHAR, status VARCHAR, created_at VARCHAR',
  deals:
    'id VARCHAR, owner_id VARCHAR, status VARCHAR, stage VARCHAR, amount BIGINT, created_at VARCHAR, closed_at VARCHAR',
  activities: 'id VARCHAR, owner_id VARCHAR, kind VARCHAR, occurred_at VARCHAR',
} as const;
export type MirrorTable = keyof typeof TABLES;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The columnar baseline: the same rows the generator writes to SQLite or PostgreSQL, spooled to
 * CSV files while generating, then loaded into an in-memory DuckDB.
 */
export class DuckMirror {
  private readonly dir = mkdtempSync(join(tmpdir(), 'salesops-bench-duck-'));
  private readonly fds = new Map<MirrorTable, number>();
  private readonly pending = new Map<MirrorTable, string[]>();
  private instance?: DuckDBInstance;
  private connection?: DuckDBConnection;
  rows = 0;
  loadMs = 0;

  append(table: MirrorTable, rows: unknown[][]): void {
    let lines = this.pending.get(table);
    if (!lines) {
      lines = [];
      this.pending.set(table, lines);
    }
    for (const r of rows) lines.push(r.map(csvCell).join(','));
    this.rows += rows.length;
    if (lines.length >= 10_000) this.flush(table);
  }

  /** Writes a table's pending lines to its CSV file (created on first use). */
  private flush(table: MirrorTable): void {
    let fd = this.fds.get(table);
    if (fd === undefined) {
      fd = openSync(join(this.dir, `${table}.csv`), 'w');
      this.fds.set(table, fd);
    }
    const lines = this.pending.get(table);
    if (!lines?.length) return;
    writeSync(fd, `${lines.join('\n')}\n`);
    this.pending.set(table, []);
  }

  async load(): Promise<void> {
    const started = performance.now();
    this.instance = await DuckDBInstance.create(':memory:');
    this.connection = await this.instance.connect();
    for (const [table, columns] of Object.entries(TABLES)) {
      await this.connection.run(`CREATE TABLE ${table} (${columns})`);
      if (this.pending.has(table as MirrorTable)) this.flush(table as MirrorTable);
      const fd = this.fds.get(table as MirrorTable);
      if (fd === undefined) continue;
      closeSync(fd);
      this.fds.delete(table as MirrorTable);
      const file = join(this.dir, `${table}.csv`).replace(/'/g, "''");
      await this.connection.run(`COPY ${table} FROM '${file}' (HEADER false, NULLSTR '')`);
    }
    this.loadMs = performance.now() - started;
  }

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    if (!this.connection) throw new Error('the DuckDB mirror is not loaded');
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    this.connection?.closeSync();
    this.instance?.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
