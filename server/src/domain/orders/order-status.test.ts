import { describe, expect, it } from 'vitest';
import { type OrderParts, orderStatus, remainingPerLine } from './order-status';

const base: OrderParts = {
  cancelled: false,
  ordered: ['10', '2.5'],
  handoffs: 0,
  shipments: [],
  paidInFull: false,
};
const ship = (a: string, b: string, accepted = false) => ({
  lines: [
    { lineNo: 0, quantity: a },
    { lineNo: 1, quantity: b },
  ],
  accepted,
});

describe('order status', () => {
  it.each<[string, Partial<OrderParts>, string]>([
    ['open when nothing has happened', {}, 'open'],
    ['in fulfilment when hand-offs exist', { handoffs: 2 }, 'in_fulfilment'],
    [
      'partially shipped when a line is short',
      { handoffs: 1, shipments: [ship('10', '1')] },
      'partially_shipped',
    ],
    ['shipped when every line is shipped', { shipments: [ship('4', '2.5'), ship('6', '0')] }, 'shipped'],
    [
      'still shipped when one shipment is not yet accepted',
      { shipments: [ship('4', '2.5', true), ship('6', '0')] },
      'shipped',
    ],
    ['accepted when every shipment is accepted', { shipments: [ship('10', '2.5', true)] }, 'accepted'],
    [
      'closed when accepted and paid in full',
      { shipments: [ship('10', '2.5', true)], paidInFull: true },
      'closed',
    ],
    ['not closed when paid but not shipped', { paidInFull: true, handoffs: 1 }, 'in_fulfilment'],
    ['cancelled whatever else', { cancelled: true, shipments: [ship('10', '2.5', true)] }, 'cancelled'],
    [
      'partially shipped when only zero quantities besides',
      { shipments: [ship('0', '0.5')] },
      'partially_shipped',
    ],
  ])('%s', (_label, over, expected) => {
    expect(orderStatus({ ...base, ...over })).toBe(expected);
  });

  it('counts what is left to ship per line exactly', () => {
    expect(remainingPerLine({ ordered: ['10', '2.5'], shipments: [ship('3.3333', '2.5')] })).toEqual([
      66667n,
      0n,
    ]);
  });
});
