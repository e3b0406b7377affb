// What the API returns (DTOs), mirrored from the server's schemas.
export interface Me {
  user: { id: string; email: string; name: string; role: string; orgUnitId: string | null; locale: string };
  tenant: { id: string; name: string; timeZone: string };
  csrfToken: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export interface RecordBase {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  ownerId?: string | null;
  ownerName?: string | null;
}

export interface Lead extends RecordBase {
  name: string;
  companyName: string | null;
  mobile: string | null;
  source: string;
  grade: string | null;
  status: string;
  firstContactAt: string | null;
}

export interface Account extends RecordBase {
  name: string;
  industry: string | null;
  region: string | null;
  grade: string | null;
  creditCode: string | null;
}

export interface Deal extends RecordBase {
  name: string;
  accountId: string;
  amount: number;
  currency: string;
  stage: string;
  status: string;
  expectedCloseDate: string;
}

export interface Contact extends RecordBase {
  name: string;
  title: string | null;
  mobile: string | null;
  accountId: string;
}

export type LocalText = { 'zh-CN': string; 'en-US': string };

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  orgUnitId: string | null;
  status: string;
}

export interface Activity extends RecordBase {
  kind: string;
  subject: string;
  notes: string | null;
  nextContactAt: string | null;
  occurredAt: string;
  leadId: string | null;
  accountId: string | null;
  contactId: string | null;
  dealId: string | null;
}

export interface Task extends RecordBase {
  title: string;
  notes: string | null;
  dueAt: string;
  priority: string;
  status: string;
  leadId: string | null;
  accountId: string | null;
  dealId: string | null;
}

export interface Breach {
  id: string;
  recordType: string;
  recordId: string;
  stageKey: string;
  limitKey: string;
  ownerId: string | null;
  dueAt: string;
  breachedAt: string;
  reason: string | null;
  /** The record's name, where the list brings it (deals and leads). */
  recordName?: string | null;
}

export interface AuditEvent {
  id: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown>; note?: string } | null;
  createdAt: string;
}

export interface History {
  events: AuditEvent[];
  /** Audit events in all; `events` is one page of them, newest first. */
  total?: number;
  hasMore?: boolean;
  transfers: {
    id: string;
    fromOwnerId: string | null;
    toOwnerId: string | null;
    reason: string | null;
    createdAt: string;
  }[];
}

export type FieldType =
  | 'text'
  | 'textarea'
  | 'number'
  | 'money'
  | 'date'
  | 'datetime'
  | 'select'
  | 'multiselect'
  | 'boolean'
  | 'phone'
  | 'email';

export interface FormField {
  key: string;
  label: LocalText;
  type: FieldType;
  required?: boolean;
  options?: { value: string; label: LocalText }[];
  help?: LocalText;
  min?: number;
  max?: number;
}

export interface SopForm {
  key: string;
  name: LocalText;
  required?: boolean;
  fields: FormField[];
}

export interface Duration {
  value: number;
  unit: 'minutes' | 'hours' | 'working_hours' | 'working_days' | 'days';
}

export interface TimeLimit {
  key: string;
  name: LocalText;
  starts?: 'stage_entered' | 'record_created';
  duration?: Duration;
  deadline?: { time: string; on: 'same_working_day' | 'next_working_day' | 'daily' };
  warnBefore?: Duration;
}

export interface Stage {
  key: string;
  name: LocalText;
  probability?: number;
  terminal?: 'won' | 'lost' | 'closed';
  requiredReasons?: { value: string; label: LocalText }[];
  checklist: { key: string; name: LocalText; required?: boolean; standard?: LocalText }[];
  forms: SopForm[];
  timeLimits: TimeLimit[];
  allowedNext: string[];
}

export interface Playbook {
  key: string;
  process: string;
  name: LocalText;
  stages: Stage[];
  /** Deal playbooks: the reps' weekly report is due each week by this weekday (1 = Monday) and time. */
  weeklyReport?: { weekday: number; time: string };
}

export interface Violation {
  kind: string;
  formKey?: string;
  fieldKey?: string;
  actionKey?: string;
  message: string | LocalText;
}

export interface SopPanel {
  playbookVersionId: string;
  stage: Stage | undefined;
  stageEnteredAt: string;
  state: {
    checklist: Record<string, { doneAt: string; doneBy: string }>;
    forms: Record<string, { values: Record<string, unknown>; submittedAt: string; submittedBy: string }>;
  };
  /** The stage's clocks as the server's sweep keeps them (due times in business time). */
  clocks?: SopClock[];
  next: { stage: string; ready: boolean; violations: Violation[] }[];
}

export interface SopClock {
  id: string;
  stageKey: string;
  limitKey: string;
  status: 'running' | 'warned' | 'breached' | 'met' | 'cancelled';
  startedAt: string;
  warnAt: string | null;
  dueAt: string;
  stoppedAt: string | null;
}

export interface Notification {
  id: string;
  kind: string;
  title: LocalText;
  body: LocalText | null;
  recordType: string | null;
  recordId: string | null;
  readAt: string | null;
  createdAt: string;
}

// Quote to cash (合同、订单、回款): contracts, orders, payment plans, receivables, attachments.
export interface ContractClause {
  key: string;
  title: string;
  body: string;
}

export interface PaymentTerm {
  name: string;
  percent: number;
  daysAfterSigning: number;
}

export interface Signatory {
  party: 'customer' | 'company';
  name: string;
  title?: string | null;
}

export interface ContractLine {
  productId: string;
  productName: string;
  sku: string;
  unit: string | null;
  spec: string | null;
  quantity: string;
  unitPrice: number;
  discountPercent: string;
  taxRatePercent: string;
  totals: { netAmount: number; taxAmount: number; grossAmount: number };
}

export interface Contract {
  id: string;
  number: string;
  quoteId: string;
  quoteVersion: number;
  dealId: string;
  accountId: string;
  accountName?: string | null;
  ownerId: string | null;
  title: string;
  status: string;
  currency: string;
  taxMode: string;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  discountBp: number;
  marginBp?: number | null;
  templateId: string | null;
  currentVersion: number;
  signedVersion: number | null;
  signedOn: string | null;
  approvalId: string | null;
  archivedAt: string | null;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  editable: boolean;
  lines?: ContractLine[];
  clauses?: ContractClause[];
  paymentTerms?: PaymentTerm[];
  note?: string | null;
  signatories?: Signatory[] | null;
  scanAttachmentId?: string | null;
  versionSignedOn?: string | null;
}

export interface ContractVersion {
  number: number;
  lines: ContractLine[];
  clauses: ContractClause[];
  paymentTerms: PaymentTerm[];
  note: string | null;
  signedOn: string | null;
  signatories: Signatory[] | null;
  scanAttachmentId: string | null;
  createdBy: string;
  createdAt: string;
}

export interface ContractTemplate {
  id: string;
  name: string;
  clauses: ContractClause[];
  status: 'active' | 'inactive';
  version: number;
}

export interface Instalment {
  id: string;
  seq: number;
  name: string;
  percent: number;
  dueDate: string;
  amount: number;
  received: number;
  outstanding: number;
  status: 'paid' | 'overdue' | 'partially_paid' | 'open';
  overdueDays: number;
}

export interface Receipt {
  id: string;
  contractId: string;
  planId: string | null;
  amount: number;
  currency: string;
  receivedOn: string;
  method: string;
  reference: string | null;
  note: string | null;
  overpayment: number;
  createdBy: string;
  createdAt: string;
}

export interface PaymentPlan {
  contractId: string;
  currency: string;
  asOf: string;
  amount: number;
  received: number;
  outstanding: number;
  overpaid: number;
  instalments: Instalment[];
  receipts: Receipt[];
}

export type AgeingBucket = 'not_due' | 'd0_30' | 'd31_60' | 'd61_90' | 'd90_plus';

export interface AgeingReport {
  asOf: string;
  groupBy: 'account' | 'owner' | 'team';
  items: Array<{
    key: string;
    name: string | null;
    buckets: Record<AgeingBucket, number>;
    outstanding: number;
    overdue: number;
  }>;
  totals: { buckets: Record<AgeingBucket, number>; outstanding: number; overdue: number };
}

export interface CollectionFigures {
  key: string;
  name: string | null;
  due: number;
  collected: number;
  rateBp: number | null;
  cycleDays: number | null;
}

export interface CollectionReport {
  from: string;
  to: string;
  groupBy: 'account' | 'owner' | 'team';
  items: CollectionFigures[];
  totals: CollectionFigures;
}

export interface OrderLine {
  lineNo: number;
  productId: string;
  productName: string;
  sku: string;
  unit: string | null;
  spec: string | null;
  quantity: string;
  unitPrice: number;
  grossAmount: number;
  remaining?: string;
}

export interface OrderHandoff {
  id: string;
  orderId: string;
  department: 'production' | 'procurement' | 'qc' | 'logistics';
  assigneeId: string;
  dueOn: string;
  status: string;
  taskId: string | null;
  note: string | null;
  doneAt: string | null;
  createdAt: string;
}

export interface Shipment {
  id: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  shippedOn: string;
  status: string;
  lines: Array<{ lineNo: number; quantity: string }>;
  acceptanceKind?: string | null;
  acceptedOn?: string | null;
  acceptanceDoc?: string | null;
  acceptanceAttachmentId?: string | null;
  createdAt: string;
}

export interface SalesOrder {
  id: string;
  number: string;
  contractId: string;
  dealId: string;
  accountId: string;
  ownerId: string | null;
  status: string;
  currency: string;
  grossAmount: number;
  lines: OrderLine[];
  deliveryDate: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  handoffs?: OrderHandoff[];
  shipments?: Shipment[];
  editable?: boolean;
}

export interface Attachment {
  id: string;
  recordType: string;
  recordId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  createdAt: string;
}

// Performance (业绩): dashboards, targets, forecast, weekly reports, before/after.
export type TargetLevel = 'company' | 'region' | 'team' | 'rep';

export interface KpiFigure {
  value: number | null;
  count: number;
  numerator?: number;
  denominator?: number;
}

export interface Dashboard {
  kind: 'personal' | 'team' | 'executive';
  period: string;
  from: string;
  to: string;
  level: TargetLevel;
  subjectId: string;
  subjectName: string;
  panels: {
    summary: Array<KpiFigure & { kpi: string; unit: 'fen' | 'count' | 'ratio' | 'days' | 'hours' | 'score' }>;
    funnel: {
      overall: { value: number | null; won: number; entered: number };
      stages: Array<{
        stage: string;
        entered: number;
        advanced: number;
        conversion: number | null;
        dropOff: number | null;
      }>;
    };
    trend: Array<{ month: string; revenue: number; wonDeals: number }>;
    attainment: Array<{
      targetId: string;
      metric: string;
      level: TargetLevel;
      subjectId: string;
      subjectName: string;
      target: number;
      actual: number;
      attainment: number | null;
    }>;
    stageDuration: Array<{
      stage: string;
      count: number;
      avgHours: number | null;
      medianHours: number | null;
      buckets: Array<{ bucket: string; count: number }>;
    }>;
    slaHeatmap: {
      stages: string[];
      rows: Array<{
        ownerId: string;
        name: string;
        cells: Array<{ stage: string; onTime: number; decided: number; rate: number }>;
      }>;
    };
    collectionAgeing:
      | { available: false }
      | {
          available: true;
          asOf: string;
          buckets: Record<string, number>;
          outstanding: number;
          overdue: number;
          items: Array<{ key: string; name: string; outstanding: number; overdue: number }>;
        };
  };
}

export interface Milestone {
  date: string;
  value: number;
}

export interface Target {
  id: string;
  metric: string;
  period: string;
  from: string;
  to: string;
  level: TargetLevel;
  subjectId: string;
  subjectName: string;
  parentId: string | null;
  ownerId: string | null;
  value: number;
  method: string;
  weight: number | null;
  milestones: Milestone[];
  actual: number;
  attainment: number | null;
  gapToTarget: number;
  currentMilestone: (Milestone & { actual: number; attainment: number | null }) | null;
  version: number;
}

export interface TargetDetail extends Target {
  children: Target[];
  rollUp: { childrenSum: number; gap: number };
}

export type ForecastCategory = 'commit' | 'best_case' | 'pipeline' | 'omitted';

export interface ForecastDeal {
  id: string;
  name: string;
  ownerId: string;
  stage: string;
  amount: number;
  expectedCloseDate: string;
  probability: number;
  weighted: number;
  repCategory: ForecastCategory | null;
  managerCategory: ForecastCategory | null;
  category: ForecastCategory;
}

export interface Forecast {
  period: string;
  from: string;
  to: string;
  level: TargetLevel;
  subjectId: string;
  won: number;
  pipeline: { deals: number; pipeline: number; weighted: number; commit: number; bestCase: number };
  forecast: { commit: number; bestCase: number; weighted: number };
  target: { id: string; value: number; gap: number } | null;
  trend: {
    history: Array<{ month: string; value: number }>;
    months: Array<{ month: string; value: number }>;
    total: number;
    slope: number | null;
  };
  deals: ForecastDeal[];
}

export interface WeeklyReportRow {
  id: string | null;
  ownerId: string;
  ownerName: string;
  week: string;
  status: 'not_started' | 'draft' | 'submitted';
  dueAt: string;
  submittedAt: string | null;
  late: boolean;
  breached: boolean;
  plan: string | null;
  helpNeeded: string | null;
  managerComment: string | null;
  commentedBy: string | null;
  commentedAt: string | null;
  version: number;
}

interface ReportItem {
  id: string;
  name: string;
  at: string;
}

export interface WeeklyReport extends WeeklyReportRow {
  generated: {
    from: string;
    to: string;
    newLeads: { count: number; items: ReportItem[] };
    followUps: { count: number; items: ReportItem[] };
    stageMoves: { count: number; items: Array<ReportItem & { stage: string | null }> };
    wins: { count: number; amount: number; items: Array<ReportItem & { amount: number }> };
    payments: {
      count: number;
      amount: number;
      items: Array<{ id: string; contractId: string; amount: number; receivedOn: string }>;
    };
    breaches: {
      count: number;
      items: Array<{
        id: string;
        recordId: string;
        stageKey: string;
        limitKey: string;
        breachedAt: string;
        explained: boolean;
      }>;
    };
  };
}

export interface KpiComparison {
  kpi: { key: string; name: LocalText; unit: string; direction: 'higher_is_better' | 'lower_is_better' };
  mode: 'periods' | 'playbook_versions';
  a: KpiFigure & { from?: string; to?: string; number?: number };
  b: KpiFigure & { from?: string; to?: string; number?: number };
  change: { absolute: number | null; relative: number | null };
}
