import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApi } from './api-bench';
import { benchDashboard } from './dashboard-bench';
import { DuckMirror } from './duck-mirror';
import { generateCompany } from './generate';
import { benchImport } from './import-bench';
import { type BenchReport, type DialectResult, renderReport } from './report';
import { BENCH_SCALES, type BenchOptions, type BenchScale, benchOptionsSchema } from './scales';
import { benchSla } from './sla-bench';
import { type BenchTarget, openPostgresTarget, openSqliteTarget } from './target';

export const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Samples the process's memory until stopped; the peak is what the report shows. */
function memorySampler() {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
    // maxRSS (KiB) also catches peaks between two samples.
    return { rssMb: Math.max(rss / 2 ** 20, process.resourceUsage().maxRSS / 1024), heapMb: heap / 2 ** 20 };
  };
}

async function benchDialect(
  target: BenchTarget,
  scale: BenchScale,
  seed: number,
  progress: (line: string) => void,
): Promise<DialectResult> {
  const mirror = new DuckMirror();
  try {
    progress(`[${target.dialect}] generating the company (${target.where})`);
    const company = await generateCompany(target, scale, seed, mirror, progress);
    const rows = Object.values(company.counts).reduce((a, b) => a + b, 0);
    progress(`[${target.dialect}] ${rows.toLocaleString('en-US')} rows in ${company.seconds.toFixed(1)} s`);
    await mirror.load();
    progress(`[${target.dialect}] dashboard queries (and DuckDB)`);
    const dashboard = await benchDashboard(target, company, mirror, scale.dashboardRuns);
    progress(`[${target.dialect}] SLA sweep over ${company.openClocks.toLocaleString('en-US')} open clocks`);
    const sla = await benchSla(target);
    progress(`[${target.dialect}] import of ${scale.importRows.toLocaleString('en-US')} rows`);
    const ownerEmails = Array.from(
      { length: Math.min(scale.reps, 50) },
      (_, i) => `rep${i + 1}@bench.salesops.cn`,
    );
    const imported = await benchImport(target, company, scale.importRows, seed, ownerEmails);
    progress(`[${target.dialect}] API load`);
    const api = await benchApi(target, company, scale, progress);
    return {
      dialect: target.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      where: target.where,
      generation: { rows, seconds: company.seconds, counts: company.counts },
      duckLoadMs: mirror.loadMs,
      dashboard,
      sla,
      import: imported,
      api,
    };
  } finally {
    mirror.close();
  }
}

/** Opens the database of one dialect; one that cannot be reached is recorded as skipped. */
async function openTarget(
  dialect: 'sqlite' | 'postgres',
  postgresUrl: string,
  progress: (line: string) => void,
  skipped: BenchReport['skipped'],
): Promise<BenchTarget | undefined> {
  try {
    return dialect === 'sqlite' ? await openSqliteTarget() : await openPostgresTarget(postgresUrl);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    progress(`[${dialect}] skipped: ${reason}`);
    skipped.push({ dialect, reason });
    return undefined;
  }
}

/**
 * `salesops bench`: generates the synthetic company at a scale on each database, measures
 * import, SLA sweep, dashboard and API against their baselines, writes the Markdown report to
 * `outDir` (default bench/results) and returns it. Progress goes to stderr.
 *
 * @example
 *   await runBench({ scale: 'small', dialects: ['sqlite'] });
 */
export async function runBench(options: BenchOptions = {}) {
  const o = benchOptionsSchema.parse(options);
  const scale = BENCH_SCALES[o.scale];
  const progress = o.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const started = performance.now();
  const stopSampling = memorySampler();
  const results: DialectResult[] = [];
  const skipped: BenchReport['skipped'] = [];
  // Ctrl-C drops the bench database instead of leaving a large temporary file or schema behind.
  let current: BenchTarget | undefined;
  const onInterrupt = () => {
    progress('interrupted: dropping the bench database');
    void (current?.drop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (const dialect of o.dialects) {
      current = await openTarget(dialect, o.postgresUrl, progress, skipped);
      if (!current) continue;
      try {
        results.push(await benchDialect(current, scale, o.seed, progress));
      } finally {
        await current.drop();
        current = undefined;
      }
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  const memory = stopSampling();
  const report: BenchReport = {
    scale,
    seed: o.seed,
    startedAt: startedAt.toISOString(),
    seconds: (performance.now() - started) / 1000,
    machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`,
    // Other work on the machine moves every figure: say how busy it was.
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
    results,
    skipped,
    peakRssMb: memory.rssMb,
    peakHeapMb: memory.heapMb,
  };
  const markdown = renderReport(report);
  const dir = o.outDir ?? DEFAULT_RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${scale.name}-${report.startedAt.replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, markdown);
  return { report, markdown, file };
}
