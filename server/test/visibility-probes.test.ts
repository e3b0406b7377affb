import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type TestUser,
} from './harness';

// Generated probes: for every owned entity and every route that reads or changes one record,
// who may reach a record owned by rep A1 (team A, region) and who must get 404.

type Entity = 'accounts' | 'contacts' | 'leads' | 'deals' | 'activities' | 'tasks';
const ENTITIES: Entity[] = ['accounts', 'contacts', 'leads', 'deals', 'activities', 'tasks'];
type Op = 'read' | 'history' | 'update' | 'delete' | 'restore' | 'transfer';
const OPS: Op[] = ['read', 'history', 'update', 'delete', 'restore', 'transfer'];

const PATCHES: Record<Entity, Record<string, unknown>> = {
  accounts: { notes: 'probe' },
  contacts: { notes: 'probe' },
  leads: { notes: 'probe' },
  deals: { notes: 'probe' },
  activities: { notes: 'probe' },
  tasks: { notes: 'probe' },
};

type Who =
  | 'repA1'
  | 'repA2'
  | 'repB1'
  | 'managerA'
  | 'managerB'
  | 'regionManager'
  | 'admin'
  | 'ops'
  | 'finance'
  | 'viewer'
  | 'otherAdmin'
  | 'otherRep';

// Expected status for a probe on a record of rep A1; 'ok' is any 2xx.
function expected(who: Who, op: Op): 'ok' | 404 | 403 {
  const readers: Who[] = ['repA1', 'managerA', 'regionManager', 'admin', 'ops', 'finance', 'viewer'];
  const writers: Who[] = ['repA1', 'managerA', 'regionManager', 'admin', 'ops'];
  const transferers: Who[] = ['managerA', 'regionManager', 'admin', 'ops'];
  if (!readers.includes(who)) return 404;
  if (op === 'read' || op === 'history') return 'ok';
  if (!writers.includes(who)) return 403;
  if (op === 'transfer' && !transferers.includes(who)) return 403;
  return 'ok';
}

describe('visibility probes', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let other: Org;
  const clients = new Map<Who, Client>();
  let owner: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    other = await makeOrg(database.db);
    const users: Record<Who, TestUser> = {
      repA1: org.users.repA1,
      repA2: org.users.repA2,
      repB1: org.users.repB1,
      managerA: org.users.managerA,
      managerB: org.users.managerB,
      regionManager: org.users.regionManager,
      admin: org.users.admin,
      ops: org.users.ops,
      finance: org.users.finance,
      viewer: org.users.viewer,
      otherAdmin: other.users.admin,
      otherRep: other.users.repA1,
    };
    for (const [who, user] of Object.entries(users)) clients.set(who as Who, await clientFor(app, user));
    owner = clients.get('repA1')!;
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  /** A fresh record of rep A1 for each probe, so that probes cannot disturb each other. */
  async function makeRecord(entity: Entity): Promise<{ id: string; version: number }> {
    const account = async () => (await owner.post('/api/accounts', makeAccountInput())).json();
    let res: Awaited<ReturnType<Client['post']>>;
    switch (entity) {
      case 'accounts':
        return account();
      case 'contacts':
        res = await owner.post('/api/contacts', { accountId: (await account()).id, name: '王小明' });
        break;
      case 'leads':
        res = await owner.post('/api/leads', makeLeadInput());
        break;
      case 'deals':
        res = await owner.post('/api/deals', makeDealInput((await account()).id));
        break;
      case 'activities':
        res = await owner.post('/api/activities', {
          kind: 'call',
          subject: '电话',
          accountId: (await account()).id,
        });
        break;
      case 'tasks':
        res = await owner.post('/api/tasks', { title: '跟进', dueAt: '2026-12-01T02:00:00Z' });
        break;
    }
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  async function probe(client: Client, entity: Entity, op: Op, rec: { id: string; version: number }) {
    const url = `/api/${entity}/${rec.id}`;
    switch (op) {
      case 'read':
        return client.get(url);
      case 'history':
        return client.get(`${url}/history`);
      case 'update':
        return client.patch(url, PATCHES[entity], rec.version);
      case 'delete':
        return client.delete(url, rec.version);
      case 'restore': {
        // Restore needs a deleted record: the owner deletes it first.
        const del = await owner.delete(url, rec.version);
        expect(del.statusCode).toBe(200);
        return client.post(`${url}/restore`, undefined, { ifMatch: rec.version + 1 });
      }
      case 'transfer':
        return client.post(
          `${url}/transfer`,
          { toOwnerId: org.users.repA2.id, reason: 'probe' },
          { ifMatch: rec.version },
        );
    }
  }

  const WHO: Who[] = [
    'repA1',
    'repA2',
    'repB1',
    'managerA',
    'managerB',
    'regionManager',
    'admin',
    'ops',
    'finance',
    'viewer',
    'otherAdmin',
    'otherRep',
  ];
  const table = ENTITIES.flatMap((entity) =>
    OPS.flatMap((op) => WHO.map((who) => [entity, op, who] as const)),
  );

  it('has at least 200 probes', () => {
    expect(table.length).toBeGreaterThanOrEqual(200);
  });

  it.each(table)('%s %s by %s', async (entity, op, who) => {
    const rec = await makeRecord(entity);
    const res = await probe(clients.get(who)!, entity, op, rec);
    const want = expected(who, op);
    if (want === 'ok') expect(res.statusCode, res.body).toBeLessThan(300);
    else {
      expect(res.statusCode, res.body).toBe(want);
      // Nothing changed: the owner still reads the record at the version it had.
      const after = await owner.get(`/api/${entity}/${rec.id}`);
      if (op !== 'restore') expect(after.json().version).toBe(rec.version);
    }
  });

  it.each(ENTITIES)('lists of %s never show another team or tenant', async (entity) => {
    const rec = await makeRecord(entity);
    for (const who of ['repA2', 'repB1', 'managerB', 'otherAdmin', 'otherRep'] as Who[]) {
      let cursor: string | null = null;
      const seen: string[] = [];
      do {
        const res = await clients
          .get(who)!
          .get(`/api/${entity}?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        seen.push(...body.items.map((i: { id: string }) => i.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen, `${who} sees ${entity}`).not.toContain(rec.id);
    }
    for (const who of ['managerA', 'regionManager', 'admin'] as Who[]) {
      const res = await clients.get(who)!.get(`/api/${entity}?limit=200&q=`);
      const all = [];
      let body = res.json();
      all.push(...body.items);
      while (body.nextCursor) {
        body = (await clients.get(who)!.get(`/api/${entity}?limit=200&cursor=${body.nextCursor}`)).json();
        all.push(...body.items);
      }
      expect(
        all.map((i: { id: string }) => i.id),
        `${who} sees ${entity}`,
      ).toContain(rec.id);
    }
  });

  it('refuses foreign keys to records of another team or tenant as unknown references', async () => {
    const foreignAccount = (await clients.get('repB1')!.post('/api/accounts', makeAccountInput())).json();
    const otherTenantAccount = (
      await clients.get('otherRep')!.post('/api/accounts', makeAccountInput())
    ).json();
    for (const accountId of [foreignAccount.id, otherTenantAccount.id]) {
      const res = await owner.post('/api/deals', makeDealInput(accountId));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'accountId' });
      const contact = await owner.post('/api/contacts', { accountId, name: '赵六' });
      expect(contact.json().code).toBe('REFERENCE_NOT_FOUND');
    }
    const count = await database.db
      .selectFrom('deals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('accountId', 'in', [foreignAccount.id, otherTenantAccount.id])
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
  });

  it('refuses to give a record to a user of another tenant or outside a manager’s team', async () => {
    const rec = await makeRecord('accounts');
    const toOtherTenant = await clients
      .get('admin')!
      .post(
        `/api/accounts/${rec.id}/transfer`,
        { toOwnerId: other.users.repA1.id },
        { ifMatch: rec.version },
      );
    expect(toOtherTenant.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'toOwnerId' });
    const outsideTeam = await clients
      .get('managerA')!
      .post(`/api/accounts/${rec.id}/transfer`, { toOwnerId: org.users.repB1.id }, { ifMatch: rec.version });
    expect(outsideTeam.statusCode).toBe(403);
    const created = await owner.post('/api/accounts', makeAccountInput({ ownerId: org.users.repB1.id }));
    expect(created.statusCode).toBe(403);
  });
});
