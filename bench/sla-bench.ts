import { sweepClocks } from '../server/src/modules/sop/clock.service';
import { BENCH_ANCHOR } from './generate';
import type { BenchTarget } from './target';

export interface SlaResult {
  /** Clocks the sweep still has to look at (running, warned, or breached with escalations to go). */
  openClocks: number;
  ms: number;
  passes: number;
  transitions: number;
  /** Clocks still due after the sweep (0 when it got through them all). */
  stillDue: number;
}

const OPEN = ['running', 'warned', 'breached'];

/**
 * The SLA sweep over every open clock: four days after the anchor every open generated clock
 * is due (48-hour limits, daily deadlines started the day before, 2 working hours for new
 * leads), so the scheduler's job (batches of 1,000) runs until a pass has nothing left to do.
 */
export async function benchSla(target: BenchTarget): Promise<SlaResult> {
  const db = target.database.db;
  const now = new Date(BENCH_ANCHOR.getTime() + 4 * 86_400_000);
  const countDue = async () =>
    Number(
      (
        await db
          .selectFrom('sopClocks')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', 'in', OPEN)
          .where('nextCheckAt', '<=', now.toISOString())
          .executeTakeFirstOrThrow()
      ).n,
    );
  const open = Number(
    (
      await db
        .selectFrom('sopClocks')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', 'in', OPEN)
        .where('nextCheckAt', 'is not', null)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const started = performance.now();
  let passes = 0;
  let transitions = 0;
  // Bounded: a daily deadline starts the next day's clock, which may itself be due already.
  while (passes < 10_000) {
    const events = await sweepClocks(target.database, now, 1000);
    passes++;
    transitions += events.length;
    if (!events.length) break;
  }
  const ms = performance.now() - started;
  return { openClocks: open, ms, passes, transitions, stillDue: await countDue() };
}
