import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, clientFor, makeOrg, type Org, openTestDatabase, type TestDatabase } from './harness';

describe('records smoke', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('creates, reads, updates and searches an account by pinyin initials', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const created = await rep.post('/api/accounts', {
      name: '张三贸易有限公司',
      creditCode: '91350100M000100Y43',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const read = await rep.get(`/api/accounts/${id}`);
    expect(read.headers.etag).toBe('"v1"');
    const patched = await rep.patch(`/api/accounts/${id}`, { industry: '零售' }, 1);
    expect(patched.statusCode, patched.body).toBe(200);
    const list = await rep.get('/api/accounts?q=zsmy');
    expect(list.json().items.map((a: { id: string }) => a.id)).toContain(id);
  });
});
