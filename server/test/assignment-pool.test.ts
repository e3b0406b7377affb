import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recycleIdleRecords } from '../src/modules/assignment/pool.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

describe('assignment rules and the public pool', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let policyVersion = 0;

  const setPolicy = async (p: Record<string, unknown>) => {
    const res = await admin.request({
      method: 'PUT',
      url: '/api/sales-policy',
      payload: {
        leadRecycleDays: null,
        accountRecycleDays: null,
        claimQuotaPerDay: null,
        maxCustomersPerRep: null,
        autoRouteNewLeads: false,
        ...p,
      },
      ifMatch: policyVersion,
    });
    expect(res.statusCode, res.body).toBe(200);
    policyVersion = res.json().version;
  };
  const poolLead = async (overrides: Record<string, unknown> = {}) => {
    const res = await admin.post('/api/leads', makeLeadInput({ ownerId: null, ...overrides }));
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    admin = await clientFor(app, org.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('round robin spreads pool leads evenly over the team and respects the load cap', async () => {
    const rule = await admin.post('/api/assignment-rules', {
      name: '展会线索 → 上海一组',
      priority: 10,
      conditions: { sources: ['exhibition'] },
      targetUnitId: org.units.teamA.id,
      method: 'round_robin',
      loadCap: 3,
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await poolLead({ source: 'exhibition' })).id);
    const other = await poolLead({ source: 'website' });
    const routed = await admin.post('/api/leads/route', { leadIds: [...ids, other.id] });
    expect(routed.statusCode, routed.body).toBe(200);
    const { assigned, unassigned } = routed.json();
    const perRep = new Map<string, number>();
    for (const a of assigned) perRep.set(a.userId, (perRep.get(a.userId) ?? 0) + 1);
    // Team A has two reps; each may hold 3 open leads, so 6 go out and 2 stay, with the website lead.
    expect([...perRep.keys()].sort()).toEqual([org.users.repA1.id, org.users.repA2.id].sort());
    expect([...perRep.values()]).toEqual([3, 3]);
    expect(unassigned).toHaveLength(3);
    expect(unassigned).toContain(other.id);
    const history = (await admin.get(`/api/leads/${assigned[0].leadId}/history`)).json();
    expect(history.transfers[0].reason).toBe('routed: 展会线索 → 上海一组');
    await admin.delete(`/api/assignment-rules/${rule.json().id}`);
  });

  it('routes a new pool lead at once when the policy says so', async () => {
    const rule = await admin.post('/api/assignment-rules', {
      name: 'A 级 → 王五',
      priority: 1,
      conditions: { grades: ['A'] },
      targetUserIds: [org.users.repB1.id],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await setPolicy({ autoRouteNewLeads: true });
    const lead = await poolLead({ grade: 'A' });
    const read = (await admin.get(`/api/leads/${lead.id}`)).json();
    expect(read.ownerId).toBe(org.users.repB1.id);
    await setPolicy({ autoRouteNewLeads: false });
    await admin.delete(`/api/assignment-rules/${rule.json().id}`);
  });

  it('lets a rep claim within the daily quota, and only once per lead', async () => {
    await setPolicy({ claimQuotaPerDay: 2 });
    const rep = await clientFor(app, org.users.repA2);
    const rival = await clientFor(app, org.users.repB1);
    const leads = [await poolLead(), await poolLead(), await poolLead()];
    const [first, second] = await Promise.all([
      rep.post(`/api/leads/${leads[0].id}/claim`),
      rival.post(`/api/leads/${leads[0].id}/claim`),
    ]);
    const codes = [first.statusCode, second.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const winner = first.statusCode === 200 ? rep : rival;
    const loser = first.statusCode === 200 ? rival : rep;
    expect((await winner.post(`/api/leads/${leads[1].id}/claim`)).statusCode).toBe(200);
    const over = await winner.post(`/api/leads/${leads[2].id}/claim`);
    expect(over.json().code).toBe('CLAIM_QUOTA_REACHED');
    expect((await loser.post(`/api/leads/${leads[2].id}/claim`)).statusCode).toBe(200);
    await setPolicy({});
  });

  it('refuses a claim beyond the customer cap', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const held = await database.db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ownerId', '=', org.users.repA1.id)
      .where('status', 'in', ['new', 'contacted', 'qualified'])
      .executeTakeFirst();
    await setPolicy({ maxCustomersPerRep: Number(held?.n) });
    const lead = await poolLead();
    const res = await rep.post(`/api/leads/${lead.id}/claim`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CUSTOMER_CAP_REACHED');
    await setPolicy({});
  });

  it('returns idle leads to the pool, but not those with a recent follow-up', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const idle = (await rep.post('/api/leads', makeLeadInput())).json();
    const active = (await rep.post('/api/leads', makeLeadInput())).json();
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    await database.db
      .updateTable('leads')
      .set({ assignedAt: tenDaysAgo, createdAt: tenDaysAgo })
      .where('id', 'in', [idle.id, active.id])
      .execute();
    const act = await rep.post('/api/activities', { kind: 'call', subject: '回访', leadId: active.id });
    expect(act.statusCode, act.body).toBe(201);
    await setPolicy({ leadRecycleDays: 7 });
    const moved = await recycleIdleRecords(database);
    const movedIds = moved.map((m) => m.id);
    expect(movedIds).toContain(idle.id);
    expect(movedIds).not.toContain(active.id);
    expect((await admin.get(`/api/leads/${idle.id}`)).json().ownerId).toBeNull();
    // Running the sweep again moves nothing more.
    expect((await recycleIdleRecords(database)).map((m) => m.id)).not.toContain(idle.id);
    await setPolicy({});
  });

  it('lets an owner release a lead with a reason, and refuses others', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const other = await clientFor(app, org.users.repB1);
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    expect((await other.post(`/api/leads/${lead.id}/release`, { reason: '不是我的' })).statusCode).toBe(404);
    const res = await rep.post(`/api/leads/${lead.id}/release`, { reason: '客户暂无需求' });
    expect(res.statusCode, res.body).toBe(200);
    const history = (await admin.get(`/api/leads/${lead.id}/history`)).json();
    expect(history.transfers[0]).toMatchObject({ toOwnerId: null, reason: 'release: 客户暂无需求' });
  });

  it('keeps rules and policy to admins and sales ops', async () => {
    const rep = await clientFor(app, org.users.repA1);
    expect((await rep.get('/api/assignment-rules')).statusCode).toBe(403);
    const bad = await admin.post('/api/assignment-rules', { name: 'x', priority: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('targetUnitId');
  });
});
