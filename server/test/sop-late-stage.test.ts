import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('creating a deal directly in a later stage', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let accountId: string;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
    accountId = (await rep.post('/api/accounts', makeAccountInput())).json().id;
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const eventsOf = (id: string) =>
    database.db.selectFrom('stageEvents').selectAll().where('recordId', '=', id).execute();
  const runOf = (id: string) =>
    database.db.selectFrom('sopRuns').selectAll().where('recordId', '=', id).executeTakeFirst();

  it('is refused for reps and managers with a clear code, leaving nothing behind', async () => {
    const name = `跳阶段商机${Date.now()}`;
    const byRep = await rep.post('/api/deals', makeDealInput(accountId, { name, stage: 'negotiation' }));
    expect(byRep.statusCode).toBe(403);
    expect(byRep.json()).toMatchObject({ code: 'LATE_STAGE_CREATE_FORBIDDEN', field: 'stage' });
    expect(byRep.json().message).toContain('negotiation');
    const en = await rep.request({
      method: 'POST',
      url: '/api/deals',
      payload: makeDealInput(accountId, { name, stage: 'contract' }),
      headers: { 'accept-language': 'en-US' },
    });
    expect(en.json().message).toContain('Only admins and sales ops');
    const manager = await clientFor(app, org.users.managerA);
    const byManager = await manager.post(
      '/api/deals',
      makeDealInput(accountId, { name, stage: 'won', ownerId: org.users.repA1.id }),
    );
    expect(byManager.json().code).toBe('LATE_STAGE_CREATE_FORBIDDEN');
    const left = await database.db.selectFrom('deals').select('id').where('name', '=', name).execute();
    expect(left).toEqual([]);
  });

  it('starts a rep’s deal in the first stage with its run and clocks, without a stage event', async () => {
    const res = await rep.post('/api/deals', makeDealInput(accountId, { stage: 'initial_contact' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(await runOf(res.json().id)).toMatchObject({ stageKey: 'initial_contact', status: 'open' });
    expect(await eventsOf(res.json().id)).toEqual([]);
    const clocks = await database.db
      .selectFrom('sopClocks')
      .select('limitKey')
      .where('recordId', '=', res.json().id)
      .execute();
    expect(clocks.map((c) => c.limitKey)).toEqual(['untouched_48h']);
  });

  it('lets sales ops and admins import a deal at a later stage: the run starts there with a stage event', async () => {
    const ops = await clientFor(app, org.users.ops);
    const res = await ops.post(
      '/api/deals',
      makeDealInput(accountId, { stage: 'needs_analysis', ownerId: org.users.repA1.id }),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ stage: 'needs_analysis', probability: 25, status: 'open' });
    const run = await runOf(res.json().id);
    expect(run).toMatchObject({ stageKey: 'needs_analysis', status: 'open', ownerId: org.users.repA1.id });
    const events = await eventsOf(res.json().id);
    expect(events).toEqual([
      expect.objectContaining({
        fromStage: null,
        toStage: 'needs_analysis',
        actorId: org.users.ops.id,
        ownerId: org.users.repA1.id,
        reason: 'created_in_stage',
        playbookVersionId: run!.playbookVersionId,
      }),
    ]);
    const clocks = await database.db
      .selectFrom('sopClocks')
      .select(['stageKey', 'limitKey', 'status'])
      .where('recordId', '=', res.json().id)
      .execute();
    expect(clocks).toEqual([{ stageKey: 'needs_analysis', limitKey: 'daily_follow_up', status: 'running' }]);
    // The owner works on from there.
    const sop = (await rep.get(`/api/deals/${res.json().id}/sop`)).json();
    expect(sop.stage.key).toBe('needs_analysis');
    expect(sop.next.map((n: { stage: string }) => n.stage)).toEqual(['solution', 'lost']);

    const admin = await clientFor(app, org.users.admin);
    const won = await admin.post('/api/deals', makeDealInput(accountId, { stage: 'won' }));
    expect(won.statusCode, won.body).toBe(201);
    expect(won.json()).toMatchObject({ status: 'won', probability: 100 });
    expect(await runOf(won.json().id)).toMatchObject({ stageKey: 'won', status: 'closed' });
    expect((await eventsOf(won.json().id)).map((e) => [e.fromStage, e.toStage])).toEqual([[null, 'won']]);
  });
});
