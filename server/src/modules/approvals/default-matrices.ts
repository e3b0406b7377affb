import type { z } from 'zod';
import type { ApprovalSubject, approvalMatrixSchema } from '../../domain/approval/approval-matrix';

const name = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });
const LEVELS = [
  {
    key: 'manager',
    name: name('销售经理', 'Sales manager'),
    approvers: [{ kind: 'requester_manager' as const }],
    mode: 'any' as const,
    timeLimitHours: 8,
  },
  {
    key: 'director',
    name: name('销售总监', 'Sales director'),
    approvers: [{ kind: 'role' as const, role: 'sales_ops' }],
    mode: 'any' as const,
    timeLimitHours: 16,
  },
  {
    key: 'finance',
    name: name('财务', 'Finance'),
    approvers: [{ kind: 'role' as const, role: 'finance' }],
    mode: 'any' as const,
    timeLimitHours: 16,
  },
  {
    key: 'legal',
    name: name('法务', 'Legal'),
    approvers: [{ kind: 'role' as const, role: 'legal' }],
    mode: 'any' as const,
    timeLimitHours: 16,
  },
];

// The authority matrix a tenant starts with (seed 001: discounts and terms beyond a rep's
// authority go up the line; contracts always pass legal). Editable per tenant.
export const DEFAULT_MATRICES: Record<ApprovalSubject, z.input<typeof approvalMatrixSchema>> = {
  quote: {
    subject: 'quote',
    levels: LEVELS.slice(0, 3),
    always: [],
    rows: [
      { when: { discountAbove: 500 }, require: ['manager'] }, // > 5 % off list
      { when: { amountAtLeast: 50_000_000 }, require: ['manager'] }, // ≥ 50万元
      { when: { discountAbove: 1500 }, require: ['manager', 'director'] }, // > 15 %
      { when: { amountAtLeast: 200_000_000 }, require: ['manager', 'director'] }, // ≥ 200万元
      { when: { marginBelow: 2000 }, require: ['manager', 'director', 'finance'] }, // margin < 20 %
      { when: { paymentTermsDaysAbove: 90 }, require: ['manager', 'finance'] },
    ],
  },
  contract: {
    subject: 'contract',
    levels: LEVELS,
    always: ['manager', 'legal'],
    rows: [
      { when: { amountAtLeast: 200_000_000 }, require: ['director', 'finance'] },
      { when: { paymentTermsDaysAbove: 90 }, require: ['finance'] },
      { when: { prepaymentBelow: 3000 }, require: ['finance'] },
    ],
  },
};
