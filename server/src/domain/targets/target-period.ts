// Target periods (目标周期): a year `2026`, a quarter `2026-Q2` or a month `2026-04`, as the local
// days they cover in the tenant's time zone (both ends included, like KPI periods).

export type PeriodKind = 'year' | 'quarter' | 'month';

export interface TargetPeriod {
  key: string;
  kind: PeriodKind;
  from: string;
  to: string;
}

export const PERIOD_PATTERN = /^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$/;

const pad = (n: number) => String(n).padStart(2, '0');

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period a key names, or undefined when the key is not `YYYY`, `YYYY-Qn` or `YYYY-MM`. */
export function parsePeriod(key: string): TargetPeriod | undefined {
  const m = PERIOD_PATTERN.exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  const part = m[2];
  if (!part) return { key, kind: 'year', from: `${year}-01-01`, to: `${year}-12-31` };
  if (part.startsWith('Q')) {
    const q = Number(part.slice(1));
    const first = (q - 1) * 3 + 1;
    const last = first + 2;
    return {
      key,
      kind: 'quarter',
      from: `${year}-${pad(first)}-01`,
      to: `${year}-${pad(last)}-${pad(lastDay(year, last))}`,
    };
  }
  const month = Number(part);
  return {
    key,
    kind: 'month',
    from: `${year}-${part}-01`,
    to: `${year}-${part}-${pad(lastDay(year, month))}`,
  };
}

/** The same period one year earlier (`2026-Q2` → `2025-Q2`), for last year's shares. */
export function sameLastYear(key: string): string {
  return `${Number(key.slice(0, 4)) - 1}${key.slice(4)}`;
}

/** The months a period covers, e.g. `2026-Q2` → `2026-04`, `2026-05`, `2026-06`. */
export function monthsOf(period: TargetPeriod): string[] {
  const year = Number(period.from.slice(0, 4));
  const first = Number(period.from.slice(5, 7));
  const last = Number(period.to.slice(5, 7));
  const out: string[] = [];
  for (let m = first; m <= last; m++) out.push(`${year}-${pad(m)}`);
  return out;
}
