import { type Kysely, sql } from 'kysely';

// Weekly reports (周报) become part of the SOP:
// 1. A missing report is an SOP breach (sop_breaches, record type `weekly_report`) without a
//    clock, so `sop_breaches.clock_id` may be null. SQLite cannot drop NOT NULL in place: the
//    table is rebuilt with the same columns and indexes.
// 2. The deadline moves from `weekly_report_settings` into the tenant's published deal playbook
//    (`weeklyReport: {weekday, time}`), in place, where the playbook does not say it yet.
// 3. Reports already marked breached get their breach row.
// Frozen in time: never imports app code.

const ts = 'text';

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) {
    await db.schema
      .createTable('sop_breaches_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('clock_id', 'text', (c) => c.references('sop_clocks.id'))
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
    await sql`insert into sop_breaches_next (id, tenant_id, clock_id, record_type, record_id, stage_key,
      limit_key, owner_id, due_at, breached_at, reason, reason_by, reason_at, version)
      select id, tenant_id, clock_id, record_type, record_id, stage_key, limit_key, owner_id, due_at,
      breached_at, reason, reason_by, reason_at, version from sop_breaches`.execute(db);
    await db.schema.dropTable('sop_breaches').execute();
    await db.schema.alterTable('sop_breaches_next').renameTo('sop_breaches').execute();
    await db.schema
      .createIndex('sop_breaches_clock')
      .on('sop_breaches')
      .column('clock_id')
      .unique()
      .execute();
    await db.schema
      .createIndex('sop_breaches_owner')
      .on('sop_breaches')
      .columns(['tenant_id', 'owner_id', 'breached_at'])
      .execute();
  } else {
    await db.schema
      .alterTable('sop_breaches')
      .alterColumn('clock_id', (c) => c.dropNotNull())
      .execute();
  }
  // One breach per missing report, whoever writes it.
  await db.schema
    .createIndex('sop_breaches_record_limit')
    .on('sop_breaches')
    .columns(['tenant_id', 'record_type', 'record_id', 'limit_key'])
    .where(sql.ref('clock_id'), 'is', null)
    .unique()
    .execute();

  const settings = await db
    .selectFrom('weekly_report_settings')
    .select(['tenant_id', 'deadline_weekday', 'deadline_time'])
    .execute();
  for (const s of settings) {
    const published = await db
      .selectFrom('playbooks')
      .innerJoin('playbook_versions', 'playbook_versions.id', 'playbooks.published_version_id')
      .select(['playbook_versions.id', 'playbook_versions.definition'])
      .where('playbooks.tenant_id', '=', s.tenant_id)
      .where('playbooks.process', '=', 'deal')
      .executeTakeFirst();
    if (!published) continue;
    const pb = JSON.parse(published.definition) as { weeklyReport?: unknown };
    if (pb.weeklyReport) continue;
    pb.weeklyReport = { weekday: Number(s.deadline_weekday), time: s.deadline_time };
    await db
      .updateTable('playbook_versions')
      .set({ definition: JSON.stringify(pb) })
      .where('id', '=', published.id)
      .execute();
  }

  const breached = await db
    .selectFrom('weekly_reports')
    .select(['id', 'tenant_id', 'owner_id', 'due_at', 'breached_at'])
    .where('breached_at', 'is not', null)
    .execute();
  for (const r of breached) {
    await db
      .insertInto('sop_breaches')
      .values({
        id: `brc_${r.id}`,
        tenant_id: r.tenant_id,
        clock_id: null,
        record_type: 'weekly_report',
        record_id: r.id,
        stage_key: 'weekly_report',
        limit_key: 'weekly_report_due',
        owner_id: r.owner_id,
        due_at: r.due_at ?? r.breached_at,
        breached_at: r.breached_at,
        version: 1,
      })
      .execute();
  }
}

export async function down(): Promise<void> {
  // Forward only, like the migrations before it.
}
