import type { Generated } from 'kysely';

// Table types as the services see them (CamelCasePlugin maps to snake_case columns).
// Times are ISO-8601 UTC strings and dates 'YYYY-MM-DD' on both dialects (see database.ts).

interface RecordColumns {
  id: string;
  tenantId: string;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  deletedAt: string | null;
}

export interface TenantTable {
  id: string;
  name: string;
  timeZone: Generated<string>;
  createdAt: string;
}

export interface OrgUnitTable {
  id: string;
  tenantId: string;
  parentId: string | null;
  name: string;
  kind: string;
  managerId: string | null;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface UserTable {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  searchText: Generated<string>;
  passwordHash: string;
  role: string;
  orgUnitId: string | null;
  mobile: string | null;
  status: Generated<string>;
  locale: Generated<string>;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface SessionTable {
  id: string;
  tenantId: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiTokenTable {
  id: string;
  tenantId: string;
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface LoginAttemptTable {
  id: string;
  email: string;
  ip: string;
  succeeded: number;
  createdAt: string;
}

export interface AuditEventTable {
  id: string;
  tenantId: string;
  actorId: string | null;
  entity: string;
  entityId: string;
  action: string;
  changes: string;
  createdAt: string;
}

export interface IdempotencyKeyTable {
  tenantId: string;
  userId: string;
  key: string;
  fingerprint: string;
  statusCode: number;
  response: string;
  createdAt: string;
}

export interface OwnerTransferTable {
  id: string;
  tenantId: string;
  entity: string;
  entityId: string;
  fromOwnerId: string | null;
  toOwnerId: string | null;
  reason: string | null;
  actorId: string;
  createdAt: string;
}

export interface AccountTable extends RecordColumns {
  name: string;
  nameNorm: string;
  searchText: string;
  creditCode: string | null;
  industry: string | null;
  region: string | null;
  size: string | null;
  grade: string | null;
  source: string | null;
  phone: string | null;
  address: string | null;
  website: string | null;
  notes: string | null;
  ownerId: string | null;
  lastActivityAt: string | null;
  assignedAt: string | null;
}

export interface ContactTable extends RecordColumns {
  accountId: string;
  name: string;
  searchText: string;
  title: string | null;
  mobile: string | null;
  email: string | null;
  wechat: string | null;
  decisionRole: string | null;
  notes: string | null;
  ownerId: string | null;
}

export interface LeadTable extends RecordColumns {
  name: string;
  companyName: string | null;
  companyNorm: string | null;
  searchText: string;
  title: string | null;
  mobile: string | null;
  phone: string | null;
  email: string | null;
  wechat: string | null;
  creditCode: string | null;
  source: string;
  grade: string | null;
  status: string;
  industry: string | null;
  region: string | null;
  notes: string | null;
  firstContactAt: string | null;
  convertedAt: string | null;
  accountId: string | null;
  ownerId: string | null;
  lastActivityAt: string | null;
  assignedAt: string | null;
}

export interface ProductTable extends RecordColumns {
  sku: string;
  name: string;
  searchText: string;
  productLine: string | null;
  spec: string | null;
  model: string | null;
  unit: string;
  listPrice: number;
  cost: number | null;
  currency: string;
  status: string;
  description: string | null;
}

export interface DealTable extends RecordColumns {
  accountId: string;
  contactId: string | null;
  leadId: string | null;
  name: string;
  searchText: string;
  amount: number;
  currency: string;
  expectedCloseDate: string;
  stage: string;
  probability: number;
  status: string;
  source: string | null;
  productIds: string;
  lostReason: string | null;
  closedAt: string | null;
  stageEnteredAt: string;
  notes: string | null;
  ownerId: string | null;
}

export interface ActivityTable extends RecordColumns {
  kind: string;
  subject: string;
  notes: string | null;
  outcome: string | null;
  nextStep: string | null;
  nextContactAt: string | null;
  occurredAt: string;
  durationMinutes: number | null;
  searchText: string;
  leadId: string | null;
  accountId: string | null;
  contactId: string | null;
  dealId: string | null;
  ownerId: string | null;
}

export interface TaskTable extends RecordColumns {
  title: string;
  searchText: string;
  notes: string | null;
  dueAt: string;
  priority: string;
  status: string;
  completedAt: string | null;
  leadId: string | null;
  accountId: string | null;
  dealId: string | null;
  ownerId: string | null;
}

export interface SalesPolicyTable {
  tenantId: string;
  leadRecycleDays: number | null;
  accountRecycleDays: number | null;
  claimQuotaPerDay: number | null;
  maxCustomersPerRep: number | null;
  autoRouteNewLeads: number;
  version: Generated<number>;
  updatedAt: string;
}

export interface AssignmentRuleTable {
  id: string;
  tenantId: string;
  name: string;
  priority: number;
  status: string;
  conditions: string;
  targetUnitId: string | null;
  targetUserIds: string;
  method: string;
  loadCap: number | null;
  cursorUserId: string | null;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface PoolClaimTable {
  id: string;
  tenantId: string;
  userId: string;
  entity: string;
  entityId: string;
  claimedAt: string;
}

export interface PlaybookTable {
  id: string;
  tenantId: string;
  key: string;
  process: string;
  name: string;
  publishedVersionId: string | null;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface PlaybookVersionTable {
  id: string;
  tenantId: string;
  playbookId: string;
  number: number;
  status: string;
  definition: string;
  notes: string | null;
  createdBy: string | null;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
  version: Generated<number>;
}

export interface SopRunTable {
  id: string;
  tenantId: string;
  recordType: string;
  recordId: string;
  playbookId: string;
  playbookVersionId: string;
  stageKey: string;
  stageEnteredAt: string;
  checklist: string;
  forms: string;
  ownerId: string | null;
  status: string;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface StageEventTable {
  id: string;
  tenantId: string;
  recordType: string;
  recordId: string;
  playbookVersionId: string | null;
  fromStage: string | null;
  toStage: string;
  actorId: string | null;
  ownerId: string | null;
  reason: string | null;
  at: string;
}

export interface SopClockTable {
  id: string;
  tenantId: string;
  runId: string;
  recordType: string;
  recordId: string;
  stageKey: string;
  limitKey: string;
  ownerId: string | null;
  startedAt: string;
  warnAt: string | null;
  dueAt: string;
  status: string;
  stoppedAt: string | null;
  escalationStep: Generated<number>;
  nextCheckAt: string | null;
}

export interface SopBreachTable {
  id: string;
  tenantId: string;
  /** Null for a breach no clock measured: a weekly report missing at its deadline. */
  clockId: string | null;
  recordType: string;
  recordId: string;
  stageKey: string;
  limitKey: string;
  ownerId: string | null;
  dueAt: string;
  breachedAt: string;
  reason: string | null;
  reasonBy: string | null;
  reasonAt: string | null;
  version: Generated<number>;
}

export interface AutomationRuleTable {
  id: string;
  tenantId: string;
  name: string;
  status: string;
  trigger: string;
  condition: string | null;
  actions: string;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
  /** Schedule rules: the next slot to run (20261125_0007). */
  nextRunAt: string | null;
}

export interface AutomationRunTable {
  id: string;
  tenantId: string;
  ruleId: string;
  recordType: string | null;
  recordId: string | null;
  event: string;
  depth: number;
  status: string;
  detail: string | null;
  at: string;
}

export interface BusinessCalendarTable {
  tenantId: string;
  definition: string;
  version: Generated<number>;
  updatedAt: string;
}

/** One in-app inbox entry for one user. */
export interface NotificationTable {
  id: string;
  tenantId: string;
  userId: string;
  kind: string;
  titleZh: string;
  titleEn: string;
  bodyZh: string | null;
  bodyEn: string | null;
  recordType: string | null;
  recordId: string | null;
  readAt: string | null;
  createdAt: string;
}

/** A tenant's outbound channel: email (SMTP), DingTalk / WeCom / Feishu robot, generic webhook. */
export interface NotificationChannelTable {
  id: string;
  tenantId: string;
  kind: string;
  name: string;
  config: string; // JSON, secrets included (never returned in full)
  enabled: number;
  kinds: string; // JSON array of notification kinds carried; [] = all
  version: Generated<number>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One message to send, written in the caller's transaction; the delivery worker sends it. */
export interface NotificationOutboxTable {
  id: string;
  tenantId: string;
  channelId: string | null;
  channelKind: string;
  event: string;
  payload: string; // JSON
  secret: string | null; // signing secret of an ad-hoc webhook (enqueueWebhook)
  status: string; // pending | retrying | delivered | dead
  attempts: number;
  nextAttemptAt: string;
  leaseUntil: string | null;
  leaseId: string | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One row per delivery attempt. */
export interface NotificationDeliveryTable {
  id: string;
  tenantId: string;
  outboxId: string;
  attempt: number;
  at: string;
  ok: number;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  durationMs: number;
}

export interface DB {
  tenants: TenantTable;
  orgUnits: OrgUnitTable;
  users: UserTable;
  sessions: SessionTable;
  apiTokens: ApiTokenTable;
  loginAttempts: LoginAttemptTable;
  auditEvents: AuditEventTable;
  idempotencyKeys: IdempotencyKeyTable;
  ownerTransfers: OwnerTransferTable;
  accounts: AccountTable;
  contacts: ContactTable;
  leads: LeadTable;
  products: ProductTable;
  deals: DealTable;
  activities: ActivityTable;
  tasks: TaskTable;
  salesPolicies: SalesPolicyTable;
  assignmentRules: AssignmentRuleTable;
  poolClaims: PoolClaimTable;
  playbooks: PlaybookTable;
  playbookVersions: PlaybookVersionTable;
  sopRuns: SopRunTable;
  stageEvents: StageEventTable;
  sopClocks: SopClockTable;
  sopBreaches: SopBreachTable;
  automationRules: AutomationRuleTable;
  automationRuns: AutomationRunTable;
  businessCalendars: BusinessCalendarTable;
  notifications: NotificationTable;
  notificationChannels: NotificationChannelTable;
  notificationOutbox: NotificationOutboxTable;
  notificationDeliveries: NotificationDeliveryTable;
  importJobs: ImportJobTable;
  importRows: ImportRowTable;
  importMappings: ImportMappingTable;
  recordMerges: RecordMergeTable;
  priceLists: PriceListTable;
  priceListItems: PriceListItemTable;
  quotes: QuoteTable;
  quoteVersions: QuoteVersionTable;
  approvalMatrices: ApprovalMatrixTable;
  approvalRequests: ApprovalRequestTable;
  approvalDelegations: ApprovalDelegationTable;
  attachments: AttachmentTable;
  approvalClocks: ApprovalClockTable;
  contractTemplates: ContractTemplateTable;
  contracts: ContractTable;
  contractVersions: ContractVersionTable;
  orders: OrderTable;
  orderHandoffs: OrderHandoffTable;
  shipments: ShipmentTable;
  paymentPlans: PaymentPlanTable;
  receipts: ReceiptTable;
  paymentReminders: PaymentReminderTable;
  targets: TargetTable;
  dealForecasts: DealForecastTable;
  weeklyReports: WeeklyReportTable;
  weeklyReportSettings: WeeklyReportSettingTable;
  savedViews: SavedViewTable;
}

/** One uploaded file: its parse, mapping, validation report and progress (import module). */
export interface ImportJobTable {
  id: string;
  tenantId: string;
  entity: string;
  fileName: string;
  fileHash: string;
  fileSize: number;
  format: string;
  encoding: string | null;
  status: string; // validating | invalid | validated | running | committed | failed | undone
  headers: string; // JSON string[]
  mapping: string; // JSON { header: field | null }
  totalRows: number;
  validRows: number;
  rejectedRows: number;
  skippedRows: number;
  createdRows: number;
  doneRows: number;
  report: string; // JSON
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  committedAt: string | null;
  undoneAt: string | null;
  /** The process validating or committing the job (a token per run); null when none does. */
  workerId: string | null;
  /** When that worker last said it was alive; a job whose heartbeat stopped is taken over. */
  heartbeatAt: string | null;
}

export interface ImportRowTable {
  id: string;
  tenantId: string;
  jobId: string;
  entity: string;
  rowNo: number;
  fingerprint: string;
  status: string; // valid | rejected | skipped | imported | undone
  raw: string; // JSON string[] (the original cells)
  input: string | null; // JSON: the cleaned record input
  errors: string | null; // JSON FieldIssue[]
  recordId: string | null;
  recordVersion: number | null;
}

export interface ImportMappingTable {
  id: string;
  tenantId: string;
  entity: string;
  name: string;
  mapping: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A duplicate merged into another record: the loser is soft-deleted and linked here. */
export interface RecordMergeTable {
  id: string;
  tenantId: string;
  entity: string;
  winnerId: string;
  loserId: string;
  choices: string;
  moved: string;
  actorId: string;
  createdAt: string;
}

// Quote-to-cash: price lists, quotes and their versions, approvals (quotes module).
export interface PriceListTable {
  id: string;
  tenantId: string;
  name: string;
  channel: string | null;
  currency: string;
  status: string;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface PriceListItemTable {
  id: string;
  tenantId: string;
  priceListId: string;
  productId: string;
  unitPrice: number;
  updatedAt: string;
}

export interface QuoteTable extends RecordColumns {
  number: string;
  dealId: string;
  accountId: string;
  ownerId: string | null;
  title: string;
  status: string;
  currency: string;
  priceListId: string | null;
  taxMode: string;
  currentVersion: number;
  paymentTerms: string | null;
  paymentDays: number;
  deliveryDate: string | null;
  validUntil: string;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  discountBp: number;
  costAmount: number | null;
  marginBp: number | null;
  approvalId: string | null;
}

export interface QuoteVersionTable {
  id: string;
  tenantId: string;
  quoteId: string;
  number: number;
  lines: string;
  terms: string;
  totals: string;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface ApprovalMatrixTable {
  id: string;
  tenantId: string;
  subject: string;
  definition: string;
  version: Generated<number>;
  updatedBy: string | null;
  updatedAt: string;
}

export interface ApprovalRequestTable {
  id: string;
  tenantId: string;
  subject: string;
  subjectId: string;
  subjectVersion: number;
  requesterId: string;
  status: string;
  state: string;
  facts: string;
  pendingApprovers: string;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface ApprovalDelegationTable {
  id: string;
  tenantId: string;
  userId: string;
  delegateId: string;
  startsOn: string;
  endsOn: string;
  createdBy: string | null;
  createdAt: string;
}

/** A file linked to a record; the bytes live in the attachment store (disk or S3) (20261125_0012). */
export interface AttachmentTable {
  id: string;
  tenantId: string;
  recordType: string;
  recordId: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storage: string; // disk | s3
  storageKey: string;
  uploadedBy: string;
  createdAt: string;
  deletedAt: string | null;
  deletedBy: string | null;
}

/** The time limit of one pending approval step and round (审批时限) (20261125_0012). */
export interface ApprovalClockTable {
  id: string;
  tenantId: string;
  approvalId: string;
  stepIndex: number;
  round: number;
  levelKey: string;
  timeLimitHours: number;
  startedAt: string;
  dueAt: string;
  status: string; // running | met | breached | cancelled
  breachedAt: string | null;
  stoppedAt: string | null;
}

// Targets, forecast categories and weekly reports (20261125_0013).
export interface TargetTable {
  id: string;
  tenantId: string;
  metric: string;
  period: string;
  level: string; // company | region | team | rep
  subjectId: string;
  parentId: string | null;
  ownerId: string | null;
  value: number;
  method: string;
  weight: number | null;
  milestones: string; // JSON [{ date, value }]
  version: Generated<number>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DealForecastTable {
  id: string;
  tenantId: string;
  dealId: string;
  repCategory: string | null;
  repSetBy: string | null;
  repSetAt: string | null;
  managerCategory: string | null;
  managerSetBy: string | null;
  managerSetAt: string | null;
  version: Generated<number>;
  updatedAt: string;
}

export interface WeeklyReportTable {
  id: string;
  tenantId: string;
  ownerId: string;
  weekStart: string;
  status: string; // draft | submitted
  plan: string | null;
  helpNeeded: string | null;
  summary: string | null;
  submittedAt: string | null;
  dueAt: string | null;
  breachedAt: string | null;
  managerComment: string | null;
  commentedBy: string | null;
  commentedAt: string | null;
  version: Generated<number>;
  createdAt: string;
  updatedAt: string;
}

export interface WeeklyReportSettingTable {
  tenantId: string;
  deadlineWeekday: number;
  deadlineTime: string;
  version: Generated<number>;
  updatedAt: string;
}

// Quote-to-cash after the quote: contracts, sales orders, payments (contracts, orders, payments modules).
export interface ContractTemplateTable {
  id: string;
  tenantId: string;
  name: string;
  clauses: string; // JSON [{ key, title, body }]
  status: string;
  version: Generated<number>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContractTable extends RecordColumns {
  number: string;
  quoteId: string;
  quoteVersion: number;
  dealId: string;
  accountId: string;
  ownerId: string | null;
  title: string;
  status: string;
  currency: string;
  taxMode: string;
  netAmount: number;
  taxAmount: number;
  grossAmount: number;
  discountBp: number;
  marginBp: number | null;
  templateId: string | null;
  currentVersion: number;
  signedVersion: number | null;
  signedOn: string | null;
  approvalId: string | null;
  archivedAt: string | null;
}

export interface ContractVersionTable {
  id: string;
  tenantId: string;
  contractId: string;
  number: number;
  lines: string;
  clauses: string;
  paymentTerms: string;
  note: string | null;
  signedOn: string | null;
  signatories: string | null;
  scanAttachmentId: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface OrderTable extends RecordColumns {
  number: string;
  contractId: string;
  dealId: string;
  accountId: string;
  ownerId: string | null;
  status: string;
  currency: string;
  grossAmount: number;
  lines: string;
  deliveryDate: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export interface OrderHandoffTable {
  id: string;
  tenantId: string;
  orderId: string;
  department: string;
  assigneeId: string;
  dueOn: string;
  status: string;
  taskId: string | null;
  note: string | null;
  doneAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ShipmentTable {
  id: string;
  tenantId: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  shippedOn: string;
  lines: string;
  status: string;
  acceptanceKind: string | null;
  acceptedOn: string | null;
  acceptanceDoc: string | null;
  acceptanceAttachmentId: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentPlanTable {
  id: string;
  tenantId: string;
  contractId: string;
  accountId: string;
  ownerId: string | null;
  seq: number;
  name: string;
  percent: number;
  dueDate: string;
  amount: number;
  currency: string;
  createdAt: string;
}

export interface ReceiptTable {
  id: string;
  tenantId: string;
  contractId: string;
  accountId: string;
  ownerId: string | null;
  planId: string | null;
  amount: number;
  currency: string;
  receivedOn: string;
  method: string;
  reference: string | null;
  note: string | null;
  overpayment: Generated<number>;
  createdBy: string | null;
  createdAt: string;
}

export interface PaymentReminderTable {
  id: string;
  tenantId: string;
  planId: string;
  step: string;
  createdAt: string;
}

export interface SavedViewTable {
  id: string;
  tenantId: string;
  userId: string;
  entity: string;
  name: string;
  definition: string; // JSON SavedViewDefinition
  createdAt: string;
}
