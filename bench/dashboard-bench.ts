import { actorForUserId } from '../server/src/auth/auth.service';
import type { Dimension } from '../server/src/domain/kpi/definitions';
import { percentile } from '../server/src/domain/kpi/stats';
import { computeKpi } from '../server/src/modules/kpi/kpi.service';
import type { DuckMirror } from './duck-mirror';
import { BENCH_ANCHOR, type Company } from './generate';
import type { BenchTarget } from './target';

interface Window {
  start: string;
  end: string;
}

/** A dashboard figure: the app's KPI query and the same aggregation in DuckDB SQL. */
interface DashboardQuery {
  label: string;
  kpi: string;
  by: Dimension;
  /** DuckDB: one row per group with `num` (and `den` for rates). */
  duck(w: Window): string;
  rate?: boolean;
}

const inWindow = (column: string, w: Window) => `${column} >= '${w.start}' AND ${column} < '${w.end}'`;

// Asia/Shanghai has no daylight saving time: local month = UTC + 8 hours.
export const DASHBOARD_QUERIES: DashboardQuery[] = [
  {
    label: '销售额 revenue by month',
    kpi: 'revenue',
    by: 'month',
    duck: (w) =>
      `SELECT strftime(CAST(substr(closed_at, 1, 19) AS TIMESTAMP) + INTERVAL 8 HOUR, '%Y-%m') AS g, SUM(amount) AS num
       FROM deals WHERE status = 'won' AND ${inWindow('closed_at', w)} GROUP BY g`,
  },
  {
    label: '赢单数 won deals by rep',
    kpi: 'won_deals',
    by: 'rep',
    duck: (w) =>
      `SELECT owner_id AS g, COUNT(*) AS num FROM deals WHERE status = 'won' AND ${inWindow('closed_at', w)} GROUP BY g`,
  },
  {
    label: '赢单率 win rate by team',
    kpi: 'win_rate',
    by: 'team',
    rate: true,
    duck: (w) =>
      `SELECT u.org_unit_id AS g, SUM(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
       FROM deals d JOIN users u ON u.id = d.owner_id
       WHERE d.status IN ('won', 'lost') AND ${inWindow('d.closed_at', w)} GROUP BY g`,
  },
  {
    label: '跟进次数 follow-ups by rep',
    kpi: 'activities',
    by: 'rep',
    duck: (w) =>
      `SELECT owner_id AS g, COUNT(*) AS num FROM activities WHERE ${inWindow('occurred_at', w)} GROUP BY g`,
  },
  {
    label: '新增线索 new leads by source',
    kpi: 'leads',
    by: 'source',
    duck: (w) =>
      `SELECT source AS g, COUNT(*) AS num FROM leads WHERE ${inWindow('created_at', w)} GROUP BY g`,
  },
];

export interface DashboardResult {
  label: string;
  appP50: number;
  appP95: number;
  duckP50: number;
  duckP95: number;
  /** The app's total and the DuckDB total agree (and the number of groups). */
  same: boolean;
  appTotal: number | null;
  duckTotal: number | null;
  groups: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

const p = (values: number[], q: number) => percentile(values, q) ?? Number.NaN;

/**
 * The main dashboard figures over the year before the anchor, as an admin sees them (the
 * whole company), through the app's KPI service, then the same aggregations in DuckDB.
 * One warm-up run each, then `runs` timed runs.
 */
export async function benchDashboard(
  target: BenchTarget,
  company: Company,
  mirror: DuckMirror,
  runs: number,
): Promise<DashboardResult[]> {
  const actor = await actorForUserId(target.database.db, company.adminId, 'system');
  if (!actor) throw new Error('the bench admin is missing');
  const to = BENCH_ANCHOR.toISOString().slice(0, 10);
  const from = new Date(BENCH_ANCHOR.getTime() - 364 * 86_400_000).toISOString().slice(0, 10);
  const w: Window = {
    start: new Date(`${from}T00:00:00+08:00`).toISOString(),
    end: new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000).toISOString(),
  };
  const out: DashboardResult[] = [];
  for (const q of DASHBOARD_QUERIES) {
    const app = () => computeKpi(target.database, actor, q.kpi, { from, to, by: q.by });
    const duck = () => mirror.query(q.duck(w));
    const appAnswer = await app();
    const duckRows = await duck();
    const appMs: number[] = [];
    const duckMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      appMs.push((await timed(app)).ms);
      duckMs.push((await timed(duck)).ms);
    }
    const num = duckRows.reduce((s, row) => s + Number(row.num), 0);
    const den = duckRows.reduce((s, row) => s + Number(row.den ?? 0), 0);
    const duckTotal = q.rate ? (den ? Math.round((num / den) * 10_000) / 10_000 : null) : num;
    const appTotal = appAnswer.total.value;
    const same =
      appAnswer.groups.length === duckRows.length &&
      (appTotal === duckTotal ||
        (appTotal !== null && duckTotal !== null && Math.abs(appTotal - duckTotal) < 1e-4));
    out.push({
      label: q.label,
      appP50: p(appMs, 50),
      appP95: p(appMs, 95),
      duckP50: p(duckMs, 50),
      duckP95: p(duckMs, 95),
      same,
      appTotal,
      duckTotal,
      groups: appAnswer.groups.length,
    });
  }
  return out;
}
