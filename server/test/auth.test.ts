import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_EMAIL } from '../src/auth/auth.service';
import {
  buildTestApp,
  Client,
  clientFor,
  makeAccountInput,
  makeOrg,
  type Org,
  openTestDatabase,
  TEST_PASSWORD,
  type TestDatabase,
} from './harness';

describe('sign-in, sessions, CSRF and API tokens', () => {
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

  it('sets an HTTP-only cookie and answers /me', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: org.users.repA1.email, password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/salesops_sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(res.json().user).toMatchObject({ id: org.users.repA1.id, role: 'rep' });
    expect(res.json().user.passwordHash).toBeUndefined();
    const me = await app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(me.json().csrfToken).toBe(res.json().csrfToken);
  });

  it('refuses wrong passwords and unknown e-mails alike, and anonymous requests', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: org.users.repA2.email, password: 'nope-nope' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'ghost@example.test', password: 'nope-nope' },
    });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().code).toBe(unknown.json().code);
    expect((await app.inject({ method: 'GET', url: '/api/accounts' })).json().code).toBe('UNAUTHENTICATED');
  });

  it('locks an e-mail after repeated failures, even for the right password', async () => {
    const email = org.users.repB1.email;
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: `wrong-${i}` },
      });
    }
    const locked = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: TEST_PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('refuses a cookie write without the CSRF token and accepts it with one', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: org.users.repA1.email, password: TEST_PASSWORD },
    });
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const without = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: makeAccountInput(),
      headers: { cookie },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID', field: 'X-CSRF-Token' });
    const wrongToken = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: makeAccountInput(),
      headers: { cookie, 'x-csrf-token': 'forged' },
    });
    expect(wrongToken.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: makeAccountInput(),
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('ends the session on logout', async () => {
    const client = await clientFor(app, org.users.repA2);
    expect((await client.get('/api/auth/me')).statusCode).toBe(200);
    expect((await client.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await client.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('lets API tokens write without CSRF, hashes them at rest, and stops revoked ones', async () => {
    const client = await clientFor(app, org.users.managerA);
    const created = await client.post('/api/tokens', { name: 'ERP 同步' });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^sop_/);
    const stored = await database.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.tokenHash).toHaveLength(64);
    const bearer = { authorization: `Bearer ${token}` };
    const write = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      payload: makeAccountInput(),
      headers: bearer,
    });
    expect(write.statusCode).toBe(201);
    expect(write.json().ownerId).toBe(org.users.managerA.id);
    expect((await client.delete(`/api/tokens/${id}`)).statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/accounts', headers: bearer });
    expect(after.statusCode).toBe(401);
  });

  it('refuses sign-in to a disabled user and ends their sessions', async () => {
    const admin = await clientFor(app, org.users.admin);
    const victim = await clientFor(app, org.users.viewer);
    const list = (await admin.get(`/api/users?q=${encodeURIComponent('只读')}`)).json();
    const user = list.items.find((u: { id: string }) => u.id === org.users.viewer.id);
    const res = await admin.patch(`/api/users/${user.id}`, { status: 'disabled' }, user.version);
    expect(res.statusCode, res.body).toBe(200);
    expect((await victim.get('/api/auth/me')).statusCode).toBe(401);
    await expect(new Client(app, org.users.viewer).login()).rejects.toThrow(/401/);
  });

  it('keeps user and unit administration to admins', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const res = await rep.post('/api/users', {
      email: 'x@example.test',
      name: 'x',
      password: 'longenough',
      role: 'admin',
    });
    expect(res.statusCode).toBe(403);
    const admin = await clientFor(app, org.users.admin);
    const dup = await admin.post('/api/users', {
      email: org.users.repA1.email,
      name: 'x',
      password: 'longenough',
      role: 'rep',
    });
    expect(dup.json()).toMatchObject({ code: 'ALREADY_EXISTS', field: 'email' });
    const unit = await admin.post('/api/org-units', {
      name: '苏州一组',
      kind: 'team',
      parentId: org.units.region.id,
    });
    expect(unit.statusCode).toBe(201);
    const cycle = await admin.patch(`/api/org-units/${org.units.region.id}`, { parentId: unit.json().id }, 1);
    expect(cycle.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'parentId' });
  });

  it('serves health, the OpenAPI document and its docs page', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/accounts',
      '/api/accounts/{id}',
      '/api/leads/{id}/convert',
      '/api/auth/login',
      '/api/deals/{id}/transfer',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(
      doc.paths['/api/accounts'].post.requestBody.content['application/json'].schema.properties.creditCode,
    ).toBeDefined();
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });
});
