import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { Dialect } from '../../db/database';
import type { DB } from '../../db/schema';
import type { Dimension, FactSource, Formula } from '../../domain/kpi/definitions';
import { isTimeDimension } from '../../domain/kpi/periods';
import type { OwnerFilter, Window } from './kpi.repository';

// The counted and summed KPIs (revenue, won deals, win rate, leads, customers, follow-ups, per
// capita revenue) grouped and summed by the database instead of loading every fact: the
// dashboards ask these over a year of a whole company. Same scope, same window, same facts as
// kpi-facts.ts + domain/kpi/aggregate.ts, which still serve every other KPI and the drill-down.

/** Fact sources whose figures are additive over groups: counts, sums of amounts, hits. */
const SOURCES = ['won_deals', 'closed_deals', 'created_leads', 'created_accounts', 'activities'] as const;
type TotalsSource = (typeof SOURCES)[number];
const FORMULAS: readonly Formula[] = ['count', 'sum_amount', 'hit_rate', 'per_capita'];
/** product (a JSON list, a deal in several groups) and channel (from quotes) stay in memory. */
const SQL_DIMENSIONS = new Set<Dimension>(['rep', 'team', 'region', 'industry', 'source']);

export function totalsInSql(source: FactSource, formula: Formula, by: Dimension | undefined): boolean {
  return (
    (SOURCES as readonly string[]).includes(source) &&
    FORMULAS.includes(formula) &&
    (!by || isTimeDimension(by) || SQL_DIMENSIONS.has(by))
  );
}

/** What a group's facts add up to: how many, the sum of their amounts, how many count as hits. */
export interface FactTotals {
  count: number;
  amount: number;
  hits: number;
}

interface SourceShape {
  table: 'deals' | 'leads' | 'accounts' | 'activities';
  /** The instant that places a fact in the window and in its time bucket. */
  at: string;
  amount?: string;
  /** What `hit` is on the fact (kpi-facts.ts); absent: never. */
  hit?: (r: (c: string) => RawBuilder<unknown>) => RawBuilder<unknown>;
  columns: Partial<Record<'region' | 'industry' | 'source', string>>;
}

const ref = (c: string) => sql.ref(c);

const SHAPES: Record<TotalsSource, SourceShape> = {
  won_deals: {
    table: 'deals',
    at: 'deals.closedAt',
    amount: 'deals.amount',
    hit: (r) => sql`${r('deals.status')} = 'won'`,
    columns: { region: 'accounts.region', industry: 'accounts.industry', source: 'deals.source' },
  },
  closed_deals: {
    table: 'deals',
    at: 'deals.closedAt',
    amount: 'deals.amount',
    hit: (r) => sql`${r('deals.status')} = 'won'`,
    columns: { region: 'accounts.region', industry: 'accounts.industry', source: 'deals.source' },
  },
  created_leads: {
    table: 'leads',
    at: 'leads.createdAt',
    hit: (r) => sql`(${r('leads.status')} = 'converted' or ${r('leads.convertedAt')} is not null)`,
    columns: { region: 'leads.region', industry: 'leads.industry', source: 'leads.source' },
  },
  created_accounts: {
    table: 'accounts',
    at: 'accounts.createdAt',
    columns: { region: 'accounts.region', industry: 'accounts.industry', source: 'accounts.source' },
  },
  activities: { table: 'activities', at: 'activities.occurredAt', columns: {} },
};

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in minutes (one Intl call: dayjs.tz costs ten times more). */
function offsetMinutes(ms: number, timeZone: string): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The UTC offset of the zone over [start, end) as pieces of constant offset: SQLite has no time
 * zones, so a local day is `date(at, '+N minutes')` with the N of the piece the instant is in
 * (a daylight-saving change splits the window; Asia/Shanghai is one piece).
 */
export function offsetPieces(start: string, end: string, timeZone: string) {
  const offsetAt = (ms: number) => offsetMinutes(ms, timeZone);
  const pieces: Array<{ until: string | null; minutes: number }> = [];
  const stop = Date.parse(end);
  let minutes = offsetAt(Date.parse(start));
  for (let t = Date.parse(start); t < stop; ) {
    const next = Math.min(t + 86_400_000, stop);
    if (offsetAt(next) !== minutes) {
      // The change lies in (t, next]: narrow it down to the minute.
      let lo = t;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetAt(mid) === minutes) lo = mid;
        else hi = mid;
      }
      pieces.push({ until: new Date(hi).toISOString(), minutes });
      minutes = offsetAt(hi);
      t = hi;
      continue;
    }
    t = next;
  }
  pieces.push({ until: null, minutes });
  return pieces;
}

/** The local date ('YYYY-MM-DD') of a time column in the tenant's zone, per dialect. */
function localDay(dialect: Dialect, column: string, w: Window, timeZone: string): RawBuilder<string> {
  if (dialect === 'postgres')
    return sql<string>`to_char(${ref(column)} at time zone ${timeZone}, 'YYYY-MM-DD')`;
  const pieces = offsetPieces(w.start, w.end, timeZone);
  const day = (minutes: number) =>
    sql`date(${ref(column)}, ${`${minutes >= 0 ? '+' : ''}${minutes} minutes`})`;
  if (pieces.length === 1) return day(pieces[0]!.minutes) as RawBuilder<string>;
  const whens = pieces.slice(0, -1).map((p) => sql`when ${ref(column)} < ${p.until} then ${day(p.minutes)}`);
  return sql<string>`case ${sql.join(whens, sql` `)} else ${day(pieces[pieces.length - 1]!.minutes)} end`;
}

/**
 * The facts of a source in the caller's visibility and the window, counted, summed and their
 * hits counted, per group key: the owner (rep, team), a column (region, industry, source) or
 * the local day (time dimensions); no dimension, one row. Keys come back as stored (null too).
 */
export async function sumFacts(
  db: Kysely<DB>,
  dialect: Dialect,
  actor: Actor,
  source: TotalsSource,
  formula: Formula,
  w: Window,
  owners: OwnerFilter,
  group: { by: 'owner' | 'region' | 'industry' | 'source' } | { by: 'day'; timeZone: string } | undefined,
): Promise<Array<{ key: string | null } & FactTotals>> {
  const shape = SHAPES[source];
  const t = shape.table;
  const byColumn = group && group.by !== 'owner' && group.by !== 'day' ? shape.columns[group.by] : undefined;
  let q: any = db.selectFrom(t);
  // A deal's region and industry are its customer's: joined only when grouped by them.
  if (byColumn?.startsWith('accounts.') && t === 'deals') {
    q = q.leftJoin('accounts', 'accounts.id', 'deals.accountId');
  }
  q = q.where(`${t}.deletedAt`, 'is', null).where(shape.at, '>=', w.start).where(shape.at, '<', w.end);
  if (source === 'won_deals') q = q.where('deals.status', 'in', ['won']);
  if (source === 'closed_deals') q = q.where('deals.status', 'in', ['won', 'lost']);
  q = scopeQuery(q, actor, t);
  if (owners) q = q.where(`${t}.ownerId`, 'in', owners.length ? owners : ['-']);

  let key: Expression<unknown> = sql`null`;
  if (group?.by === 'owner') key = ref(`${t}.ownerId`);
  else if (group?.by === 'day') key = localDay(dialect, shape.at, w, group.timeZone);
  else if (byColumn) key = ref(byColumn);
  // Only what the formula reads, so that an index holding the rest answers alone.
  const amount = shape.amount && (formula === 'sum_amount' || formula === 'per_capita');
  const hits = shape.hit && formula === 'hit_rate';
  q = q.select([
    sql`${key}`.as('key'),
    sql<number>`count(*)`.as('n'),
    (amount ? sql<number>`coalesce(sum(${ref(shape.amount!)}), 0)` : sql<number>`0`).as('amount'),
    (hits
      ? sql<number>`coalesce(sum(case when ${shape.hit!(ref)} then 1 else 0 end), 0)`
      : sql<number>`0`
    ).as('hits'),
  ]);
  // By position: PostgreSQL would not match a select expression with a bound time zone to
  // the same expression in GROUP BY (two parameters).
  if (group) q = q.groupBy(sql`1`);
  const rows = (await q.execute()) as Array<{ key: unknown; n: unknown; amount: unknown; hits: unknown }>;
  return rows.map((r) => ({
    key: r.key === null || r.key === undefined ? null : String(r.key),
    count: Number(r.n),
    amount: Number(r.amount),
    hits: Number(r.hits),
  }));
}

/**
 * The bucket of a local day for a time dimension: what timeBucket gives for any instant of that
 * day, from the date alone (the day is local already; a year has 365 of them to place, and a
 * time-zone conversion each costs more than the query).
 */
export function dayBucket(day: string, dim: Dimension): string {
  switch (dim) {
    case 'week': {
      const d = new Date(`${day}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return d.toISOString().slice(0, 10);
    }
    case 'month':
      return day.slice(0, 7);
    case 'quarter':
      return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return day.slice(0, 4);
    default:
      return day;
  }
}

export type { TotalsSource };
