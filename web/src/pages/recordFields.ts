import type { Entity } from '../lib';

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'select'
  | 'money'
  | 'date'
  | 'number'
  | 'mobile'
  | 'phone'
  | 'email'
  | 'creditCode';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  required?: boolean;
  max?: number;
  /** i18n prefix of the option labels, with the option values. */
  options?: { prefix: string; values: readonly string[] };
  /** Shown in the record header. */
  header?: boolean;
}

export const LEAD_SOURCES = [
  'website',
  'exhibition',
  'referral',
  'cold_call',
  'online_ad',
  'social_media',
  'partner',
  'other',
] as const;
export const GRADES = ['A', 'B', 'C', 'D'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'disqualified'] as const;
export const ACCOUNT_SIZES = ['micro', 'small', 'medium', 'large', 'enterprise'] as const;
export const DECISION_ROLES = [
  'decision_maker',
  'economic_buyer',
  'technical_buyer',
  'user',
  'influencer',
  'champion',
  'gatekeeper',
] as const;
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY'] as const;
export const DEAL_STAGES = [
  'initial_contact',
  'needs_analysis',
  'solution',
  'negotiation',
  'contract',
  'won',
  'lost',
] as const;
export const ACTIVITY_KINDS = ['call', 'visit', 'meeting', 'email', 'wechat'] as const;

const grade = { prefix: 'grade', values: GRADES };
const source = { prefix: 'source', values: LEAD_SOURCES };

/** The fields each record page shows and edits, with the server's limits. */
export const FIELDS: Record<Entity, FieldSpec[]> = {
  leads: [
    { key: 'name', kind: 'text', required: true, max: 100, header: true },
    { key: 'companyName', kind: 'text', max: 200, header: true },
    { key: 'title', kind: 'text', max: 100, header: true },
    { key: 'mobile', kind: 'mobile', header: true },
    { key: 'phone', kind: 'phone' },
    { key: 'email', kind: 'email' },
    { key: 'wechat', kind: 'text', max: 100 },
    { key: 'creditCode', kind: 'creditCode' },
    { key: 'source', kind: 'select', required: true, options: source, header: true },
    { key: 'grade', kind: 'select', options: grade, header: true },
    { key: 'status', kind: 'select', options: { prefix: 'leadStatus', values: LEAD_STATUSES }, header: true },
    { key: 'industry', kind: 'text', max: 50 },
    { key: 'region', kind: 'text', max: 50 },
    { key: 'notes', kind: 'textarea', max: 5000 },
  ],
  accounts: [
    { key: 'name', kind: 'text', required: true, max: 200, header: true },
    { key: 'creditCode', kind: 'creditCode', header: true },
    { key: 'industry', kind: 'text', max: 50, header: true },
    { key: 'region', kind: 'text', max: 50, header: true },
    { key: 'size', kind: 'select', options: { prefix: 'size', values: ACCOUNT_SIZES } },
    { key: 'grade', kind: 'select', options: grade, header: true },
    { key: 'source', kind: 'select', options: source },
    { key: 'phone', kind: 'phone' },
    { key: 'address', kind: 'text', max: 300 },
    { key: 'website', kind: 'text', max: 300 },
    { key: 'notes', kind: 'textarea', max: 5000 },
  ],
  contacts: [
    { key: 'name', kind: 'text', required: true, max: 100, header: true },
    { key: 'title', kind: 'text', max: 100, header: true },
    { key: 'mobile', kind: 'mobile', header: true },
    { key: 'email', kind: 'email', header: true },
    { key: 'wechat', kind: 'text', max: 100 },
    {
      key: 'decisionRole',
      kind: 'select',
      options: { prefix: 'decisionRole', values: DECISION_ROLES },
      header: true,
    },
    { key: 'notes', kind: 'textarea', max: 5000 },
  ],
  deals: [
    { key: 'name', kind: 'text', required: true, max: 200, header: true },
    { key: 'amount', kind: 'money', required: true, header: true },
    { key: 'currency', kind: 'select', options: { prefix: 'currency', values: CURRENCIES } },
    { key: 'expectedCloseDate', kind: 'date', required: true, header: true },
    { key: 'probability', kind: 'number', header: true },
    { key: 'source', kind: 'select', options: source },
    { key: 'notes', kind: 'textarea', max: 5000 },
  ],
};
