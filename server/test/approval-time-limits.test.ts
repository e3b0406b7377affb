import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sweepApprovalClocks } from '../src/modules/approvals/approval-clock.service';
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

// Approval time limits (审批时限) over a weekend. The default quote matrix gives the manager level
// 8 working hours and the director level 16; the default calendar works 09:00–12:00 and
// 13:30–18:00 Asia/Shanghai (7.5 hours a day), Monday to Friday.
//
// Submitted Friday 2026-11-27 16:00 (08:00Z): Friday gives 2 h, Monday 09:00–12:00 3 h more,
// and the last 3 h end at 16:30 on Monday 2026-11-30 = 08:30Z.
const FRIDAY_1600 = new Date('2026-11-27T08:00:00Z');
const MANAGER_DUE = '2026-11-30T08:30:00.000Z';

describe('approval time limits and escalation', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  let managerA: Client;
  let ops: Client;
  let product: { id: string };

  beforeAll(async () => {
    // Only Date is faked: the clocks start at the time a step becomes pending.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T07:00:00Z'));
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    const admin = await clientFor(app, org.users.admin);
    [rep, managerA, ops] = await Promise.all([
      clientFor(app, org.users.repA1),
      clientFor(app, org.users.managerA),
      clientFor(app, org.users.ops),
    ]);
    product = (
      await admin.post('/api/products', { sku: 'TL-1', name: '数据采集器', listPrice: 100_000, cost: 40_000 })
    ).json();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app.close();
    await database.drop();
  });

  /** A quote submitted for approval at `at`: 10 % off goes to the manager, 20 % also to the director. */
  async function submitQuote(discountPercent: number, at: Date) {
    vi.setSystemTime(at);
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    const q = (
      await rep.post('/api/quotes', {
        dealId: deal.id,
        lines: [{ productId: product.id, quantity: 1, discountPercent, taxRatePercent: 0 }],
        terms: { paymentDays: 30, validUntil: '2099-12-31' },
      })
    ).json();
    const sub = await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version });
    expect(sub.statusCode).toBe(200);
    return { quoteId: q.id as string, approvalId: sub.json().approvalId as string };
  }

  const clocks = async (approvalId: string, who = rep) => {
    const res = await who.get(`/api/approvals/${approvalId}/clocks`);
    expect(res.statusCode).toBe(200);
    return res.json().items as Array<Record<string, unknown>>;
  };
  const overdueNotices = async (quoteId: string) =>
    (
      await database.db
        .selectFrom('notifications')
        .select('userId')
        .where('kind', '=', 'approval_overdue')
        .where('recordId', '=', quoteId)
        .orderBy('userId')
        .execute()
    ).map((n) => n.userId);
  const sweepAt = (iso: string) => sweepApprovalClocks(database, new Date(iso));

  it('starts the clock on submit and counts only working hours across the weekend', async () => {
    const { approvalId, quoteId } = await submitQuote(10, FRIDAY_1600);
    expect(await clocks(approvalId)).toEqual([
      expect.objectContaining({
        stepIndex: 0,
        levelKey: 'manager',
        timeLimitHours: 8,
        startedAt: FRIDAY_1600.toISOString(),
        dueAt: MANAGER_DUE,
        status: 'running',
      }),
    ]);
    // Saturday, Sunday and Monday a minute before the limit: nothing is due yet.
    for (const at of ['2026-11-28T04:00:00Z', '2026-11-29T10:00:00Z', '2026-11-30T08:29:00Z']) {
      expect((await sweepAt(at)).filter((e) => e.approvalId === approvalId)).toEqual([]);
    }
    expect(await overdueNotices(quoteId)).toEqual([]);
  });

  it('on breach tells the approver and their manager exactly once, however often the sweep runs', async () => {
    const { approvalId, quoteId } = await submitQuote(10, FRIDAY_1600);
    // Two processes sweeping at the same moment: one breach between them.
    const events = (await Promise.all([sweepAt('2026-11-30T08:31:00Z'), sweepAt('2026-11-30T08:31:00Z')]))
      .flat()
      .filter((e) => e.approvalId === approvalId);
    const expected = [org.users.managerA.id, org.users.regionManager.id].sort();
    expect(events).toEqual([expect.objectContaining({ kind: 'breach', recipients: expected })]);
    expect(await overdueNotices(quoteId)).toEqual(expected);

    // Later sweeps add nothing.
    await sweepAt('2026-11-30T09:00:00Z');
    await sweepAt('2026-12-01T02:00:00Z');
    expect(await overdueNotices(quoteId)).toEqual(expected);
    const [clock] = await clocks(approvalId);
    expect(clock).toMatchObject({
      status: 'breached',
      breachedAt: '2026-11-30T08:31:00.000Z',
      stoppedAt: null,
    });

    // The message names the quote and the limit, in both languages.
    const note = await database.db
      .selectFrom('notifications')
      .select(['titleZh', 'bodyZh', 'titleEn'])
      .where('kind', '=', 'approval_overdue')
      .where('recordId', '=', quoteId)
      .where('userId', '=', org.users.managerA.id)
      .executeTakeFirstOrThrow();
    expect(note.titleZh).toMatch(/^审批超时：报价单 QT\d{8}-\d{3}$/);
    expect(note.bodyZh).toContain('8 个工作小时');
    expect(note.bodyZh).toContain('2026-11-30 16:30');
    expect(note.titleEn).toMatch(/^Approval overdue: Quote QT/);

    // Deciding afterwards stops the clock; it stays breached.
    vi.setSystemTime(new Date('2026-12-01T02:00:00Z'));
    const ok = await managerA.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect(ok.statusCode).toBe(200);
    expect((await clocks(approvalId))[0]).toMatchObject({
      status: 'breached',
      stoppedAt: '2026-12-01T02:00:00.000Z',
    });
  });

  it('stops the clock when the step is decided in time: no breach later', async () => {
    const { approvalId, quoteId } = await submitQuote(10, FRIDAY_1600);
    vi.setSystemTime(new Date('2026-11-30T02:00:00Z')); // Monday 10:00
    const ok = await managerA.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    expect(ok.json().status).toBe('approved');
    expect((await clocks(approvalId))[0]).toMatchObject({
      status: 'met',
      stoppedAt: '2026-11-30T02:00:00.000Z',
    });
    expect((await sweepAt('2026-12-03T02:00:00Z')).filter((e) => e.approvalId === approvalId)).toEqual([]);
    expect(await overdueNotices(quoteId)).toEqual([]);
  });

  it('starts the next level’s clock when a step passes, with that level’s limit', async () => {
    const { approvalId, quoteId } = await submitQuote(20, FRIDAY_1600);
    vi.setSystemTime(new Date('2026-11-30T02:00:00Z')); // Monday 10:00
    await managerA.post(`/api/approvals/${approvalId}/decide`, { decision: 'approve' });
    // 16 working hours from Monday 10:00: Monday 6.5, Tuesday 7.5, Wednesday 09:00–11:00.
    const [first, second] = await clocks(approvalId);
    expect(first).toMatchObject({ levelKey: 'manager', status: 'met' });
    expect(second).toMatchObject({
      stepIndex: 1,
      levelKey: 'director',
      timeLimitHours: 16,
      startedAt: '2026-11-30T02:00:00.000Z',
      dueAt: '2026-12-02T03:00:00.000Z',
      status: 'running',
    });
    expect((await sweepAt('2026-12-02T02:59:00Z')).filter((e) => e.approvalId === approvalId)).toEqual([]);
    const events = (await sweepAt('2026-12-02T03:00:00Z')).filter((e) => e.approvalId === approvalId);
    // Sales ops approve at the director level; they sit in no unit, so no manager is told.
    expect(events).toEqual([expect.objectContaining({ kind: 'breach', recipients: [org.users.ops.id] })]);
    expect(await overdueNotices(quoteId)).toEqual([org.users.ops.id]);
  });

  it('restarts the clock for a new round after a return, and stops it while returned', async () => {
    const { approvalId } = await submitQuote(10, FRIDAY_1600);
    vi.setSystemTime(new Date('2026-11-30T01:30:00Z'));
    const back = await managerA.post(`/api/approvals/${approvalId}/decide`, {
      decision: 'return',
      comment: '请补充客户采购计划',
      returnTo: -1,
    });
    expect(back.json().status).toBe('returned');
    expect((await clocks(approvalId)).map((c) => c.status)).toEqual(['met']);
    vi.setSystemTime(new Date('2026-11-30T06:00:00Z')); // Monday 14:00
    const again = await rep.post(`/api/approvals/${approvalId}/decide`, { decision: 'resubmit' });
    expect(again.json().status).toBe('pending');
    const list = await clocks(approvalId);
    expect(list).toHaveLength(2);
    // Monday 14:00 + 8 working hours: Monday 4 h, Tuesday 09:00–12:00 3 h, then 13:30–14:30.
    expect(list[1]).toMatchObject({ round: 2, status: 'running', dueAt: '2026-12-01T06:30:00.000Z' });
  });

  it('hides the clocks of a request from people who cannot see it, and 404s an unknown one', async () => {
    const { approvalId } = await submitQuote(10, FRIDAY_1600);
    const repB = await clientFor(app, org.users.repB1);
    expect((await repB.get(`/api/approvals/${approvalId}/clocks`)).statusCode).toBe(404);
    expect((await ops.get(`/api/approvals/${approvalId}/clocks`)).statusCode).toBe(200);
    const unknown = await rep.get('/api/approvals/apr_nope/clocks');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('RECORD_NOT_FOUND');
  });
});
