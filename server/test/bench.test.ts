import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leadCsv } from '../../bench/import-bench';
import { REPORT_SECTIONS } from '../../bench/report';
import { runBench } from '../../bench/run';
import { BENCH_SCALES, benchOptionsSchema } from '../../bench/scales';
import { TEST_DIALECT, TEST_PG_URL } from './harness';

// A smoke test of `npm run bench` at the tiny scale: every section is measured and reported,
// and each measured thing did its work. Nothing here looks at how fast anything was.
describe('the benchmark at the tiny scale', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'salesops-bench-test-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes and returns a report with every section, on the database under test', {
    timeout: 600_000,
  }, async () => {
    const { report, markdown, file } = await runBench({
      scale: 'tiny',
      dialects: [TEST_DIALECT],
      postgresUrl: TEST_PG_URL,
      outDir,
      quiet: true,
    });
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(markdown);
    let at = -1;
    for (const section of REPORT_SECTIONS) {
      const next = markdown.indexOf(`\n${section}\n`);
      expect(next, section).toBeGreaterThan(at);
      at = next;
    }
    expect(report.skipped).toEqual([]);
    expect(report.results).toHaveLength(1);
    const [r] = report.results;
    const scale = BENCH_SCALES.tiny;
    expect(r!.dialect).toBe(TEST_DIALECT === 'sqlite' ? 'SQLite' : 'PostgreSQL');
    expect(markdown).toContain(`| ${r!.dialect} |`);

    // The company as asked for.
    expect(r!.generation.counts.leads).toBe(scale.leads);
    expect(r!.generation.counts.deals).toBe(scale.deals + scale.moveDeals);
    expect(r!.generation.counts.activities).toBe(scale.activities);

    // Import: every row accounted for; the planted bad rows are refused, the rest created.
    const c = r!.import.counts;
    expect(c.total).toBe(scale.importRows);
    expect(c.created + c.rejected + c.skipped).toBe(scale.importRows);
    expect(c.rejected).toBeGreaterThan(0);
    expect(c.created).toBeGreaterThan(scale.importRows * 0.9);

    // SLA sweep: clocks were open, the sweep moved them, and none is left due.
    expect(r!.sla.openClocks).toBeGreaterThan(0);
    expect(r!.sla.transitions).toBeGreaterThan(0);
    expect(r!.sla.stillDue).toBe(0);

    // Dashboard: the app and DuckDB agree on every figure.
    expect(r!.dashboard.map((q) => q.label)).toHaveLength(5);
    for (const q of r!.dashboard)
      expect({ label: q.label, same: q.same }).toEqual({ label: q.label, same: true });

    // API: every scenario ran without a failed request; each prepared deal moved once.
    expect(r!.api.map((a) => a.scenario)).toEqual([
      'bare route',
      'list leads (50)',
      'list leads as a manager (50)',
      'read lead',
      'create lead',
      'stage move (gated)',
    ]);
    for (const a of r!.api) {
      expect({ scenario: a.scenario, failed: a.failed }).toEqual({ scenario: a.scenario, failed: 0 });
      expect(a.requests).toBeGreaterThan(0);
    }
    expect(r!.api.at(-1)!.requests).toBe(scale.moveDeals - 1); // one went to the probe
    expect(report.peakRssMb).toBeGreaterThan(0);
  });

  it('builds the import file deterministically, with its bad rows planted', () => {
    const a = leadCsv(300, 1, ['rep1@bench.salesops.cn']);
    const b = leadCsv(300, 1, ['rep1@bench.salesops.cn']);
    expect(a.csv.equals(b.csv)).toBe(true);
    const lines = a.csv.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('姓名,公司名称,手机,来源,职位,行业,地区,等级,负责人');
    expect(lines).toHaveLength(301);
    expect(a.clean).toHaveLength(300);
    const mobiles = a.clean.map((row) => String(row[11]));
    expect(new Set(mobiles).size).toBeLessThanOrEqual(297); // rows 37, 137, 237 repeat earlier ones
    expect(mobiles.filter((m) => m.startsWith('12'))).toHaveLength(3); // 83, 183, 283 are no mobiles
    expect(mobiles.filter((m) => m.startsWith('13'))).toHaveLength(3); // 61, 161, 261: existing leads'
  });

  it('refuses unknown scales and databases', () => {
    expect(benchOptionsSchema.safeParse({ scale: 'huge' }).success).toBe(false);
    expect(benchOptionsSchema.safeParse({ dialects: ['mysql'] }).success).toBe(false);
    expect(benchOptionsSchema.safeParse({ dialects: [] }).success).toBe(false);
    expect(benchOptionsSchema.safeParse({ postgresUrl: 'mysql://x' }).success).toBe(false);
    expect(benchOptionsSchema.parse({})).toMatchObject({ scale: 'full', dialects: ['sqlite', 'postgres'] });
  });
});
