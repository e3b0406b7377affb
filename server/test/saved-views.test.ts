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

// Saved list views belong to one user and one list: nobody else sees, lists or deletes them.

const makeView = (overrides: Record<string, unknown> = {}) => ({
  entity: 'leads',
  name: '本周新线索',
  definition: { search: '华东', sort: '-createdAt', scope: 'all', filters: { status: ['new'] } },
  ...overrides,
});

describe('saved views', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let manager: Client;
  let rep: Client;
  let otherTenantAdmin: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    const other = await makeOrg(database.db);
    manager = await clientFor(app, org.users.managerA);
    rep = await clientFor(app, org.users.repA1);
    otherTenantAdmin = await clientFor(app, other.users.admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('saves a view, lists it per list and keeps the definition as given', async () => {
    const created = await manager.post('/api/saved-views', makeView());
    expect(created.statusCode, created.body).toBe(201);
    const view = created.json();
    expect(view).toMatchObject({ entity: 'leads', name: '本周新线索', definition: makeView().definition });
    expect(view.id).toMatch(/^view_/);

    const leads = (await manager.get('/api/saved-views?entity=leads')).json();
    expect(leads.items.map((v: { id: string }) => v.id)).toEqual([view.id]);
    expect(leads.total).toBe(1);
    // Another list of the same user is another set of views.
    expect((await manager.get('/api/saved-views?entity=deals')).json().items).toEqual([]);
  });

  it('fills in defaults for a bare definition and trims the name', async () => {
    const r = await manager.post('/api/saved-views', {
      entity: 'deals',
      name: '  全部商机  ',
      definition: {},
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      name: '全部商机',
      definition: { search: '', sort: '-createdAt', scope: 'all', filters: {} },
    });
  });

  it('refuses a name the user already has on that list with 409 on the name', async () => {
    const dup = await manager.post('/api/saved-views', makeView({ definition: { search: 'x' } }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'ALREADY_EXISTS', field: 'name' });
    // The same name is free on another list, and for another user.
    expect((await manager.post('/api/saved-views', makeView({ entity: 'accounts' }))).statusCode).toBe(201);
    expect((await rep.post('/api/saved-views', makeView())).statusCode).toBe(201);
  });

  it("shows a user only their own views, and another user's id answers 404", async () => {
    const mine = (await manager.get('/api/saved-views?entity=leads')).json().items;
    const repViews = (await rep.get('/api/saved-views?entity=leads')).json().items;
    expect(repViews).toHaveLength(1);
    expect(repViews[0].id).not.toBe(mine[0].id);
    expect((await otherTenantAdmin.get('/api/saved-views?entity=leads')).json().items).toEqual([]);

    // Cross-user and cross-tenant deletes: not found, and the view stays.
    expect((await rep.delete(`/api/saved-views/${mine[0].id}`)).statusCode).toBe(404);
    expect((await otherTenantAdmin.delete(`/api/saved-views/${mine[0].id}`)).statusCode).toBe(404);
    expect((await manager.get('/api/saved-views?entity=leads')).json().items).toHaveLength(1);

    expect((await manager.delete(`/api/saved-views/${mine[0].id}`)).statusCode).toBe(204);
    expect((await manager.get('/api/saved-views?entity=leads')).json().items).toEqual([]);
    expect((await manager.delete(`/api/saved-views/${mine[0].id}`)).statusCode).toBe(404);
    // The rep's view of the same name is untouched.
    expect((await rep.get('/api/saved-views?entity=leads')).json().items).toHaveLength(1);
  });

  it('keeps at most 50 views per user and list', async () => {
    const viewer = await clientFor(app, org.users.viewer);
    for (let i = 0; i < 50; i++) {
      const r = await viewer.post('/api/saved-views', makeView({ entity: 'contacts', name: `视图 ${i}` }));
      expect(r.statusCode, r.body).toBe(201);
    }
    const full = await viewer.post('/api/saved-views', makeView({ entity: 'contacts', name: '第 51 个' }));
    expect(full.statusCode).toBe(409);
    expect(full.json().code).toBe('SAVED_VIEW_LIMIT_REACHED');
    const list = (await viewer.get('/api/saved-views?entity=contacts')).json();
    expect(list.items).toHaveLength(50);
    expect(list.items[0].name).toBe('视图 0');
    // Another list still has room; a deleted view frees a place.
    expect((await viewer.post('/api/saved-views', makeView({ entity: 'leads' }))).statusCode).toBe(201);
    expect((await viewer.delete(`/api/saved-views/${list.items[0].id}`)).statusCode).toBe(204);
    expect(
      (await viewer.post('/api/saved-views', makeView({ entity: 'contacts', name: '第 51 个' }))).statusCode,
    ).toBe(201);
  });

  it('refuses bad input with the field named', async () => {
    const cases: Array<[unknown, string]> = [
      [makeView({ entity: 'orders' }), 'entity'],
      [makeView({ name: '   ' }), 'name'],
      [makeView({ name: 'x'.repeat(41) }), 'name'],
      [makeView({ definition: { scope: 'everything' } }), 'definition.scope'],
      [makeView({ definition: { sort: 'name; drop table' } }), 'definition.sort'],
      [makeView({ definition: { filters: { status: 'new' } } }), 'definition.filters.status'],
      [makeView({ definition: { search: 'x'.repeat(101) } }), 'definition.search'],
      [makeView({ color: 'red' }), 'color'],
      [{ entity: 'leads', name: '缺定义' }, 'definition'],
    ];
    for (const [body, field] of cases) {
      const r = await manager.post('/api/saved-views', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().code).toBe('VALIDATION_FAILED');
      expect(r.json().issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    expect((await manager.get('/api/saved-views')).statusCode).toBe(400);
    expect((await manager.get('/api/saved-views?entity=tasks')).statusCode).toBe(400);
    expect((await manager.get('/api/saved-views?entity=leads&extra=1')).statusCode).toBe(400);
    expect((await manager.delete(`/api/saved-views/${'x'.repeat(65)}`)).statusCode).toBe(400);
  });

  it('needs a signed-in user', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/saved-views?entity=leads' })).statusCode).toBe(401);
  });
});
