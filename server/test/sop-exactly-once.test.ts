import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { DEFAULT_CALENDAR } from '../src/domain/calendar/business-calendar';
import { addDuration } from '../src/domain/sop/clocks';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { type SweepEvent, sweepClocks } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  startClocksAt,
  TEST_DIALECT,
  TEST_PG_URL,
} from './harness';

// Two server processes sweeping the same database, one of them restarted in between: every
// warning, breach and escalation step happens exactly once. Two separate pools on one
// PostgreSQL schema, or two connections to one SQLite file.

const local = (s: string) => new Date(`${s}+08:00`);

interface Pair {
  first: Database;
  openSecond(): Promise<Database>;
  drop(): Promise<void>;
}

async function openPair(): Promise<Pair> {
  if (TEST_DIALECT === 'postgres') {
    const first = await openTestDatabase();
    return {
      first,
      openSecond: async () => openDatabase(TEST_PG_URL, { schema: first.schema, poolSize: 5 }),
      drop: () => first.drop(),
    };
  }
  const file = join(tmpdir(), `salesops-once-${randomBytes(6).toString('hex')}.db`);
  // In one process, SQLite's busy wait would block the very connection holding the lock:
  // let the loser give up at once, as a separate process would after its wait.
  const open = async () => {
    const d = openDatabase(file);
    await sql`pragma busy_timeout = 0`.execute(d.db);
    return d;
  };
  const first = await open();
  await migrateToLatest(first);
  return {
    first,
    openSecond: open,
    drop: async () => {
      await first.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

describe('clocks exactly once across two processes and a restart', () => {
  let pair: Pair;
  let second: Database;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  const dealIds: string[] = [];
  const leadIds: string[] = [];
  beforeAll(async () => {
    pair = await openPair();
    second = await pair.openSecond();
    app = await buildTestApp(pair.first);
    org = await makeOrg(pair.first.db);
    const rep = await clientFor(app, org.users.repA1);
    for (let i = 0; i < 4; i++) {
      const account = (await rep.post('/api/accounts', makeAccountInput())).json();
      dealIds.push((await rep.post('/api/deals', makeDealInput(account.id))).json().id);
      leadIds.push((await rep.post('/api/leads', makeLeadInput())).json().id);
    }
    // Every clock as if started on Monday 24 Nov 2025 at 09:00.
    const start = local('2025-11-24T09:00:00');
    await startClocksAt(pair.first, start);
  });
  afterAll(async () => {
    await app.close();
    await second.close();
    await pair.drop();
  });

  const mine = (events: SweepEvent[]) =>
    events.filter((e) => dealIds.includes(e.recordId) || leadIds.includes(e.recordId));
  // Both sweep at once; then the second's next round (30 s later in `serve`, the same moment
  // here) picks up what a busy sweeper left to the other (SQLite has a single writer).
  const both = async (at: Date) => {
    const [a, b] = await Promise.all([sweepClocks(pair.first, at), sweepClocks(second, at)]);
    const again = await sweepClocks(second, at);
    return [...mine(a), ...mine(b), ...mine(again)];
  };
  const key = (e: SweepEvent) => `${e.clockId}/${e.kind}/${e.step ?? ''}`;

  it('warns, breaches and escalates each clock once, whoever sweeps and whenever', async () => {
    const clocks = await pair.first.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', 'in', [...dealIds, ...leadIds])
      .execute();
    // 4 deals × 48 h untouched, 4 leads × first contact in 2 working hours.
    expect(clocks).toHaveLength(8);
    const seen: SweepEvent[] = [];
    // Lead limits: warn at 10:30, due 11:00, escalate a minute later.
    seen.push(...(await both(local('2025-11-24T10:31:00'))));
    seen.push(...(await both(local('2025-11-24T11:00:30'))));
    seen.push(...(await both(local('2025-11-24T11:02:00'))));

    // "Restart": the second process goes away, comes back and sweeps the same moment again.
    await second.close();
    second = await pair.openSecond();
    expect(await both(local('2025-11-24T11:02:00'))).toEqual([]);

    // Deal limits: warn at +44 h, due at +48 h, escalate a minute later — racing the whole way.
    for (const t of ['2025-11-26T05:01:00', '2025-11-26T09:00:30', '2025-11-26T09:01:30']) {
      seen.push(...(await both(local(t))));
    }
    await second.close();
    second = await pair.openSecond();
    seen.push(...(await both(local('2025-11-26T09:30:00'))));
    seen.push(...(await both(local('2025-12-31T00:00:00'))));

    // Each step once: no key twice, and every clock went through warn, breach and one escalation.
    const keys = seen.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of clocks) {
      expect(
        seen
          .filter((e) => e.clockId === c.id)
          .map((e) => e.kind)
          .sort(),
      ).toEqual(['breach', 'escalate', 'warn']);
    }

    // The stored facts agree: one breach row per clock, one audit note per step.
    const breaches = await pair.first.db
      .selectFrom('sopBreaches')
      .select('clockId')
      .where('recordId', 'in', [...dealIds, ...leadIds])
      .execute();
    expect(breaches.map((b) => b.clockId).sort()).toEqual(clocks.map((c) => c.id).sort());
    const audit = await pair.first.db
      .selectFrom('auditEvents')
      .select(['entityId', 'changes'])
      .where('entityId', 'in', [...dealIds, ...leadIds])
      .execute();
    const notes = audit
      .map((e) => `${e.entityId} ${(JSON.parse(String(e.changes)) as { note?: string }).note ?? ''}`)
      .filter((n) => / sla /.test(n))
      .map((n) => n.split(':')[0]);
    expect(notes).toHaveLength(3 * clocks.length);
    expect(new Set(notes).size).toBe(notes.length);
    const states = await pair.first.db
      .selectFrom('sopClocks')
      .select(['status', 'escalationStep', 'nextCheckAt'])
      .where('recordId', 'in', [...dealIds, ...leadIds])
      .execute();
    expect(
      states.every((s) => s.status === 'breached' && s.escalationStep === 1 && s.nextCheckAt === null),
    ).toBe(true);
    // Sanity of the fixture: the deal escalation is a minute after its due time.
    const deal = loadDefaultPlaybooks().find((p) => p.process === 'deal')!;
    const limit = deal.stages[0]!.timeLimits[0]!;
    expect(
      addDuration(DEFAULT_CALENDAR, local('2025-11-26T09:00:00'), limit.escalation[0]!.after).toISOString(),
    ).toBe(local('2025-11-26T09:01:00').toISOString());
  });
});

// More clocks than one batch of the sweep (100): on PostgreSQL batches run side by side within
// one sweep, while a second process sweeps too. Still each step exactly once.
describe('clocks exactly once over several batches at once', () => {
  let pair: Pair;
  let second: Database;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  const leadIds: string[] = [];
  beforeAll(async () => {
    pair = await openPair();
    second = await pair.openSecond();
    app = await buildTestApp(pair.first);
    const org = await makeOrg(pair.first.db);
    const rep = await clientFor(app, org.users.repA1);
    for (let i = 0; i < 230; i++) {
      const res = await rep.post('/api/leads', makeLeadInput());
      expect(res.statusCode, res.body).toBe(201);
      leadIds.push(res.json().id);
    }
    await startClocksAt(pair.first, local('2025-11-24T09:00:00'));
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await second.close();
    await pair.drop();
  });

  it('warns, breaches and escalates each of 230 clocks once', async () => {
    const seen: SweepEvent[] = [];
    for (const t of ['2025-11-24T10:31:00', '2025-11-24T11:00:30', '2025-11-24T11:02:00']) {
      const at = local(t);
      const [a, b] = await Promise.all([sweepClocks(pair.first, at), sweepClocks(second, at)]);
      seen.push(...a, ...b, ...(await sweepClocks(second, at)), ...(await sweepClocks(pair.first, at)));
    }
    const mine = seen.filter((e) => leadIds.includes(e.recordId));
    const keys = mine.map((e) => `${e.clockId}/${e.kind}/${e.step ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(mine.filter((e) => e.kind === 'warn')).toHaveLength(230);
    expect(mine.filter((e) => e.kind === 'breach')).toHaveLength(230);
    expect(mine.filter((e) => e.kind === 'escalate')).toHaveLength(230);
    const breaches = await pair.first.db
      .selectFrom('sopBreaches')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('recordId', 'in', leadIds)
      .executeTakeFirstOrThrow();
    expect(Number(breaches.n)).toBe(230);
  });
});
