import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';
import { buildKpiFixture } from './kpi-fixture';

const APRIL = 'from=2026-04-01&to=2026-04-30';

describe('SOP compliance figures on a hand-made event history', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ({ org } = await buildKpiFixture(database));
    admin = await clientFor(app, org.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const compliance = async (c: Client, qs: string) => {
    const res = await c.get(`/api/compliance?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const byKey = (body: { groups: Array<{ key: string }> }) =>
    Object.fromEntries(body.groups.map((g) => [g.key, g as Record<string, any>]));

  it('figures per stage for deals in April', async () => {
    const body = await compliance(admin, `process=deal&by=stage&${APRIL}`);
    // Groups follow the playbook's stage order.
    expect(body.groups.map((g: any) => g.key)).toEqual(['initial_contact', 'needs_analysis', 'solution']);
    const g = byKey(body);
    // initial_contact: clock c8 breached (0/1), its breach has no reason; stays 288 (d2), 48 (d3),
    // 240 (d4), 24 (d5) h: avg 150, p50 (2nd of 4) 48, p90 (4th of 4) 288. Deliverables on leaving
    // (visit + first_form required): d2 1 of 2 (form came after), d3 2, d4 0, d5 2 → 5 / 8.
    expect(g.initial_contact).toMatchObject({
      label: '阶段 initial_contact',
      onTime: { met: 0, decided: 1, rate: 0 },
      breaches: { count: 1, explained: 0, unexplained: 1 },
      timeInStage: { count: 4, avgHours: 150, p50Hours: 48, p90Hours: 288 },
      deliverables: { required: 8, completed: 5, rate: 0.625 },
    });
    // needs_analysis: c7 met in time; stays 24 (d2), 432 (d3), 24 (d5): avg 160, p50 24, p90 432;
    // needs_doc: d2 yes, d3 no, d5 yes → 2 / 3.
    expect(g.needs_analysis).toMatchObject({
      onTime: { met: 1, decided: 1, rate: 1 },
      breaches: { count: 0, explained: 0, unexplained: 0 },
      timeInStage: { count: 3, avgHours: 160, p50Hours: 24, p90Hours: 432 },
      deliverables: { required: 3, completed: 2, rate: 0.6667 },
    });
    // solution: one stay of 168 h, nothing required.
    expect(g.solution).toMatchObject({
      onTime: { decided: 0, rate: null },
      timeInStage: { count: 1, avgHours: 168, p50Hours: 168, p90Hours: 168 },
      deliverables: { required: 0, rate: null },
    });
    // Total: clocks 1/2; 8 stays sum 1248 → 156, p50 4th of 8 = 48, p90 8th = 432; deliverables 7 / 11.
    expect(body.total).toMatchObject({
      onTime: { met: 1, decided: 2, rate: 0.5 },
      breaches: { count: 1, unexplained: 1 },
      timeInStage: { count: 8, avgHours: 156, p50Hours: 48, p90Hours: 432 },
      deliverables: { required: 11, completed: 7, rate: 0.6364 },
    });
  });

  it('counts working hours in stage on the working calendar', async () => {
    // d2 in solution from Thu 04-02 10:00 to Thu 04-09 10:00 (Shanghai), 168 h. Working time
    // (09:00–12:00, 13:30–18:00): Thu 6.5 + Fri 7.5 + (Sat–Mon 04-04..06 清明 off) + Tue 7.5
    // + Wed 7.5 + Thu 09:00–10:00 1 = 30 h.
    const body = await compliance(admin, `process=deal&by=stage&stageKey=solution&${APRIL}`);
    expect(body.groups.map((g: any) => g.key)).toEqual(['solution']);
    expect(body.total.timeInStage).toMatchObject({ count: 1, avgHours: 168, avgWorkingHours: 30 });
  });

  it('figures per team include the units below, and per rep for leads', async () => {
    const body = await compliance(admin, `process=deal&by=team&${APRIL}`);
    const g = byKey(body);
    // Team A (repA1 d2, repA2 d3 d5, clock c7): stays 3 + 2 + 2; deliverables 3/2 + 3/2 + 3/3.
    expect(g[org.units.teamA.id]).toMatchObject({
      onTime: { met: 1, decided: 1 },
      breaches: { count: 0 },
      timeInStage: { count: 7 },
      deliverables: { required: 9, completed: 7 },
    });
    // Team B (repB1 d4, clock c8 and its breach): one stay of 240 h, 0 of 2 deliverables.
    expect(g[org.units.teamB.id]).toMatchObject({
      onTime: { met: 0, decided: 1 },
      breaches: { count: 1, unexplained: 1 },
      timeInStage: { count: 1, avgHours: 240 },
      deliverables: { required: 2, completed: 0, rate: 0 },
    });
    // The region holds both teams.
    expect(g[org.units.region.id]).toMatchObject({
      onTime: { met: 1, decided: 2 },
      breaches: { count: 1 },
      timeInStage: { count: 8 },
      deliverables: { required: 11, completed: 7 },
    });

    const leads = byKey(await compliance(admin, `process=lead&by=rep&${APRIL}`));
    // repA1: c1 in time, c2 breached with a reason; repA2: c3 met late; repB1: c4 past due (c6 cancelled).
    expect(leads[org.users.repA1.id]).toMatchObject({
      label: '张三',
      onTime: { met: 1, decided: 2, rate: 0.5 },
      breaches: { count: 1, explained: 1, unexplained: 0 },
    });
    expect(leads[org.users.repA2.id]).toMatchObject({ onTime: { met: 0, decided: 1, rate: 0 } });
    expect(leads[org.users.repB1.id]).toMatchObject({
      onTime: { met: 0, decided: 1 },
      breaches: { count: 0 },
    });
  });

  it('respects visibility and the unit filter', async () => {
    const repA1 = await clientFor(app, org.users.repA1);
    const own = await compliance(repA1, `process=deal&by=stage&${APRIL}`);
    // Only d2: 288, 24, 168 h; no clocks or breaches of repA1's deals in April.
    expect(own.total).toMatchObject({
      onTime: { decided: 0 },
      breaches: { count: 0 },
      timeInStage: { count: 3 },
      deliverables: { required: 3, completed: 2 },
    });
    expect(byKey(own).initial_contact?.timeInStage.avgHours).toBe(288);

    const managerB = await clientFor(app, org.users.managerB);
    const team = await compliance(managerB, `process=deal&by=rep&${APRIL}`);
    expect(team.groups.map((g: any) => g.key)).toEqual([org.users.repB1.id]);
    expect(team.total).toMatchObject({ breaches: { count: 1 }, timeInStage: { count: 1 } });

    const filtered = await compliance(admin, `process=deal&by=rep&unitId=${org.units.teamB.id}&${APRIL}`);
    expect(filtered.total).toEqual(team.total);

    const other = await makeOrg(database.db);
    const stranger = await clientFor(app, other.users.admin);
    const none = await compliance(stranger, `process=deal&by=stage&${APRIL}`);
    expect(none.groups).toEqual([]);
    expect(none.total).toMatchObject({
      onTime: { decided: 0 },
      breaches: { count: 0 },
      timeInStage: { count: 0 },
    });
  });

  it('rejects bad input with the field, and documents each figure in OpenAPI', async () => {
    const badProcess = await admin.get('/api/compliance?process=ticket');
    expect(badProcess.statusCode).toBe(400);
    expect(badProcess.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'process' });
    const badBy = await admin.get('/api/compliance?by=product');
    expect(badBy.statusCode).toBe(400);
    expect(badBy.json().field).toBe('by');
    const badDate = await admin.get('/api/compliance?to=2026-04-31');
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().field).toBe('to');
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const summary = doc.paths['/api/compliance'].get.summary as string;
    for (const figure of ['onTime.rate', 'breaches', 'timeInStage', 'deliverables.rate'])
      expect(summary).toContain(figure);
  });
});
