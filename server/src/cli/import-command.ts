import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { type Database, openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { ENCODINGS } from '../modules/import/file-reader';
import { assertFileSize, type ImportJobView, prepareImportStream } from '../modules/import/import.service';
import { commitImport } from '../modules/import/import-commit.service';
import { IMPORTABLE } from '../modules/import/import-fields';
import { loadPreset, PRESETS } from '../modules/import/presets/presets';
import { rejectedFile } from '../modules/import/rejected-file';
import { AppError } from '../shared/errors';
import { parseInput } from '../shared/validation';
import { cliActor } from './cli-actor';
import { reportError } from './output';

const importOptionsSchema = z.strictObject({
  entity: z.enum(IMPORTABLE).optional(),
  preset: z.enum(Object.keys(PRESETS) as [string, ...string[]]).optional(),
  mapping: z.string().min(1).optional(),
  tenant: z.string().min(1).optional(),
  as: z.string().min(1).optional(),
  from: z.string().min(1).optional(),
  encoding: z.enum(ENCODINGS).optional(),
  dryRun: z.boolean().optional(),
  resume: z.string().min(1).optional(),
});

/** `[#####.....] 120/500 rows` on stderr, redrawn in place on a terminal. */
function progressBar(label: string) {
  let last = '';
  return (done: number, total: number, unit = 'rows') => {
    const width = 30;
    const filled = total ? Math.min(width, Math.round((done / total) * width)) : width;
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}`;
    if (line === last) return;
    last = line;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    if (process.stderr.isTTY && done >= total) process.stderr.write('\n');
  };
}

export async function importCommand(
  databaseUrl: string,
  file: string | undefined,
  raw: Record<string, unknown>,
) {
  const o = parseInput(importOptionsSchema, raw);
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database);
    if (o.preset) {
      const bars = new Map<string, ReturnType<typeof progressBar>>();
      const r = await loadPreset(database.db, o.preset, {
        tenant: o.tenant,
        from: o.from,
        progress: (what, done, total) => {
          if (!bars.has(what)) bars.set(what, progressBar(what.padEnd(9)));
          bars.get(what)!(done, total);
        },
      });
      const counts = Object.entries(r.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      console.log(`loaded ${r.preset} into tenant ${r.tenantId} in ${r.seconds}s: ${counts}`);
      return;
    }
    if (o.resume) {
      // A job validated by a dry run, or whose commit was interrupted (failed): commit what is
      // still valid and not imported yet.
      const actor = await cliActor(database.db, { tenant: o.tenant, as: o.as });
      const final = await commitImport(database, actor, o.resume, progressBar('import'));
      await printOutcome(database, actor, final, false, final.fileName);
      return;
    }
    if (!o.entity || !file) {
      throw new AppError('VALIDATION_FAILED', {
        field: o.entity ? 'file' : 'entity',
        issues: [{ field: o.entity ? 'file' : 'entity', code: 'required' }],
      });
    }
    if (!existsSync(file)) {
      throw new AppError('REFERENCE_NOT_FOUND', { field: 'file', params: { entity: 'record', field: file } });
    }
    const size = statSync(file).size;
    assertFileSize(size); // before reading it
    const actor = await cliActor(database.db, { tenant: o.tenant, as: o.as });
    // --mapping: a saved mapping's name or id, or a JSON file { "header": "field" }.
    const mappingFromFile =
      o.mapping && existsSync(o.mapping) ? JSON.parse(readFileSync(o.mapping, 'utf8')) : undefined;
    // The file is streamed from disk: read, checked and stored a batch of rows at a time.
    const checking = progressBar('check ');
    const mib = (n: number) => Math.round(n / 1024 / 1024);
    const job = await prepareImportStream(
      database,
      actor,
      {
        entity: o.entity,
        fileName: file,
        source: createReadStream(file, { highWaterMark: 1024 * 1024 }),
        size,
        encoding: o.encoding,
        mapping: mappingFromFile,
        mappingId: mappingFromFile ? undefined : o.mapping,
      },
      { onProgress: (p) => (size >= 4 * 1024 * 1024 ? checking(mib(p.bytes), mib(size), 'MiB') : undefined) },
    );
    const mapped = Object.entries(job.mapping)
      .map(([h, f]) => `${h} → ${f ?? '(ignored)'}`)
      .join(', ');
    console.log(`${file}: ${job.format}${job.encoding ? ` (${job.encoding})` : ''}; columns: ${mapped}`);
    let final = job;
    if (!o.dryRun && job.counts.valid > 0)
      final = await commitImport(database, actor, job.id, progressBar('import'));
    await printOutcome(database, actor, final, !!o.dryRun, file);
  } finally {
    await database.close();
  }
}

/** The counts, the first rejected rows and, when rows were rejected, their file beside the input. */
async function printOutcome(
  database: Database,
  actor: Actor,
  final: ImportJobView,
  dryRun: boolean,
  file: string,
): Promise<void> {
  const c = final.counts;
  console.log(
    `${dryRun ? 'dry run, nothing created' : `import ${final.id} ${final.status}`}: ${c.total} rows, ${c.valid} valid, ${c.created} created, ${c.skipped} already imported, ${c.rejected} rejected`,
  );
  if (dryRun && c.valid > 0) console.log(`to import the valid rows: salesops import --resume ${final.id}`);
  for (const r of final.rejected.slice(0, 10)) {
    console.log(`  row ${r.rowNo}: ${r.errors.map((e) => e.message).join('; ')}`);
  }
  if (c.rejected > 0) {
    const out = rejectedPath(file);
    const f = await rejectedFile(database, actor, final.id, 'csv');
    writeFileSync(out, f.buffer);
    console.log(`rejected rows with their errors: ${out} (fix and import again)`);
    process.exitCode = 2;
  }
}

function rejectedPath(file: string): string {
  return `${file.replace(/\.(csv|xlsx|txt)$/i, '')}.rejected.csv`;
}

/**
 * `salesops import` — a file into one entity, or a public data set as a preset.
 *
 * @example
 *   salesops import --entity leads ./展会名单.csv --tenant 示例科技有限公司 --dry-run
 *   salesops import --entity accounts ./customers.xlsx --mapping 老CRM客户
 *   salesops import --preset maven-crm-sales-opportunities --tenant "Maven CRM 示例"
 */
export function registerImportCommand(program: Command, databaseUrl: () => string): void {
  program
    .command('import')
    .description('Import a CSV (UTF-8/GBK) or XLSX file, or load a data-set preset (--preset)')
    .argument('[file]', 'the file to import')
    .option('--entity <entity>', `one of ${IMPORTABLE.join(', ')}`)
    .option('--mapping <mapping>', 'a saved mapping (name or id) or a JSON file {"header": "field"}')
    .option('--tenant <tenant>', 'tenant id or name (optional when the database has one tenant)')
    .option('--as <email>', 'import as this user (default: the first admin or sales-ops user)')
    .option('--encoding <encoding>', `CSV encoding, one of ${ENCODINGS.join(', ')} (default: detected)`)
    .option('--dry-run', 'validate and report only; create nothing (--resume then imports the valid rows)')
    .option(
      '--resume <job>',
      'import a job validated by a dry run, or finish one whose import was interrupted',
    )
    .option('--preset <name>', `load a data set: ${Object.keys(PRESETS).join(', ')}`)
    .option('--from <dir>', 'where the data sets are (default: ../shared/datasets next to the repository)')
    .action(async (file: string | undefined, opts: Record<string, unknown>) => {
      try {
        await importCommand(databaseUrl(), file, opts);
      } catch (err) {
        reportError(err);
      }
    });
}
