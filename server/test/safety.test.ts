import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

async function count(
  database: TestDatabase,
  table: 'accounts' | 'leads' | 'auditEvents' | 'deals',
  where?: [string, string],
) {
  let q = database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) q = q.where(where[0] as never, '=', where[1] as never);
  return Number((await q.executeTakeFirst())?.n ?? 0);
}

describe('versions, idempotency, audit and bad input', () => {
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

  it('answers 428 without If-Match and 412 with the current record when stale', async () => {
    const acc = (await rep.post('/api/accounts', makeAccountInput())).json();
    expect((await rep.patch(`/api/accounts/${acc.id}`, { notes: 'a' })).statusCode).toBe(428);
    const ok = await rep.patch(`/api/accounts/${acc.id}`, { notes: 'b' }, 1);
    expect(ok.headers.etag).toBe('"v2"');
    const stale = await rep.patch(`/api/accounts/${acc.id}`, { notes: 'c' }, 1);
    expect(stale.statusCode).toBe(412);
    expect(stale.json().details.current).toMatchObject({ id: acc.id, notes: 'b' });
    expect(stale.json().details.version).toBe(2);
  });

  it('loses no update when 20 writers race on one version: one wins, the rest get 412', async () => {
    const acc = (await rep.post('/api/accounts', makeAccountInput())).json();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rep.patch(`/api/accounts/${acc.id}`, { notes: `writer ${i}` }, 1)),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 412)).toHaveLength(19);
    const final = (await rep.get(`/api/accounts/${acc.id}`)).json();
    expect(final.version).toBe(2);
    const winner = results.findIndex((r) => r.statusCode === 200);
    expect(final.notes).toBe(`writer ${winner}`);
    const updates = await database.db
      .selectFrom('auditEvents')
      .select('id')
      .where('entityId', '=', acc.id)
      .where('action', '=', 'update')
      .execute();
    expect(updates).toHaveLength(1);
  });

  it('returns the first result for a retried create with the same Idempotency-Key', async () => {
    const body = makeLeadInput();
    const first = await rep.post('/api/leads', body, { idempotencyKey: 'key-1' });
    const again = await rep.post('/api/leads', body, { idempotencyKey: 'key-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect(await count(database, 'leads', ['mobile', body.mobile])).toBe(1);
    const reused = await rep.post('/api/leads', makeLeadInput(), { idempotencyKey: 'key-1' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('creates one record when concurrent retries carry the same key', async () => {
    const body = makeAccountInput();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => rep.post('/api/accounts', body, { idempotencyKey: 'race-1' })),
    );
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    const n = await database.db.selectFrom('accounts').select('id').where('name', '=', body.name).execute();
    expect(n).toHaveLength(1);
  });

  it('keeps a history of create, update, transfer, delete and restore with before/after', async () => {
    const manager = await clientFor(app, org.users.managerA);
    const acc = (await rep.post('/api/accounts', makeAccountInput({ industry: '制造业' }))).json();
    await rep.patch(`/api/accounts/${acc.id}`, { industry: '零售' }, 1);
    await manager.post(
      `/api/accounts/${acc.id}/transfer`,
      { toOwnerId: org.users.repA2.id, reason: '调岗' },
      { ifMatch: 2 },
    );
    await manager.delete(`/api/accounts/${acc.id}`, 3);
    expect((await manager.get(`/api/accounts/${acc.id}`)).statusCode).toBe(404);
    const restored = await manager.post(`/api/accounts/${acc.id}/restore`, undefined, { ifMatch: 4 });
    expect(restored.statusCode).toBe(200);
    const history = (await manager.get(`/api/accounts/${acc.id}/history`)).json();
    const actions = history.events.map((e: { action: string }) => e.action).reverse();
    expect(actions).toEqual(['create', 'update', 'transfer', 'delete', 'restore']);
    const update = history.events.find((e: { action: string }) => e.action === 'update');
    expect(update.changes).toEqual({ before: { industry: '制造业' }, after: { industry: '零售' } });
    expect(update.actorName).toBe('张三');
    expect(history.transfers[0]).toMatchObject({
      fromOwnerId: org.users.repA1.id,
      toOwnerId: org.users.repA2.id,
      reason: '调岗',
    });
  });

  it('leaves no row and no audit event behind when a write is refused', async () => {
    const acc = (await rep.post('/api/accounts', makeAccountInput({ name: '宁波甬城电子有限公司' }))).json();
    const before = await count(database, 'auditEvents');
    const dup = await (await clientFor(app, org.users.repB1)).post(
      '/api/accounts',
      makeAccountInput({ name: '宁波甬城电子' }),
    );
    expect(dup.statusCode).toBe(409);
    const dup2 = await (await clientFor(app, org.users.repB1)).post(
      '/api/accounts',
      makeAccountInput({ name: '宁波甬城电子股份有限公司' }),
    );
    expect(dup2.json()).toMatchObject({ code: 'DUPLICATE_CUSTOMER', field: 'name' });
    expect(dup2.json().details.matches[0]).toMatchObject({ id: acc.id, ownerName: '张三' });
    expect(dup2.json().message).toContain('张三');
    expect(await count(database, 'auditEvents')).toBe(before);
  });

  it.each([
    ['wrong type', { name: 123 }, 'name', 'VALIDATION_FAILED'],
    ['missing field', { industry: 'x' }, 'name', 'VALIDATION_FAILED'],
    ['unknown field', { name: '甲公司', colour: 'red' }, 'colour', 'VALIDATION_FAILED'],
    ['over-long string', { name: 'x'.repeat(201) }, 'name', 'VALIDATION_FAILED'],
    [
      'invalid credit code',
      { name: '乙公司', creditCode: '91350100M000100Y44' },
      'creditCode',
      'VALIDATION_FAILED',
    ],
    ['invalid phone', { name: '丙公司', phone: '12' }, 'phone', 'VALIDATION_FAILED'],
    ['unknown owner', { name: '丁公司', ownerId: 'usr_nobody' }, 'ownerId', 'REFERENCE_NOT_FOUND'],
  ])('refuses an account with %s, naming the field', async (_label, body, field, code) => {
    const before = await count(database, 'accounts');
    const res = await rep.post('/api/accounts', body);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json()).toMatchObject({ code, field });
    expect(typeof res.json().message).toBe('string');
    expect(await count(database, 'accounts')).toBe(before);
  });

  it.each([
    ['invalid mobile', { mobile: '1234' }, 'mobile'],
    ['invalid email', { email: 'not-an-email' }, 'email'],
    ['unknown source', { source: 'tv' }, 'source'],
  ])('refuses a lead with %s', async (_l, overrides, field) => {
    const res = await rep.post('/api/leads', makeLeadInput(overrides));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
  });

  it('answers malformed JSON, huge bodies and wrong content types with codes', async () => {
    const malformed = await rep.request({
      method: 'POST',
      url: '/api/accounts',
      payload: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('INVALID_JSON');
    const huge = await rep.request({
      method: 'POST',
      url: '/api/accounts',
      payload: JSON.stringify({ name: 'x', notes: 'y'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await rep.request({
      method: 'POST',
      url: '/api/accounts',
      payload: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.statusCode).toBe(415);
    const badQuery = await rep.get('/api/accounts?sort=colour');
    expect(badQuery.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'sort' });
    const badCursor = await rep.get('/api/accounts?cursor=%%%');
    expect(badCursor.json().field).toBe('cursor');
  });

  it('speaks zh-CN by default and en-US when asked', async () => {
    const zh = await rep.post('/api/accounts', {});
    expect(zh.json().message).toMatch(/必填/);
    const en = await rep.request({
      method: 'POST',
      url: '/api/accounts',
      payload: {},
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.json().message).toMatch(/required/);
    expect(en.json().issues[0]).toMatchObject({ field: 'name', code: 'required' });
  });

  it('finds 张三 by pinyin and initials, and walks every page exactly once both ways', async () => {
    const manager = await clientFor(app, org.users.managerA);
    const names = ['张三电子有限公司', '李四物流有限公司', '王五精密机械有限公司'];
    for (const name of names) await rep.post('/api/accounts', makeAccountInput({ name }));
    for (const q of ['zhangsan', 'zs', '张三']) {
      const found = (await manager.get(`/api/accounts?q=${encodeURIComponent(q)}`))
        .json()
        .items.map((i: { name: string }) => i.name);
      expect(found, q).toContain('张三电子有限公司');
      expect(found, q).not.toContain('李四物流有限公司');
    }
    const total = (await manager.get('/api/accounts?includeTotal=true&limit=1')).json().total;
    for (const sort of ['name', '-name', 'createdAt', '-createdAt']) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = (
          await manager.get(`/api/accounts?limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(ids.length, sort).toBe(total);
      expect(new Set(ids).size, sort).toBe(total);
    }
  });
});
