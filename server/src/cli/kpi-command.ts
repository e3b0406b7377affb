import type { Command } from 'commander';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { type Database, openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { DIMENSIONS, findKpi } from '../domain/kpi/definitions';
import { computeKpi } from '../modules/kpi/kpi.service';
import { AppError, httpStatusOf } from '../shared/errors';
import { localeFromHeader } from '../shared/locale';
import { parseInput } from '../shared/validation';
import { reportError } from './output';

const kpiOptionsSchema = z.strictObject({
  key: z.string().trim().min(1).max(64),
  by: z.enum(DIMENSIONS).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  metric: z.string().trim().min(1).max(64).optional(),
  tenant: z.string().trim().min(1).optional(),
  json: z.boolean().optional(),
});
export type KpiCommandOptions = z.input<typeof kpiOptionsSchema>;

async function tenantOrThrow(database: Database, tenant: string | undefined) {
  const rows = await database.db
    .selectFrom('tenants')
    .select(['id', 'name'])
    .$if(!!tenant, (q) => q.where((eb) => eb.or([eb('id', '=', tenant!), eb('name', '=', tenant!)])))
    .limit(2)
    .execute();
  // Without --tenant, a database holding exactly one company needs no choice.
  if (rows.length === 1) return rows[0]!;
  throw new AppError(tenant ? 'REFERENCE_NOT_FOUND' : 'VALIDATION_FAILED', {
    field: 'tenant',
    params: { entity: 'record', field: 'tenant' },
    issues: tenant ? undefined : [{ field: 'tenant', code: 'required' }],
  });
}

function cell(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function table(rows: string[][]): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

type KpiResult = Awaited<ReturnType<typeof computeKpi>>;

/** The KPI answer as a plain-text table: the same numbers as `GET /api/kpis/:key`. */
export function formatKpiTable(result: KpiResult): string {
  const head = [
    'group',
    'label',
    `value (${result.kpi.unit})`,
    'count',
    'numerator',
    'denominator',
    'median',
  ];
  const line = (key: string, label: string, c: KpiResult['total']) => [
    key,
    label,
    cell(c.value),
    cell(c.count),
    cell(c.numerator),
    cell(c.denominator),
    cell(c.median),
  ];
  const rows = [head, ...result.groups.map((g) => line(g.key, g.label, g)), line('total', '', result.total)];
  const out = [
    `${result.kpi.key} · ${result.kpi.name['zh-CN']} / ${result.kpi.name['en-US']}`,
    `${result.from} .. ${result.to} (${result.timeZone})${result.by ? ` by ${result.by}` : ''}`,
    '',
    table(rows),
  ];
  if (result.total.stages?.length) {
    out.push(
      '',
      table([
        ['stage', 'count', 'value', 'numerator', 'median'],
        ...result.total.stages.map((s) => [
          s.stage,
          cell(s.count),
          cell(s.value),
          cell(s.numerator),
          cell(s.median),
        ]),
      ]),
    );
  }
  return out.join('\n');
}

/** Computes a KPI for the CLI as the tenant's whole-company view, and renders it. */
export async function runKpiCommand(database: Database, raw: KpiCommandOptions): Promise<string> {
  const o = parseInput(kpiOptionsSchema, raw);
  if (!findKpi(o.key)) throw new AppError('KPI_NOT_FOUND', { field: 'key', params: { key: o.key } });
  const tenant = await tenantOrThrow(database, o.tenant);
  const actor: Actor = {
    userId: 'system',
    tenantId: tenant.id,
    role: 'admin',
    name: 'salesops kpi',
    orgUnitId: null,
    locale: process.env.LANG?.startsWith('zh')
      ? 'zh-CN'
      : localeFromHeader(process.env.SALESOPS_LANG ?? 'en-US'),
    readableOwners: 'all',
    writableOwners: 'all',
    via: 'system',
  };
  const result = await computeKpi(database, actor, o.key, {
    by: o.by,
    from: o.from,
    to: o.to,
    metric: o.metric,
  });
  return o.json ? JSON.stringify(result, null, 2) : formatKpiTable(result);
}

/**
 * `salesops kpi KEY [--by DIMENSION] [--from DATE --to DATE] [--metric KEY] [--tenant T] [--json]`
 *
 * @example
 *   salesops kpi win_rate --by rep --from 2026-01-01 --to 2026-06-30
 *   salesops kpi revenue --by month --json
 *   salesops kpi collection_rate --by channel
 *   salesops kpi target_attainment --metric win_rate --from 2026-04-01 --to 2026-04-30 --by team
 */
export function registerKpiCommand(program: Command, databaseUrl: () => string): void {
  program
    .command('kpi')
    .description('Print a KPI (same numbers as GET /api/kpis/:key); bad input exits with code 2')
    .argument('<key>', 'KPI key in snake_case, e.g. revenue, win_rate, lead_conversion_rate')
    .option('--by <dimension>', `slice by one of ${DIMENSIONS.join(', ')}`)
    .option('--from <date>', 'first local day YYYY-MM-DD (default 1 January of --to)')
    .option('--to <date>', 'last local day YYYY-MM-DD, included (default today)')
    .option(
      '--metric <key>',
      'target_attainment only: the metric whose targets are measured (default revenue); --from/--to name one month, quarter or year',
    )
    .option('--tenant <tenant>', 'tenant id or name (optional when the database has one tenant)')
    .option('--json', 'print the JSON answer of the API instead of a table')
    .action(async (key: string, opts: Omit<KpiCommandOptions, 'key'>) => {
      let database: Database | undefined;
      try {
        database = openDatabase(databaseUrl());
        await migrateToLatest(database);
        console.log(await runKpiCommand(database, { key, ...opts }));
      } catch (err) {
        reportError(err);
        // Bad input (unknown key, dimension, date, tenant) exits 2, as usage errors do.
        if (err instanceof AppError && httpStatusOf(err.code) < 500) process.exitCode = 2;
      } finally {
        await database?.close();
      }
    });
}
