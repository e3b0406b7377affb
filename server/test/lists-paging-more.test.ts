import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOutbox } from '../src/modules/notifications/notification.service';
import { acceptedQuote, type Q2C, setUpQuoteToCash, signedContract } from './contracts-fixture';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// More lists of issue 4 item 3 on the server: users, quotes (with the total), the notification
// outbox, receipts and price lists. Each: paging with a total, sort both ways, search, filters,
// bad parameters answered 400 with the field, and who sees what as before.

type Json = Record<string, any>;
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id);
const enc = encodeURIComponent;

async function expectBad(client: Client, url: string, field: string) {
  const res = await client.get(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
  const body = res.json();
  expect(body.code).toBe('VALIDATION_FAILED');
  expect(body.field).toBe(field);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
}

describe('more server-side lists: paging, sort, search, filters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-lists-more-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let other: Org;
  let admin: Client;
  let ops: Client;
  let rep: Client;
  let rep2: Client;
  let managerA: Client;
  let managerB: Client;
  let finance: Client;
  let otherAdmin: Client;
  let otherFinance: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    other = await makeOrg(database.db);
    [admin, ops, rep, rep2, managerA, managerB, finance, otherAdmin, otherFinance] = await Promise.all([
      clientFor(app, org.users.admin),
      clientFor(app, org.users.ops),
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.managerB),
      clientFor(app, org.users.finance),
      clientFor(app, other.users.admin),
      clientFor(app, other.users.finance),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('users', () => {
    const made: Json[] = [];
    beforeAll(async () => {
      for (const [name, role, orgUnitId] of [
        ['Pager Alpha', 'finance', null],
        ['Pager Bravo', 'rep', org.units.teamB.id],
        ['Pager Charlie 100%', 'finance', null],
      ] as const) {
        const res = await admin.post('/api/users', {
          email: `${name.split(' ')[1]!.toLowerCase()}.pager@example.test`,
          name,
          password: 'long-enough-1',
          role,
          orgUnitId,
        });
        expect(res.statusCode, res.body).toBe(201);
        made.push(res.json());
      }
      const off = await admin.patch(`/api/users/${made[2]!.id}`, { status: 'disabled' }, 1);
      expect(off.statusCode, off.body).toBe(200);
    });

    it('pages with a total and hasMore; the total counts the whole tenant', async () => {
      const inTenant = await database.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenantId', '=', org.tenant.id)
        .executeTakeFirstOrThrow();
      const first = (await admin.get('/api/users?limit=5')).json();
      expect(first.total).toBe(Number(inTenant.n));
      expect(first.items).toHaveLength(5);
      expect(first.hasMore).toBe(true);
      const page = (await admin.get('/api/users?q=pager&limit=2')).json();
      expect(page).toMatchObject({ total: 3, hasMore: true });
      expect(page.items).toHaveLength(2);
      const rest = (await admin.get('/api/users?q=pager&limit=2&offset=2')).json();
      expect(rest.items).toHaveLength(1);
      expect(rest.hasMore).toBe(false);
      expect([...ids(page), ...ids(rest)].sort()).toEqual(made.map((u) => u.id).sort());
    });

    it('sorts by name, e-mail and time, both ways', async () => {
      const names = async (sort: string) =>
        (await admin.get(`/api/users?q=pager&sort=${sort}`)).json().items.map((u: Json) => u.name);
      expect(await names('name')).toEqual(['Pager Alpha', 'Pager Bravo', 'Pager Charlie 100%']);
      expect(await names('-name')).toEqual(['Pager Charlie 100%', 'Pager Bravo', 'Pager Alpha']);
      const byMail = (await admin.get('/api/users?q=pager&sort=-email')).json().items;
      expect(byMail.map((u: Json) => u.email)).toEqual([
        'charlie.pager@example.test',
        'bravo.pager@example.test',
        'alpha.pager@example.test',
      ]);
      const oldest = ids((await admin.get('/api/users?q=pager&sort=createdAt')).json());
      const newest = ids((await admin.get('/api/users?q=pager&sort=-createdAt')).json());
      expect(newest).toEqual([...oldest].reverse());
      expect(oldest[0]).toBe(made[0]!.id);
    });

    it('searches name and e-mail (pinyin too), with % taken literally; filters role, status, unit', async () => {
      expect(ids((await admin.get('/api/users?q=BRAVO')).json())).toEqual([made[1]!.id]);
      expect(ids((await admin.get('/api/users?q=charlie.pager@')).json())).toEqual([made[2]!.id]);
      expect(ids((await admin.get(`/api/users?q=${enc('100%')}`)).json())).toEqual([made[2]!.id]);
      expect(ids((await admin.get('/api/users?q=zhangsan')).json())).toEqual([org.users.repA1.id]);
      expect((await admin.get('/api/users?q=no-such-person')).json()).toMatchObject({ items: [], total: 0 });
      expect(ids((await admin.get('/api/users?q=pager&role=finance&sort=name')).json())).toEqual([
        made[0]!.id,
        made[2]!.id,
      ]);
      expect(ids((await admin.get('/api/users?q=pager&status=disabled')).json())).toEqual([made[2]!.id]);
      expect(ids((await admin.get('/api/users?q=pager&status=active&role=finance')).json())).toEqual([
        made[0]!.id,
      ]);
      expect(ids((await admin.get(`/api/users?q=pager&orgUnitId=${org.units.teamB.id}`)).json())).toEqual([
        made[1]!.id,
      ]);
    });

    it('stays within the tenant; everyone in it reads the same list (owner pickers)', async () => {
      expect((await otherAdmin.get('/api/users?q=pager')).json()).toMatchObject({ items: [], total: 0 });
      const theirs = (await otherAdmin.get('/api/users?limit=500')).json();
      expect(theirs.total).toBe(10);
      expect(theirs.items.every((u: Json) => u.email.includes(other.tenant.id))).toBe(true);
      expect((await rep.get('/api/users?q=pager')).json().total).toBe(3);
      expect(JSON.stringify((await rep.get('/api/users?q=pager')).json())).not.toContain('passwordHash');
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(admin, '/api/users?sort=passwordHash', 'sort');
      await expectBad(admin, '/api/users?sort=--name', 'sort');
      await expectBad(admin, '/api/users?limit=0', 'limit');
      await expectBad(admin, '/api/users?limit=501', 'limit');
      await expectBad(admin, '/api/users?offset=-1', 'offset');
      await expectBad(admin, '/api/users?role=king', 'role');
      await expectBad(admin, '/api/users?status=gone', 'status');
      await expectBad(admin, `/api/users?q=${'x'.repeat(101)}`, 'q');
    });
  });

  describe('quotes', () => {
    const made: Json[] = [];
    beforeAll(async () => {
      for (const [title, quantity] of [
        ['Ledger offer small', 2],
        ['Ledger offer 100% large', 9],
        ['Ledger offer medium', 5],
      ] as const) {
        const account = (await rep.post('/api/accounts', makeAccountInput())).json();
        const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
        const res = await rep.post('/api/quotes', {
          dealId: deal.id,
          title,
          taxMode: 'exclusive',
          lines: [{ productId: q2c.product.id, quantity, discountPercent: 0, taxRatePercent: 13 }],
          terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
        });
        expect(res.statusCode, res.body).toBe(201);
        made.push(res.json());
      }
    });

    it('answers the total with each page', async () => {
      const page = (await rep.get('/api/quotes?q=ledger&limit=2')).json();
      expect(page).toMatchObject({ total: 3, hasMore: true });
      expect(page.items).toHaveLength(2);
      const rest = (await rep.get('/api/quotes?q=ledger&limit=2&offset=2')).json();
      expect(rest).toMatchObject({ total: 3, hasMore: false });
      expect([...ids(page), ...ids(rest)].sort()).toEqual(made.map((q) => q.id).sort());
      const draft = (await rep.get('/api/quotes?q=ledger&status=draft&limit=1')).json();
      expect(draft.total).toBe(3);
      expect((await rep.get('/api/quotes?q=ledger&status=sent')).json()).toMatchObject({
        items: [],
        total: 0,
        hasMore: false,
      });
    });

    it('sorts by amount both ways and searches number or title case-insensitively', async () => {
      const asc = ids((await rep.get('/api/quotes?q=ledger&sort=grossAmount')).json());
      const desc = ids((await rep.get('/api/quotes?q=ledger&sort=-grossAmount')).json());
      expect(asc).toEqual([made[0]!.id, made[2]!.id, made[1]!.id]);
      expect(desc).toEqual([...asc].reverse());
      const number = (made[2]!.number as string).toLowerCase();
      expect(ids((await rep.get(`/api/quotes?q=${enc(number)}`)).json())).toEqual([made[2]!.id]);
      expect(ids((await rep.get('/api/quotes?q=LEDGER%20OFFER%20SMALL')).json())).toEqual([made[0]!.id]);
      expect(ids((await rep.get(`/api/quotes?q=${enc('100%')}`)).json())).toEqual([made[1]!.id]);
    });

    it('counts only what each one sees', async () => {
      expect((await rep2.get('/api/quotes?q=ledger')).json()).toMatchObject({ items: [], total: 0 });
      expect((await managerB.get('/api/quotes?q=ledger')).json().total).toBe(0);
      expect((await managerA.get('/api/quotes?q=ledger')).json().total).toBe(3);
      expect((await otherAdmin.get('/api/quotes')).json()).toMatchObject({ items: [], total: 0 });
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(rep, '/api/quotes?sort=title', 'sort');
      await expectBad(rep, '/api/quotes?limit=201', 'limit');
      await expectBad(rep, '/api/quotes?offset=-1', 'offset');
      await expectBad(rep, '/api/quotes?status=lost', 'status');
    });
  });

  describe('notification outbox', () => {
    const made: string[] = [];
    beforeAll(async () => {
      const rows = [
        { event: 'lp.alpha', kind: 'email', status: 'delivered', attempts: 1, lastError: null },
        { event: 'lp.bravo', kind: 'webhook', status: 'dead', attempts: 5, lastError: 'HTTP 503 upstream' },
        { event: 'lp.charlie', kind: 'email', status: 'retrying', attempts: 2, lastError: 'SMTP 451 busy' },
        { event: 'lp.delta', kind: 'dingtalk', status: 'pending', attempts: 0, lastError: null },
      ] as const;
      for (const [i, r] of rows.entries()) {
        const at = new Date(Date.UTC(2026, 10, 1 + i)).toISOString();
        const id = await insertOutbox(database.db, {
          tenantId: org.tenant.id,
          channelId: null,
          channelKind: r.kind,
          event: r.event,
          payload: { type: 'webhook', url: 'https://hooks.example.test/in', data: { i } },
          at,
        });
        await database.db
          .updateTable('notificationOutbox')
          .set({ status: r.status, attempts: r.attempts, lastError: r.lastError })
          .where('id', '=', id)
          .execute();
        made.push(id);
      }
      // Another tenant's: never in this tenant's list.
      await insertOutbox(database.db, {
        tenantId: other.tenant.id,
        channelId: null,
        channelKind: 'email',
        event: 'lp.other',
        payload: { type: 'webhook', url: 'https://hooks.example.test/other', data: {} },
      });
    });

    it('pages with a total and hasMore', async () => {
      const page = (await admin.get('/api/outbox?q=lp.&limit=3')).json();
      expect(page).toMatchObject({ total: 4, hasMore: true });
      expect(page.items).toHaveLength(3);
      const rest = (await admin.get('/api/outbox?q=lp.&limit=3&offset=3')).json();
      expect(rest.items).toHaveLength(1);
      expect(rest.hasMore).toBe(false);
      expect([...ids(page), ...ids(rest)].sort()).toEqual([...made].sort());
    });

    it('sorts by time and attempts, both ways; newest first by default', async () => {
      expect(ids((await admin.get('/api/outbox?q=lp.')).json())).toEqual([...made].reverse());
      expect(ids((await admin.get('/api/outbox?q=lp.&sort=createdAt')).json())).toEqual(made);
      const attempts = async (sort: string) =>
        (await admin.get(`/api/outbox?q=lp.&sort=${sort}`)).json().items.map((o: Json) => o.attempts);
      expect(await attempts('attempts')).toEqual([0, 1, 2, 5]);
      expect(await attempts('-attempts')).toEqual([5, 2, 1, 0]);
      const events = (await admin.get('/api/outbox?q=lp.&sort=-event'))
        .json()
        .items.map((o: Json) => o.event);
      expect(events).toEqual(['lp.delta', 'lp.charlie', 'lp.bravo', 'lp.alpha']);
    });

    it('searches event, channel kind and last error; filters by status', async () => {
      expect(ids((await admin.get('/api/outbox?q=LP.BRAVO')).json())).toEqual([made[1]!]);
      expect(ids((await admin.get('/api/outbox?q=smtp%20451')).json())).toEqual([made[2]!]);
      expect(ids((await admin.get('/api/outbox?q=dingtalk')).json())).toEqual([made[3]!]);
      expect(ids((await admin.get('/api/outbox?q=lp.&status=dead')).json())).toEqual([made[1]!]);
      expect((await admin.get(`/api/outbox?q=${enc('lp%')}`)).json()).toMatchObject({ items: [], total: 0 });
      const dead = (await admin.get('/api/outbox?q=lp.&status=dead')).json();
      expect(dead.items[0].lastError).toBe('HTTP 503 upstream');
    });

    it('stays with the tenant’s admins', async () => {
      const theirs = (await otherAdmin.get('/api/outbox?q=lp.')).json();
      expect(theirs.items.map((o: Json) => o.event)).toEqual(['lp.other']);
      expect(theirs.total).toBe(1);
      expect((await ops.get('/api/outbox?q=lp.&limit=1')).json().total).toBe(4);
      expect((await rep.get('/api/outbox')).statusCode).toBe(403);
      expect((await managerA.get('/api/outbox?q=lp.')).statusCode).toBe(403);
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(admin, '/api/outbox?sort=payload', 'sort');
      await expectBad(admin, '/api/outbox?limit=0', 'limit');
      await expectBad(admin, '/api/outbox?offset=-2', 'offset');
      await expectBad(admin, '/api/outbox?status=lost', 'status');
      await expectBad(admin, `/api/outbox?q=${'y'.repeat(101)}`, 'q');
    });
  });

  describe('receipts', () => {
    const receipts: Json[] = [];
    const contracts: Json[] = [];
    const accounts: Json[] = [];
    beforeAll(async () => {
      for (const quantity of [10, 12]) {
        const { quote, account } = await acceptedQuote(rep, managerA, q2c.product.id, quantity);
        contracts.push(await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01'));
        accounts.push(account);
      }
      for (const [c, amount, receivedOn, reference, method] of [
        [0, 3000, '2026-10-05', 'BANK-REF-A1', 'bank_transfer'],
        [0, 1000, '2026-09-10', 'BANK-REF-A2', 'acceptance_bill'],
        [0, 2000, '2026-11-20', 'REF_100%', 'bank_transfer'],
        [1, 4000, '2026-09-20', 'BANK-REF-B1', 'other'],
      ] as const) {
        const res = await finance.post('/api/receipts', {
          contractId: contracts[c]!.id,
          amount,
          receivedOn,
          reference,
          method,
        });
        expect(res.statusCode, res.body).toBe(201);
        const all = (await finance.get(`/api/receipts?contractId=${contracts[c]!.id}&limit=200`)).json();
        const mine = all.items.find((r: Json) => r.reference === reference);
        expect(mine).toBeTruthy();
        receipts.push(mine);
      }
    });

    it('pages with a total and hasMore, newest receipt first by default', async () => {
      const page = (await finance.get('/api/receipts?limit=3')).json();
      expect(page).toMatchObject({ total: 4, hasMore: true });
      expect(page.items).toHaveLength(3);
      expect(page.items.map((r: Json) => r.receivedOn)).toEqual(['2026-11-20', '2026-10-05', '2026-09-20']);
      const rest = (await finance.get('/api/receipts?limit=3&offset=3')).json();
      expect(rest).toMatchObject({ total: 4, hasMore: false });
      expect(ids(rest)).toEqual([receipts[1]!.id]);
    });

    it('sorts by amount and date, both ways', async () => {
      const amounts = async (sort: string) =>
        (await finance.get(`/api/receipts?sort=${sort}`)).json().items.map((r: Json) => r.amount);
      expect(await amounts('amount')).toEqual([1000, 2000, 3000, 4000]);
      expect(await amounts('-amount')).toEqual([4000, 3000, 2000, 1000]);
      const oldest = ids((await finance.get('/api/receipts?sort=receivedOn')).json());
      const newest = ids((await finance.get('/api/receipts?sort=-receivedOn')).json());
      expect(oldest).toEqual([...newest].reverse());
      expect(oldest[0]).toBe(receipts[1]!.id);
    });

    it('searches reference, contract number and customer; filters by method and contract', async () => {
      expect(ids((await finance.get('/api/receipts?q=bank-ref-b1')).json())).toEqual([receipts[3]!.id]);
      expect(ids((await finance.get(`/api/receipts?q=${enc('100%')}`)).json())).toEqual([receipts[2]!.id]);
      expect((await finance.get('/api/receipts?q=REF_')).json().total).toBe(1);
      const byContract = (
        await finance.get(`/api/receipts?q=${enc(contracts[1]!.number.toLowerCase())}`)
      ).json();
      expect(ids(byContract)).toEqual([receipts[3]!.id]);
      const byCustomer = (await finance.get(`/api/receipts?q=${enc(accounts[0]!.name)}`)).json();
      expect(byCustomer.total).toBe(3);
      expect((await finance.get('/api/receipts?method=acceptance_bill')).json().items).toHaveLength(1);
      const one = (
        await finance.get(`/api/receipts?contractId=${contracts[0]!.id}&method=bank_transfer`)
      ).json();
      expect(one.total).toBe(2);
      expect((await finance.get('/api/receipts?q=nothing-here')).json()).toMatchObject({
        items: [],
        total: 0,
      });
    });

    it('counts only what each one sees', async () => {
      expect((await rep.get('/api/receipts')).json().total).toBe(4);
      expect((await managerA.get('/api/receipts')).json().total).toBe(4);
      expect((await rep2.get('/api/receipts')).json()).toMatchObject({ items: [], total: 0 });
      expect((await managerB.get('/api/receipts?q=bank')).json().total).toBe(0);
      expect((await otherFinance.get('/api/receipts?q=bank')).json()).toMatchObject({ items: [], total: 0 });
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(finance, '/api/receipts?sort=reference', 'sort');
      await expectBad(finance, '/api/receipts?limit=201', 'limit');
      await expectBad(finance, '/api/receipts?offset=x', 'offset');
      await expectBad(finance, '/api/receipts?method=cash_in_bag', 'method');
    });
  });

  describe('price lists', () => {
    const made: Json[] = [];
    beforeAll(async () => {
      for (const body of [
        { name: 'Tariff Alpha', channel: 'direct' },
        { name: 'Tariff Bravo 100%', channel: 'distributor' },
        { name: 'Tariff Charlie', channel: 'distributor', status: 'inactive' },
      ]) {
        const res = await ops.post('/api/price-lists', body);
        expect(res.statusCode, res.body).toBe(201);
        made.push(res.json());
      }
    });

    it('pages with a total; everyone in the tenant reads them', async () => {
      const page = (await rep.get('/api/price-lists?q=tariff&limit=2')).json();
      expect(page).toMatchObject({ total: 3, hasMore: true });
      const rest = (await rep.get('/api/price-lists?q=tariff&limit=2&offset=2')).json();
      expect(rest).toMatchObject({ total: 3, hasMore: false });
      expect([...ids(page), ...ids(rest)].sort()).toEqual(made.map((p) => p.id).sort());
      // Without parameters: the whole (small) set, as the quote editor's picker reads it.
      expect((await rep.get('/api/price-lists')).json().items.length).toBeGreaterThanOrEqual(3);
      expect((await otherAdmin.get('/api/price-lists?q=tariff')).json()).toMatchObject({
        items: [],
        total: 0,
      });
    });

    it('sorts by name both ways, searches the name and filters status and channel', async () => {
      const asc = ids((await rep.get('/api/price-lists?q=tariff&sort=name')).json());
      expect(asc).toEqual(made.map((p) => p.id));
      expect(ids((await rep.get('/api/price-lists?q=tariff&sort=-name')).json())).toEqual([...asc].reverse());
      expect(ids((await rep.get('/api/price-lists?q=tariff&sort=-createdAt')).json())).toEqual(
        [...made].reverse().map((p) => p.id),
      );
      expect(ids((await rep.get(`/api/price-lists?q=${enc('100%')}`)).json())).toEqual([made[1]!.id]);
      expect(ids((await rep.get('/api/price-lists?q=tariff&status=inactive')).json())).toEqual([made[2]!.id]);
      expect(
        ids((await rep.get('/api/price-lists?q=tariff&channel=distributor&status=active')).json()),
      ).toEqual([made[1]!.id]);
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(rep, '/api/price-lists?sort=currency', 'sort');
      await expectBad(rep, '/api/price-lists?limit=0', 'limit');
      await expectBad(rep, '/api/price-lists?channel=moon', 'channel');
      await expectBad(rep, '/api/price-lists?offset=-1', 'offset');
    });
  });
});
