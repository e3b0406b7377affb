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

// A rep's lead list shows their own leads and the public pool (公海). It is read as two parts
// merged by the database (so that a large pool is not sorted whole for each page): the pages
// must come out exactly as one sorted list would — order, cursors, total — and never show
// another rep's leads.

describe('a list with the public pool: own records and the pool merged page by page', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let repA1: Client;
  let managerA: Client;
  const expected: Array<{ id: string; createdAt: string; name: string }> = [];
  // What team A's manager sees: the team's leads (their own, both reps') and the pool.
  const expectedTeam: Array<{ id: string; createdAt: string; name: string }> = [];
  const pool = new Set<string>();

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    admin = await clientFor(app, org.users.admin);
    repA1 = await clientFor(app, org.users.repA1);
    managerA = await clientFor(app, org.users.managerA);
    // 7 own, 6 in the pool, 5 of another rep of the team, 2 of the team's manager, 4 of a rep
    // of another team; creation times interleaved, several sharing a second.
    const owners = [
      ...Array(7).fill(org.users.repA1.id),
      ...Array(6).fill(null),
      ...Array(5).fill(org.users.repA2.id),
      ...Array(2).fill(org.users.managerA.id),
      ...Array(4).fill(org.users.repB1.id),
    ];
    for (const [i, ownerId] of owners.entries()) {
      const res = await admin.post(
        '/api/leads',
        makeLeadInput({ ownerId, name: `Lead ${String(i).padStart(2, '0')}` }),
      );
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      const createdAt = new Date(
        Date.UTC(2026, 0, 1, 0, 0, [3, 7, 11].includes(i) ? 5 : (i * 37) % 19),
      ).toISOString();
      await database.db.updateTable('leads').set({ createdAt }).where('id', '=', id).execute();
      const lead = { id, createdAt, name: `Lead ${String(i).padStart(2, '0')}` };
      if (ownerId === org.users.repA1.id || ownerId === null) expected.push(lead);
      if (ownerId !== org.users.repB1.id) expectedTeam.push(lead);
      if (ownerId === null) pool.add(id);
    }
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const allPages = async (query: string, client = repA1) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let total: number | undefined;
    do {
      const res = await client.get(
        `/api/leads?${query}&limit=4&includeTotal=true${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(4);
      ids.push(...page.items.map((l: { id: string }) => l.id));
      total = page.total;
      cursor = page.nextCursor;
    } while (cursor);
    return { ids, total };
  };

  it('pages newest first through own leads and the pool, as one sorted list', async () => {
    const byTime = [...expected].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    );
    const { ids, total } = await allPages('sort=-createdAt');
    expect(ids).toEqual(byTime.map((l) => l.id));
    expect(total).toBe(13);
  });

  it('pages by name ascending the same way, and searches both parts', async () => {
    const byName = [...expected].sort((a, b) => (a.name < b.name ? -1 : 1));
    const { ids } = await allPages('sort=name');
    expect(ids).toEqual(byName.map((l) => l.id));
    // Lead 00 is the rep's own, Lead 08 in the pool, Lead 14 another rep's.
    const found = await repA1.get('/api/leads?q=Lead%200&includeTotal=true');
    expect(
      found
        .json()
        .items.map((l: { name: string }) => l.name)
        .sort(),
    ).toEqual(
      expected
        .filter((l) => l.name.startsWith('Lead 0'))
        .map((l) => l.name)
        .sort(),
    );
  });

  it('leaves the pool out or shows it alone when asked, as before', async () => {
    expect((await allPages('pool=exclude')).total).toBe(7);
    expect((await allPages('pool=only')).total).toBe(6);
  });

  it('reads a manager’s list one owner at a time and merges it into the same pages', async () => {
    const newest = [...expectedTeam].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    );
    const byTime = await allPages('sort=-createdAt', managerA);
    expect(byTime.ids).toEqual(newest.map((l) => l.id));
    expect(byTime.total).toBe(20);
    const byName = await allPages('sort=name', managerA);
    expect(byName.ids).toEqual([...expectedTeam].sort((a, b) => (a.name < b.name ? -1 : 1)).map((l) => l.id));
    const teamOnly = await allPages('sort=createdAt&pool=exclude', managerA);
    expect(teamOnly.ids).toEqual(
      [...newest]
        .reverse()
        .filter((l) => !pool.has(l.id))
        .map((l) => l.id),
    );
    expect(teamOnly.total).toBe(14);
  });
});
