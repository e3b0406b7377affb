import { type Kysely, sql } from 'kysely';

// Targets (销售目标) by period, metric and level with their decomposition tree; forecast
// categories on deals (commit / best case, set by reps, overridden by managers); weekly reports
// (周报) with their deadline setting. Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;
  const date = isPostgres(db) ? sql`date` : sql`text`;

  await db.schema
    .createTable('targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('metric', 'text', (c) => c.notNull()) // a KPI key: revenue, won_deals, new_customers, leads …
    .addColumn('period', 'text', (c) => c.notNull()) // 2026 | 2026-Q2 | 2026-04
    .addColumn('level', 'text', (c) => c.notNull()) // company | region | team | rep
    .addColumn('subject_id', 'text', (c) => c.notNull()) // 'company', an org unit id or a user id
    .addColumn('parent_id', 'text', (c) => c.references('targets.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id')) // the rep, or the unit's manager
    .addColumn('value', 'bigint', (c) => c.notNull()) // 分 for money, else a count
    .addColumn('method', 'text', (c) => c.notNull()) // manual | even | weights | last_year
    .addColumn('weight', 'bigint') // the child's weight as given (last_year: last year's value)
    .addColumn('milestones', 'text', (c) => c.notNull()) // JSON [{ date, value }]
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('targets_subject')
    .on('targets')
    .columns(['tenant_id', 'metric', 'period', 'subject_id'])
    .unique()
    .execute();
  await db.schema.createIndex('targets_parent').on('targets').columns(['tenant_id', 'parent_id']).execute();

  await db.schema
    .createTable('deal_forecasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('deal_id', 'text', (c) => c.notNull().references('deals.id'))
    .addColumn('rep_category', 'text') // commit | best_case | pipeline | omitted
    .addColumn('rep_set_by', 'text')
    .addColumn('rep_set_at', ts)
    .addColumn('manager_category', 'text')
    .addColumn('manager_set_by', 'text')
    .addColumn('manager_set_at', ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deal_forecasts_deal')
    .on('deal_forecasts')
    .columns(['tenant_id', 'deal_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('weekly_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('week_start', date, (c) => c.notNull()) // local Monday
    .addColumn('status', 'text', (c) => c.notNull()) // draft | submitted
    .addColumn('plan', 'text')
    .addColumn('help_needed', 'text')
    .addColumn('summary', 'text') // JSON: the generated sections as submitted
    .addColumn('submitted_at', ts)
    .addColumn('due_at', ts)
    .addColumn('breached_at', ts) // the deadline passed without a submitted report
    .addColumn('manager_comment', 'text')
    .addColumn('commented_by', 'text')
    .addColumn('commented_at', ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('weekly_reports_owner_week')
    .on('weekly_reports')
    .columns(['tenant_id', 'owner_id', 'week_start'])
    .unique()
    .execute();

  await db.schema
    .createTable('weekly_report_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('deadline_weekday', 'integer', (c) => c.notNull()) // 1 = Monday … 7 = Sunday
    .addColumn('deadline_time', 'text', (c) => c.notNull()) // HH:mm local
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('weekly_report_settings').execute();
  await db.schema.dropTable('weekly_reports').execute();
  await db.schema.dropTable('deal_forecasts').execute();
  await db.schema.dropTable('targets').execute();
}
