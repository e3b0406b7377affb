import type { Me } from '../../api/types';

/** The performance screens (dashboards, targets, forecast, weekly reports, before/after) as routes. */
export function analyticsRoutes(_me: Me) {
  return [];
}
