import { Route } from 'react-router';
import type { Me } from '../../api/types';
import { ComparePage } from './ComparePage';
import { DashboardPage } from './DashboardPage';
import { ForecastPage } from './ForecastPage';
import { analyticsMenuKeys } from './menu';
import { TargetsPage } from './TargetsPage';
import { WeeklyReportsPage } from './WeeklyReportsPage';

/** The performance screens (dashboards, targets, forecast, weekly reports, before/after) as routes. */
export function analyticsRoutes(me: Me) {
  const keys = new Set(analyticsMenuKeys(me.user.role));
  return [
    keys.has('dashboards') && (
      <Route key="dashboards" path="/dashboards" element={<DashboardPage me={me} />} />
    ),
    keys.has('dashboards') && (
      <Route key="dashboards-kind" path="/dashboards/:kind" element={<DashboardPage me={me} />} />
    ),
    keys.has('targets') && <Route key="targets" path="/targets" element={<TargetsPage me={me} />} />,
    keys.has('forecast') && <Route key="forecast" path="/forecast" element={<ForecastPage me={me} />} />,
    keys.has('weekly-reports') && (
      <Route key="weekly-reports" path="/weekly-reports" element={<WeeklyReportsPage me={me} />} />
    ),
    keys.has('compare') && <Route key="compare" path="/compare" element={<ComparePage />} />,
  ].filter(Boolean);
}
