import { formatFen } from '../../money';

export const CONTRACT_STATUSES = [
  'draft',
  'pending_approval',
  'approved',
  'rejected',
  'returned',
  'signed',
  'archived',
] as const;
export const CONTRACT_STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  pending_approval: 'processing',
  approved: 'green',
  rejected: 'red',
  returned: 'orange',
  signed: 'blue',
  archived: 'default',
};
export const ORDER_STATUSES = [
  'open',
  'in_fulfilment',
  'partially_shipped',
  'shipped',
  'accepted',
  'closed',
  'cancelled',
] as const;
export const ORDER_STATUS_COLOR: Record<string, string> = {
  open: 'default',
  in_fulfilment: 'processing',
  partially_shipped: 'gold',
  shipped: 'cyan',
  accepted: 'green',
  closed: 'blue',
  cancelled: 'red',
};
export const INSTALMENT_STATUS_COLOR: Record<string, string> = {
  paid: 'green',
  overdue: 'red',
  partially_paid: 'gold',
  open: 'default',
};
/** Roles that record receipts (the server says the same). */
export const RECEIPT_ROLES = new Set(['finance', 'admin']);

/** 123456 in CNY → "¥1,234.56"; another currency keeps its code. */
export function money(fen: number | null | undefined, currency = 'CNY'): string {
  return `${currency === 'CNY' ? '¥' : `${currency} `}${formatFen(fen)}`;
}

/** Today in the browser's calendar as YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
