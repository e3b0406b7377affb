import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('lead stage moves through the lead playbook', () => {
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

  const newLead = async () => {
    const res = await rep.post('/api/leads', makeLeadInput());
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const stageEvents = (id: string) =>
    database.db
      .selectFrom('stageEvents')
      .selectAll()
      .where('recordId', '=', id)
      .orderBy('at')
      .orderBy('id')
      .execute();
  const kinds = (res: { json(): { details: { violations: Array<{ kind: string }> } } }) =>
    res.json().details.violations.map((v) => v.kind);

  it('no longer lets PATCH change a lead’s status', async () => {
    const lead = await newLead();
    const res = await rep.patch(`/api/leads/${lead.id}`, { status: 'qualified' }, lead.version);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('status');
    expect((await rep.get(`/api/leads/${lead.id}`)).json().status).toBe('new');
    // Other fields still change by PATCH.
    const ok = await rep.patch(`/api/leads/${lead.id}`, { region: '华南' }, lead.version);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ region: '华南', status: 'new' });
  });

  it('refuses a move with 422 naming every unmet item, in the caller’s language', async () => {
    const lead = await newLead();
    const zh = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'contacted' },
      { ifMatch: lead.version },
    );
    expect(zh.statusCode).toBe(422);
    expect(zh.json().code).toBe('STAGE_GATE_UNMET');
    expect(kinds(zh)).toEqual(['checklist']);
    expect(zh.json().message).toContain('首次触达');
    const en = await rep.request({
      method: 'POST',
      url: `/api/leads/${lead.id}/move`,
      payload: { toStage: 'qualified' },
      ifMatch: lead.version,
      headers: { 'accept-language': 'en-US' },
    });
    expect(en.statusCode).toBe(422);
    expect(kinds(en)).toEqual(['transition']);
    expect(en.json().message).toContain('Cannot move from New lead to Qualified');
    expect(await stageEvents(lead.id)).toEqual([]);
  });

  it('moves by the checklist, then needs 客户初步沟通记录表 and a follow-up to qualify, each move a stage event', async () => {
    const lead = await newLead();
    const done = await rep.request({
      method: 'PUT',
      url: `/api/leads/${lead.id}/sop/checklist/first_contact`,
      payload: { done: true },
    });
    expect(done.statusCode, done.body).toBe(200);
    const contacted = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'contacted' },
      { ifMatch: lead.version },
    );
    expect(contacted.statusCode, contacted.body).toBe(200);
    expect(contacted.json()).toMatchObject({ status: 'contacted', version: lead.version + 1 });

    // 初步接触 → 已确认 needs the first conversation record and a logged follow-up.
    const refused = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'qualified' },
      { ifMatch: contacted.json().version },
    );
    expect(refused.statusCode).toBe(422);
    expect(kinds(refused)).toEqual(['form', 'condition']);
    expect(refused.json().message).toContain('客户初步沟通记录表');
    const partial = await rep.request({
      method: 'PUT',
      url: `/api/leads/${lead.id}/sop/forms/first_contact_record`,
      payload: { values: { needs: '仓储管理系统', budget: 50_000_000 } },
    });
    expect(partial.statusCode, partial.body).toBe(200);
    const stillMissing = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'qualified' },
      { ifMatch: contacted.json().version },
    );
    expect(stillMissing.json().details.violations).toEqual([
      expect.objectContaining({ kind: 'field', formKey: 'first_contact_record', fieldKey: 'decision_chain' }),
      expect.objectContaining({ kind: 'condition' }),
    ]);
    await rep.request({
      method: 'PUT',
      url: `/api/leads/${lead.id}/sop/forms/first_contact_record`,
      payload: { values: { needs: '仓储管理系统', budget: 50_000_000, decision_chain: '采购总监拍板' } },
    });
    const call = await rep.post('/api/activities', { kind: 'call', subject: '需求沟通', leadId: lead.id });
    expect(call.statusCode, call.body).toBe(201);
    const current = (await rep.get(`/api/leads/${lead.id}`)).json();
    const sop = (await rep.get(`/api/leads/${lead.id}/sop`)).json();
    expect(sop.stage.key).toBe('contacted');
    expect(sop.next.find((n: { stage: string }) => n.stage === 'qualified').ready).toBe(true);
    const qualified = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'qualified' },
      { ifMatch: current.version },
    );
    expect(qualified.statusCode, qualified.body).toBe(200);
    expect(qualified.json().status).toBe('qualified');

    const events = await stageEvents(lead.id);
    expect(events.map((e) => [e.fromStage, e.toStage, e.actorId])).toEqual([
      ['new_lead', 'contacted', org.users.repA1.id],
      ['contacted', 'qualified', org.users.repA1.id],
    ]);
    expect(new Set(events.map((e) => e.playbookVersionId))).toEqual(new Set([sop.playbookVersionId]));
    const run = await database.db
      .selectFrom('sopRuns')
      .selectAll()
      .where('recordId', '=', lead.id)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ stageKey: 'qualified', status: 'closed' });
    // A terminal stage goes nowhere.
    const again = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'disqualified', reason: 'no_need' },
      { ifMatch: qualified.json().version },
    );
    expect(kinds(again)).toEqual(['transition']);
  });

  it('moves a lead on by its first follow-up, as a stage event of whoever logged it', async () => {
    const lead = await newLead();
    const call = await rep.post('/api/activities', { kind: 'wechat', subject: '首次微信', leadId: lead.id });
    expect(call.statusCode, call.body).toBe(201);
    expect((await rep.get(`/api/leads/${lead.id}`)).json().status).toBe('contacted');
    const events = await stageEvents(lead.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      fromStage: 'new_lead',
      toStage: 'contacted',
      actorId: org.users.repA1.id,
      reason: 'first_contact',
    });
    const sop = (await rep.get(`/api/leads/${lead.id}/sop`)).json();
    expect(sop.stage.key).toBe('contacted');
    expect(Object.keys(sop.state.checklist)).toEqual(['first_contact']);
  });

  it('needs a listed reason to disqualify; refuses stale versions, bad form values and strangers', async () => {
    const lead = await newLead();
    const noReason = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'disqualified' },
      { ifMatch: lead.version },
    );
    expect(kinds(noReason)).toEqual(['reason']);
    const badReason = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'disqualified', reason: 'too_small' },
      { ifMatch: lead.version },
    );
    expect(kinds(badReason)).toEqual(['reason']);
    const stale = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'disqualified', reason: 'no_need' },
      { ifMatch: lead.version + 5 },
    );
    expect(stale.statusCode).toBe(412);
    const noIfMatch = await rep.post(`/api/leads/${lead.id}/move`, {
      toStage: 'disqualified',
      reason: 'no_need',
    });
    expect(noIfMatch.statusCode).toBe(428);
    const badStage = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'Bad Stage' },
      { ifMatch: lead.version },
    );
    expect(badStage.statusCode).toBe(400);
    expect(badStage.json().field).toBe('toStage');
    const badValue = await rep.request({
      method: 'PUT',
      url: `/api/leads/${lead.id}/sop/forms/first_contact_record`,
      payload: { values: { budget: '很多', colour: 'x' } },
    });
    expect(badValue.statusCode).toBe(400);
    expect(
      badValue
        .json()
        .issues.map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['values.budget', 'values.colour']);
    const stranger = await clientFor(app, org.users.repB1);
    expect((await stranger.get(`/api/leads/${lead.id}/sop`)).statusCode).toBe(404);
    expect(
      (
        await stranger.post(
          `/api/leads/${lead.id}/move`,
          { toStage: 'disqualified', reason: 'no_need' },
          { ifMatch: lead.version },
        )
      ).statusCode,
    ).toBe(404);
    const done = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'disqualified', reason: 'no_need' },
      { ifMatch: lead.version },
    );
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('disqualified');
    const events = await stageEvents(lead.id);
    expect(events.map((e) => [e.fromStage, e.toStage, e.reason])).toEqual([
      ['new_lead', 'disqualified', 'no_need'],
    ]);
    // Leaving 线索获取 stopped its first-contact clock.
    const clocks = await database.db
      .selectFrom('sopClocks')
      .select(['status'])
      .where('recordId', '=', lead.id)
      .execute();
    expect(clocks.map((c) => c.status)).toEqual(['met']);
  });

  it('shows a pool lead’s panel without starting its run; claiming it starts run and clock', async () => {
    const ops = await clientFor(app, org.users.ops);
    const pooled = await ops.post('/api/leads', makeLeadInput({ ownerId: null }));
    expect(pooled.statusCode, pooled.body).toBe(201);
    const id = pooled.json().id;
    const panel = await rep.get(`/api/leads/${id}/sop`);
    expect(panel.statusCode, panel.body).toBe(200);
    expect(panel.json()).toMatchObject({ stage: { key: 'new_lead' }, state: { checklist: {}, forms: {} } });
    const runs = () =>
      database.db.selectFrom('sopRuns').select(['ownerId']).where('recordId', '=', id).execute();
    expect(await runs()).toEqual([]);
    const claimed = await rep.post(`/api/leads/${id}/claim`);
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(await runs()).toEqual([{ ownerId: org.users.repA1.id }]);
    const clocks = await database.db
      .selectFrom('sopClocks')
      .select(['limitKey', 'ownerId', 'status'])
      .where('recordId', '=', id)
      .execute();
    expect(clocks).toEqual([
      { limitKey: 'first_contact_2h', ownerId: org.users.repA1.id, status: 'running' },
    ]);
  });

  it('hands the lead’s 客户初步沟通记录表 and its first contact over to the deal it converts into', async () => {
    const lead = await newLead();
    await rep.post('/api/activities', { kind: 'call', subject: '首次电话', leadId: lead.id });
    const values = { needs: 'MES 系统', budget: 30_000_000, decision_chain: '厂长' };
    await rep.request({
      method: 'PUT',
      url: `/api/leads/${lead.id}/sop/forms/first_contact_record`,
      payload: { values },
    });
    const current = (await rep.get(`/api/leads/${lead.id}`)).json();
    const converted = await rep.post(
      `/api/leads/${lead.id}/convert`,
      { deal: { name: 'MES 项目', amount: 30_000_000, expectedCloseDate: '2027-03-31' } },
      { ifMatch: current.version },
    );
    expect(converted.statusCode, converted.body).toBe(200);
    const dealSop = (await rep.get(`/api/deals/${converted.json().dealId}/sop`)).json();
    expect(dealSop.state.forms.first_contact_record.values).toEqual(values);
    // 首次触达, ticked on the lead by its first follow-up, is done on the deal too: the gate to
    // 需求分析 asks for nothing of what was done on the lead.
    expect(Object.keys(dealSop.state.checklist)).toEqual(['first_contact']);
    expect(dealSop.next.find((n: { stage: string }) => n.stage === 'needs_analysis').ready).toBe(true);
    // The lead's run ends in 已确认 with a stage event of the conversion.
    const run = await database.db
      .selectFrom('sopRuns')
      .selectAll()
      .where('recordId', '=', lead.id)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ stageKey: 'qualified', status: 'closed' });
    expect((await stageEvents(lead.id)).map((e) => [e.fromStage, e.toStage, e.reason])).toEqual([
      ['new_lead', 'contacted', 'first_contact'],
      ['contacted', 'qualified', 'converted'],
    ]);
    // A converted lead takes no more moves.
    const after = (await rep.get(`/api/leads/${lead.id}`)).json();
    const move = await rep.post(
      `/api/leads/${lead.id}/move`,
      { toStage: 'disqualified', reason: 'no_need' },
      { ifMatch: after.version },
    );
    expect(move.statusCode).toBe(409);
  });
});
