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

// Merging two duplicate leads (POST /api/duplicates/merge, entity lead): the winner takes the
// fields chosen from the loser, the loser's follow-ups and tasks move to the winner, the loser
// is soft-deleted, and both records' histories say what happened.

type HistoryEvent = {
  action: string;
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown>; note?: string };
};

describe('lead merge', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let otherRep: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
    otherRep = await clientFor(app, org.users.repB1);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('merges two leads field by field, moves follow-ups and tasks, and keeps the history on the winner', async () => {
    const winner = (
      await rep.post(
        '/api/leads',
        makeLeadInput({ name: '赵六', title: '采购经理', email: 'zhao6@old.cn', notes: '展会名片' }),
      )
    ).json();
    const loser = (
      await rep.post(
        '/api/leads',
        makeLeadInput({ name: '赵六（重复）', title: '采购总监', email: 'zhao6@new.cn', wechat: 'zhao6wx' }),
      )
    ).json();
    expect(winner.id && loser.id).toBeTruthy();
    const call = (
      await rep.post('/api/activities', { kind: 'call', subject: '首次电话', leadId: loser.id })
    ).json();
    const visit = (
      await rep.post('/api/activities', { kind: 'visit', subject: '拜访', leadId: loser.id })
    ).json();
    const task = (
      await rep.post('/api/tasks', { title: '发送报价', dueAt: '2099-01-01T02:00:00.000Z', leadId: loser.id })
    ).json();
    expect(call.id && visit.id && task.id).toBeTruthy();
    const own = (
      await rep.post('/api/activities', { kind: 'call', subject: '老记录', leadId: winner.id })
    ).json();

    const res = await rep.post('/api/duplicates/merge', {
      entity: 'lead',
      winnerId: winner.id,
      loserId: loser.id,
      // title and email from the loser; name explicitly the winner's; wechat left out (winner's: none)
      fields: { title: 'loser', email: 'loser', name: 'winner' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.winner).toMatchObject({
      id: winner.id,
      name: '赵六',
      title: '采购总监',
      email: 'zhao6@new.cn',
      notes: '展会名片',
      mobile: winner.mobile,
    });
    expect(body.winner.wechat ?? null).toBeNull();
    expect(body.merge).toMatchObject({
      entity: 'lead',
      winnerId: winner.id,
      loserId: loser.id,
      choices: { title: 'loser', email: 'loser', name: 'winner' },
      moved: { activities: 2, tasks: 1 },
    });

    // The children now belong to the winner; the winner's own follow-up is untouched.
    for (const id of [call.id, visit.id, own.id])
      expect((await rep.get(`/api/activities/${id}`)).json().leadId).toBe(winner.id);
    expect((await rep.get(`/api/tasks/${task.id}`)).json().leadId).toBe(winner.id);
    const followUps = (await rep.get(`/api/activities?leadId=${winner.id}`)).json();
    expect(followUps.items.map((a: { id: string }) => a.id).sort()).toEqual(
      [call.id, visit.id, own.id].sort(),
    );
    // The loser is gone from the lists and reads.
    expect((await rep.get(`/api/leads/${loser.id}`)).statusCode).toBe(404);

    // History: the winner's update names the loser and holds the fields taken over …
    const history = (await rep.get(`/api/leads/${winner.id}/history`)).json().events as HistoryEvent[];
    const merged = history.find((e) => e.changes.note?.includes('mergedFrom'));
    expect(merged).toBeDefined();
    expect(merged!.action).toBe('update');
    expect(JSON.parse(merged!.changes.note!)).toEqual({ mergedFrom: loser.id });
    expect(merged!.changes.before).toMatchObject({ title: '采购经理', email: 'zhao6@old.cn' });
    expect(merged!.changes.after).toMatchObject({ title: '采购总监', email: 'zhao6@new.cn' });
    expect(merged!.changes.after).not.toHaveProperty('name');
    expect(history.some((e) => e.action === 'create')).toBe(true);
    // … and the loser's history, still readable, says where it went.
    const loserHistory = await database.db
      .selectFrom('auditEvents')
      .select(['action', 'changes'])
      .where('entityId', '=', loser.id)
      .execute();
    const gone = loserHistory.find((e) => e.action === 'delete');
    expect(JSON.parse(JSON.parse(gone!.changes).note)).toEqual({ mergedInto: winner.id });
    const link = await database.db
      .selectFrom('recordMerges')
      .selectAll()
      .where('loserId', '=', loser.id)
      .executeTakeFirstOrThrow();
    expect(link).toMatchObject({ entity: 'lead', winnerId: winner.id });

    // Another team's rep cannot merge these leads: they are not found.
    const third = (await rep.post('/api/leads', makeLeadInput())).json();
    const refused = await otherRep.post('/api/duplicates/merge', {
      entity: 'lead',
      winnerId: winner.id,
      loserId: third.id,
    });
    expect(refused.statusCode).toBe(404);
  });
});
