import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepClocks } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

const HOUR = 3_600_000;

describe('SLA clocks: warn, breach and escalate exactly once', () => {
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

  it('runs the 48-hour limit of 初步接触 through warning, breach, escalation and a reason', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    await rep.get(`/api/deals/${deal.id}/sop`); // starts the run and its clocks
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', deal.id)
      .executeTakeFirstOrThrow();
    const entered = Date.parse(deal.stageEnteredAt);
    expect(Date.parse(clock.dueAt) - entered).toBe(48 * HOUR);
    // The SOP panel shows the server's clock, so the app's countdown is exact.
    const panel = (await rep.get(`/api/deals/${deal.id}/sop`)).json();
    expect(panel.clocks.map((c: { id: string; dueAt: string }) => [c.id, c.dueAt])).toEqual([
      [clock.id, clock.dueAt],
    ]);
    expect(Date.parse(clock.warnAt!) - entered).toBe(44 * HOUR);
    // The workbench's list of running clocks: the owner and the manager see it, named; others not.
    const running = (await rep.get('/api/clocks?recordType=deal')).json();
    expect(running.items.find((c: { id: string }) => c.id === clock.id)).toMatchObject({
      recordName: deal.name,
      dueAt: clock.dueAt,
      status: 'running',
    });
    expect(running.total).toBe(running.items.length);
    const managerView = (await (await clientFor(app, org.users.managerA)).get('/api/clocks')).json();
    expect(managerView.items.map((c: { id: string }) => c.id)).toContain(clock.id);
    const stranger = (await (await clientFor(app, org.users.repB1)).get('/api/clocks')).json();
    expect(stranger.items.map((c: { id: string }) => c.id)).not.toContain(clock.id);
    expect((await rep.get('/api/clocks?recordType=invoice')).statusCode).toBe(400);

    const at = (h: number) => new Date(entered + h * HOUR);
    const mine = (events: Array<{ recordId: string; kind: string }>) =>
      events.filter((e) => e.recordId === deal.id).map((e) => e.kind);
    expect(mine(await sweepClocks(database, at(10)))).toEqual([]);
    expect(mine(await sweepClocks(database, at(45)))).toEqual(['warn']);
    expect(mine(await sweepClocks(database, at(46)))).toEqual([]);
    // Two sweepers racing at the breach: one breach, one escalation, whatever the interleaving.
    const [a, b] = await Promise.all([sweepClocks(database, at(49)), sweepClocks(database, at(49))]);
    expect([...mine(a), ...mine(b)].filter((k) => k === 'breach')).toHaveLength(1);
    const later = [...mine(a), ...mine(b), ...mine(await sweepClocks(database, at(49)))];
    expect(later.filter((k) => k === 'escalate')).toHaveLength(1);
    expect(mine(await sweepClocks(database, at(200)))).toEqual([]);
    const breaches = await database.db
      .selectFrom('sopBreaches')
      .selectAll()
      .where('recordId', '=', deal.id)
      .execute();
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({
      stageKey: 'initial_contact',
      limitKey: 'untouched_48h',
      ownerId: org.users.repA1.id,
      reason: null,
    });

    const manager = await clientFor(app, org.users.managerA);
    const waitingPage = (await manager.get('/api/breaches?unexplained=true')).json();
    const waiting = waitingPage.items;
    expect(waiting.map((x: { id: string }) => x.id)).toContain(breaches[0]!.id);
    // The list brings the record's name and the total, and pages on the server.
    expect(waiting.find((x: { id: string }) => x.id === breaches[0]!.id).recordName).toBe(deal.name);
    expect(waitingPage.total).toBe(waiting.length);
    const pageTwo = (await manager.get('/api/breaches?unexplained=true&limit=1&offset=1')).json();
    expect(pageTwo.total).toBe(waitingPage.total);
    expect(pageTwo.items.map((x: { id: string }) => x.id)).toEqual(
      waiting.slice(1, 2).map((x: { id: string }) => x.id),
    );
    expect((await manager.get('/api/breaches?offset=-1')).statusCode).toBe(400);
    const other = await clientFor(app, org.users.repB1);
    expect((await other.get('/api/breaches')).json().items.map((x: { id: string }) => x.id)).not.toContain(
      breaches[0]!.id,
    );
    expect(
      (
        await other.request({
          method: 'PUT',
          url: `/api/breaches/${breaches[0]!.id}/reason`,
          payload: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(404);
    const explained = await rep.request({
      method: 'PUT',
      url: `/api/breaches/${breaches[0]!.id}/reason`,
      payload: { reason: '客户出差，约定下周沟通' },
    });
    expect(explained.statusCode, explained.body).toBe(200);
    expect(
      (await manager.get('/api/breaches?unexplained=true')).json().items.map((x: { id: string }) => x.id),
    ).not.toContain(breaches[0]!.id);
    const history = (await rep.get(`/api/deals/${deal.id}/history`)).json();
    const notes = history.events.map((e: { changes: { note?: string } }) => e.changes.note).filter(Boolean);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sla warn/),
        expect.stringMatching(/^sla breach/),
        expect.stringMatching(/^sla escalate step 1.*owner_manager/),
      ]),
    );
  });

  it('stops the clock when the deal leaves the stage in time', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    await rep.get(`/api/deals/${deal.id}/sop`);
    const moved = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'lost', reason: 'price' },
      { ifMatch: deal.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', deal.id)
      .executeTakeFirstOrThrow();
    expect(clock.status).toBe('met');
    const events = await sweepClocks(database, new Date(Date.parse(deal.stageEnteredAt) + 100 * HOUR));
    expect(events.filter((e) => e.recordId === deal.id)).toEqual([]);
  });
});

describe('the lead’s first contact within 2 working hours', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  async function leadCreatedAt(rep: Client, localTime: string) {
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    // Pretend it arrived at a known local time by moving its clock's start.
    const { clockTimes } = await import('../src/domain/sop/clocks');
    const { loadDefaultPlaybooks } = await import('../src/domain/sop/default-playbooks');
    const { DEFAULT_CALENDAR } = await import('../src/domain/calendar/business-calendar');
    const limit = loadDefaultPlaybooks().find((p) => p.process === 'lead')!.stages[0]!.timeLimits[0]!;
    const start = new Date(`${localTime}+08:00`);
    const { dueAt, warnAt } = clockTimes(DEFAULT_CALENDAR, limit, start);
    await database.db
      .updateTable('sopClocks')
      .set({
        startedAt: start.toISOString(),
        dueAt: dueAt.toISOString(),
        warnAt: warnAt!.toISOString(),
        nextCheckAt: warnAt!.toISOString(),
      })
      .where('recordId', '=', lead.id)
      .execute();
    return { lead, dueAt };
  }

  it('falls due 2 working hours after a Friday 17:30 lead, on Monday, and breaches then', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const { lead, dueAt } = await leadCreatedAt(rep, '2025-11-21T17:30:00');
    expect(dueAt.toISOString()).toBe(new Date('2025-11-24T10:30:00+08:00').toISOString());
    const kinds = async (local: string) =>
      (await sweepClocks(database, new Date(`${local}+08:00`)))
        .filter((e) => e.recordId === lead.id)
        .map((e) => e.kind);
    expect(await kinds('2025-11-22T12:00:00')).toEqual([]); // Saturday: no working time passes
    expect(await kinds('2025-11-24T10:05:00')).toEqual(['warn']);
    expect(await kinds('2025-11-24T10:31:00')).toEqual(['breach']);
    expect(await kinds('2025-11-24T10:33:00')).toEqual(['escalate']);
  });

  it('stops when the first follow-up is logged in time', async () => {
    const rep = await clientFor(app, org.users.repA2);
    const { lead } = await leadCreatedAt(rep, '2025-11-24T09:00:00');
    await rep.post('/api/activities', {
      kind: 'call',
      subject: '首次电话',
      leadId: lead.id,
      occurredAt: '2025-11-24T01:30:00.000Z',
    });
    // The follow-up moved the lead on to 初步接触, which stopped the first stage's clock as met.
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', lead.id)
      .where('limitKey', '=', 'first_contact_2h')
      .executeTakeFirstOrThrow();
    expect(clock.status).toBe('met');
    const events = (await sweepClocks(database, new Date('2025-11-24T10:45:00+08:00'))).filter(
      (e) => e.recordId === lead.id,
    );
    expect(events).toEqual([]);
    const breaches = await database.db
      .selectFrom('sopBreaches')
      .select('id')
      .where('recordId', '=', lead.id)
      .execute();
    expect(breaches).toHaveLength(0);
  });
});
