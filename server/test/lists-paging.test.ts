import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../src/modules/notifications/notification.service';
import { acceptedQuote, type Q2C, setUpQuoteToCash, signedContract } from './contracts-fixture';
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
} from './harness';

// The lists of issue 4 item 3 on the server: paging with a total, sort both ways, search, a
// filter, bad parameters answered 400 with the field, and visibility as before.

type Json = Record<string, any>;
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id);

async function expectBad(client: Client, url: string, field: string) {
  const res = await client.get(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
  const body = res.json();
  expect(body.code).toBe('VALIDATION_FAILED');
  expect(body.field).toBe(field);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
}

describe('server-side lists: paging, sort, search, filters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'salesops-lists-'));
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let admin: Client;
  let ops: Client;
  let rep: Client;
  let rep2: Client;
  let managerA: Client;
  let managerB: Client;
  let q2c: Q2C;

  beforeAll(async () => {
    process.env.ATTACHMENTS_DIR = dir;
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [admin, ops, rep, rep2, managerA, managerB] = await Promise.all([
      clientFor(app, org.users.admin),
      clientFor(app, org.users.ops),
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.managerB),
    ]);
    q2c = await setUpQuoteToCash(app, database, org, admin);
  });
  afterAll(async () => {
    delete process.env.ATTACHMENTS_DIR;
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('automation rules', () => {
    const rule = (name: string, event: string, recordType: string, status = 'active') => ({
      name,
      status,
      trigger: { event, recordType },
      actions: [{ type: 'notify', to: { owner: true }, title: `${name} fired` }],
    });
    const made: Json[] = [];
    beforeAll(async () => {
      for (const r of [
        rule('Alpha lead intake', 'record.created', 'lead'),
        rule('Bravo deal stage', 'stage.entered', 'deal'),
        rule('Charlie 100% done', 'record.updated', 'deal', 'paused'),
        rule('Delta 线索提醒', 'record.created', 'lead', 'paused'),
        rule('Echo account', 'record.created', 'account'),
      ]) {
        const res = await ops.post('/api/automation-rules', r);
        expect(res.statusCode, res.body).toBe(201);
        made.push(res.json());
      }
    });

    it('pages with a total and hasMore', async () => {
      const first = (await ops.get('/api/automation-rules?limit=2&offset=0')).json();
      expect(first.total).toBe(5);
      expect(first.items).toHaveLength(2);
      expect(first.hasMore).toBe(true);
      const last = (await ops.get('/api/automation-rules?limit=2&offset=4')).json();
      expect(last.items).toHaveLength(1);
      expect(last.hasMore).toBe(false);
      const all = new Set<string>();
      for (const offset of [0, 2, 4])
        for (const id of ids((await ops.get(`/api/automation-rules?limit=2&offset=${offset}`)).json()))
          all.add(id);
      expect([...all].sort()).toEqual(made.map((r) => r.id).sort());
    });

    it('sorts by name both ways (case-insensitive order not assumed) and by time', async () => {
      const asc = (await ops.get('/api/automation-rules?sort=name')).json().items.map((r: Json) => r.name);
      const desc = (await ops.get('/api/automation-rules?sort=-name')).json().items.map((r: Json) => r.name);
      expect(asc).toEqual([...desc].reverse());
      expect(asc[0]).toBe('Alpha lead intake');
      const newest = (await ops.get('/api/automation-rules?sort=-createdAt&limit=1')).json();
      expect(newest.items[0].id).toBe(made[4]!.id);
      const oldest = (await ops.get('/api/automation-rules?sort=createdAt&limit=1')).json();
      expect(oldest.items[0].id).toBe(made[0]!.id);
    });

    it('searches the name, case-insensitively, with % taken literally', async () => {
      expect(ids((await ops.get('/api/automation-rules?q=ALPHA')).json())).toEqual([made[0]!.id]);
      expect(ids((await ops.get(`/api/automation-rules?q=${encodeURIComponent('线索')}`)).json())).toEqual([
        made[3]!.id,
      ]);
      const pct = (await ops.get(`/api/automation-rules?q=${encodeURIComponent('100%')}`)).json();
      expect(ids(pct)).toEqual([made[2]!.id]);
      expect((await ops.get(`/api/automation-rules?q=${encodeURIComponent('%')}`)).json().total).toBe(1);
      const none = (await ops.get('/api/automation-rules?q=nothing-like-this')).json();
      expect(none).toMatchObject({ items: [], total: 0 });
    });

    it('filters by status, trigger event and record type', async () => {
      const paused = (await ops.get('/api/automation-rules?status=paused&sort=name')).json();
      expect(ids(paused)).toEqual([made[2]!.id, made[3]!.id]);
      const created = (await ops.get('/api/automation-rules?event=record.created&sort=name')).json();
      expect(ids(created)).toEqual([made[0]!.id, made[3]!.id, made[4]!.id]);
      const leads = (
        await ops.get('/api/automation-rules?event=record.created&recordType=lead&status=active')
      ).json();
      expect(ids(leads)).toEqual([made[0]!.id]);
    });

    it('answers bad parameters with 400 and the field; reps may not read rules', async () => {
      await expectBad(ops, '/api/automation-rules?limit=0', 'limit');
      await expectBad(ops, '/api/automation-rules?limit=201', 'limit');
      await expectBad(ops, '/api/automation-rules?offset=-1', 'offset');
      await expectBad(ops, '/api/automation-rules?sort=version', 'sort');
      await expectBad(ops, '/api/automation-rules?event=record.exploded', 'event');
      await expectBad(ops, '/api/automation-rules?what=1', 'what');
      expect((await rep.get('/api/automation-rules')).statusCode).toBe(403);
      // Managers read (secrets hidden), as before.
      expect((await managerA.get('/api/automation-rules?limit=1')).json().total).toBe(5);
    });
  });

  describe('approvals', () => {
    const submitted: Json[] = [];
    beforeAll(async () => {
      // Three quotes of rep A1 at 8 % off: each waits for manager A.
      for (const quantity of [2, 4, 6]) {
        const account = (await rep.post('/api/accounts', makeAccountInput())).json();
        const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
        const q = (
          await rep.post('/api/quotes', {
            dealId: deal.id,
            title: `Gateway offer ${quantity}`,
            taxMode: 'exclusive',
            lines: [{ productId: q2c.product.id, quantity, discountPercent: 8, taxRatePercent: 13 }],
            terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
          })
        ).json();
        const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
        expect(sub.status).toBe('pending_approval');
        submitted.push({ quote: q, approvalId: sub.approvalId });
      }
    });

    it('pages my requests with a total and sorts them both ways', async () => {
      const mine = (await rep.get('/api/approvals?box=mine&limit=2')).json();
      expect(mine.total).toBe(3);
      expect(mine.items).toHaveLength(2);
      expect(mine.hasMore).toBe(true);
      const desc = ids((await rep.get('/api/approvals?box=mine&sort=-createdAt')).json());
      const asc = ids((await rep.get('/api/approvals?box=mine&sort=createdAt')).json());
      expect(asc).toEqual([...desc].reverse());
      expect(asc[0]).toBe(submitted[0]!.approvalId);
      const byUpdate = ids((await rep.get('/api/approvals?box=mine&sort=-updatedAt')).json());
      expect(byUpdate.sort()).toEqual([...asc].sort());
    });

    it('searches by the quote number, its title or the requester', async () => {
      const number = submitted[1]!.quote.number as string;
      const byNumber = (
        await managerA.get(`/api/approvals?box=pending&q=${encodeURIComponent(number)}`)
      ).json();
      expect(ids(byNumber)).toEqual([submitted[1]!.approvalId]);
      const byTitle = (await managerA.get('/api/approvals?box=pending&q=gateway%20OFFER%206')).json();
      expect(ids(byTitle)).toEqual([submitted[2]!.approvalId]);
      const byRequester = (
        await managerA.get(`/api/approvals?box=pending&q=${encodeURIComponent('张三')}`)
      ).json();
      expect(byRequester.total).toBe(3);
      expect((await managerA.get('/api/approvals?box=pending&q=nobody-here')).json().total).toBe(0);
    });

    it('keeps what each one sees: another team’s manager finds nothing', async () => {
      const number = submitted[0]!.quote.number as string;
      expect(
        (await managerB.get(`/api/approvals?box=all&q=${encodeURIComponent(number)}`)).json().total,
      ).toBe(0);
      expect((await rep2.get('/api/approvals?box=mine')).json().total).toBe(0);
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(rep, '/api/approvals?sort=amount', 'sort');
      await expectBad(rep, '/api/approvals?limit=abc', 'limit');
      await expectBad(rep, '/api/approvals?offset=-5', 'offset');
      await expectBad(rep, `/api/approvals?q=${'x'.repeat(101)}`, 'q');
    });
  });

  describe('notifications inbox', () => {
    // Rep B1 has had no other notifications in this file.
    let rep: Client;
    beforeAll(async () => {
      rep = await clientFor(app, org.users.repB1);
      const send = (zh: string, en: string, kind: string, userId = org.users.repB1.id) =>
        notify(database.db, {
          tenantId: org.tenant.id,
          to: { userIds: [userId] },
          kind,
          title: { 'zh-CN': zh, 'en-US': en },
          body: { 'zh-CN': `${zh}的详情`, 'en-US': `Details of ${en}` },
        });
      await send('合同待签', 'Contract to sign', 'approval');
      await send('线索超时', 'Lead overdue', 'sla_warning');
      await send('回款提醒', 'Payment due soon', 'sla_warning');
      await send('新线索分配', 'New lead assigned', 'assignment');
      // Someone else's: never in rep B1's inbox.
      await send('线索超时', 'Lead overdue (other)', 'sla_warning', org.users.repA2.id);
    });

    it('searches title and text in either language; total counts what matches', async () => {
      const lead = (await rep.get('/api/notifications?q=LEAD')).json();
      expect(lead.total).toBe(2);
      expect(lead.items.map((n: Json) => n.title['en-US']).sort()).toEqual([
        'Lead overdue',
        'New lead assigned',
      ]);
      const zh = (await rep.get(`/api/notifications?q=${encodeURIComponent('回款')}`)).json();
      expect(zh.items.map((n: Json) => n.title['en-US'])).toEqual(['Payment due soon']);
      const body = (await rep.get('/api/notifications?q=details%20of%20contract')).json();
      expect(body.total).toBe(1);
      expect((await rep.get('/api/notifications?q=nothing-matches')).json()).toMatchObject({
        items: [],
        total: 0,
      });
      expect((await rep2.get('/api/notifications')).json().total).toBe(1);
    });

    it('pages with a total, sorts both ways and filters by kind', async () => {
      const page = (await rep.get('/api/notifications?limit=3')).json();
      expect(page).toMatchObject({ total: 4, hasMore: true });
      expect(page.items).toHaveLength(3);
      const rest = (await rep.get('/api/notifications?limit=3&offset=3')).json();
      expect(rest.items).toHaveLength(1);
      expect(rest.hasMore).toBe(false);
      const newest = ids((await rep.get('/api/notifications?sort=-createdAt')).json());
      const oldest = ids((await rep.get('/api/notifications?sort=createdAt')).json());
      expect(oldest).toEqual([...newest].reverse());
      const byKind = (await rep.get('/api/notifications?sort=kind')).json().items.map((n: Json) => n.kind);
      expect(byKind).toEqual([...byKind].sort());
      const warnings = (await rep.get('/api/notifications?kind=sla_warning')).json();
      expect(warnings.total).toBe(2);
      // The cursor still pages the default order.
      const c1 = (await rep.get('/api/notifications?limit=2')).json();
      const c2 = (await rep.get(`/api/notifications?limit=2&cursor=${c1.nextCursor}`)).json();
      expect([...ids(c1), ...ids(c2)]).toEqual(newest);
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(rep, '/api/notifications?sort=title', 'sort');
      await expectBad(rep, '/api/notifications?limit=0', 'limit');
      await expectBad(rep, '/api/notifications?offset=x', 'offset');
      const c = (await rep.get('/api/notifications?limit=1')).json().nextCursor;
      await expectBad(rep, `/api/notifications?sort=createdAt&cursor=${c}`, 'cursor');
    });
  });

  describe('orders and contracts', () => {
    const made: Json[] = [];
    beforeAll(async () => {
      for (const quantity of [3, 7]) {
        const { quote, account } = await acceptedQuote(rep, managerA, q2c.product.id, quantity);
        const contract = await signedContract(rep, managerA, q2c.legal, quote.id, '2026-09-01');
        const res = await rep.post('/api/orders', { contractId: contract.id, deliveryDate: '2026-12-01' });
        expect(res.statusCode, res.body).toBe(201);
        made.push({ order: res.json(), contract, account });
      }
    });

    it('orders: paging with a total, sort by amount both ways, search by number, contract or customer', async () => {
      const page = (await rep.get('/api/orders?limit=1')).json();
      expect(page).toMatchObject({ total: 2, hasMore: true });
      const asc = (await rep.get('/api/orders?sort=grossAmount')).json().items;
      const desc = (await rep.get('/api/orders?sort=-grossAmount')).json().items;
      expect(ids({ items: asc })).toEqual([made[0]!.order.id, made[1]!.order.id]);
      expect(ids({ items: desc })).toEqual([made[1]!.order.id, made[0]!.order.id]);
      expect(asc[0].grossAmount).toBeLessThan(asc[1].grossAmount);
      const byNumber = (await rep.get(`/api/orders?q=${encodeURIComponent(made[1]!.order.number)}`)).json();
      expect(ids(byNumber)).toEqual([made[1]!.order.id]);
      expect(byNumber.items[0].accountName).toBe(made[1]!.account.name);
      const byContract = (
        await rep.get(`/api/orders?q=${encodeURIComponent(made[0]!.contract.number)}`)
      ).json();
      expect(ids(byContract)).toEqual([made[0]!.order.id]);
      const byCustomer = (await rep.get(`/api/orders?q=${encodeURIComponent(made[0]!.account.name)}`)).json();
      expect(ids(byCustomer)).toEqual([made[0]!.order.id]);
      expect((await rep.get('/api/orders?q=no-such-order')).json()).toMatchObject({ items: [], total: 0 });
    });

    it('orders and contracts: a rep sees only their own, also when searching', async () => {
      const number = made[0]!.order.number as string;
      expect((await rep2.get('/api/orders')).json().total).toBe(0);
      expect((await rep2.get(`/api/orders?q=${encodeURIComponent(number)}`)).json().items).toEqual([]);
      expect((await managerB.get('/api/orders')).json().total).toBe(0);
      expect((await managerA.get(`/api/orders?q=${encodeURIComponent(number)}`)).json().total).toBe(1);
      const cNumber = made[0]!.contract.number as string;
      expect((await rep2.get(`/api/contracts?q=${encodeURIComponent(cNumber)}`)).json()).toMatchObject({
        items: [],
        total: 0,
      });
      expect(
        (await rep.get(`/api/contracts?q=${encodeURIComponent(cNumber.toLowerCase())}`)).json().total,
      ).toBe(1);
    });

    it('contracts: total, sort both ways', async () => {
      const page = (await rep.get('/api/contracts?limit=1')).json();
      expect(page.total).toBeGreaterThanOrEqual(2);
      const asc = ids((await rep.get('/api/contracts?sort=createdAt')).json());
      const desc = ids((await rep.get('/api/contracts?sort=-createdAt')).json());
      expect(asc).toEqual([...desc].reverse());
    });

    it('answers bad parameters with 400 and the field', async () => {
      await expectBad(rep, '/api/orders?sort=number', 'sort');
      await expectBad(rep, '/api/orders?limit=500', 'limit');
      await expectBad(rep, '/api/orders?offset=1.5', 'offset');
      await expectBad(rep, '/api/contracts?sort=title', 'sort');
      await expectBad(rep, '/api/contracts?limit=-1', 'limit');
    });
  });

  describe("a record's audit history", () => {
    let leadId: string;
    beforeAll(async () => {
      let lead = (await rep.post('/api/leads', makeLeadInput())).json();
      for (let i = 1; i <= 6; i++) {
        const res = await rep.patch(`/api/leads/${lead.id}`, { notes: `note ${i}` }, lead.version);
        expect(res.statusCode, res.body).toBe(200);
        lead = res.json();
      }
      leadId = lead.id;
    });

    it('comes a page at a time, newest first, with the total', async () => {
      const first = (await rep.get(`/api/leads/${leadId}/history?limit=3`)).json();
      expect(first.total).toBe(7);
      expect(first.events).toHaveLength(3);
      expect(first.hasMore).toBe(true);
      expect(first.events[0].changes.after.notes).toBe('note 6');
      const all: Json[] = [];
      for (const offset of [0, 3, 6])
        all.push(...(await rep.get(`/api/leads/${leadId}/history?limit=3&offset=${offset}`)).json().events);
      expect(all).toHaveLength(7);
      expect(new Set(all.map((e) => e.id)).size).toBe(7);
      expect(all[6]!.action).toBe('create');
      const times = all.map((e) => e.createdAt as string);
      expect(times).toEqual([...times].sort().reverse());
      const last = (await rep.get(`/api/leads/${leadId}/history?limit=3&offset=6`)).json();
      expect(last.hasMore).toBe(false);
      // Without parameters: the first 50, as before, and the transfers.
      const whole = (await rep.get(`/api/leads/${leadId}/history`)).json();
      expect(whole.events).toHaveLength(7);
      expect(Array.isArray(whole.transfers)).toBe(true);
    });

    it('refuses bad paging and stays out of reach of other reps', async () => {
      await expectBad(rep, `/api/leads/${leadId}/history?limit=0`, 'limit');
      await expectBad(rep, `/api/leads/${leadId}/history?offset=-1`, 'offset');
      await expectBad(rep, `/api/leads/${leadId}/history?sort=createdAt`, 'sort');
      expect((await rep2.get(`/api/leads/${leadId}/history?limit=1`)).statusCode).toBe(404);
    });
  });

  describe('deal board columns from the published playbook', () => {
    it('shows an added stage with its deals, and a stage the playbook dropped in the other column', async () => {
      const before = (await rep.get('/api/deal-board')).json();
      expect(before.stages.map((s: Json) => s.key)).toContain('solution');
      expect(before.stages.map((s: Json) => s.key)).not.toContain('tech_review');

      const account = (await rep.post('/api/accounts', makeAccountInput())).json();
      const early = (
        await ops.post('/api/deals', {
          ...makeDealInput(account.id),
          stage: 'solution',
          ownerId: org.users.repA1.id,
        })
      ).json();
      expect(early.stage).toBe('solution');
      const inSolution = (await rep.get('/api/deal-board/deals?stage=solution')).json();
      expect(ids(inSolution)).toContain(early.id);

      // A new version: a technical review after the first stage, no solution stage.
      const pb = (await ops.get('/api/playbooks')).json().items.find((p: Json) => p.process === 'deal');
      const current = (await ops.get(`/api/playbook-versions/${pb.publishedVersionId}`)).json().definition;
      const stages: Json[] = (current.stages as Json[])
        .filter((s) => s.key !== 'solution')
        .map((s) => ({ ...s, allowedNext: (s.allowedNext as string[]).filter((k) => k !== 'solution') }));
      stages[0] = { ...stages[0], checklist: [], forms: [], allowedNext: ['tech_review', 'lost'] };
      stages[1] = { ...stages[1], allowedNext: ['negotiation', 'lost'] };
      stages.splice(1, 0, {
        key: 'tech_review',
        name: { 'zh-CN': '技术评审', 'en-US': 'Technical review' },
        ownerRole: 'rep',
        probability: 20,
        allowedNext: ['needs_analysis', 'lost'],
      });
      const draft = await ops.post(`/api/playbooks/${pb.id}/versions`, {
        definition: { ...current, stages },
      });
      expect(draft.statusCode, draft.body).toBe(201);
      const published = await ops.post(`/api/playbook-versions/${draft.json().id}/publish`, {
        openRecords: 'stay',
      });
      expect(published.statusCode, published.body).toBe(200);

      const after = (await rep.get('/api/deal-board')).json();
      expect(after.stages.map((s: Json) => s.key)).toEqual([
        'initial_contact',
        'tech_review',
        'needs_analysis',
        'negotiation',
        'contract',
        'won',
        'lost',
      ]);
      expect(after.stages[1].name['en-US']).toBe('Technical review');

      // A deal of the new version moves into the new stage: its column has it, deal.stage cannot.
      const fresh = (await rep.post('/api/deals', makeDealInput(account.id))).json();
      const moved = await rep.post(
        `/api/deals/${fresh.id}/move`,
        { toStage: 'tech_review' },
        { ifMatch: fresh.version },
      );
      expect(moved.statusCode, moved.body).toBe(200);
      const review = (await rep.get('/api/deal-board/deals?stage=tech_review')).json();
      expect(ids(review)).toEqual([fresh.id]);
      expect(review.total).toBe(1);
      expect(review.items[0].boardStage).toBe('tech_review');
      expect(review.items[0].stage).toBe('initial_contact');
      expect(ids((await rep.get('/api/deal-board/deals?stage=initial_contact')).json())).not.toContain(
        fresh.id,
      );

      // The deal left on the dropped stage does not vanish: it is in the other column.
      const other = (await rep.get('/api/deal-board/deals?stage=_other')).json();
      expect(ids(other)).toContain(early.id);
      expect(other.items.find((d: Json) => d.id === early.id).boardStage).toBe('solution');
      expect(ids((await rep.get('/api/deal-board/deals?stage=solution')).json())).toContain(early.id);

      // Visibility as everywhere: another rep sees neither deal.
      expect((await rep2.get('/api/deal-board/deals?stage=tech_review')).json().total).toBe(0);
      expect(ids((await rep2.get('/api/deal-board/deals?stage=_other')).json())).not.toContain(early.id);
      // Paging and search.
      expect(
        (await rep.get(`/api/deal-board/deals?stage=tech_review&q=${encodeURIComponent(fresh.name)}`)).json()
          .total,
      ).toBe(1);
      expect((await rep.get('/api/deal-board/deals?stage=tech_review&q=zzz-none')).json().total).toBe(0);
      await expectBad(rep, '/api/deal-board/deals?stage=Bad-Key', 'stage');
      await expectBad(rep, '/api/deal-board/deals?stage=tech_review&limit=0', 'limit');
      await expectBad(rep, '/api/deal-board/deals', 'stage');
    });
  });
});
