import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendOverdueReminders } from '../src/modules/payments/payment-reminders';
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

// Receivables worked by hand. Every contract is 1,039.60 元 with terms 30 / 60 / 10 % at 0 / 30 /
// 90 days: 311.88, 623.76 and 103.96 (分: 31188, 62376, 10396).
//   C1 rep A1 (team A) signed 06-01: due 06-01, 07-01, 08-30; paid 31188 on 06-01, 62376 on 07-21
//   C2 rep A2 (team A) signed 08-01: due 08-01, 08-31, 10-30; paid 31188 on 08-11
//   C3 rep B1 (team B) signed 09-15: due 09-15, 10-15, 12-14; paid 20000 on 09-20
// As of 2026-10-31:
//   C1 10396 is 62 days overdue (61–90); C2 62376 61 days (61–90), 10396 1 day (0–30);
//   C3 11188 46 days (31–60), 62376 16 days (0–30), 10396 not due.
describe('payments and receivables', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let repA1: Client;
  let repA2: Client;
  let repB1: Client;
  let managerA: Client;
  let managerB: Client;
  let finance: Client;
  let admin: Client;
  let q2c: Q2C;
  const contracts: Record<string, { id: string; number: string; accountId: string }> = {};

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [repA1, repA2, repB1, managerA, managerB, finance, admin] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.repB1),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.managerB),
      clientFor(app, org.users.finance),
      clientFor(app, org.users.admin),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
    for (const [key, rep, manager, signedOn] of [
      ['c1', repA1, managerA, '2026-06-01'],
      ['c2', repA2, managerA, '2026-08-01'],
      ['c3', repB1, managerB, '2026-09-15'],
    ] as const) {
      const { quote } = await acceptedQuote(rep, manager, q2c.product.id);
      contracts[key] = await signedContract(rep, manager, q2c.legal, quote.id, signedOn);
    }
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const pay = (key: string, amount: number, receivedOn: string, extra: Record<string, unknown> = {}) =>
    finance.post('/api/receipts', { contractId: contracts[key]!.id, amount, receivedOn, ...extra });

  it('ages receivables and computes collection figures per customer, owner and team', async () => {
    for (const [key, amount, on] of [
      ['c1', 31188, '2026-06-01'],
      ['c1', 62376, '2026-07-21'],
      ['c2', 31188, '2026-08-11'],
      ['c3', 20000, '2026-09-20'],
    ] as const) {
      expect((await pay(key, amount, on)).statusCode).toBe(201);
    }

    const byTeam = (await finance.get('/api/receivables/ageing?asOf=2026-10-31&groupBy=team')).json();
    expect(byTeam.totals).toEqual({
      buckets: { not_due: 10396, d0_30: 72772, d31_60: 11188, d61_90: 72772, d90_plus: 0 },
      outstanding: 167128,
      overdue: 156732,
    });
    expect(
      byTeam.items.map((i: { key: string; buckets: object; outstanding: number }) => [
        i.key,
        i.buckets,
        i.outstanding,
      ]),
    ).toEqual([
      [org.units.teamA.id, { not_due: 0, d0_30: 10396, d31_60: 0, d61_90: 72772, d90_plus: 0 }, 83168],
      [org.units.teamB.id, { not_due: 10396, d0_30: 62376, d31_60: 11188, d61_90: 0, d90_plus: 0 }, 83960],
    ]);
    const byOwner = (await finance.get('/api/receivables/ageing?asOf=2026-10-31&groupBy=owner')).json();
    expect(
      Object.fromEntries(byOwner.items.map((i: { key: string; overdue: number }) => [i.key, i.overdue])),
    ).toEqual({
      [org.users.repA1.id]: 10396,
      [org.users.repA2.id]: 72772,
      [org.users.repB1.id]: 73564,
    });
    const byAccount = (await finance.get('/api/receivables/ageing?asOf=2026-10-31')).json();
    expect(
      byAccount.items.find((i: { key: string }) => i.key === contracts.c1!.accountId).buckets.d61_90,
    ).toBe(10396);

    // Visibility: a rep sees their own contracts, a manager their team's.
    const own = (await repA1.get('/api/receivables/ageing?asOf=2026-10-31')).json();
    expect(own.totals.outstanding).toBe(10396);
    const team = (await managerA.get('/api/receivables/ageing?asOf=2026-10-31&groupBy=team')).json();
    expect(team.items.map((i: { key: string }) => i.key)).toEqual([org.units.teamA.id]);
    expect(team.totals.outstanding).toBe(83168);

    // Instalments due 06-01 … 09-30, collected by 09-30.
    // Team A: due 1,039.60 + 935.64; collected 311.88 (0 days) + 623.76 (20 days) + 311.88 (10 days)
    //   rate 124752 / 197524 = 63.16 %, cycle (62376 × 20 + 31188 × 10) / 124752 = 12.5 days
    // Team B: due 311.88, collected 200.00 after 5 days: 64.13 %, 5 days
    const coll = (
      await finance.get('/api/receivables/collection?from=2026-06-01&to=2026-09-30&groupBy=team')
    ).json();
    expect(coll.items).toEqual([
      {
        key: org.units.teamA.id,
        name: expect.any(String),
        due: 197524,
        collected: 124752,
        rateBp: 6316,
        cycleDays: 12.5,
      },
      {
        key: org.units.teamB.id,
        name: expect.any(String),
        due: 31188,
        collected: 20000,
        rateBp: 6413,
        cycleDays: 5,
      },
    ]);
    expect(coll.totals).toMatchObject({ due: 228712, collected: 144752, rateBp: 6329, cycleDays: 11.5 });
    const mine = (await repB1.get('/api/receivables/collection?from=2026-06-01&to=2026-09-30')).json();
    expect(mine.totals).toMatchObject({ due: 31188, collected: 20000 });

    const bad = await finance.get('/api/receivables/collection?from=2026-09-30&to=2026-06-01');
    expect([bad.statusCode, bad.json().field]).toEqual([400, 'to']);
  });

  it('reminds the owner and finance once per instalment and overdue step, across runs', async () => {
    const count = async (userId: string) =>
      (
        await database.db
          .selectFrom('notifications')
          .select('id')
          .where('userId', '=', userId)
          .where('kind', '=', 'payment_overdue')
          .execute()
      ).length;
    // 2026-10-31 10:00 in Shanghai; two processes at once still send each reminder once.
    const at = new Date('2026-10-31T02:00:00Z');
    const [a, b] = await Promise.all([
      sendOverdueReminders(database, at),
      sendOverdueReminders(database, at),
    ]);
    expect(a.sent + b.sent).toBe(5);
    expect((await sendOverdueReminders(database, at)).sent).toBe(0);
    expect(await count(org.users.finance.id)).toBe(5);
    expect(await count(org.users.repA1.id)).toBe(1);
    // C1 is past 31 days: the rep's manager hears of it too; C3 too (manager B).
    expect(await count(org.users.managerA.id)).toBe(2);
    expect(await count(org.users.managerB.id)).toBe(1);
    const inbox = JSON.stringify((await repA1.get('/api/notifications')).json());
    expect(inbox).toContain(`合同 ${contracts.c1!.number} 回款逾期 62 天`);

    // A month later every open instalment reached its next step; C3's last is still not due.
    expect((await sendOverdueReminders(database, new Date('2026-11-30T02:00:00Z'))).sent).toBe(5);
    expect(await count(org.users.finance.id)).toBe(10);
    const steps = await database.db
      .selectFrom('paymentReminders')
      .select(['step'])
      .where('tenantId', '=', org.tenant.id)
      .execute();
    expect(steps.length).toBe(15);
  });

  it('refuses bad receipts and changes nothing', async () => {
    const { quote } = await acceptedQuote(repA1, managerA, q2c.product.id);
    const c4 = await signedContract(repA1, managerA, q2c.legal, quote.id, '2026-10-01');
    contracts.c4 = c4;
    const receipts = async () => (await finance.get(`/api/receipts?contractId=${c4.id}`)).json().items.length;

    const byRep = await repA1.post('/api/receipts', {
      contractId: c4.id,
      amount: 100,
      receivedOn: '2026-10-02',
    });
    expect([byRep.statusCode, byRep.json().code]).toEqual([403, 'FORBIDDEN']);
    const usd = await pay('c4', 100, '2026-10-02', { currency: 'USD' });
    expect([usd.statusCode, usd.json().code, usd.json().field]).toEqual([
      422,
      'CURRENCY_MISMATCH',
      'currency',
    ]);
    const zero = await pay('c4', 0, '2026-10-02');
    expect([zero.statusCode, zero.json().field]).toEqual([400, 'amount']);
    const negative = await pay('c4', -500, '2026-10-02');
    expect(negative.statusCode).toBe(400);
    const future = await pay('c4', 100, '2099-01-01');
    expect(future.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'receivedOn' });
    const c1Plan = (await finance.get(`/api/contracts/${contracts.c1!.id}/payment-plan`)).json();
    const foreignPlan = await pay('c4', 100, '2026-10-02', { planId: c1Plan.instalments[0].id });
    expect(foreignPlan.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'planId' });
    const over = await pay('c4', 103961, '2026-10-02');
    expect([over.statusCode, over.json().code, over.json().field]).toEqual([
      409,
      'RECEIPT_EXCEEDS_RECEIVABLE',
      'amount',
    ]);
    expect(over.json().message).toContain('103960');
    expect(await receipts()).toBe(0);

    // A payment naming the retention instalment pays it first; the rest goes oldest first.
    const plan = (await finance.get(`/api/contracts/${c4.id}/payment-plan`)).json();
    const named = (await pay('c4', 20000, '2026-10-02', { planId: plan.instalments[2].id })).json();
    expect(named.instalments.map((i: { received: number }) => i.received)).toEqual([9604, 0, 10396]);
    // Confirmed over-payment: recorded, and shown as overpaid.
    const confirmed = await pay('c4', 90000, '2026-10-03', { confirmOverpayment: true });
    expect(confirmed.statusCode).toBe(201);
    expect([confirmed.json().outstanding, confirmed.json().overpaid]).toEqual([0, 6040]);
    expect(await receipts()).toBe(2);

    // Unsigned contract: no plan to pay into.
    const { quote: q5 } = await acceptedQuote(repA1, managerA, q2c.product.id);
    const draft = (await repA1.post('/api/contracts', { quoteId: q5.id })).json();
    const unsigned = await finance.post('/api/receipts', {
      contractId: draft.id,
      amount: 1,
      receivedOn: '2026-10-02',
    });
    expect(unsigned.json().code).toBe('INVALID_STATE');
    // Another tenant's finance cannot reach the contract.
    const other = await makeOrg(database.db);
    const otherFinance = await clientFor(app, other.users.finance);
    const foreign = await otherFinance.post('/api/receipts', {
      contractId: c4.id,
      amount: 1,
      receivedOn: '2026-10-02',
    });
    expect(foreign.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'contractId' });
    expect((await repA2.get(`/api/contracts/${c4.id}/payment-plan`)).statusCode).toBe(404);
    expect((await repA2.get(`/api/receipts?contractId=${c4.id}`)).json().items).toEqual([]);
  });

  it('takes one of two simultaneous receipts for the whole remaining amount', async () => {
    const { quote } = await acceptedQuote(repB1, managerB, q2c.product.id);
    const c = await signedContract(repB1, managerB, q2c.legal, quote.id, '2026-10-01');
    const body = { contractId: c.id, amount: 103960, receivedOn: '2026-10-05' };
    const results = await Promise.all([
      finance.post('/api/receipts', body),
      admin.post('/api/receipts', body),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const plan = (await finance.get(`/api/contracts/${c.id}/payment-plan`)).json();
    expect([plan.received, plan.outstanding, plan.receipts.length]).toEqual([103960, 0, 1]);
  });
});
