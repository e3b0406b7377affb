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

describe('deal stage moves through the SOP gates', () => {
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

  it('refuses a move with 422 naming every missing item, in the caller’s language', async () => {
    const deal = await newDeal();
    const zh = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'needs_analysis' },
      { ifMatch: deal.version },
    );
    expect(zh.statusCode).toBe(422);
    expect(zh.json().code).toBe('STAGE_GATE_UNMET');
    expect(zh.json().message).toContain('客户初步沟通记录表');
    expect(zh.json().details.violations.map((v: { kind: string }) => v.kind)).toEqual(['checklist', 'form']);
    const en = await rep.request({
      method: 'POST',
      url: `/api/deals/${deal.id}/move`,
      payload: { toStage: 'needs_analysis' },
      ifMatch: deal.version,
      headers: { 'accept-language': 'en-US' },
    });
    expect(en.json().message).toContain('First conversation record');
    expect((await rep.get(`/api/deals/${deal.id}`)).json().stage).toBe('initial_contact');
  });

  it('moves once the checklist and the deliverable are done, recording the stage event and version', async () => {
    const deal = await newDeal();
    expect(
      (
        await rep.request({
          method: 'PUT',
          url: `/api/deals/${deal.id}/sop/checklist/first_contact`,
          payload: { done: true },
        })
      ).statusCode,
    ).toBe(200);
    const partial = await rep.request({
      method: 'PUT',
      url: `/api/deals/${deal.id}/sop/forms/first_contact_record`,
      payload: { values: { needs: '产线自动化', budget: 80_000_000 } },
    });
    expect(partial.statusCode, partial.body).toBe(200);
    const stillMissing = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'needs_analysis' },
      { ifMatch: deal.version },
    );
    expect(stillMissing.json().details.violations).toEqual([
      expect.objectContaining({ kind: 'field', formKey: 'first_contact_record', fieldKey: 'decision_chain' }),
    ]);
    await rep.request({
      method: 'PUT',
      url: `/api/deals/${deal.id}/sop/forms/first_contact_record`,
      payload: {
        values: { needs: '产线自动化', budget: 80_000_000, decision_chain: '总经理决策，技术部评估' },
      },
    });
    const sop = (await rep.get(`/api/deals/${deal.id}/sop`)).json();
    expect(sop.next.find((n: { stage: string }) => n.stage === 'needs_analysis').ready).toBe(true);
    const moved = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'needs_analysis' },
      { ifMatch: deal.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ stage: 'needs_analysis', probability: 25 });
    const events = await database.db
      .selectFrom('stageEvents')
      .selectAll()
      .where('recordId', '=', deal.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      fromStage: 'initial_contact',
      toStage: 'needs_analysis',
      actorId: org.users.repA1.id,
    });
    expect(events[0]!.playbookVersionId).toBe(sop.playbookVersionId);
  });

  it('needs a listed reason to lose a deal, and refuses bad form values and unknown keys', async () => {
    const deal = await newDeal();
    const noReason = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'lost' },
      { ifMatch: deal.version },
    );
    expect(noReason.json().details.violations.map((v: { kind: string }) => v.kind)).toContain('reason');
    const lost = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'lost', reason: 'competitor' },
      { ifMatch: deal.version },
    );
    expect(lost.statusCode, lost.body).toBe(200);
    expect(lost.json()).toMatchObject({ status: 'lost', lostReason: '竞品' });
    const other = await newDeal();
    const badValue = await rep.request({
      method: 'PUT',
      url: `/api/deals/${other.id}/sop/forms/first_contact_record`,
      payload: { values: { budget: 12.5, colour: 'x' } },
    });
    expect(badValue.statusCode).toBe(400);
    expect(
      badValue
        .json()
        .issues.map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['values.budget', 'values.colour']);
    const badAction = await rep.request({
      method: 'PUT',
      url: `/api/deals/${other.id}/sop/checklist/nope`,
      payload: { done: true },
    });
    expect(badAction.json().field).toBe('actionKey');
  });

  it('keeps other reps out of a deal’s SOP', async () => {
    const deal = await newDeal();
    const stranger = await clientFor(app, org.users.repB1);
    expect((await stranger.get(`/api/deals/${deal.id}/sop`)).statusCode).toBe(404);
    expect(
      (
        await stranger.post(
          `/api/deals/${deal.id}/move`,
          { toStage: 'lost', reason: 'price' },
          { ifMatch: 1 },
        )
      ).statusCode,
    ).toBe(404);
  });
});
