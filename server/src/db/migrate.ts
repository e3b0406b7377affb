import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './database';
import * as core from './migrations/20261122_0001_core';
import * as assignment from './migrations/20261122_0004_assignment';
import * as sop from './migrations/20261122_0005_sop';
import * as notifications from './migrations/20261125_0006_notifications';
import * as automation from './migrations/20261125_0007_automation';
import * as importJobs from './migrations/20261125_0009_import';
import * as quotes from './migrations/20261125_0010_quotes';
import * as contractsOrdersPayments from './migrations/20261125_0011_contracts_orders_payments';
import * as attachments from './migrations/20261125_0012_attachments';
import * as targetsReports from './migrations/20261125_0013_targets_reports';
import * as sopOrders from './migrations/20261205_0020_sop_orders';
import * as savedViews from './migrations/20261205_0022_saved_views';
import * as importIndexes from './migrations/20261206_0040_import_indexes';
import * as kpiIndexes from './migrations/20261206_0050_kpi_indexes';
import * as weeklyReportBreaches from './migrations/20261206_0060_weekly_report_breaches';
import * as clockRunIndex from './migrations/20261207_0070_clock_run_index';
import * as dashboardIndexes from './migrations/20261207_0072_dashboard_indexes';
import * as importJobHeartbeat from './migrations/20261207_0080_import_job_heartbeat';

// Listed here rather than read from disk, so that migrations work the same under tsx, in tests
// and in a bundled build. Names sort in the order they must run.
const MIGRATIONS: Record<string, Migration> = {
  '20261122_0001_core': core,
  '20261122_0004_assignment': assignment,
  '20261122_0005_sop': sop,
  '20261125_0006_notifications': notifications,
  '20261125_0007_automation': automation,
  '20261125_0009_import': importJobs,
  '20261125_0010_quotes': quotes,
  '20261125_0012_attachments': attachments,
  '20261125_0011_contracts_orders_payments': contractsOrdersPayments,
  '20261125_0013_targets_reports': targetsReports,
  '20261205_0020_sop_orders': sopOrders,
  '20261205_0022_saved_views': savedViews,
  '20261206_0060_weekly_report_breaches': weeklyReportBreaches,
  '20261206_0040_import_indexes': importIndexes,
  '20261206_0050_kpi_indexes': kpiIndexes,
  '20261207_0070_clock_run_index': clockRunIndex,
  '20261207_0072_dashboard_indexes': dashboardIndexes,
  '20261207_0080_import_job_heartbeat': importJobHeartbeat,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export async function migrateToLatest(database: Database): Promise<string[]> {
  // Parallel branches may add migrations that sort before one already applied; each is independent.
  const migrator = new Migrator({
    db: database.db,
    provider: new StaticProvider(),
    allowUnorderedMigrations: true,
    // Kysely looks for its own tables across schemas: name ours, or another schema's is found.
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
