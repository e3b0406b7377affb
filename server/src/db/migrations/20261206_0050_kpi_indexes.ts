import type { Kysely } from 'kysely';

// Indexes the KPI figures read their period by (kpi-totals.ts groups and sums in SQL): follow-ups
// by owner and when they took place, with the deletion mark — a year of a whole company's
// follow-ups is counted per rep from the index alone, in owner order (no sort), and a rep's or a
// team's from their owners' slices — leads by creation with what new leads by rep, team, time
// or source need (counted from the index alone), customers by creation, deals by close time.
// Frozen in time: never imports app code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('activities_owner_occurred')
    .ifNotExists()
    .on('activities')
    .columns(['tenant_id', 'owner_id', 'occurred_at', 'deleted_at'])
    .execute();
  await db.schema
    .createIndex('leads_created')
    .ifNotExists()
    .on('leads')
    .columns(['tenant_id', 'created_at', 'deleted_at', 'owner_id', 'source'])
    .execute();
  await db.schema
    .createIndex('accounts_created')
    .ifNotExists()
    .on('accounts')
    .columns(['tenant_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('deals_closed')
    .ifNotExists()
    .on('deals')
    .columns(['tenant_id', 'closed_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['deals_closed', 'accounts_created', 'leads_created', 'activities_owner_occurred']) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
}
