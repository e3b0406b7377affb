// Weighted pipeline (加权管道) and forecast categories (承诺 / 乐观). Amounts are integer 分;
// a weighted amount is amount × probability ÷ 100, rounded half up per deal, then summed.

export const FORECAST_CATEGORIES = ['commit', 'best_case', 'pipeline', 'omitted'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

export interface PipelineDeal {
  id: string;
  amount: number;
  /** Win probability of the deal's stage, 0–100. */
  probability: number;
  /** The category in force: the manager's override, else the rep's, else by probability. */
  category: ForecastCategory;
}

/** The category a deal has when nobody set one: late stages commit, middle ones best case. */
export function defaultCategory(probability: number): ForecastCategory {
  if (probability >= 85) return 'commit';
  if (probability >= 45) return 'best_case';
  return 'pipeline';
}

export function effectiveCategory(
  manager: string | null | undefined,
  rep: string | null | undefined,
  probability: number,
): ForecastCategory {
  const pick = (manager ?? rep) as ForecastCategory | null | undefined;
  return pick && (FORECAST_CATEGORIES as readonly string[]).includes(pick)
    ? pick
    : defaultCategory(probability);
}

export function weightedAmount(amount: number, probability: number): number {
  return Math.round((amount * probability) / 100);
}

export interface PipelineSummary {
  deals: number;
  pipeline: number;
  weighted: number;
  /** Σ amount of commit deals. */
  commit: number;
  /** commit + Σ amount of best-case deals. */
  bestCase: number;
}

export function summarisePipeline(deals: readonly PipelineDeal[]): PipelineSummary {
  let pipeline = 0;
  let weighted = 0;
  let commit = 0;
  let best = 0;
  let counted = 0;
  for (const d of deals) {
    if (d.category === 'omitted') continue;
    counted++;
    pipeline += d.amount;
    weighted += weightedAmount(d.amount, d.probability);
    if (d.category === 'commit') commit += d.amount;
    if (d.category === 'best_case') best += d.amount;
  }
  return { deals: counted, pipeline, weighted, commit, bestCase: commit + best };
}
