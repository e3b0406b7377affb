import type { Database } from '../../db/database';
import type { RouteSpec } from '../../http/route';
import { runRoutes } from './run.routes';

export function dealSopRoutes(database: Database): RouteSpec[] {
  return runRoutes(database, { path: 'deals', recordType: 'deal', noun: 'deal' });
}
