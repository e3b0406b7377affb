import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// The customer cap (客户数上限) holds on a transfer to a rep and on automation's assign, as on
// pool claims and routing; lead routing by territory (region, industry) reaches the right team.
describe('customer cap on transfers and automation, routing by territory', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let managerA: Client;
  let repA1: Client;
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
  /** Customers the user holds now: open leads and accounts. */
  const held = async (userId: string) => {
    const leads = await database.db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ownerId', '=', userId)
      .where('deletedAt', 'is', null)
      .where('status', 'in', ['new', 'contacted', 'qualified'])
      .executeTakeFirstOrThrow();
    const accounts = await database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ownerId', '=', userId)
      .where('deletedAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(leads.n) + Number(accounts.n);
  };

  const giveAccount = async (ownerId: string) => {
    const res = await admin.post('/api/accounts', makeAccountInput({ ownerId }));
    expect(res.statusCode, res.body).toBe(201);
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [admin, managerA, repA1] = await Promise.all([
      clientFor(app, org.users.admin),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.repA1),
    ]);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('refuses a transfer that would take the rep over the cap, with the code and field', async () => {
    const lead = (await repA1.post('/api/leads', makeLeadInput())).json();
    const account = (await repA1.post('/api/accounts', makeAccountInput())).json();
    await giveAccount(org.users.repA2.id);
    await setPolicy({ maxCustomersPerRep: await held(org.users.repA2.id) });

    for (const [path, rec] of [
      ['leads', lead],
      ['accounts', account],
    ] as const) {
      const refused = await managerA.post(
        `/api/${path}/${rec.id}/transfer`,
        { toOwnerId: org.users.repA2.id, reason: '调岗' },
        { ifMatch: rec.version },
      );
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'CUSTOMER_CAP_REACHED', field: 'toOwnerId' });
      expect(refused.json().message).toContain('李四');
    }
    // Nothing moved.
    expect((await managerA.get(`/api/leads/${lead.id}`)).json().ownerId).toBe(org.users.repA1.id);
    const transfers = await database.db
      .selectFrom('ownerTransfers')
      .select('id')
      .where('entityId', 'in', [lead.id, account.id])
      .execute();
    expect(transfers).toEqual([]);

    // A deal is no customer of its own: it may go. Raising the cap lets the others go too.
    const deal = (await repA1.post('/api/deals', makeDealInput(account.id))).json();
    const dealMoved = await managerA.post(
      `/api/deals/${deal.id}/transfer`,
      { toOwnerId: org.users.repA2.id },
      { ifMatch: deal.version },
    );
    expect(dealMoved.statusCode, dealMoved.body).toBe(200);
    await setPolicy({ maxCustomersPerRep: (await held(org.users.repA2.id)) + 1 });
    const moved = await managerA.post(
      `/api/leads/${lead.id}/transfer`,
      { toOwnerId: org.users.repA2.id },
      { ifMatch: lead.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    await setPolicy({});
  });

  it('automation assign is refused at the cap: the rule run fails with the code, the record stays', async () => {
    await giveAccount(org.users.repB1.id);
    const rule = await admin.post('/api/automation-rules', {
      name: '新客户归王五',
      status: 'active',
      trigger: { event: 'record.created', recordType: 'account' },
      actions: [{ type: 'assign', to: { userId: org.users.repB1.id } }],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await setPolicy({ maxCustomersPerRep: await held(org.users.repB1.id) });
    const account = (await admin.post('/api/accounts', makeAccountInput())).json();
    expect((await admin.get(`/api/accounts/${account.id}`)).json().ownerId).toBe(org.users.admin.id);
    const runs = await database.db
      .selectFrom('automationRuns')
      .select(['status', 'detail'])
      .where('ruleId', '=', rule.json().id)
      .execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('failed');
    expect(String(runs[0]!.detail)).toContain('CUSTOMER_CAP_REACHED to.userId');
    // Under the cap it assigns.
    await setPolicy({ maxCustomersPerRep: (await held(org.users.repB1.id)) + 1 });
    const next = (await admin.post('/api/accounts', makeAccountInput())).json();
    expect((await admin.get(`/api/accounts/${next.id}`)).json().ownerId).toBe(org.users.repB1.id);
    await setPolicy({});
    await admin.delete(`/api/automation-rules/${rule.json().id}`);
  });

  it('routes a pool lead by region and industry to the right team’s rep', async () => {
    const east = await admin.post('/api/assignment-rules', {
      name: '华东制造业 → 上海一组',
      priority: 1,
      conditions: { regions: ['华东'], industries: ['制造业'] },
      targetUnitId: org.units.teamA.id,
      method: 'round_robin',
    });
    expect(east.statusCode, east.body).toBe(201);
    const south = await admin.post('/api/assignment-rules', {
      name: '华南 → 二组',
      priority: 2,
      conditions: { regions: ['华南'] },
      targetUnitId: org.units.teamB.id,
      method: 'round_robin',
    });
    expect(south.statusCode, south.body).toBe(201);
    const pool = async (region: string, industry: string) => {
      const res = await admin.post('/api/leads', makeLeadInput({ ownerId: null, region, industry }));
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const eastMfg = await pool('华东', '制造业');
    const eastEnergy = await pool('华东', '能源');
    const southEnergy = await pool('华南', '能源');
    const routed = await admin.post('/api/leads/route', { leadIds: [eastMfg, eastEnergy, southEnergy] });
    expect(routed.statusCode, routed.body).toBe(200);
    const ownerOf = async (id: string) => (await admin.get(`/api/leads/${id}`)).json().ownerId;
    expect([org.users.repA1.id, org.users.repA2.id]).toContain(await ownerOf(eastMfg));
    expect(await ownerOf(southEnergy)).toBe(org.users.repB1.id);
    // 华东 but not 制造业: no rule matches, it stays in the pool.
    expect(await ownerOf(eastEnergy)).toBeNull();
    expect(routed.json().unassigned).toEqual([eastEnergy]);
    const history = (await admin.get(`/api/leads/${southEnergy}/history`)).json();
    expect(history.transfers[0].reason).toBe('routed: 华南 → 二组');
  });
});
