import type { Me } from '../../api/types';

/** The quote-to-cash screens (contracts, orders, payments and receivables) as routes of the app. */
export function q2cRoutes(_me: Me) {
  return [];
}
