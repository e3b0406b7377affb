import { type Kysely, sql } from 'kysely';

// The SOP engine's tables: versioned playbooks, each record's run through its playbook, stage
// events (the history compliance is computed from), clocks and breaches, automation rules.
// Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('process', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('published_version_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('playbooks_key')
    .on('playbooks')
    .columns(['tenant_id', 'key'])
    .unique()
    .execute();

  await db.schema
    .createTable('playbook_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | published | retired
    .addColumn('definition', 'text', (c) => c.notNull()) // the validated playbook as JSON
    .addColumn('notes', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('published_by', 'text')
    .addColumn('published_at', ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createIndex('playbook_versions_number')
    .on('playbook_versions')
    .columns(['playbook_id', 'number'])
    .unique()
    .execute();

  // One row per record running under a playbook: where it is, and under which version.
  await db.schema
    .createTable('sop_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id'))
    .addColumn('playbook_version_id', 'text', (c) => c.notNull().references('playbook_versions.id'))
    .addColumn('stage_key', 'text', (c) => c.notNull())
    .addColumn('stage_entered_at', ts, (c) => c.notNull())
    .addColumn('checklist', 'text', (c) => c.notNull()) // {actionKey: {doneAt, doneBy}}
    .addColumn('forms', 'text', (c) => c.notNull()) // {formKey: {values, submittedAt, submittedBy}}
    .addColumn('owner_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sop_runs_record')
    .on('sop_runs')
    .columns(['tenant_id', 'record_type', 'record_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('stage_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('playbook_version_id', 'text')
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stage_events_record')
    .on('stage_events')
    .columns(['tenant_id', 'record_type', 'record_id', 'at'])
    .execute();
  await db.schema
    .createIndex('stage_events_time')
    .on('stage_events')
    .columns(['tenant_id', 'record_type', 'at'])
    .execute();

  // A time limit running for a record in a stage; the sweep warns, breaches and escalates.
  await db.schema
    .createTable('sop_clocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('run_id', 'text', (c) => c.notNull().references('sop_runs.id'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('stage_key', 'text', (c) => c.notNull())
    .addColumn('limit_key', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('warn_at', ts)
    .addColumn('due_at', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // running | warned | breached | met | cancelled
    .addColumn('stopped_at', ts)
    .addColumn('escalation_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_check_at', ts)
    .execute();
  await db.schema
    .createIndex('sop_clocks_open')
    .on('sop_clocks')
    .columns(['status', 'next_check_at'])
    .execute();
  await db.schema
    .createIndex('sop_clocks_record')
    .on('sop_clocks')
    .columns(['tenant_id', 'record_type', 'record_id'])
    .execute();

  await db.schema
    .createTable('sop_breaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('clock_id', 'text', (c) => c.notNull().references('sop_clocks.id'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('stage_key', 'text', (c) => c.notNull())
    .addColumn('limit_key', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('due_at', ts, (c) => c.notNull())
    .addColumn('breached_at', ts, (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reason_by', 'text')
    .addColumn('reason_at', ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('sop_breaches_clock').on('sop_breaches').column('clock_id').unique().execute();
  await db.schema
    .createIndex('sop_breaches_owner')
    .on('sop_breaches')
    .columns(['tenant_id', 'owner_id', 'breached_at'])
    .execute();

  await db.schema
    .createTable('automation_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull()) // JSON {event, recordType, stageKey?, schedule?}
    .addColumn('condition', 'text')
    .addColumn('actions', 'text', (c) => c.notNull()) // JSON list
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('automation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text')
    .addColumn('record_id', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // done | skipped | failed | loop_stopped
    .addColumn('detail', 'text')
    .addColumn('at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('automation_runs_rule')
    .on('automation_runs')
    .columns(['tenant_id', 'rule_id', 'at'])
    .execute();

  await db.schema
    .createTable('business_calendars')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('definition', 'text', (c) => c.notNull()) // working hours, closures, extra working days
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'business_calendars',
    'automation_runs',
    'automation_rules',
    'sop_breaches',
    'sop_clocks',
    'stage_events',
    'sop_runs',
    'playbook_versions',
    'playbooks',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
