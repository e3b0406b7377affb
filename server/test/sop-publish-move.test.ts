import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
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

describe('publishing with move rewrites the records’ stages', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  let rep: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    rep = await clientFor(app, org.users.repA1);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const playbookOf = async (process: string) =>
    (await ops.get('/api/playbooks')).json().items.find((p: { process: string }) => p.process === process);
  /** A draft of the published version without its first stage. */
  async function draftWithoutFirstStage(process: string) {
    const pb = await playbookOf(process);
    const current = (await ops.get(`/api/playbook-versions/${pb.publishedVersionId}`)).json();
    const changed = parse(current.yaml);
    changed.stages.shift();
    const draft = await ops.post(`/api/playbooks/${pb.id}/versions`, { yaml: stringify(changed) });
    expect(draft.statusCode, draft.body).toBe(201);
    return { old: pb.publishedVersionId as string, draft: draft.json().id as string };
  }
  const eventsOf = (id: string) =>
    database.db.selectFrom('stageEvents').selectAll().where('recordId', '=', id).execute();
  const clocksOf = (id: string) =>
    database.db
      .selectFrom('sopClocks')
      .select(['stageKey', 'limitKey', 'status', 'startedAt'])
      .where('recordId', '=', id)
      .orderBy('startedAt')
      .execute();

  it('moves a deal from a dropped stage to the mapped one: column, probability, version, stage event, clocks', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const early = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const later = (
      await ops.post(
        '/api/deals',
        makeDealInput(account.id, { stage: 'needs_analysis', ownerId: org.users.repA1.id }),
      )
    ).json();
    const laterClocks = await clocksOf(later.id);
    const { old, draft } = await draftWithoutFirstStage('deal');

    // Every open record's stage must be mapped: refused whole, nothing changes.
    const unmapped = await ops.post(`/api/playbook-versions/${draft}/publish`, { openRecords: 'move' });
    expect(unmapped.statusCode).toBe(400);
    expect(unmapped.json().field).toBe('stageMapping');
    expect(unmapped.json().issues.map((i: { field: string }) => i.field)).toEqual([
      'stageMapping.initial_contact',
    ]);
    const badTarget = await ops.post(`/api/playbook-versions/${draft}/publish`, {
      openRecords: 'move',
      stageMapping: { initial_contact: 'initial_contact' },
    });
    expect(badTarget.json().field).toBe('stageMapping.initial_contact');
    expect((await rep.get(`/api/deals/${early.id}`)).json()).toMatchObject({
      stage: 'initial_contact',
      version: 1,
    });

    const published = await ops.post(`/api/playbook-versions/${draft}/publish`, {
      openRecords: 'move',
      stageMapping: { initial_contact: 'needs_analysis' },
    });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().movedRecords).toBeGreaterThanOrEqual(2);

    const moved = (await rep.get(`/api/deals/${early.id}`)).json();
    expect(moved).toMatchObject({ stage: 'needs_analysis', probability: 25, status: 'open', version: 2 });
    expect(moved.stageEnteredAt > early.stageEnteredAt).toBe(true);
    expect(await eventsOf(early.id)).toEqual([
      expect.objectContaining({
        fromStage: 'initial_contact',
        toStage: 'needs_analysis',
        playbookVersionId: draft,
        actorId: org.users.ops.id,
        reason: 'playbook_published',
      }),
    ]);
    const clocks = await clocksOf(early.id);
    expect(clocks.map((c) => [c.stageKey, c.limitKey, c.status])).toEqual([
      ['initial_contact', 'untouched_48h', 'cancelled'],
      ['needs_analysis', 'daily_follow_up', 'running'],
    ]);
    const sop = (await rep.get(`/api/deals/${early.id}/sop`)).json();
    expect(sop).toMatchObject({ playbookVersionId: draft, stage: { key: 'needs_analysis' } });
    const history = (await rep.get(`/api/deals/${early.id}/history`)).json();
    expect(
      history.events.some(
        (e: { changes: { after?: { stage?: string } } }) => e.changes.after?.stage === 'needs_analysis',
      ),
    ).toBe(true);

    // A record whose stage the new version keeps moves to the version only.
    const same = (await rep.get(`/api/deals/${later.id}`)).json();
    expect(same).toMatchObject({ stage: 'needs_analysis', version: later.version });
    expect((await eventsOf(later.id)).map((e) => [e.fromStage, e.toStage])).toEqual([
      [null, 'needs_analysis'],
    ]);
    expect(await clocksOf(later.id)).toEqual(laterClocks);
    expect((await rep.get(`/api/deals/${later.id}/sop`)).json().playbookVersionId).toBe(draft);
    expect(draft).not.toBe(old);
  });

  it('moves a lead’s status with its stage, and stops its old clock', async () => {
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    expect(lead.status).toBe('new');
    const { draft } = await draftWithoutFirstStage('lead');
    const published = await ops.post(`/api/playbook-versions/${draft}/publish`, {
      openRecords: 'move',
      stageMapping: { new_lead: 'contacted' },
    });
    expect(published.statusCode, published.body).toBe(200);
    expect((await rep.get(`/api/leads/${lead.id}`)).json()).toMatchObject({
      status: 'contacted',
      version: 2,
    });
    expect((await eventsOf(lead.id)).map((e) => [e.fromStage, e.toStage, e.playbookVersionId])).toEqual([
      ['new_lead', 'contacted', draft],
    ]);
    // The old stage's clock is cancelled; 初步接触's (48 hours untouched) starts.
    expect((await clocksOf(lead.id)).map((c) => [c.limitKey, c.status])).toEqual([
      ['first_contact_2h', 'cancelled'],
      ['untouched_48h', 'running'],
    ]);
    // Its next move runs under the new version's gates.
    const refused = await rep.post(`/api/leads/${lead.id}/move`, { toStage: 'qualified' }, { ifMatch: 2 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().details.from).toBe('contacted');
  });
});
