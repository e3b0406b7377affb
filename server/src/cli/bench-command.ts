import type { Command } from 'commander';
import { z } from 'zod';
import { runBench } from '../../../bench/run';
import { BENCH_DIALECTS, BENCH_SCALE_NAMES } from '../../../bench/scales';
import { isPostgresUrl } from '../db/database';
import { parseInput } from '../shared/validation';
import { reportError } from './output';

const benchCliSchema = z.strictObject({
  scale: z.enum(BENCH_SCALE_NAMES).default('full'),
  db: z
    .string()
    .regex(/^(sqlite|postgres)(,(sqlite|postgres))*$/)
    .default(BENCH_DIALECTS.join(','))
    .transform((s) => s.split(',') as Array<(typeof BENCH_DIALECTS)[number]>),
  postgresUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  seed: z.coerce.number().int().default(20261125),
  out: z.string().min(1).optional(),
});

/**
 * `salesops bench` — the standard workload on SQLite and PostgreSQL, with its Markdown report
 * printed and written to bench/results/.
 *
 * @example
 *   salesops bench --scale small
 *   salesops bench --scale medium --db postgres --postgres-url postgres://postgres@127.0.0.1:5432/test
 */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('Benchmark: synthetic company, import, SLA sweep, dashboard and API load; prints a report')
    .option('--scale <scale>', `${BENCH_SCALE_NAMES.join(', ')} (default: full — 1M leads, 5M follow-ups)`)
    .option('--db <list>', 'databases to run on, comma-separated (default: sqlite,postgres)')
    .option(
      '--postgres-url <url>',
      'PostgreSQL database for a throwaway schema (default: $DATABASE_URL when postgres, else 127.0.0.1/test)',
    )
    .option('--seed <n>', 'random seed of the synthetic company')
    .option('--out <dir>', 'where to write the report (default: bench/results)')
    .action(async (opts: Record<string, unknown>) => {
      try {
        const o = parseInput(benchCliSchema, opts);
        const envUrl = process.env.DATABASE_URL;
        const { markdown, file } = await runBench({
          scale: o.scale,
          dialects: o.db,
          postgresUrl: o.postgresUrl ?? (envUrl && isPostgresUrl(envUrl) ? envUrl : undefined),
          seed: o.seed,
          outDir: o.out,
        });
        console.log(markdown);
        console.error(`report written to ${file}`);
      } catch (err) {
        reportError(err);
      }
    });
}
