import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPlaybook } from '../src/modules/sop/run.service';
import { newId } from '../src/shared/ids';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Customer satisfaction (客户满意度) "when present": the SOP's deliverable forms that ask for a
// `satisfaction` score (the order's 售后回访记录, a ticket's closing visit). Each submitted score
// counts once, at its submission, in the tenant's time zone; hand-computed below.

describe('KPI customer_satisfaction from the after-sales visit forms', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let managerA: Client;
  let repA2: Client;
  const APRIL = 'from=2026-04-01&to=2026-04-30';

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    await database.db
      .updateTable('tenants')
      .set({ timeZone: 'Asia/Shanghai' })
      .where('id', '=', org.tenant.id)
      .execute();
    const order = await database.db
      .transaction()
      .execute((trx) => publishedPlaybook(trx, org.tenant.id, 'order'));
    const ticket = await database.db
      .transaction()
      .execute((trx) => publishedPlaybook(trx, org.tenant.id, 'ticket'));
    const run = async (
      recordType: 'order' | 'ticket',
      ownerId: string,
      forms: Record<string, { values: Record<string, unknown>; submittedAt: string }>,
    ) => {
      const pb = recordType === 'order' ? order : ticket;
      const at = '2026-05-01T00:00:00.000Z';
      await database.db
        .insertInto('sopRuns')
        .values({
          id: newId('run'),
          tenantId: org.tenant.id,
          recordType,
          recordId: newId(recordType === 'order' ? 'ord' : 'tkt'),
          playbookId: pb.playbookId,
          playbookVersionId: pb.versionId,
          stageKey: 'after_sales',
          stageEnteredAt: at,
          checklist: '{}',
          forms: JSON.stringify(
            Object.fromEntries(Object.entries(forms).map(([k, f]) => [k, { ...f, submittedBy: ownerId }])),
          ),
          ownerId,
          status: 'open',
          createdAt: at,
          updatedAt: at,
        })
        .execute();
    };
    const visit = (satisfaction: unknown, submittedAt: string) => ({
      visit_record: { values: { satisfaction, feedback: '好' }, submittedAt },
    });
    const { repA1: a1, repA2: a2, repB1: b1 } = org.users;
    await run('order', a1.id, visit('5', '2026-04-03T02:00:00.000Z'));
    await run('order', a1.id, visit('4', '2026-04-10T08:00:00.000Z'));
    // 00:30 on 1 April in Shanghai: April. 23:30 on 31 March: March.
    await run('order', a1.id, visit('2', '2026-03-31T16:30:00.000Z'));
    await run('order', a1.id, visit('1', '2026-03-31T15:30:00.000Z'));
    await run('ticket', a2.id, {
      close_visit: { values: { satisfaction: 3 }, submittedAt: '2026-04-15T03:00:00.000Z' },
    });
    await run('order', b1.id, visit('4', '2026-04-20T03:00:00.000Z'));
    // Not scores: not a number on the scale, and a form without the field.
    await run('order', a2.id, visit('abc', '2026-04-16T03:00:00.000Z'));
    await run('order', a2.id, visit('7', '2026-04-16T04:00:00.000Z'));
    await run('order', a2.id, {
      visit_record: { values: { feedback: 'satisfaction' }, submittedAt: '2026-04-17T03:00:00.000Z' },
    });

    admin = await clientFor(app, org.users.admin);
    managerA = await clientFor(app, org.users.managerA);
    repA2 = await clientFor(app, org.users.repA2);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const kpi = async (c: Client, query: string) => {
    const res = await c.get(`/api/kpis/customer_satisfaction?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('is in the library and computed', async () => {
    const { items } = (await admin.get('/api/kpis')).json();
    expect(items.find((k: { key: string }) => k.key === 'customer_satisfaction')).toMatchObject({
      available: true,
      unit: 'score',
      direction: 'higher_is_better',
    });
  });

  it('averages the scores submitted in April (local), with the satisfied share', async () => {
    // 5, 4, 2 (repA1), 3 (repA2), 4 (repB1) → 18 / 5 = 3.6; satisfied (≥ 4): 3 of 5.
    const all = await kpi(admin, APRIL);
    expect(all.total).toMatchObject({ value: 3.6, median: 4, count: 5, numerator: 3, denominator: 5 });
    const byRep = await kpi(admin, `${APRIL}&by=rep`);
    const rep = (id: string) => byRep.groups.find((g: { key: string }) => g.key === id);
    expect(rep(org.users.repA1.id)).toMatchObject({ value: 3.67, count: 3, numerator: 2 });
    expect(rep(org.users.repA2.id)).toMatchObject({ value: 3, count: 1, numerator: 0 });
    expect(rep(org.users.repB1.id)).toMatchObject({ value: 4, count: 1, numerator: 1 });
    const byMonth = await kpi(admin, 'from=2026-03-01&to=2026-04-30&by=month');
    expect(byMonth.groups.map((g: { key: string; value: number }) => [g.key, g.value])).toEqual([
      ['2026-03', 1],
      ['2026-04', 3.6],
    ]);
  });

  it('respects visibility: a manager sees the team, a rep themself', async () => {
    expect((await kpi(managerA, APRIL)).total).toMatchObject({ value: 3.5, count: 4 });
    expect((await kpi(repA2, APRIL)).total).toMatchObject({ value: 3, count: 1 });
  });

  it('drills down to the scores behind a number', async () => {
    const res = await admin.get(
      `/api/kpis/customer_satisfaction/records?${APRIL}&by=rep&group=${org.users.repA1.id}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const { total, items } = res.json();
    expect(total).toBe(3);
    expect(items.map((r: { score: number }) => r.score).sort()).toEqual([2, 4, 5]);
    expect(
      items.every((r: { entity: string; recordId: string }) => r.entity === 'survey' && r.recordId),
    ).toBe(true);
  });
});
