import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../src/domain/calendar/business-calendar';
import { clockTimes } from '../src/domain/sop/clocks';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { sweepClocks } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The default deal playbook's follow-up limits, swept with fixed `now`s (local time +08:00):
// a follow-up record every working day by 17:00, and 48 hours untouched → the manager.
const local = (s: string) => new Date(`${s}+08:00`);
const deal = loadDefaultPlaybooks().find((p) => p.process === 'deal')!;
const limitOf = (stage: string, key: string) =>
  deal.stages.find((s) => s.key === stage)!.timeLimits.find((l) => l.key === key)!;

describe('daily follow-up by 17:00 and untouched 48 h in the default deal playbook', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  async function newDeal() {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    return (await rep.post('/api/deals', makeDealInput(account.id))).json();
  }

  async function dealInNeedsAnalysis() {
    const d = await newDeal();
    await rep.request({
      method: 'PUT',
      url: `/api/deals/${d.id}/sop/checklist/first_contact`,
      payload: { done: true },
    });
    await rep.request({
      method: 'PUT',
      url: `/api/deals/${d.id}/sop/forms/first_contact_record`,
      payload: { values: { needs: '设备联网', budget: 10_000_000, decision_chain: '总经理' } },
    });
    const moved = await rep.post(
      `/api/deals/${d.id}/move`,
      { toStage: 'needs_analysis' },
      { ifMatch: d.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    return d;
  }

  /** Pretends the record entered its stage at a known local time by moving its clock's start. */
  async function startClockAt(recordId: string, stage: string, limitKey: string, localStart: string) {
    const start = local(localStart);
    const { dueAt, warnAt } = clockTimes(DEFAULT_CALENDAR, limitOf(stage, limitKey), start);
    const r = await database.db
      .updateTable('sopClocks')
      .set({
        startedAt: start.toISOString(),
        dueAt: dueAt.toISOString(),
        warnAt: warnAt?.toISOString() ?? null,
        nextCheckAt: (warnAt ?? dueAt).toISOString(),
      })
      .where('recordId', '=', recordId)
      .where('limitKey', '=', limitKey)
      .where('status', '=', 'running')
      .executeTakeFirst();
    expect(Number(r.numUpdatedRows)).toBe(1);
    return { dueAt, warnAt };
  }

  const sweepAt = async (recordId: string, localNow: string) =>
    (await sweepClocks(database, local(localNow))).filter((e) => e.recordId === recordId).map((e) => e.kind);

  const clocksOf = (recordId: string, limitKey: string) =>
    database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', recordId)
      .where('limitKey', '=', limitKey)
      .orderBy('dueAt')
      .execute();

  const followUp = (dealId: string, localAt: string) =>
    rep.post('/api/activities', {
      kind: 'call',
      subject: '每日跟进',
      dealId,
      occurredAt: local(localAt).toISOString(),
    });

  it('runs the daily 17:00 deadline through a weekend: breach Friday, a Saturday follow-up meets Monday’s', async () => {
    const d = await dealInNeedsAnalysis();
    const first = await startClockAt(d.id, 'needs_analysis', 'daily_follow_up', '2025-11-21T10:00:00');
    expect(first.dueAt.toISOString()).toBe(local('2025-11-21T17:00:00').toISOString());
    expect(first.warnAt!.toISOString()).toBe(local('2025-11-21T16:00:00').toISOString());

    expect(await sweepAt(d.id, '2025-11-21T15:00:00')).toEqual([]);
    expect(await sweepAt(d.id, '2025-11-21T16:05:00')).toEqual(['warn']);
    expect(await sweepAt(d.id, '2025-11-21T17:01:00')).toEqual(['breach']);
    // Friday's breach escalates to the manager after 1 working hour (17:00–18:00 is working time).
    expect(await sweepAt(d.id, '2025-11-21T17:30:00')).toEqual([]);
    expect(await sweepAt(d.id, '2025-11-21T18:01:00')).toEqual(['escalate']);
    // The next deadline is Monday's, not Saturday's or Sunday's.
    let clocks = await clocksOf(d.id, 'daily_follow_up');
    expect(clocks.map((c) => [c.status, c.dueAt])).toEqual([
      ['breached', local('2025-11-21T17:00:00').toISOString()],
      ['running', local('2025-11-24T17:00:00').toISOString()],
    ]);
    expect(await sweepAt(d.id, '2025-11-22T17:01:00')).toEqual([]);
    expect(await sweepAt(d.id, '2025-11-23T17:01:00')).toEqual([]);

    // A follow-up on Saturday counts for Monday: met, and Tuesday's deadline starts.
    expect((await followUp(d.id, '2025-11-22T10:00:00')).statusCode).toBe(201);
    expect(await sweepAt(d.id, '2025-11-24T16:05:00')).toEqual(['met']);
    expect(await sweepAt(d.id, '2025-11-24T17:05:00')).toEqual([]);
    // Nothing since Monday 17:00: Tuesday's deadline warns and breaches.
    expect(await sweepAt(d.id, '2025-11-25T16:05:00')).toEqual(['warn']);
    expect(await sweepAt(d.id, '2025-11-25T17:01:00')).toEqual(['breach']);
    clocks = await clocksOf(d.id, 'daily_follow_up');
    expect(clocks.map((c) => [c.status, c.dueAt])).toEqual([
      ['breached', local('2025-11-21T17:00:00').toISOString()],
      ['met', local('2025-11-24T17:00:00').toISOString()],
      ['breached', local('2025-11-25T17:00:00').toISOString()],
      ['running', local('2025-11-26T17:00:00').toISOString()],
    ]);
    expect(clocks[1]!.stoppedAt).toBe(local('2025-11-22T10:00:00').toISOString());
    const breaches = await database.db
      .selectFrom('sopBreaches')
      .select(['limitKey', 'dueAt'])
      .where('recordId', '=', d.id)
      .orderBy('dueAt')
      .execute();
    expect(breaches.map((b) => b.dueAt)).toEqual([
      local('2025-11-21T17:00:00').toISOString(),
      local('2025-11-25T17:00:00').toISOString(),
    ]);
  });

  it('skips the National Day holiday and keeps the 调休 Saturday as a working day', async () => {
    const d = await dealInNeedsAnalysis();
    await startClockAt(d.id, 'needs_analysis', 'daily_follow_up', '2025-09-30T10:00:00');
    expect(await sweepAt(d.id, '2025-09-30T17:01:00')).toEqual(['breach']);
    expect(await sweepAt(d.id, '2025-09-30T18:01:00')).toEqual(['escalate']);
    expect(await sweepAt(d.id, '2025-10-03T17:01:00')).toEqual([]);
    expect(await sweepAt(d.id, '2025-10-08T17:01:00')).toEqual([]);
    expect(await sweepAt(d.id, '2025-10-09T17:01:00')).toEqual(['breach']);
    // Thursday's escalation (18:00) comes before Friday's breach.
    expect(await sweepAt(d.id, '2025-10-10T17:01:00')).toEqual(['escalate', 'breach']);
    const clocks = await clocksOf(d.id, 'daily_follow_up');
    expect(clocks.map((c) => c.dueAt)).toEqual([
      local('2025-09-30T17:00:00').toISOString(),
      local('2025-10-09T17:00:00').toISOString(),
      local('2025-10-10T17:00:00').toISOString(),
      local('2025-10-11T17:00:00').toISOString(), // Saturday, a make-up working day (调休)
    ]);
  });

  it('stops the daily chain when the deal leaves the stage', async () => {
    const d = await dealInNeedsAnalysis();
    await startClockAt(d.id, 'needs_analysis', 'daily_follow_up', '2025-11-21T10:00:00');
    const current = (await rep.get(`/api/deals/${d.id}`)).json();
    const lost = await rep.post(
      `/api/deals/${d.id}/move`,
      { toStage: 'lost', reason: 'price' },
      { ifMatch: current.version },
    );
    expect(lost.statusCode, lost.body).toBe(200);
    expect(await sweepAt(d.id, '2025-11-21T17:01:00')).toEqual([]);
    // The deal left long after that day's 17:00: the limit counts as breached, and no next
    // day's clock starts.
    const clocks = await clocksOf(d.id, 'daily_follow_up');
    expect(clocks.map((c) => c.status)).toEqual(['breached']);
  });

  it('sends a breach to whoever owns the deal by then', async () => {
    const d = await newDeal();
    await startClockAt(d.id, 'initial_contact', 'untouched_48h', '2025-11-20T09:00:00');
    const manager = await clientFor(app, org.users.managerA);
    const moved = await manager.post(
      `/api/deals/${d.id}/transfer`,
      { toOwnerId: org.users.repA2.id, reason: '调岗' },
      { ifMatch: d.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await sweepAt(d.id, '2025-11-22T09:00:30')).toEqual(['breach']);
    const breach = await database.db
      .selectFrom('sopBreaches')
      .select('ownerId')
      .where('recordId', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(breach.ownerId).toBe(org.users.repA2.id);
    const [clock] = await clocksOf(d.id, 'untouched_48h');
    expect(clock!.ownerId).toBe(org.users.repA2.id);
    const newOwner = await clientFor(app, org.users.repA2);
    const waiting = (await newOwner.get('/api/breaches?unexplained=true')).json().items;
    expect(waiting.map((b: { recordId: string }) => b.recordId)).toContain(d.id);
  });

  it('restarts the 48-hour limit on each follow-up and tells the manager once when it runs out on a Sunday', async () => {
    const d = await newDeal();
    await rep.get(`/api/deals/${d.id}/sop`);
    const first = await startClockAt(d.id, 'initial_contact', 'untouched_48h', '2025-11-20T18:00:00');
    expect(first.dueAt.toISOString()).toBe(local('2025-11-22T18:00:00').toISOString());
    expect((await followUp(d.id, '2025-11-21T12:00:00')).statusCode).toBe(201);
    // At the old warning time the follow-up is seen: 48 hours from Friday 12:00.
    expect(await sweepAt(d.id, '2025-11-22T14:05:00')).toEqual(['restarted']);
    const [clock] = await clocksOf(d.id, 'untouched_48h');
    expect(clock).toMatchObject({
      status: 'running',
      startedAt: local('2025-11-21T12:00:00').toISOString(),
      dueAt: local('2025-11-23T12:00:00').toISOString(),
      warnAt: local('2025-11-23T08:00:00').toISOString(),
    });
    expect(await sweepAt(d.id, '2025-11-22T18:05:00')).toEqual([]);
    expect(await sweepAt(d.id, '2025-11-23T08:05:00')).toEqual(['warn']);
    expect(await sweepAt(d.id, '2025-11-23T12:00:30')).toEqual(['breach']);
    // Two sweepers at once: the manager is told once.
    const [a, b] = await Promise.all([
      sweepClocks(database, local('2025-11-23T12:02:00')),
      sweepClocks(database, local('2025-11-23T12:02:00')),
    ]);
    const escalations = [...a, ...b].filter((e) => e.recordId === d.id);
    expect(escalations).toEqual([expect.objectContaining({ kind: 'escalate', notify: ['owner_manager'] })]);
    expect(await sweepAt(d.id, '2025-11-24T12:00:00')).toEqual([]);
    // A late follow-up does not undo the breach.
    expect((await followUp(d.id, '2025-11-23T15:00:00')).statusCode).toBe(201);
    expect(await sweepAt(d.id, '2025-11-25T12:00:00')).toEqual([]);
    const audit = await database.db
      .selectFrom('auditEvents')
      .select('changes')
      .where('entityId', '=', d.id)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    const notes = audit
      .map((e) => (JSON.parse(String(e.changes)) as { note?: string }).note ?? '')
      .filter((n) => n.startsWith('sla '));
    expect(notes.map((n) => n.split(':')[0])).toEqual(['sla warn', 'sla breach', 'sla escalate step 1']);
  });
});
