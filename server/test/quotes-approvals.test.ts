import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// Quotes priced from products, versions through negotiation, and approval by the authority
// matrix: the default quote matrix sends a discount over 15 % to the manager and the director
// (sales ops), a margin under 20 % also to finance.
describe('quotes and approvals', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let rep2: Client;
  let managerA: Client;
  let managerB: Client;
  let regionManager: Client;
  let ops: Client;
  let admin: Client;
  let finance: Client;
  let widget: { id: string };
  let gadget: { id: string };

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    [rep, rep2, managerA, managerB, regionManager, ops, admin, finance] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.repA2),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.managerB),
      clientFor(app, org.users.regionManager),
      clientFor(app, org.users.ops),
      clientFor(app, org.users.admin),
      clientFor(app, org.users.finance),
    ]);
    widget = (
      await admin.post('/api/products', {
        sku: 'W-100',
        name: '工业网关 W100',
        spec: '4G/以太网',
        listPrice: 10000, // 100.00 元
        cost: 6000,
      })
    ).json();
    gadget = (
      await admin.post('/api/products', { sku: 'G-200', name: '传感器 G200', listPrice: 3333, cost: 2000 })
    ).json();
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  async function newDeal(client = rep) {
    const account = (await client.post('/api/accounts', makeAccountInput())).json();
    return (await client.post('/api/deals', makeDealInput(account.id))).json();
  }

  const terms = { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' };

  it('prices a quote exactly and hides cost and margin from a rep', async () => {
    const deal = await newDeal();
    const res = await rep.post('/api/quotes', {
      dealId: deal.id,
      taxMode: 'exclusive',
      lines: [
        { productId: widget.id, quantity: 3, discountPercent: 10, taxRatePercent: 13 },
        { productId: gadget.id, quantity: '2.5', taxRatePercent: '13' },
      ],
      terms,
    });
    expect(res.statusCode).toBe(201);
    const q = res.json();
    // 270.00 + 35.10 VAT; 83.33 + 10.83 VAT (see quote-totals.test.ts for the hand working)
    expect([q.netAmount, q.taxAmount, q.grossAmount, q.discountBp]).toEqual([35333, 4593, 39926, 783]);
    expect(q.number).toMatch(/^QT\d{8}-\d{3}$/);
    expect(q.status).toBe('draft');
    expect(q.ownerId).toBe(org.users.repA1.id);
    expect(q).not.toHaveProperty('marginBp');
    expect(q.lines[0]).not.toHaveProperty('unitCost');
    expect(q.lines[0].totals).not.toHaveProperty('marginAmount');
    expect(q.lines[0]).toMatchObject({ sku: 'W-100', spec: '4G/以太网', unitPrice: 10000, quantity: '3' });

    const seen = (await managerA.get(`/api/quotes/${q.id}`)).json();
    expect([seen.costAmount, seen.marginBp]).toEqual([23000, 3491]);
  });

  it.each([
    ['zero quantity', { quantity: 0 }, 'lines.0.quantity'],
    ['a discount over 100 %', { quantity: 1, discountPercent: 120 }, 'lines.0.discountPercent'],
    ['too many decimals', { quantity: '1.123456' }, 'lines.0.quantity'],
  ])('refuses %s with 422 naming the field, and writes nothing', async (_l, line, field) => {
    const deal = await newDeal();
    const res = await rep.post('/api/quotes', {
      dealId: deal.id,
      lines: [{ productId: widget.id, ...line }],
      terms,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'QUOTE_INVALID', field });
    expect((await rep.get(`/api/quotes?dealId=${deal.id}`)).json().items).toEqual([]);
  });

  it('refuses a currency mismatch, an unknown product and someone else’s deal', async () => {
    const deal = await newDeal();
    const usd = (await admin.post('/api/price-lists', { name: 'Export USD', currency: 'USD' })).json();
    const mismatch = await rep.post('/api/quotes', {
      dealId: deal.id,
      priceListId: usd.id,
      lines: [{ productId: widget.id, quantity: 1 }],
      terms,
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json()).toMatchObject({ code: 'CURRENCY_MISMATCH', field: 'priceListId' });
    const unknown = await rep.post('/api/quotes', {
      dealId: deal.id,
      lines: [{ productId: 'prd_nope', quantity: 1 }],
      terms,
    });
    expect(unknown.json()).toMatchObject({ code: 'QUOTE_INVALID', field: 'lines.0.productId' });
    const othersDeal = await newDeal(rep2);
    const foreign = await rep.post('/api/quotes', {
      dealId: othersDeal.id,
      lines: [{ productId: widget.id, quantity: 1 }],
      terms,
    });
    expect(foreign.json()).toMatchObject({ code: 'REFERENCE_NOT_FOUND', field: 'dealId' });
    const missing = await rep.post('/api/quotes', { dealId: deal.id, lines: [], terms });
    expect(missing.statusCode).toBe(400);
  });

  it('prices from a channel price list', async () => {
    const list = (await admin.post('/api/price-lists', { name: '经销商价', channel: 'distributor' })).json();
    expect(
      (
        await rep.request({
          method: 'PUT',
          url: `/api/price-lists/${list.id}/items`,
          payload: { items: [{ productId: widget.id, unitPrice: 1 }] },
        })
      ).statusCode,
    ).toBe(403);
    const set = await admin.request({
      method: 'PUT',
      url: `/api/price-lists/${list.id}/items`,
      payload: { items: [{ productId: widget.id, unitPrice: 8500 }] },
    });
    expect(set.statusCode).toBe(200);
    const deal = await newDeal();
    const q = (
      await rep.post('/api/quotes', {
        dealId: deal.id,
        priceListId: list.id,
        lines: [{ productId: widget.id, quantity: 2 }],
        terms,
      })
    ).json();
    // 2 × 85.00 incl. 13 % VAT: gross 170.00, net 150.44, tax 19.56
    expect([q.lines[0].unitPrice, q.grossAmount, q.netAmount, q.taxAmount]).toEqual([
      8500, 17000, 15044, 1956,
    ]);
  });

  async function quoteWithDiscount(discountPercent: number, client = rep) {
    const deal = await newDeal(client);
    return (
      await client.post('/api/quotes', {
        dealId: deal.id,
        // Prices without tax: 20 % off leaves a 25 % margin, so finance is not asked.
        taxMode: 'exclusive',
        lines: [{ productId: widget.id, quantity: 10, discountPercent }],
        terms,
      })
    ).json();
  }

  it('keeps versions through negotiation and shows what changed', async () => {
    const q = await quoteWithDiscount(5);
    const revised = await rep.request({
      method: 'PUT',
      url: `/api/quotes/${q.id}`,
      ifMatch: q.version,
      payload: {
        lines: [
          { productId: widget.id, quantity: 12, discountPercent: 8 },
          { productId: gadget.id, quantity: 1 },
        ],
        terms: { ...terms, deliveryDate: '2099-02-28' },
        note: '客户要求增加数量',
      },
    });
    expect(revised.statusCode).toBe(200);
    expect(revised.json().currentVersion).toBe(2);
    const stale = await rep.request({
      method: 'PUT',
      url: `/api/quotes/${q.id}`,
      ifMatch: q.version,
      payload: { lines: [{ productId: widget.id, quantity: 1 }], terms },
    });
    expect(stale.statusCode).toBe(412);
    const versions = (await rep.get(`/api/quotes/${q.id}/versions`)).json().items;
    expect(versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    const diff = (await rep.get(`/api/quotes/${q.id}/diff?from=1&to=2`)).json();
    expect(diff.added.map((l: { productId: string }) => l.productId)).toEqual([gadget.id]);
    expect(diff.changed[0].changes.map((c: { field: string }) => c.field)).toEqual([
      'discountPercent',
      'grossAmount',
      'quantity',
    ]);
    expect(diff.terms).toEqual([{ field: 'deliveryDate', from: '2099-01-31', to: '2099-02-28' }]);
  });

  it('walks the chain the matrix picks; no self-approval, no approving out of turn', async () => {
    const q = await quoteWithDiscount(20); // > 15 % → manager then director
    const submitted = await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().status).toBe('pending_approval');
    const approvalId = submitted.json().approvalId;
    const approval = (await rep.get(`/api/approvals/${approvalId}`)).json();
    expect(approval.steps.map((s: { levelKey: string }) => s.levelKey)).toEqual(['manager', 'director']);
    expect(approval.pendingApprovers).toEqual([org.users.managerA.id]);

    // The manager is told in the inbox.
    const inbox = (await managerA.get('/api/notifications')).json();
    expect(JSON.stringify(inbox)).toContain('待审批');

    // While waiting, the quote is frozen.
    const frozen = await rep.request({
      method: 'PUT',
      url: `/api/quotes/${q.id}`,
      ifMatch: submitted.json().version,
      payload: { lines: [{ productId: widget.id, quantity: 1 }], terms },
    });
    expect(frozen.json().code).toBe('INVALID_STATE');

    const self = await rep.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect([self.statusCode, self.json().code]).toEqual([403, 'APPROVAL_SELF']);
    const early = await ops.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect([early.statusCode, early.json().code]).toEqual([409, 'APPROVAL_OUT_OF_TURN']);
    // A manager of another team can neither see nor decide it.
    const stranger = await managerB.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect(stranger.statusCode).toBe(404);

    expect(
      (await managerA.get('/api/approvals?box=pending')).json().items.map((a: { id: string }) => a.id),
    ).toContain(approvalId);
    const step1 = await managerA.post(`/api/approvals/${approvalId}/decide`, {
      decision: 'approve',
      comment: '同意',
    });
    expect(step1.json().pendingApprovers).toEqual([org.users.ops.id]);
    const twice = await managerA.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect(twice.json().code).toBe('APPROVAL_NOT_APPROVER');
    const step2 = await ops.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect(step2.json().status).toBe('approved');
    const approved = (await rep.get(`/api/quotes/${q.id}`)).json();
    expect(approved.status).toBe('approved');

    const accepted = await rep.post(`/api/quotes/${q.id}/accept`, {}, { ifMatch: approved.version });
    expect(accepted.json().status).toBe('accepted');
    const locked = await rep.request({
      method: 'PUT',
      url: `/api/quotes/${q.id}`,
      ifMatch: accepted.json().version,
      payload: { lines: [{ productId: widget.id, quantity: 1 }], terms },
    });
    expect([locked.statusCode, locked.json().code]).toEqual([409, 'INVALID_STATE']);
  });

  it('rejects with a comment, and the revised quote goes round again', async () => {
    const q = await quoteWithDiscount(8); // > 5 % → manager only
    const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
    const noComment = await managerA.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'reject' });
    expect([noComment.statusCode, noComment.json().field]).toEqual([422, 'comment']);
    await managerA.post(`/api/approvals/${sub.approvalId}/decide`, {
      decision: 'reject',
      comment: '折扣过大',
    });
    const rejected = (await rep.get(`/api/quotes/${q.id}`)).json();
    expect(rejected.status).toBe('rejected');
    expect(JSON.stringify((await rep.get('/api/notifications')).json())).toContain('审批已驳回');
    const resub = await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: rejected.version });
    expect(resub.json().status).toBe('pending_approval');
    expect(resub.json().approvalId).not.toBe(sub.approvalId);
  });

  it('returns to an earlier step or the requester, and a delegate approves for an absent manager', async () => {
    const q = await quoteWithDiscount(20);
    const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
    const id = sub.approvalId;

    // The manager is away: the region manager stands in.
    const today = new Date().toISOString().slice(0, 10);
    const dlg = await managerA.post('/api/approval-delegations', {
      delegateId: org.users.regionManager.id,
      startsOn: today,
      endsOn: today,
    });
    expect(dlg.statusCode).toBe(201);
    const bad = await managerA.post('/api/approval-delegations', {
      delegateId: org.users.regionManager.id,
      startsOn: today,
      endsOn: '2000-01-01',
    });
    expect([bad.statusCode, bad.json().field]).toEqual([400, 'endsOn']);
    expect(
      (await regionManager.get('/api/approvals?box=pending')).json().items.map((a: { id: string }) => a.id),
    ).toContain(id);
    const byDelegate = (
      await regionManager.post(`/api/approvals/${id}/decide`, { decision: 'approve' })
    ).json();
    expect(byDelegate.steps[0].decisions[0]).toMatchObject({
      userId: org.users.regionManager.id,
      onBehalfOf: org.users.managerA.id,
    });

    // The director sends it back to the manager's step…
    const badTarget = await ops.post(`/api/approvals/${id}/decide`, {
      decision: 'return',
      returnTo: 1,
      comment: 'x',
    });
    expect(badTarget.json()).toMatchObject({ code: 'APPROVAL_RETURN_TARGET', field: 'returnTo' });
    const back = (
      await ops.post(`/api/approvals/${id}/decide`, {
        decision: 'return',
        returnTo: 0,
        comment: '请经理确认交期',
      })
    ).json();
    expect([back.status, back.current, back.pendingApprovers]).toEqual([
      'pending',
      0,
      [org.users.managerA.id],
    ]);
    await managerA.post(`/api/approvals/${id}/decide`, { decision: 'approve' });
    // …then to the requester, who resubmits.
    const toRep = (
      await ops.post(`/api/approvals/${id}/decide`, {
        decision: 'return',
        returnTo: -1,
        comment: '请补充付款条件',
      })
    ).json();
    expect(toRep.status).toBe('returned');
    expect((await rep.get(`/api/quotes/${q.id}`)).json().status).toBe('returned');
    const again = (await rep.post(`/api/approvals/${id}/decide`, { decision: 'resubmit' })).json();
    expect([again.status, again.current]).toEqual(['pending', 0]);
    expect((await rep.get(`/api/quotes/${q.id}`)).json().status).toBe('pending_approval');
  });

  it('sends a thin margin to finance too, and refuses a level nobody can approve', async () => {
    const deal = await newDeal();
    // 40 % off 100.00 with cost 60.00 → margin below 20 % (net 53.10 incl. VAT)
    const q = (
      await rep.post('/api/quotes', {
        dealId: deal.id,
        lines: [{ productId: widget.id, quantity: 1, discountPercent: 40 }],
        terms,
      })
    ).json();
    const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
    const a = (await finance.get(`/api/approvals/${sub.approvalId}`)).json();
    expect(a.steps.map((s: { levelKey: string }) => s.levelKey)).toEqual(['manager', 'director', 'finance']);

    // A matrix naming a role nobody has: the submit is refused and the quote stays a draft.
    const current = (await admin.get('/api/approval-matrices/quote')).json();
    const matrix = {
      ...current.matrix,
      levels: [
        ...current.matrix.levels,
        {
          key: 'legal',
          name: { 'zh-CN': '法务', 'en-US': 'Legal' },
          approvers: [{ kind: 'role', role: 'legal' }],
          mode: 'any',
        },
      ],
      always: ['legal'],
    };
    const rejectedByRep = await rep.request({
      method: 'PUT',
      url: '/api/approval-matrices/quote',
      payload: matrix,
      ifMatch: current.version,
    });
    expect(rejectedByRep.statusCode).toBe(403);
    const invalid = await admin.request({
      method: 'PUT',
      url: '/api/approval-matrices/quote',
      payload: { ...matrix, always: ['ceo'] },
      ifMatch: current.version,
    });
    expect([invalid.statusCode, invalid.json().field]).toEqual([400, 'always.0']);
    const saved = await admin.request({
      method: 'PUT',
      url: '/api/approval-matrices/quote',
      payload: matrix,
      ifMatch: current.version,
    });
    expect(saved.statusCode).toBe(200);
    const q2 = await quoteWithDiscount(1);
    const refused = await rep.post(`/api/quotes/${q2.id}/submit`, undefined, { ifMatch: q2.version });
    expect([refused.statusCode, refused.json().code]).toEqual([422, 'APPROVAL_NO_APPROVER']);
    expect((await rep.get(`/api/quotes/${q2.id}`)).json().status).toBe('draft');
  });

  it('keeps quotes and approvals inside their tenant and owner reach', async () => {
    const q = await quoteWithDiscount(20);
    const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
    const other = await makeOrg(database.db);
    const outsider = await clientFor(app, other.users.admin);
    expect((await outsider.get(`/api/quotes/${q.id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/approvals/${sub.approvalId}`)).statusCode).toBe(404);
    expect((await outsider.get('/api/quotes')).json().items).toEqual([]);
    expect((await rep2.get(`/api/quotes/${q.id}`)).statusCode).toBe(404);
    expect((await managerB.get(`/api/quotes/${q.id}`)).statusCode).toBe(404);
    expect((await managerA.get(`/api/quotes/${q.id}`)).statusCode).toBe(200);
  });
});
