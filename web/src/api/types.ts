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
