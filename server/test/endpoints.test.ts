import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../src/domain/credit-code';
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

describe('record endpoints and their rules', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let admin: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
    admin = await clientFor(app, org.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('keeps the product catalogue to admins, hides cost from reps and refuses a second SKU', async () => {
    const body = {
      sku: 'SKU-1',
      name: '温度传感器',
      model: 'TS-100',
      spec: '-40~125℃',
      listPrice: 128_000,
      cost: 70_050,
    };
    expect((await rep.post('/api/products', body)).statusCode).toBe(403);
    const created = await admin.post('/api/products', body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ unit: '台', currency: 'CNY', status: 'active', cost: 70_050 });
    const seenByRep = (await rep.get(`/api/products/${created.json().id}`)).json();
    expect(seenByRep.listPrice).toBe(128_000);
    expect(seenByRep).not.toHaveProperty('cost');
    const manager = (
      await (await clientFor(app, org.users.managerA)).get(`/api/products/${created.json().id}`)
    ).json();
    expect(manager.cost).toBe(70_050);
    const again = await admin.post('/api/products', { ...body, name: '另一个' });
    expect(again.json()).toMatchObject({ code: 'ALREADY_EXISTS', field: 'sku' });
    expect((await admin.post('/api/products', { ...body, sku: 'SKU-2', listPrice: 12.5 })).json().field).toBe(
      'listPrice',
    );
    const list = (await rep.get('/api/products?q=ts-100')).json();
    expect(list.items.map((p: { sku: string }) => p.sku)).toEqual(['SKU-1']);
  });

  it('keeps stage changes out of PATCH, which the SOP gates guard, and checks deal fields', async () => {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    expect(deal).toMatchObject({ stage: 'initial_contact', probability: 10, status: 'open', closedAt: null });
    const bypass = await rep.patch(`/api/deals/${deal.id}`, { stage: 'won' }, 1);
    expect(bypass.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'stage' });
    const custom = (await rep.patch(`/api/deals/${deal.id}`, { probability: 15 }, 1)).json();
    expect(custom).toMatchObject({ probability: 15, stage: 'initial_contact' });
    const unknownProduct = await rep.post(
      '/api/deals',
      makeDealInput(account.id, { productIds: ['prd_nope'] }),
    );
    expect(unknownProduct.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'productIds.0' });
    const badDate = await rep.post(
      '/api/deals',
      makeDealInput(account.id, { expectedCloseDate: '2026-13-40' }),
    );
    expect(badDate.json().field).toBe('expectedCloseDate');
    const floatAmount = await rep.post('/api/deals', makeDealInput(account.id, { amount: 10.5 }));
    expect(floatAmount.json().field).toBe('amount');
    const lostWithoutReason = await rep.post('/api/deals', makeDealInput(account.id, { stage: 'lost' }));
    expect(lostWithoutReason.json().field).toBe('lostReason');
  });

  it('stamps the first contact of a lead from its first follow-up', async () => {
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    expect(lead).toMatchObject({ status: 'new', firstContactAt: null });
    const at = '2026-11-20T02:30:00.000Z';
    const act = await rep.post('/api/activities', {
      kind: 'call',
      subject: '首次电话',
      leadId: lead.id,
      occurredAt: at,
      nextContactAt: '2026-11-21T02:00:00Z',
    });
    expect(act.statusCode, act.body).toBe(201);
    const after = (await rep.get(`/api/leads/${lead.id}`)).json();
    expect(after).toMatchObject({ status: 'contacted', firstContactAt: at });
    await rep.post('/api/activities', {
      kind: 'wechat',
      subject: '再次跟进',
      leadId: lead.id,
      occurredAt: '2026-11-21T02:30:00.000Z',
    });
    expect((await rep.get(`/api/leads/${lead.id}`)).json().firstContactAt).toBe(at);
    const orphan = await rep.post('/api/activities', { kind: 'call', subject: '无对象' });
    expect(orphan.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'leadId' });
    const byLead = (await rep.get(`/api/activities?leadId=${lead.id}&sort=occurredAt`)).json();
    expect(byLead.items.map((a: { subject: string }) => a.subject)).toEqual(['首次电话', '再次跟进']);
  });

  it('completes and reopens tasks, filtered by status and sorted by due time', async () => {
    const t1 = (
      await rep.post('/api/tasks', { title: '发送报价', dueAt: '2026-11-25T06:00:00Z', priority: 'high' })
    ).json();
    const t2 = (await rep.post('/api/tasks', { title: '准备方案', dueAt: '2026-11-23T06:00:00Z' })).json();
    const done = (await rep.patch(`/api/tasks/${t1.id}`, { status: 'done' }, 1)).json();
    expect(done.completedAt).not.toBeNull();
    const reopened = (await rep.patch(`/api/tasks/${t1.id}`, { status: 'open' }, 2)).json();
    expect(reopened.completedAt).toBeNull();
    const open = (await rep.get('/api/tasks?status=open&sort=dueAt'))
      .json()
      .items.map((t: { id: string }) => t.id);
    expect(open.indexOf(t2.id)).toBeLessThan(open.indexOf(t1.id));
  });

  it('gives a contact its customer’s owner and filters contacts by customer', async () => {
    const manager = await clientFor(app, org.users.managerA);
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const contact = (
      await manager.post('/api/contacts', {
        accountId: account.id,
        name: '钱七',
        mobile: '+86 139-0000-1111',
        decisionRole: 'decision_maker',
      })
    ).json();
    expect(contact).toMatchObject({ ownerId: org.users.repA1.id, mobile: '13900001111' });
    const list = (await rep.get(`/api/contacts?accountId=${account.id}`)).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect(list.items[0].ownerName).toBe('张三');
  });

  it('answers the duplicate check with matches across the tenant, naming only name and owner', async () => {
    const code = `91370200MA3C4DJH1${creditCodeCheckChar('91370200MA3C4DJH1')}`;
    const created = await (await clientFor(app, org.users.repB1)).post(
      '/api/accounts',
      makeAccountInput({ name: '青岛海蓝机电有限公司', creditCode: code }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const byName = (await rep.get(`/api/duplicates?name=${encodeURIComponent('青岛海蓝机电')}`)).json();
    expect(byName.matches).toHaveLength(1);
    expect(byName.matches[0]).toMatchObject({
      entity: 'account',
      name: '青岛海蓝机电有限公司',
      matchedOn: 'name',
      ownerName: '王五',
    });
    const byCode = (await rep.get(`/api/duplicates?creditCode=${code}`)).json();
    expect(byCode.matches[0].matchedOn).toBe('creditCode');
    const bad = await rep.get('/api/duplicates?mobile=123');
    expect(bad.json().field).toBe('mobile');
    const none = (await rep.get(`/api/duplicates?name=${encodeURIComponent('不存在的公司')}`)).json();
    expect(none.matches).toEqual([]);
  });

  it('lists users and org units for pickers, with pinyin search', async () => {
    const users = (await rep.get(`/api/users?q=zs`)).json();
    expect(users.items.map((u: { id: string }) => u.id)).toContain(org.users.repA1.id);
    expect(users.items[0]).not.toHaveProperty('passwordHash');
    const units = (await rep.get('/api/org-units')).json().items;
    const teamA = units.find((u: { id: string }) => u.id === org.units.teamA.id);
    expect(teamA).toMatchObject({ parentId: org.units.region.id, managerName: '李经理' });
  });
});
