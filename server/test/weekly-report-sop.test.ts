import dayjs from 'dayjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localToday } from '../src/domain/kpi/periods';
import { weekStartOf } from '../src/modules/weekly-reports/week';
import { sweepWeeklyReports } from '../src/modules/weekly-reports/weekly-report.sweep';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Issue 6 item 6: the weekly report's deadline is set in the SOP (the deal playbook), and a
// report missing at the deadline is an SOP breach like a late first contact: in the breach
// list waiting for a reason, and in the compliance figures — each seen only by who may see it.

describe('weekly reports in the SOP: the deadline in the deal playbook, a missing report an SOP breach', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let managerA: Client;
  let managerB: Client;
  let repA1: Client;
  let repA2: Client;
  const thisWeek = weekStartOf(localToday('Asia/Shanghai'));
  const lastWeek = dayjs(thisWeek).subtract(7, 'day').format('YYYY-MM-DD');
  const lastSunday = dayjs(thisWeek).subtract(1, 'day').format('YYYY-MM-DD');

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    // The reps joined a month ago: they owed last week's report.
    await database.db
      .updateTable('users')
      .set({ createdAt: dayjs().subtract(30, 'day').toISOString() })
      .where('tenantId', '=', org.tenant.id)
      .execute();
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

  it('takes the deadline from the published deal playbook; changing it publishes a new version', async () => {
    const before = await ok(
      put(admin, '/api/weekly-reports/settings', { deadlineWeekday: 4, deadlineTime: '17:30' }),
    );
    expect(before).toMatchObject({ deadlineWeekday: 4, deadlineTime: '17:30' });
    const version = await ok(admin.get(`/api/playbook-versions/${before.playbook.versionId}`));
    expect(version).toMatchObject({ status: 'published' });
    expect(version.definition.weeklyReport).toEqual({ weekday: 4, time: '17:30' });
    // The SOP is the one source: a rep reads the same deadline, and a week's due time follows it.
    expect(await ok(repA1.get('/api/weekly-reports/settings'))).toEqual(before);
    const week = await ok(managerA.get(`/api/weekly-reports?week=${lastWeek}`));
    expect(dayjs(week.dueAt).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm')).toBe(
      `${dayjs(lastWeek).add(3, 'day').format('YYYY-MM-DD')} 17:30`,
    );

    // The same deadline again publishes nothing; another one is the next version.
    const same = await ok(
      put(admin, '/api/weekly-reports/settings', { deadlineWeekday: 4, deadlineTime: '17:30' }),
    );
    expect(same.playbook.version).toBe(before.playbook.version);
    const after = await ok(
      put(admin, '/api/weekly-reports/settings', { deadlineWeekday: 5, deadlineTime: '18:00' }),
    );
    expect(after.playbook).toMatchObject({ id: before.playbook.id, version: before.playbook.version + 1 });
    expect(
      (await put(managerA, '/api/weekly-reports/settings', { deadlineWeekday: 1, deadlineTime: '09:00' }))
        .statusCode,
    ).toBe(403);
  });

  it('validates the deadline in a playbook: a weekday 1–7 and HH:mm, deal playbooks only', async () => {
    const { playbook } = await ok(admin.get('/api/weekly-reports/settings'));
    const current = await ok(admin.get(`/api/playbook-versions/${playbook.versionId}`));
    const bad = await admin.post(`/api/playbooks/${playbook.id}/versions`, {
      definition: { ...current.definition, weeklyReport: { weekday: 8, time: '25:00' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('PLAYBOOK_INVALID');
    const paths = bad
      .json()
      .details.problems.map((p: { path: string }) => p.path)
      .sort();
    expect(paths).toEqual(['weeklyReport.time', 'weeklyReport.weekday']);

    const list = await ok(admin.get('/api/playbooks'));
    const lead = list.items.find((p: { process: string }) => p.process === 'lead');
    const leadVersion = await ok(
      admin.get(`/api/playbook-versions/${lead.publishedVersionId ?? lead.versionId}`),
    );
    const onLead = await admin.post(`/api/playbooks/${lead.id}/versions`, {
      definition: { ...leadVersion.definition, weeklyReport: { weekday: 5, time: '18:00' } },
    });
    expect(onLead.statusCode).toBe(422);
    expect(onLead.json().details.problems).toEqual([expect.objectContaining({ path: 'weeklyReport' })]);
  });

  it('records a missing report as an SOP breach: listed for who may see it, explained, counted in compliance', async () => {
    const { dueAt } = await ok(managerA.get(`/api/weekly-reports?week=${lastWeek}`));
    // repA1 submitted last week's report on time (Thursday); repA2 and repB1 did not submit.
    await ok(
      put(repA1, `/api/weekly-reports/${org.users.repA1.id}/${lastWeek}`, {
        plan: '拜访两家客户',
        submit: true,
      }),
    );
    await database.db
      .updateTable('weeklyReports')
      .set({ submittedAt: dayjs(dueAt).subtract(1, 'day').toISOString() })
      .where('ownerId', '=', org.users.repA1.id)
      .execute();
    const sweptAt = new Date(Date.parse(dueAt) + 60_000);
    expect(await sweepWeeklyReports(database, sweptAt)).toEqual({ breached: 2 });
    expect(await sweepWeeklyReports(database, sweptAt)).toEqual({ breached: 0 });

    const weekly = (page: { items: Array<{ id: string; recordType: string }> }) =>
      page.items.filter((b) => b.recordType === 'weekly_report');
    const all = weekly(await ok(admin.get('/api/breaches')));
    expect(all.map((b: any) => b.ownerId).sort()).toEqual([org.users.repA2.id, org.users.repB1.id].sort());
    const teamA = weekly(await ok(managerA.get('/api/breaches?unexplained=true')));
    expect(teamA).toEqual([
      expect.objectContaining({
        ownerId: org.users.repA2.id,
        recordName: lastWeek,
        stageKey: 'weekly_report',
        limitKey: 'weekly_report_due',
        dueAt: new Date(dueAt).toISOString(),
        reason: null,
      }),
    ]);
    expect(weekly(await ok(repA1.get('/api/breaches')))).toEqual([]);

    // Another team's manager cannot explain it; the rep can, and it leaves the waiting list.
    const breachId = teamA[0]!.id;
    expect((await put(managerB, `/api/breaches/${breachId}/reason`, { reason: 'x' })).statusCode).toBe(404);
    expect((await put(repA2, `/api/breaches/${breachId}/reason`, { reason: ' ' })).statusCode).toBe(400);
    await ok(put(repA2, `/api/breaches/${breachId}/reason`, { reason: '上周在外地出差' }));
    expect(weekly(await ok(managerA.get('/api/breaches?unexplained=true')))).toEqual([]);

    // Compliance of the deal SOP over last week: the weekly report is a stage of its own.
    const period = `from=${lastWeek}&to=${lastSunday}`;
    const byStage = await ok(managerA.get(`/api/compliance?process=deal&by=stage&${period}`));
    const group = byStage.groups.find((g: { key: string }) => g.key === 'weekly_report');
    expect(group).toMatchObject({
      label: '周报',
      onTime: { met: 1, decided: 2, rate: 0.5 },
      breaches: { count: 1, explained: 1, unexplained: 0 },
    });
    const byRep = await ok(admin.get(`/api/compliance?process=deal&by=rep&stageKey=weekly_report&${period}`));
    const rep = (id: string) => byRep.groups.find((g: { key: string }) => g.key === id);
    expect(rep(org.users.repB1.id)).toMatchObject({
      onTime: { met: 0, decided: 1 },
      breaches: { count: 1, unexplained: 1 },
    });
    expect(rep(org.users.repA1.id)).toMatchObject({ onTime: { met: 1, decided: 1 }, breaches: { count: 0 } });
    // A rep's figures are their own; other processes do not count weekly reports.
    const own = await ok(repA1.get(`/api/compliance?process=deal&by=rep&${period}`));
    expect(own.groups.map((g: { key: string }) => g.key)).toEqual([org.users.repA1.id]);
    const leads = await ok(admin.get(`/api/compliance?process=lead&by=stage&${period}`));
    expect(leads.groups.find((g: { key: string }) => g.key === 'weekly_report')).toBeUndefined();
  });
});
