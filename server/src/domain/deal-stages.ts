// The deal stages of the default sales process (seed 001): 初步接触 → 需求分析 → 方案呈现 →
// 报价谈判 → 合同签订, then won or lost. Lead work (线索获取) happens on leads, and 订单执行 / 回款 /
// 售后 on orders, payments and tickets. The SOP engine's playbooks refine these per tenant.
export const DEAL_STAGES = [
  { key: 'initial_contact', probability: 10, status: 'open' },
  { key: 'needs_analysis', probability: 25, status: 'open' },
  { key: 'solution', probability: 45, status: 'open' },
  { key: 'negotiation', probability: 65, status: 'open' },
  { key: 'contract', probability: 85, status: 'open' },
  { key: 'won', probability: 100, status: 'won' },
  { key: 'lost', probability: 0, status: 'lost' },
] as const;

export type DealStage = (typeof DEAL_STAGES)[number]['key'];
export type DealStatus = 'open' | 'won' | 'lost';
export const DEAL_STAGE_KEYS = DEAL_STAGES.map((s) => s.key) as [DealStage, ...DealStage[]];

export function stageInfo(stage: DealStage) {
  return DEAL_STAGES.find((s) => s.key === stage)!;
}

export function statusOfStage(stage: DealStage): DealStatus {
  return stageInfo(stage).status;
}

/** Weighted amount for the pipeline: amount × probability, in 分, rounded half up. */
export function weightedAmount(amount: number, probability: number): number {
  return Math.round((amount * probability) / 100);
}
