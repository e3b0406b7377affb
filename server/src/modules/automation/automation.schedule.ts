import type { Database } from '../../db/database';
import { ROOT_CHAIN } from '../../domain/automation/loop-guard';
import { nextScheduleSlot } from '../../domain/automation/schedule';
import type { Row } from '../records/record-definition';
import { tenantCalendar } from '../sop/clock.service';
import { definitionOf } from './automation.definitions';
import { loadRule, runRule } from './automation.engine';
import { claimScheduleSlot, findDueScheduledRules } from './automation.repository';

/** Records one slot of a scheduled rule looks at, at most (newest changed first). */
export const SCHEDULE_BATCH = 500;

export interface ScheduleOutcome {
  ruleId: string;
  slot: string;
  done: number;
  failed: number;
  loopStopped: number;
}

/**
 * The `automation-schedule` job: every scheduled rule whose slot has come runs once over the
 * records of its type that match its condition. The slot is claimed by moving next_run_at on
 * with a conditional update in the same transaction as the runs, so with several processes
 * (or two sweeps at once) a slot runs exactly once. Records whose condition is false are not
 * logged (a slot would log hundreds of skips).
 */
export async function runScheduledRules(
  database: Database,
  now = new Date(),
  opts: { rules?: number; batch?: number } = {},
): Promise<ScheduleOutcome[]> {
  const due = await findDueScheduledRules(database.db, now.toISOString(), opts.rules ?? 100);
  const out: ScheduleOutcome[] = [];
  for (const row of due) {
    const rule = loadRule(row);
    const schedule = rule?.rule.trigger.schedule;
    if (!rule || !schedule || !row.nextRunAt) continue;
    const outcome = await database.db.transaction().execute(async (trx) => {
      const cal = await tenantCalendar(trx, row.tenantId);
      const next = nextScheduleSlot(schedule, cal, now).toISOString();
      if (!(await claimScheduleSlot(trx, row.id, row.nextRunAt!, next))) return undefined;
      const recordType = rule.rule.trigger.recordType;
      const def = definitionOf(recordType);
      const records = (await (trx as any)
        .selectFrom(def.table)
        .selectAll()
        .where('tenantId', '=', row.tenantId)
        .where('deletedAt', 'is', null)
        .orderBy('updatedAt', 'desc')
        .orderBy('id')
        .limit(opts.batch ?? SCHEDULE_BATCH)
        .execute()) as Row[];
      const result: ScheduleOutcome = {
        ruleId: row.id,
        slot: row.nextRunAt!,
        done: 0,
        failed: 0,
        loopStopped: 0,
      };
      const at = now.toISOString();
      for (const record of records) {
        const status = await runRule(
          trx,
          rule,
          { event: 'schedule', recordType, record, changes: [], stageKey: null, at },
          ROOT_CHAIN,
          { logSkipped: false },
        );
        if (status === 'done') result.done++;
        else if (status === 'failed') result.failed++;
        else if (status === 'loop_stopped') result.loopStopped++;
      }
      return result;
    });
    if (outcome) out.push(outcome);
  }
  return out;
}
