import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedQuote, type Q2C, setUpQuoteToCash, signedContract } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// A hand-off of a sales order is also a task in the assignee's list: finishing either one
// finishes both, through one path (stored, noted in the order's history, asked only once).
describe('order hand-offs and their tasks', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let managerA: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    [rep, managerA] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.managerA),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  /** An order of a signed contract with one hand-off to QC, assigned to delivery. */
  async function handedOff() {
    const { quote } = await acceptedQuote(rep, managerA, q2c.product.id);
    const contract = await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01');
    const order = (await rep.post('/api/orders', { contractId: contract.id })).json();
    const handed = (
      await rep.post(`/api/orders/${order.id}/handoffs`, {
        department: 'qc',
        assigneeId: q2c.deliveryUser.id,
        dueOn: '2026-09-08',
      })
    ).json();
    expect(handed.status).toBe('in_fulfilment');
    return { order, handoff: handed.handoffs[0] as { id: string; taskId: string } };
  }

  const stored = (id: string) =>
    database.db
      .selectFrom('orderHandoffs')
      .select(['status', 'doneAt'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const notes = async (orderId: string) =>
    (
      await database.db
        .selectFrom('auditEvents')
        .select('changes')
        .where('entity', '=', 'order')
        .where('entityId', '=', orderId)
        .execute()
    )
      .map((e) => String(e.changes))
      .filter((c) => c.includes('handoff qc done'));

  it('marking the task done finishes the hand-off, once', async () => {
    const { order, handoff } = await handedOff();
    const task = (await q2c.delivery.get(`/api/tasks/${handoff.taskId}`)).json();
    // Any other change to the task leaves the hand-off open.
    const renamed = await q2c.delivery.patch(
      `/api/tasks/${handoff.taskId}`,
      { priority: 'high' },
      task.version,
    );
    expect(renamed.statusCode).toBe(200);
    expect((await stored(handoff.id)).status).toBe('open');

    const done = await q2c.delivery.patch(
      `/api/tasks/${handoff.taskId}`,
      { status: 'done' },
      renamed.json().version,
    );
    expect(done.statusCode).toBe(200);
    const row = await stored(handoff.id);
    expect(row.status).toBe('done');
    expect(row.doneAt).toBeTruthy();
    expect(await notes(order.id)).toHaveLength(1);
    const after = (await rep.get(`/api/orders/${order.id}`)).json();
    expect(after.handoffs[0].status).toBe('done');
    expect(after.status).toBe('in_fulfilment');
    // The hand-off is done: its own route says so and changes nothing.
    const again = await q2c.delivery.post(`/api/orders/${order.id}/handoffs/${handoff.id}/done`);
    expect([again.statusCode, again.json().code]).toEqual([409, 'INVALID_STATE']);
    expect(await notes(order.id)).toHaveLength(1);
  });

  it('opening the task again reopens the hand-off; the order shows the hand-off as it is', async () => {
    const { order, handoff } = await handedOff();
    const task = (await q2c.delivery.get(`/api/tasks/${handoff.taskId}`)).json();
    const done = await q2c.delivery.patch(`/api/tasks/${handoff.taskId}`, { status: 'done' }, task.version);
    expect(done.statusCode).toBe(200);
    expect((await stored(handoff.id)).status).toBe('done');

    const reopened = await q2c.delivery.patch(
      `/api/tasks/${handoff.taskId}`,
      { status: 'open' },
      done.json().version,
    );
    expect(reopened.statusCode, reopened.body).toBe(200);
    const row = await stored(handoff.id);
    expect([row.status, row.doneAt]).toEqual(['open', null]);
    const view = (await rep.get(`/api/orders/${order.id}`)).json();
    expect(view.handoffs.map((h: { id: string; status: string }) => [h.id, h.status])).toEqual([
      [handoff.id, 'open'],
    ]);
    const history = await database.db
      .selectFrom('auditEvents')
      .select('changes')
      .where('entity', '=', 'order')
      .where('entityId', '=', order.id)
      .execute();
    expect(history.filter((e) => String(e.changes).includes('handoff qc reopened'))).toHaveLength(1);
    // Done again through its route: the task closes with it.
    const finished = await q2c.delivery.post(`/api/orders/${order.id}/handoffs/${handoff.id}/done`);
    expect(finished.statusCode).toBe(200);
    expect((await q2c.delivery.get(`/api/tasks/${handoff.taskId}`)).json().status).toBe('done');
  });

  it('finishing the hand-off through its route closes its task, once', async () => {
    const { order, handoff } = await handedOff();
    const res = await q2c.delivery.post(`/api/orders/${order.id}/handoffs/${handoff.id}/done`);
    expect(res.statusCode).toBe(200);
    expect(res.json().handoffs[0].status).toBe('done');
    expect((await stored(handoff.id)).status).toBe('done');
    const task = (await q2c.delivery.get(`/api/tasks/${handoff.taskId}`)).json();
    expect(task).toMatchObject({ status: 'done', completedAt: expect.any(String) });
    expect(await notes(order.id)).toHaveLength(1);
  });
});
