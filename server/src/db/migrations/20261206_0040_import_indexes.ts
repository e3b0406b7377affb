import type { Kysely } from 'kysely';

// Indexes the import and 查重 (duplicate customer) checks look records up by: a lead's credit
// code (names and mobiles were indexed already), and an import job's rows by status, so that a
// commit reads its valid rows batch by batch without scanning the rest.
// Frozen in time: never imports app code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('leads_credit_code')
    .ifNotExists()
    .on('leads')
    .columns(['tenant_id', 'credit_code'])
    .execute();
  await db.schema
    .createIndex('import_rows_job_status')
    .ifNotExists()
    .on('import_rows')
    .columns(['job_id', 'status', 'row_no'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('import_rows_job_status').ifExists().execute();
  await db.schema.dropIndex('leads_credit_code').ifExists().execute();
}
