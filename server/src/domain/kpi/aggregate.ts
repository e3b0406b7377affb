import { collectionTotals } from '../payments/receivables';
import type { Dimension, Formula } from './definitions';
import { isTimeDimension, timeBucket } from './periods';
import { average, median, ratio, round, roundOrNull } from './stats';

/** One row behind a KPI: a deal, lead, customer, follow-up, clock, stage entry/stay or instalment. */
export interface KpiFact {
  entity: 'deal' | 'lead' | 'account' | 'activity' | 'clock' | 'instalment' | 'survey';
  id: string;
  /** The deal or lead the fact belongs to (its playbook run), when not the fact itself. */
  recordId?: string | null;
  name: string;
  ownerId: string | null;
  /** The instant that places the fact in the period and in its time bucket. */
  at: string;
  region: string | null;
  industry: string | null;
  source: string | null;
  /** Sales channel (渠道) of the deal's quote price list; deal and instalment facts only. */
  channel?: string | null;
  productIds: string[];
  accountId?: string | null;
  amount?: number;
  /** Won, converted, met on time, advanced, new customer — what a rate counts. */
  hit?: boolean;
  days?: number;
  hours?: number;
  stage?: string;
  reachedWon?: boolean;
  /** Instalments: what of `amount` (due) was collected by the period's end, and Σ amount × days late. */
  collected?: number;
  weightedDays?: number;
  /** Surveys: the customer's satisfaction score, 1–5. */
  score?: number;
  /** Belongs to the comparison window of a growth KPI (its `at` already moved forward). */
  previous?: boolean;
}

export interface StageCell {
  stage: string;
  count: number;
  value: number | null;
  numerator?: number;
  median?: number | null;
}

export interface KpiCell {
  value: number | null;
  count: number;
  numerator?: number;
  denominator?: number;
  median?: number | null;
  previous?: number;
  stages?: StageCell[];
}

export interface AggregateContext {
  /** Stage keys in process order; the last one is the won stage. */
  stageOrder: readonly string[];
  /** Active reps behind a group (per-capita); the group key is undefined for the total. */
  repCount(groupKey: string | undefined): number;
}

export interface GroupContext {
  timeZone: string;
  unitOf(ownerId: string | null): string | null;
}

const NONE = '-';

/** The group keys a fact belongs to; a deal with several products counts in each product. */
export function groupKeys(fact: KpiFact, dim: Dimension, ctx: GroupContext): string[] {
  if (isTimeDimension(dim)) return [timeBucket(fact.at, dim, ctx.timeZone)];
  switch (dim) {
    case 'rep':
      return [fact.ownerId ?? NONE];
    case 'team':
      return [ctx.unitOf(fact.ownerId) ?? NONE];
    case 'region':
      return [fact.region ?? NONE];
    case 'industry':
      return [fact.industry ?? NONE];
    case 'source':
      return [fact.source ?? NONE];
    case 'channel':
      return [fact.channel ?? NONE];
    case 'product':
      return fact.productIds.length ? fact.productIds : [NONE];
  }
}

export function groupFacts(facts: KpiFact[], dim: Dimension, ctx: GroupContext): Map<string, KpiFact[]> {
  const groups = new Map<string, KpiFact[]>();
  for (const f of facts) {
    for (const key of groupKeys(f, dim, ctx)) {
      const list = groups.get(key) ?? [];
      list.push(f);
      groups.set(key, list);
    }
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const sumAmount = (facts: KpiFact[]) => facts.reduce((s, f) => s + (f.amount ?? 0), 0);

/** The numbers of one KPI over one set of facts (the whole scope or one group). */
export function aggregate(
  formula: Formula,
  allFacts: KpiFact[],
  ctx: AggregateContext,
  groupKey?: string,
): KpiCell {
  const facts = allFacts.filter((f) => !f.previous);
  switch (formula) {
    case 'sum_amount':
      return { value: sumAmount(facts), count: facts.length };
    case 'count':
      return { value: facts.length, count: facts.length };
    case 'hit_rate': {
      const hits = facts.filter((f) => f.hit).length;
      return {
        value: ratio(hits, facts.length),
        count: facts.length,
        numerator: hits,
        denominator: facts.length,
      };
    }
    case 'growth': {
      const current = sumAmount(facts);
      const previous = sumAmount(allFacts.filter((f) => f.previous));
      return {
        value: previous > 0 ? round((current - previous) / previous, 4) : null,
        count: facts.length,
        numerator: current,
        previous,
      };
    }
    case 'average_score': {
      // The mean score, and how many of the answers were satisfied (4 or more).
      const scores = facts.map((f) => f.score ?? 0);
      const satisfied = facts.filter((f) => f.hit).length;
      return {
        value: roundOrNull(average(scores), 2),
        median: roundOrNull(median(scores), 2),
        count: facts.length,
        numerator: satisfied,
        denominator: facts.length,
      };
    }
    case 'average_days': {
      const days = facts.map((f) => f.days ?? 0);
      return {
        value: roundOrNull(average(days), 2),
        median: roundOrNull(median(days), 2),
        count: facts.length,
      };
    }
    case 'stage_hours': {
      const hours = facts.map((f) => f.hours ?? 0);
      const stages = ctx.stageOrder
        .map((stage) => {
          const h = facts.filter((f) => f.stage === stage).map((f) => f.hours ?? 0);
          return {
            stage,
            count: h.length,
            value: roundOrNull(average(h), 2),
            median: roundOrNull(median(h), 2),
          };
        })
        .filter((s) => s.count > 0);
      return {
        value: roundOrNull(average(hours), 2),
        median: roundOrNull(median(hours), 2),
        count: facts.length,
        stages,
      };
    }
    case 'stage_conversion': {
      // Each stage but the last (won) converts into the ones after it.
      const stages = ctx.stageOrder.slice(0, -1).map((stage) => {
        const entered = facts.filter((f) => f.stage === stage);
        const advanced = entered.filter((f) => f.hit).length;
        return { stage, count: entered.length, numerator: advanced, value: ratio(advanced, entered.length) };
      });
      const first = facts.filter((f) => f.stage === ctx.stageOrder[0]);
      const won = first.filter((f) => f.reachedWon).length;
      return {
        value: ratio(won, first.length),
        count: facts.length,
        numerator: won,
        denominator: first.length,
        stages,
      };
    }
    case 'new_share': {
      const total = sumAmount(facts);
      const fresh = sumAmount(facts.filter((f) => f.hit));
      return { value: ratio(fresh, total), count: facts.length, numerator: fresh, denominator: total };
    }
    case 'per_capita': {
      const total = sumAmount(facts);
      const reps = ctx.repCount(groupKey);
      return {
        value: reps > 0 ? Math.round(total / reps) : null,
        count: facts.length,
        numerator: total,
        denominator: reps,
      };
    }
    case 'repeat_rate': {
      const perAccount = new Map<string, number>();
      for (const f of facts) {
        if (!f.accountId) continue;
        perAccount.set(f.accountId, (perAccount.get(f.accountId) ?? 0) + 1);
      }
      const buyers = perAccount.size;
      const repeat = [...perAccount.values()].filter((n) => n >= 2).length;
      return { value: ratio(repeat, buyers), count: facts.length, numerator: repeat, denominator: buyers };
    }
    case 'collection_rate':
    case 'collection_cycle': {
      // The receivables rule (domain/payments) over the group's instalments.
      const t = collectionTotals(
        facts.map((f) => ({
          due: f.amount ?? 0,
          collected: f.collected ?? 0,
          weightedDays: f.weightedDays ?? 0,
        })),
      );
      if (formula === 'collection_rate') {
        return {
          value: roundOrNull(t.rate, 4),
          count: facts.length,
          numerator: t.collected,
          denominator: t.due,
        };
      }
      return {
        value: roundOrNull(t.cycleDays, 2),
        count: facts.length,
        numerator: t.weightedDays,
        denominator: t.collected,
      };
    }
  }
}
