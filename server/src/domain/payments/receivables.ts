// Receivables (应收款): receipts matched to payment-plan instalments, ageing buckets, collection
// rate (回款率) and collection cycle (回款周期). Money is integer 分; dates are 'YYYY-MM-DD' in the
// tenant's calendar, so day counts are plain calendar days.

export interface PlanInstalment {
  id: string;
  dueDate: string;
  amount: number;
}

export interface Receipt {
  id: string;
  receivedOn: string;
  amount: number;
  /** Instalment the payer named; otherwise the oldest open one is paid first. */
  planId?: string | null;
}

export interface Allocation {
  receiptId: string;
  planId: string;
  amount: number;
  receivedOn: string;
}

export interface MatchResult {
  allocations: Allocation[];
  /** Per instalment: what is still owed. */
  outstanding: Record<string, number>;
  /** Money received beyond everything owed (预收/多付), by receipt. */
  overpaid: Array<{ receiptId: string; amount: number }>;
}

/**
 * Matches receipts to instalments: a named instalment first, the rest oldest-due first (FIFO,
 * as finance teams in China reconcile 回款). Receipts are taken in date order.
 */
export function matchReceipts(plans: PlanInstalment[], receipts: Receipt[]): MatchResult {
  const open = [...plans].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
  const outstanding: Record<string, number> = Object.fromEntries(open.map((p) => [p.id, p.amount]));
  const allocations: Allocation[] = [];
  const overpaid: MatchResult['overpaid'] = [];
  const ordered = [...receipts].sort(
    (a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.id.localeCompare(b.id),
  );
  for (const r of ordered) {
    let left = r.amount;
    const take = (planId: string) => {
      const owed = outstanding[planId] ?? 0;
      const amount = Math.min(owed, left);
      if (amount <= 0) return;
      outstanding[planId] = owed - amount;
      left -= amount;
      allocations.push({ receiptId: r.id, planId, amount, receivedOn: r.receivedOn });
    };
    if (r.planId && r.planId in outstanding) take(r.planId);
    for (const p of open) {
      if (left <= 0) break;
      take(p.id);
    }
    if (left > 0) overpaid.push({ receiptId: r.id, amount: left });
  }
  return { allocations, outstanding, overpaid };
}

export const AGEING_BUCKETS = ['not_due', 'd0_30', 'd31_60', 'd61_90', 'd90_plus'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

/** Whole calendar days from a to b ('YYYY-MM-DD'), negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Days past due → bucket: due today or later is not due; 1–30 days overdue is 0–30, and so on. */
export function ageingBucket(dueDate: string, asOf: string): AgeingBucket {
  const overdue = daysBetween(dueDate, asOf);
  if (overdue <= 0) return 'not_due';
  if (overdue <= 30) return 'd0_30';
  if (overdue <= 60) return 'd31_60';
  if (overdue <= 90) return 'd61_90';
  return 'd90_plus';
}

/** Outstanding amounts by ageing bucket as of a date, counting receipts received by then. */
export function ageReceivables(
  plans: PlanInstalment[],
  receipts: Receipt[],
  asOf: string,
): Record<AgeingBucket, number> {
  const { outstanding } = matchReceipts(
    plans,
    receipts.filter((r) => r.receivedOn <= asOf),
  );
  const buckets = Object.fromEntries(AGEING_BUCKETS.map((b) => [b, 0])) as Record<AgeingBucket, number>;
  for (const p of plans) buckets[ageingBucket(p.dueDate, asOf)] += outstanding[p.id] ?? 0;
  return buckets;
}

export interface CollectionFigures {
  /** Amount that fell due in the period. */
  due: number;
  /** Of that, what was received by the end of the period. */
  collected: number;
  /** collected ÷ due in basis points; null when nothing fell due. */
  rateBp: number | null;
  /** Amount-weighted average days from due date to receipt, over money collected; may be negative (early). */
  cycleDays: number | null;
}

/** One instalment due in a period and what of it was collected by the period's end. */
export interface InstalmentCollection {
  planId: string;
  dueDate: string;
  /** The instalment's amount (what fell due). */
  due: number;
  /** Of it, what was received by `to`. */
  collected: number;
  /** Σ amount × days from the due date to each receipt, over the money collected (may be negative: early). */
  weightedDays: number;
}

/**
 * The instalments due in [from, to] with what was collected of each by `to` (receipts matched
 * over the whole contract, named instalment first, then oldest due first).
 */
export function instalmentCollections(
  plans: PlanInstalment[],
  receipts: Receipt[],
  from: string,
  to: string,
): InstalmentCollection[] {
  const { allocations } = matchReceipts(
    plans,
    receipts.filter((r) => r.receivedOn <= to),
  );
  const inPeriod = new Map<string, InstalmentCollection>(
    plans
      .filter((p) => p.dueDate >= from && p.dueDate <= to)
      .map((p) => [p.id, { planId: p.id, dueDate: p.dueDate, due: p.amount, collected: 0, weightedDays: 0 }]),
  );
  for (const a of allocations) {
    const item = inPeriod.get(a.planId);
    if (!item) continue;
    item.collected += a.amount;
    item.weightedDays += a.amount * daysBetween(item.dueDate, a.receivedOn);
  }
  return [...inPeriod.values()];
}

export interface CollectionTotals {
  due: number;
  collected: number;
  weightedDays: number;
  /** collected ÷ due, unrounded; null when nothing fell due. */
  rate: number | null;
  /** Amount-weighted average days from due date to receipt, unrounded; null when nothing was collected. */
  cycleDays: number | null;
}

/**
 * 回款率 and 回款周期 over any set of instalments (one contract, a team, a KPI group): the one
 * place the two formulas live. Sums are exact; callers round to their unit.
 */
export function collectionTotals(
  items: ReadonlyArray<Pick<InstalmentCollection, 'due' | 'collected' | 'weightedDays'>>,
): CollectionTotals {
  let due = 0;
  let collected = 0;
  let weightedDays = 0;
  for (const i of items) {
    due += i.due;
    collected += i.collected;
    weightedDays += i.weightedDays;
  }
  return {
    due,
    collected,
    weightedDays,
    rate: due === 0 ? null : collected / due,
    cycleDays: collected === 0 ? null : weightedDays / collected,
  };
}

/**
 * 回款率 and 回款周期 for instalments due in [from, to]: what share of the money due was collected
 * by `to`, and how many days after its due date money arrived on average (weighted by amount).
 */
export function collectionFigures(
  plans: PlanInstalment[],
  receipts: Receipt[],
  from: string,
  to: string,
): CollectionFigures {
  return roundCollection(collectionTotals(instalmentCollections(plans, receipts, from, to)));
}

/** Totals in the receivables API's units: rate in basis points, cycle in days with one decimal. */
export function roundCollection(t: CollectionTotals): CollectionFigures {
  return {
    due: t.due,
    collected: t.collected,
    rateBp: t.due === 0 ? null : Math.round((t.collected * 10000) / t.due),
    cycleDays: t.collected === 0 ? null : Math.round((t.weightedDays * 10) / t.collected) / 10,
  };
}

/** Instalments generated from contract terms: percentages of the total on offsets from signing. */
export function planFromTerms(
  total: number,
  signedOn: string,
  terms: Array<{ percent: number; daysAfterSigning: number; name: string }>,
): Array<{ name: string; dueDate: string; amount: number }> {
  const sumPct = terms.reduce((s, t) => s + t.percent, 0);
  if (terms.length === 0 || sumPct !== 100) throw new RangeError('terms must add up to 100 percent');
  let allocated = 0;
  return terms.map((t, i) => {
    // The last instalment takes the rounding remainder, so instalments add up to the total exactly.
    const amount = i === terms.length - 1 ? total - allocated : Math.round((total * t.percent) / 100);
    allocated += amount;
    const due = new Date(Date.parse(`${signedOn}T00:00:00Z`) + t.daysAfterSigning * 86_400_000);
    return { name: t.name, dueDate: due.toISOString().slice(0, 10), amount };
  });
}
