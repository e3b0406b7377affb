import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToday } from '../src/domain/kpi/periods';
import { weekStartOf } from '../src/modules/weekly-reports/week';
import { sweepWeeklyReports } from '../src/modules/weekly-reports/weekly-report.sweep';
import { receivables } from './dashboards-receivables';
import {
  buildTestApp,
  type Client,
  clientFor,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';
import { buildKpiFixture } from './kpi-fixture';

describe('weekly reports: generated contents, submission, comments and missing-report breaches', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let id: (k: string) => string;
  let admin: Client;
  let managerA: Client;
  let managerB: Client;
  let repA1: Client;
  let repA2: Client;
  const thisWeek = weekStartOf(localToday('Asia/Shanghai'));

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org, id } = await buildKpiFixture(database));
    await receivables(database, org, id);
    admin = await clientFor(app, org.users.admin);
    managerA = await clientFor(app, org.users.managerA);
    managerB = await clientFor(app, org.users.managerB);
    repA1 = await clientFor(app, org.users.repA1);
    repA2 = await clientFor(app, org.users.repA2);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const ok = async (p: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) => {
    const res = await p;
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const put = (c: Client, url: string, payload: unknown) =>
    c.request({ method: 'PUT', url, payload: payload as never });

  it("generates a rep's week from the data: the week of 2026-03-30 (Asia/Shanghai)", async () => {
    const url = `/api/weekly-reports/${org.users.repA1.id}/2026-03-30`;
    const r = await ok(repA1.get(url));
    expect(r).toMatchObject({
      ownerId: org.users.repA1.id,
      week: '2026-03-30',
      status: 'not_started',
      ownerName: '张三',
    });
    // Friday 2026-04-03 18:00 local.
    expect(r.dueAt).toBe('2026-04-03T10:00:00.000Z');
    const g = r.generated;
    expect([g.from, g.to]).toEqual(['2026-03-30', '2026-04-05']);
    expect(g.newLeads.items.map((i: any) => i.id)).toEqual([id('l1'), id('l2')]);
    expect(g.followUps.items.map((i: any) => i.id)).toEqual([id('a1')]);
    expect(g.stageMoves.items.map((i: any) => [i.id, i.stage])).toEqual([
      [id('d2'), 'needs_analysis'],
      [id('d2'), 'solution'],
    ]);
    expect(g.wins).toEqual({ count: 0, amount: 0, items: [] });
    expect(g.breaches.items).toEqual([
      expect.objectContaining({ recordId: id('l2'), limitKey: 'first_contact_2h', explained: true }),
    ]);
    expect(g.payments).toEqual({ count: 0, amount: 0, items: [] });
    // The receipt of 300,000 on 2026-03-10 falls in the week of 2026-03-09.
    const paid = (await ok(repA1.get(`/api/weekly-reports/${org.users.repA1.id}/2026-03-09`))).generated
      .payments;
    expect(paid).toEqual({
      count: 1,
      amount: 300_000,
      items: [{ id: id('rc1'), contractId: id('c1'), amount: 300_000, receivedOn: '2026-03-10' }],
    });

    const next = (await ok(managerA.get(`/api/weekly-reports/${org.users.repA1.id}/2026-04-06`))).generated;
    expect(next.wins).toMatchObject({ count: 1, amount: 2_000_000 });
    expect(next.stageMoves.items.map((i: any) => i.stage)).toEqual(['won']);
    expect([next.newLeads.count, next.followUps.count, next.breaches.count]).toEqual([0, 0, 0]);

    // Out of reach: another team's manager, another rep.
    expect((await managerB.get(url)).statusCode).toBe(404);
    expect((await repA2.get(url)).statusCode).toBe(404);
    const tuesday = await repA1.get(`/api/weekly-reports/${org.users.repA1.id}/2026-03-31`);
    expect([tuesday.statusCode, tuesday.json().field]).toEqual([400, 'week']);
  });

  it('keeps the deadline in the SOP (the deal playbook); only admin and sales ops change it', async () => {
    expect(await ok(repA1.get('/api/weekly-reports/settings'))).toMatchObject({
      deadlineWeekday: 5,
      deadlineTime: '18:00',
    });
    expect(
      (await put(managerA, '/api/weekly-reports/settings', { deadlineWeekday: 7, deadlineTime: '23:59' }))
        .statusCode,
    ).toBe(403);
    const bad = await put(admin, '/api/weekly-reports/settings', {
      deadlineWeekday: 7,
      deadlineTime: '24:00',
    });
    expect([bad.statusCode, bad.json().field]).toEqual([400, 'deadlineTime']);
    const day = await put(admin, '/api/weekly-reports/settings', {
      deadlineWeekday: 0,
      deadlineTime: '18:00',
    });
    expect([day.statusCode, day.json().field]).toEqual([400, 'deadlineWeekday']);
    // Sunday 23:59: this week's deadline is still ahead whenever the test runs.
    expect(
      await ok(put(admin, '/api/weekly-reports/settings', { deadlineWeekday: 7, deadlineTime: '23:59' })),
    ).toMatchObject({
      deadlineWeekday: 7,
      deadlineTime: '23:59',
    });
  });

  it('the rep writes and submits; a submitted report is final; the manager comments and the rep is told', async () => {
    const url = `/api/weekly-reports/${org.users.repA1.id}/${thisWeek}`;
    const draft = await ok(put(repA1, url, { plan: '拜访三家客户', helpNeeded: null }));
    expect(draft).toMatchObject({ status: 'draft', plan: '拜访三家客户', submittedAt: null });
    expect((await put(managerA, url, { plan: 'x' })).statusCode).toBe(403);
    const early = await managerA.post(`${url}/comment`, { comment: '好' });
    expect([early.statusCode, early.json().code]).toEqual([409, 'INVALID_STATE']);

    const submitted = await ok(put(repA1, url, { helpNeeded: '需要技术支持', submit: true }));
    expect(submitted).toMatchObject({
      status: 'submitted',
      plan: '拜访三家客户',
      helpNeeded: '需要技术支持',
      late: false,
      breached: false,
    });
    expect(submitted.generated.from).toBe(thisWeek);
    const again = await put(repA1, url, { plan: 'changed' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'INVALID_STATE']);

    expect((await repA1.post(`${url}/comment`, { comment: '自评' })).statusCode).toBe(403);
    expect((await managerB.post(`${url}/comment`, { comment: '好' })).statusCode).toBe(404);
    const empty = await managerA.post(`${url}/comment`, { comment: '  ' });
    expect([empty.statusCode, empty.json().field]).toEqual([400, 'comment']);
    const commented = await ok(managerA.post(`${url}/comment`, { comment: '计划清楚，技术支持已安排' }));
    expect(commented).toMatchObject({
      managerComment: '计划清楚，技术支持已安排',
      commentedBy: org.users.managerA.id,
    });
    const inbox = await database.db
      .selectFrom('notifications')
      .select(['userId', 'kind'])
      .where('kind', '=', 'weekly_report_comment')
      .execute();
    expect(inbox).toEqual([{ userId: org.users.repA1.id, kind: 'weekly_report_comment' }]);
  });

  it('records a missing report as a breach once per rep and week, and tells the rep and the manager', async () => {
    const before = await ok(managerA.get(`/api/weekly-reports?week=${thisWeek}`));
    const dueAt = before.dueAt as string;
    const after = new Date(Date.parse(dueAt) + 60_000);
    // repA1 submitted; repA2 and repB1 did not.
    expect(await sweepWeeklyReports(database, after)).toEqual({ breached: 2 });
    expect(await sweepWeeklyReports(database, after)).toEqual({ breached: 0 });

    const list = await ok(managerA.get(`/api/weekly-reports?week=${thisWeek}`));
    const byRep = Object.fromEntries(list.items.map((i: any) => [i.ownerId, i]));
    expect(Object.keys(byRep).sort()).toEqual([org.users.repA1.id, org.users.repA2.id].sort());
    expect(byRep[org.users.repA1.id]).toMatchObject({ status: 'submitted', breached: false });
    expect(byRep[org.users.repA2.id]).toMatchObject({
      status: 'draft',
      breached: true,
      breachedAt: after.toISOString(),
    });
    expect(list.totals).toEqual({ reps: 2, submitted: 1, breached: 1 });

    const told = await database.db
      .selectFrom('notifications')
      .select(['userId'])
      .where('kind', '=', 'weekly_report_missing')
      .orderBy('userId')
      .execute();
    expect(told.map((n) => n.userId).sort()).toEqual(
      [org.users.repA2.id, org.users.managerA.id, org.users.repB1.id, org.users.managerB.id].sort(),
    );
    // A rep sees only their own line.
    const own = await ok(repA2.get(`/api/weekly-reports?week=${thisWeek}`));
    expect(own.items.map((i: any) => i.ownerId)).toEqual([org.users.repA2.id]);
  });
});
