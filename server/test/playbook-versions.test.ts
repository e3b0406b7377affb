import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
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

describe('playbook versions: import, validate, publish', () => {
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

  it('exports the default, imports a changed copy as a draft and publishes it; open records stay on their version', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const oldDeal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const oldSop = (await rep.get(`/api/deals/${oldDeal.id}/sop`)).json();

    const list = (await ops.get('/api/playbooks')).json();
    const deal = list.items.find((p: { process: string }) => p.process === 'deal');
    // Named in both languages, as the published version names it.
    expect(deal.title).toEqual({ 'zh-CN': '标准商机流程', 'en-US': 'Standard opportunity process' });
    expect(deal.versions.map((v: { number: number; status: string }) => [v.number, v.status])).toEqual([
      [1, 'published'],
    ]);
    const exported = (await ops.get(`/api/playbook-versions/${deal.versions[0].id}`)).json();
    const changed = parse(exported.yaml);
    changed.stages[0].checklist.push({
      key: 'wechat_added',
      name: { 'zh-CN': '添加客户微信', 'en-US': 'Add the customer on WeChat' },
      required: true,
    });
    const draft = await ops.post(`/api/playbooks/${deal.id}/versions`, {
      yaml: stringify(changed),
      notes: '加微信',
    });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json()).toMatchObject({ number: 2, status: 'draft' });

    const published = await ops.post(`/api/playbook-versions/${draft.json().id}/publish`, {
      openRecords: 'stay',
    });
    expect(published.json()).toMatchObject({ status: 'published', movedRecords: 0 });
    expect((await rep.get(`/api/deals/${oldDeal.id}/sop`)).json().playbookVersionId).toBe(
      oldSop.playbookVersionId,
    );
    const newDeal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const newSop = (await rep.get(`/api/deals/${newDeal.id}/sop`)).json();
    expect(newSop.playbookVersionId).toBe(draft.json().id);
    expect(newSop.stage.checklist.map((a: { key: string }) => a.key)).toContain('wechat_added');
    const again = await ops.post(`/api/playbook-versions/${draft.json().id}/publish`, {
      openRecords: 'stay',
    });
    expect(again.json().code).toBe('INVALID_STATE');
  });

  it('moves open records to a new version when asked', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const d = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    await rep.get(`/api/deals/${d.id}/sop`);
    const deal = (await ops.get('/api/playbooks'))
      .json()
      .items.find((p: { process: string }) => p.process === 'deal');
    const current = (await ops.get(`/api/playbook-versions/${deal.publishedVersionId}`)).json();
    const draft = (
      await ops.post(`/api/playbooks/${deal.id}/versions`, { definition: current.definition })
    ).json();
    const res = (
      await ops.post(`/api/playbook-versions/${draft.id}/publish`, { openRecords: 'move' })
    ).json();
    expect(res.movedRecords).toBeGreaterThanOrEqual(1);
    expect((await rep.get(`/api/deals/${d.id}/sop`)).json().playbookVersionId).toBe(draft.id);
  });

  it('refuses an invalid playbook whole with every problem, and keeps design to sales ops and admins', async () => {
    const deal = (await ops.get('/api/playbooks'))
      .json()
      .items.find((p: { process: string }) => p.process === 'deal');
    const bad = await ops.post(`/api/playbooks/${deal.id}/versions`, {
      yaml: 'key: x\nprocess: deal\nname: {zh-CN: 坏, en-US: Bad}\nstages:\n  - key: a\n    name: {zh-CN: a, en-US: a}\n    ownerRole: rep\n    allowedNext: [nowhere]\n    exitGate:\n      - {expr: "record.colour == 1", message: {zh-CN: x, en-US: x}}\n',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('PLAYBOOK_INVALID');
    expect(bad.json().details.problems.map((p: { path: string }) => p.path)).toEqual([
      'stages[0].allowedNext[0]',
      'stages[0].exitGate[0].expr',
    ]);
    const versions = await database.db
      .selectFrom('playbookVersions')
      .select('id')
      .where('playbookId', '=', deal.id)
      .execute();
    expect(versions).toHaveLength(deal.versions.length);
    expect((await rep.post(`/api/playbooks/${deal.id}/versions`, { definition: {} })).statusCode).toBe(403);
  });
});
