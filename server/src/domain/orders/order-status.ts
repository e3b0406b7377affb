import { parseScaled } from '../quotes/decimal';

// A sales order's status is computed from its parts, never set by hand (except cancelling):
// hand-offs started, quantities shipped, shipments signed for or accepted, the contract paid.

export const ORDER_STATUSES = [
  'open',
  'in_fulfilment',
  'partially_shipped',
  'shipped',
  'accepted',
  'closed',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderParts {
  cancelled: boolean;
  /** Ordered quantity per line (decimal strings, up to 4 decimals). */
  ordered: string[];
  handoffs: number;
  shipments: Array<{ lines: Array<{ lineNo: number; quantity: string }>; accepted: boolean }>;
  /** Every instalment of the contract's payment plan is paid. */
  paidInFull: boolean;
}

const QTY = 4;
const scaled = (q: string) => {
  const p = parseScaled(q, QTY);
  return p.ok ? p.scaled : 0n;
};

/** Quantity shipped per order line (scaled by 10⁴), counting every shipment. */
export function shippedPerLine(parts: Pick<OrderParts, 'ordered' | 'shipments'>): bigint[] {
  const out = parts.ordered.map(() => 0n);
  for (const s of parts.shipments)
    for (const l of s.lines) if (l.lineNo >= 0 && l.lineNo < out.length) out[l.lineNo]! += scaled(l.quantity);
  return out;
}

/** What is still to ship per line (scaled), never below zero. */
export function remainingPerLine(parts: Pick<OrderParts, 'ordered' | 'shipments'>): bigint[] {
  const shipped = shippedPerLine(parts);
  return parts.ordered.map((q, i) => {
    const left = scaled(q) - shipped[i]!;
    return left > 0n ? left : 0n;
  });
}

export function orderStatus(parts: OrderParts): OrderStatus {
  if (parts.cancelled) return 'cancelled';
  const remaining = remainingPerLine(parts);
  const anyShipped = parts.shipments.some((s) => s.lines.some((l) => scaled(l.quantity) > 0n));
  const fullyShipped = anyShipped && remaining.every((r) => r === 0n);
  if (fullyShipped) {
    const allAccepted = parts.shipments.every((s) => s.accepted);
    if (!allAccepted) return 'shipped';
    return parts.paidInFull ? 'closed' : 'accepted';
  }
  if (anyShipped) return 'partially_shipped';
  return parts.handoffs > 0 ? 'in_fulfilment' : 'open';
}
