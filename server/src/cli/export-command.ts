import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { exportList } from '../modules/export/export.service';
import { RECORD_DEFINITIONS } from '../modules/records/definitions';
import { AppError } from '../shared/errors';
import { parseInput } from '../shared/validation';
import { cliActor } from './cli-actor';
import { reportError } from './output';

const exportOptionsSchema = z.strictObject({
  entity: z.enum(RECORD_DEFINITIONS.map((d) => d.path) as [string, ...string[]]),
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  output: z.string().min(1).optional(),
  tenant: z.string().min(1).optional(),
  as: z.string().min(1).optional(),
  q: z.string().max(100).optional(),
  filter: z.array(z.string().regex(/^\w+=.+$/)).default([]),
});

export async function exportCommand(databaseUrl: string, raw: Record<string, unknown>) {
  const o = parseInput(exportOptionsSchema, raw);
  const def = RECORD_DEFINITIONS.find((d) => d.path === o.entity)!;
  const filters: Record<string, string[]> = {};
  for (const f of o.filter) {
    const [key, value] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
    if (!def.filters[key]) {
      throw new AppError('VALIDATION_FAILED', {
        field: 'filter',
        issues: [
          {
            field: `filter.${key}`,
            code: 'invalid_value',
            params: { allowed: Object.keys(def.filters).join(', ') },
          },
        ],
      });
    }
    filters[key] = value.split(',');
  }
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database);
    const actor = await cliActor(database.db, { tenant: o.tenant, as: o.as });
    const out = await exportList(database, def, actor, { q: o.q, sort: def.defaultSort, filters }, o.format);
    const file = o.output ?? out.fileName;
    writeFileSync(file, out.buffer);
    console.log(
      `${out.rows} ${def.path} → ${file}${out.truncated ? ' (truncated at the export limit)' : ''}`,
    );
  } finally {
    await database.close();
  }
}

/**
 * `salesops export` — a list view to XLSX or CSV, as the given user sees it.
 *
 * @example
 *   salesops export --entity deals --filter stage=negotiation,contract --format csv -o deals.csv
 */
export function registerExportCommand(program: Command, databaseUrl: () => string): void {
  program
    .command('export')
    .description('Export a list (accounts, leads, deals, …) with its filters to XLSX or CSV (UTF-8 with BOM)')
    .requiredOption('--entity <entity>', RECORD_DEFINITIONS.map((d) => d.path).join(', '))
    .option('--format <format>', 'xlsx or csv', 'xlsx')
    .option('-o, --output <file>', 'where to write (default: <entity>-<date>.<format>)')
    .option('--tenant <tenant>', 'tenant id or name (optional when the database has one tenant)')
    .option('--as <email>', 'export as this user, with their visibility (default: the first admin)')
    .option('--q <text>', 'search text, as in the list (pinyin works)')
    .option('--filter <key=value>', 'a list filter; repeat for several', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .action(async (opts: Record<string, unknown>) => {
      try {
        await exportCommand(databaseUrl(), opts);
      } catch (err) {
        reportError(err);
      }
    });
}
