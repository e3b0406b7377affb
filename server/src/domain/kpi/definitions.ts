import { TIME_DIMENSIONS } from './periods';

// The KPI library (指标库): every KPI defined once — key, names, unit, direction, the dimensions
// it can be sliced by, and how it is computed. The query layer (modules/kpi) loads the facts
// named by `facts` and the aggregate named by `formula` (aggregate.ts) turns them into numbers.

export const DIMENSIONS = [
  ...TIME_DIMENSIONS,
  'region',
  'team',
  'rep',
  'industry',
  'product',
  'source',
  'channel',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type KpiUnit = 'fen' | 'count' | 'ratio' | 'days' | 'hours' | 'score';
export type KpiDirection = 'higher_is_better' | 'lower_is_better';

/** The rows a KPI is computed from; each is one query in the KPI query layer. */
export type FactSource =
  | 'won_deals'
  | 'won_deals_with_previous_month'
  | 'won_deals_with_previous_year'
  | 'won_deals_new_or_existing'
  | 'closed_deals'
  | 'created_leads'
  | 'created_accounts'
  | 'deal_stage_entries'
  | 'deal_stage_stays'
  | 'lead_first_contact_clocks'
  | 'all_clocks'
  | 'activities'
  | 'collection_instalments'
  | 'satisfaction_scores';

export type Formula =
  | 'sum_amount'
  | 'count'
  | 'hit_rate'
  | 'growth'
  | 'average_days'
  | 'stage_conversion'
  | 'stage_hours'
  | 'new_share'
  | 'per_capita'
  | 'repeat_rate'
  | 'collection_rate'
  | 'collection_cycle'
  | 'average_score';

type Text = { 'zh-CN': string; 'en-US': string };

export interface KpiDefinition {
  key: string;
  name: Text;
  unit: KpiUnit;
  direction: KpiDirection;
  dimensions: readonly Dimension[];
  formula: Text;
  /** Present when the KPI can be computed now. */
  compute?: { facts: FactSource; aggregate: Formula };
  /** The later feature whose tables a not-yet-available KPI needs. */
  requires?: string;
  /** Computed by another module rather than from facts (target_attainment: modules/targets). */
  servedBy?: 'targets';
}

// Deal KPIs take every dimension; `channel` comes from a deal's quote, so lead, customer and
// follow-up KPIs (which have no deal) leave it out, and product too.
const ALL: readonly Dimension[] = DIMENSIONS;
const TIME: readonly Dimension[] = TIME_DIMENSIONS;
const NO_PRODUCT = DIMENSIONS.filter((d) => d !== 'product');
const NOT_DEALS = DIMENSIONS.filter((d) => d !== 'product' && d !== 'channel');
const PEOPLE: readonly Dimension[] = [...TIME, 'team', 'rep'];
/** Instalments: by due date, the contract owner, its customer, its deal's source and quote's channel. */
const COLLECTION: readonly Dimension[] = [...TIME, 'region', 'team', 'rep', 'industry', 'source', 'channel'];

export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  {
    key: 'revenue',
    name: { 'zh-CN': '销售额', 'en-US': 'Revenue' },
    unit: 'fen',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN': '期间内赢单商机金额之和（按赢单日期，单位：分）',
      'en-US': 'Sum of the amounts of deals won in the period (by won date, in fen)',
    },
    compute: { facts: 'won_deals', aggregate: 'sum_amount' },
  },
  {
    key: 'revenue_growth_mom',
    name: { 'zh-CN': '销售额环比增长率', 'en-US': 'Revenue growth, month on month' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN': '(本期销售额 − 上月同期销售额) ÷ 上月同期销售额；对比期为整体前移一个月',
      'en-US':
        '(revenue − revenue one month earlier) ÷ revenue one month earlier; the comparison window is the period moved back one month',
    },
    compute: { facts: 'won_deals_with_previous_month', aggregate: 'growth' },
  },
  {
    key: 'revenue_growth_yoy',
    name: { 'zh-CN': '销售额同比增长率', 'en-US': 'Revenue growth, year on year' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN': '(本期销售额 − 去年同期销售额) ÷ 去年同期销售额',
      'en-US': '(revenue − revenue in the same period a year earlier) ÷ that earlier revenue',
    },
    compute: { facts: 'won_deals_with_previous_year', aggregate: 'growth' },
  },
  {
    key: 'won_deals',
    name: { 'zh-CN': '赢单数', 'en-US': 'Deals won' },
    unit: 'count',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: { 'zh-CN': '期间内赢单的商机数', 'en-US': 'Number of deals won in the period' },
    compute: { facts: 'won_deals', aggregate: 'count' },
  },
  {
    key: 'win_rate',
    name: { 'zh-CN': '赢单率', 'en-US': 'Win rate' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN': '期间内关闭的商机中：赢单数 ÷ (赢单数 + 输单数)',
      'en-US': 'Of the deals closed in the period: won ÷ (won + lost)',
    },
    compute: { facts: 'closed_deals', aggregate: 'hit_rate' },
  },
  {
    key: 'lead_conversion_rate',
    name: { 'zh-CN': '线索转化率', 'en-US': 'Lead conversion rate' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: NOT_DEALS,
    formula: {
      'zh-CN': '期间内新建的线索中已转化的数量 ÷ 期间内新建的线索数',
      'en-US': 'Leads created in the period that have been converted ÷ leads created in the period',
    },
    compute: { facts: 'created_leads', aggregate: 'hit_rate' },
  },
  {
    key: 'stage_conversion',
    name: { 'zh-CN': '阶段转化率', 'en-US': 'Stage conversion' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN':
        '按阶段：期间内进入阶段 N 的商机中，之后进入更后阶段（N+1 或更后，含赢单）的比例；总体：期间内进入首个阶段的商机中最终赢单的比例',
      'en-US':
        'Per stage: of the deals entering stage N in the period, the share that later entered a later stage (N+1 or beyond, won included); overall: of those entering the first stage, the share that were later won',
    },
    compute: { facts: 'deal_stage_entries', aggregate: 'stage_conversion' },
  },
  {
    key: 'deal_cycle_days',
    name: { 'zh-CN': '成交周期（天）', 'en-US': 'Deal cycle (days)' },
    unit: 'days',
    direction: 'lower_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN': '期间内赢单商机从创建到赢单的天数：平均值（value）与中位数（median）',
      'en-US': 'Days from creation to won for deals won in the period: average (value) and median',
    },
    compute: { facts: 'won_deals', aggregate: 'average_days' },
  },
  {
    key: 'time_in_stage_hours',
    name: { 'zh-CN': '阶段停留时长（小时）', 'en-US': 'Time in stage (hours)' },
    unit: 'hours',
    direction: 'lower_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN': '期间内离开某阶段的商机在该阶段停留的小时数（相邻阶段事件之差）：平均值与中位数，按阶段分列',
      'en-US':
        'Hours deals spent in a stage they left in the period (between consecutive stage events): average and median, per stage',
    },
    compute: { facts: 'deal_stage_stays', aggregate: 'stage_hours' },
  },
  {
    key: 'lead_response_on_time_rate',
    name: { 'zh-CN': '线索首次响应及时率', 'en-US': 'Lead first response on time' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: NOT_DEALS,
    formula: {
      'zh-CN': '期间内开始的线索首次触达时限中按时完成的数量 ÷ 已完成或已超时的数量',
      'en-US':
        'Lead first-contact clocks started in the period that were met by their due time ÷ those met or overdue',
    },
    compute: { facts: 'lead_first_contact_clocks', aggregate: 'hit_rate' },
  },
  {
    key: 'sla_on_time_rate',
    name: { 'zh-CN': 'SLA 按时率', 'en-US': 'SLA on-time rate' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: PEOPLE,
    formula: {
      'zh-CN': '期间内开始的全部 SOP 时限中按时完成的数量 ÷ 已完成或已超时的数量',
      'en-US': 'SOP clocks started in the period that were met by their due time ÷ those met or overdue',
    },
    compute: { facts: 'all_clocks', aggregate: 'hit_rate' },
  },
  {
    key: 'new_customers',
    name: { 'zh-CN': '新增客户数', 'en-US': 'New customers' },
    unit: 'count',
    direction: 'higher_is_better',
    dimensions: NOT_DEALS,
    formula: { 'zh-CN': '期间内新建的客户数', 'en-US': 'Customers created in the period' },
    compute: { facts: 'created_accounts', aggregate: 'count' },
  },
  {
    key: 'new_vs_existing_revenue',
    name: { 'zh-CN': '新老客户销售额', 'en-US': 'New vs existing customer revenue' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: ALL,
    formula: {
      'zh-CN':
        '新客户销售额 ÷ 销售额；新客户指该商机是客户的首个赢单商机，否则为老客户（numerator=新客户销售额，denominator=总销售额，单位：分）',
      'en-US':
        "New-customer revenue ÷ revenue; a deal is new-customer revenue when it is the customer's first won deal, otherwise existing (numerator = new, denominator = total, in fen)",
    },
    compute: { facts: 'won_deals_new_or_existing', aggregate: 'new_share' },
  },
  {
    key: 'per_capita_revenue',
    name: { 'zh-CN': '人均产出', 'en-US': 'Revenue per rep' },
    unit: 'fen',
    direction: 'higher_is_better',
    dimensions: PEOPLE,
    formula: {
      'zh-CN': '销售额 ÷ 范围内在职销售代表人数（按销售代表切片时即本人销售额；单位：分，四舍五入）',
      'en-US': 'Revenue ÷ active reps in scope (by rep: that person’s revenue; in fen, rounded)',
    },
    compute: { facts: 'won_deals', aggregate: 'per_capita' },
  },
  {
    key: 'repeat_purchase_rate',
    name: { 'zh-CN': '复购率', 'en-US': 'Repeat purchase rate' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: NO_PRODUCT,
    formula: {
      'zh-CN': '期间内有 2 个及以上赢单商机的客户数 ÷ 期间内有赢单商机的客户数',
      'en-US': 'Customers with two or more deals won in the period ÷ customers with at least one',
    },
    compute: { facts: 'won_deals', aggregate: 'repeat_rate' },
  },
  {
    key: 'activities',
    name: { 'zh-CN': '跟进次数', 'en-US': 'Follow-ups' },
    unit: 'count',
    direction: 'higher_is_better',
    dimensions: PEOPLE,
    formula: { 'zh-CN': '期间内发生的跟进记录数', 'en-US': 'Follow-ups that took place in the period' },
    compute: { facts: 'activities', aggregate: 'count' },
  },
  {
    key: 'leads',
    name: { 'zh-CN': '新增线索数', 'en-US': 'New leads' },
    unit: 'count',
    direction: 'higher_is_better',
    dimensions: NOT_DEALS,
    formula: { 'zh-CN': '期间内新建的线索数', 'en-US': 'Leads created in the period' },
    compute: { facts: 'created_leads', aggregate: 'count' },
  },
  {
    key: 'target_attainment',
    name: { 'zh-CN': '目标达成率', 'en-US': 'Target attainment' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: ['region', 'team', 'rep'],
    formula: {
      'zh-CN':
        '实际值 ÷ 目标值（越低越好的指标为 目标值 ÷ 实际值）；按组织层级（大区、团队、销售代表）切片，周期为一个月、季度或年度',
      'en-US':
        'Actual ÷ target (target ÷ actual for lower-is-better KPIs); sliced by org level (region, team, rep) over one month, quarter or year',
    },
    servedBy: 'targets',
  },
  {
    key: 'collection_rate',
    name: { 'zh-CN': '回款率', 'en-US': 'Collection rate' },
    unit: 'ratio',
    direction: 'higher_is_better',
    dimensions: COLLECTION,
    formula: {
      'zh-CN': '期间内到期的回款计划中，截至期末已回款金额 ÷ 到期金额（按到期日，已签合同）',
      'en-US':
        'Of the instalments falling due in the period (signed contracts, by due date): amount received by the end of the period ÷ amount due',
    },
    compute: { facts: 'collection_instalments', aggregate: 'collection_rate' },
  },
  {
    key: 'collection_cycle_days',
    name: { 'zh-CN': '回款周期（天）', 'en-US': 'Collection cycle (days)' },
    unit: 'days',
    direction: 'lower_is_better',
    dimensions: COLLECTION,
    formula: {
      'zh-CN':
        '期间内到期的回款计划中，截至期末已收款项从到期日到收款日的天数，按金额加权平均（提前收款为负）',
      'en-US':
        'Of the instalments falling due in the period: days from due date to receipt of the money received by the end of the period, weighted by amount (early money counts negative)',
    },
    compute: { facts: 'collection_instalments', aggregate: 'collection_cycle' },
  },
  {
    key: 'customer_satisfaction',
    name: { 'zh-CN': '客户满意度', 'en-US': 'Customer satisfaction' },
    unit: 'score',
    direction: 'higher_is_better',
    dimensions: NOT_DEALS,
    formula: {
      'zh-CN':
        '期间内提交的满意度评分（售后回访记录、工单回访等交付物表单中的“满意度”，1–5 分）的平均分；4 分及以上计为满意',
      'en-US':
        'Average of the satisfaction scores (1–5, the "satisfaction" field of deliverable forms such as the after-sales visit record) submitted in the period; 4 or more counts as satisfied',
    },
    compute: { facts: 'satisfaction_scores', aggregate: 'average_score' },
  },
];

export function findKpi(key: string): KpiDefinition | undefined {
  return KPI_DEFINITIONS.find((k) => k.key === key);
}
