import type { Kysely } from 'kysely';

// The clocks of one SOP run in one stage: a stage move stops them, checks them for a breach and
// starts the next stage's, and an escalation touches its run's. Without this index each of those
// statements read every open clock through `sop_clocks_open` (status, next_check_at): at 40,000
// open clocks a gated stage move took about 20 ms in clock reads alone, and under concurrent moves
// the database lock queued them into timeouts.
// Frozen in time: never imports app code.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('sop_clocks_run')
    .ifNotExists()
    .on('sop_clocks')
    .columns(['run_id', 'stage_key', 'status'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sop_clocks_run').ifExists().execute();
}
