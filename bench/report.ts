import type { ApiResult } from './api-bench';
import type { DashboardResult } from './dashboard-bench';
import type { ImportResult } from './import-bench';
import type { BenchScale } from './scales';
import type { SlaResult } from './sla-bench';

export interface DialectResult {
  dialect: string;
  where: string;
  generation: { rows: number; seconds: number; counts: Record<string, number> };
  duckLoadMs: number;
  dashboard: DashboardResult[];
  sla: SlaResult;
  import: ImportResult;
  api: ApiResult[];
}

export interface BenchReport {
  scale: BenchScale;
  seed: number;
  startedAt: string;
  seconds: number;
  machine: string;
  /** The 1-minute load average when the run started and ended. */
  loadAverage: { start: number; end: number };
  results: DialectResult[];
  skipped: Array<{ dialect: string; reason: string }>;
  peakRssMb: number;
  peakHeapMb: number;
}

/** The report's sections, in order (the smoke test checks each is present). */
export const REPORT_SECTIONS = [
  '## Data',
  '## Import',
  '## SLA sweep',
  '## Dashboard',
  '## API',
  '## Memory',
] as const;

const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
const n1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
const n2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');
/** Ratios far below 1 keep two significant digits (0.0013), the rest two decimals. */
const ratio = (v: number) => (!Number.isFinite(v) ? '—' : v < 0.1 ? v.toPrecision(2) : v.toFixed(2));
const ms = (v: number) => (v >= 100 ? n0(v) : v >= 10 ? n1(v) : n2(v));
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

function table(header: string[], rows: Array<Array<string | number>>): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

/** The Markdown report: one table per section, one row per database. */
export function renderReport(r: BenchReport): string {
  const s = r.scale;
  const out: string[] = [
    `# salesops benchmark — scale \`${s.name}\``,
    '',
    `${r.startedAt} · ${r.machine} · load average ${n1(r.loadAverage.start)} → ${n1(r.loadAverage.end)} · ` +
      `seed ${r.seed} · ${n0(r.seconds)} s in total`,
    '',
    `Company: ${n0(s.reps)} reps, ${n0(s.accounts)} customers, ${n0(s.leads)} leads, ${n0(s.deals)} deals ` +
      `(+${n0(s.moveDeals)} prepared for the stage move), ${n0(s.activities)} follow-ups. ` +
      `${s.connections} concurrent clients; ${s.apiSeconds} s per timed API scenario.`,
    '',
  ];
  for (const k of r.skipped) out.push(`**${k.dialect} skipped:** ${k.reason}`, '');
  const rs = r.results;

  out.push(REPORT_SECTIONS[0], '');
  out.push(
    ...table(
      ['database', 'where', 'rows generated', 'seconds', 'rows/s (bulk)', 'DuckDB load ms'],
      rs.map((d) => [
        d.dialect,
        d.where.replace(/^.*\//, ''),
        n0(d.generation.rows),
        n1(d.generation.seconds),
        n0(d.generation.rows / d.generation.seconds),
        n0(d.duckLoadMs),
      ]),
    ),
    '',
  );

  out.push(REPORT_SECTIONS[1], '');
  out.push(
    'A CSV of new leads (Chinese headers, mobiles in five spellings, 3 % bad rows) through ' +
      'the import pipeline (read, map, clean, de-duplicate, validate, commit through the API insert ' +
      'path), against a bare bulk insert of the same rows into the same table.',
    '',
    ...table(
      [
        'database',
        'rows',
        'created',
        'rejected',
        'skipped',
        'pipeline rows/s',
        'bare insert rows/s',
        'ratio (pipeline ÷ bare)',
      ],
      rs.map((d) => [
        d.dialect,
        n0(d.import.rows),
        n0(d.import.counts.created),
        n0(d.import.counts.rejected),
        n0(d.import.counts.skipped),
        n0(d.import.pipelineRowsPerSecond),
        n0(d.import.bareRowsPerSecond),
        ratio(d.import.ratio),
      ]),
    ),
    '',
  );

  out.push(REPORT_SECTIONS[2], '');
  out.push(
    ...table(
      ['database', 'open clocks', 'sweep ms', 'clocks/s', 'passes', 'transitions', 'still due after'],
      rs.map((d) => [
        d.dialect,
        n0(d.sla.openClocks),
        n0(d.sla.ms),
        n0(d.sla.openClocks / (d.sla.ms / 1000)),
        d.sla.passes,
        n0(d.sla.transitions),
        n0(d.sla.stillDue),
      ]),
    ),
    '',
  );

  out.push(REPORT_SECTIONS[3], '');
  out.push(
    `The app's KPI service (as an admin, the whole company, one year, sliced) against the same ` +
      `aggregation in DuckDB over the same rows; ${s.dashboardRuns} timed runs after a warm-up. ` +
      '"same" means the totals and the number of groups agree.',
    '',
    ...table(
      [
        'database',
        'figure',
        'p50 ms',
        'p95 ms',
        'DuckDB p50 ms',
        'DuckDB p95 ms',
        'ratio (p50)',
        'groups',
        'same',
      ],
      rs.flatMap((d) =>
        d.dashboard.map((q) => [
          d.dialect,
          q.label,
          ms(q.appP50),
          ms(q.appP95),
          ms(q.duckP50),
          ms(q.duckP95),
          n1(q.appP50 / q.duckP50),
          q.groups,
          q.same ? 'yes' : `NO (${q.appTotal} vs ${q.duckTotal})`,
        ]),
      ),
    ),
    '',
  );

  out.push(REPORT_SECTIONS[4], '');
  out.push(
    `${s.connections} concurrent clients (autocannon in a child process) against the app on 127.0.0.1, ` +
      'signed in as a rep with a real session (the manager list: as the manager of a team of 8 reps, ' +
      'with the public pool); the stage move passes its gate (checklist and form done) and moves ' +
      'each prepared deal once.',
    '',
    ...table(
      ['database', 'scenario', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'ratio to bare'],
      rs.flatMap((d) =>
        d.api.map((a) => [
          d.dialect,
          a.scenario,
          n0(a.requests),
          n0(a.rps),
          n0(a.p50),
          n0(a.p99),
          a.failed ? `${a.failed} (${JSON.stringify(a.statusCodes)})` : '0',
          ratio(a.ratio),
        ]),
      ),
    ),
    '',
  );

  out.push(REPORT_SECTIONS[5], '');
  out.push(
    ...table(['peak RSS MB', 'peak JS heap MB'], [[n0(r.peakRssMb), n0(r.peakHeapMb)]]),
    '',
    'The bench process: generator, app and DuckDB (the load generator runs in child processes of its own).',
    '',
  );
  return out.join('\n');
}
