import { describe, expect, it } from 'vitest';
import { type ApprovalState, decide, pendingApprovers, resubmit, startApproval } from './approval-flow';
import { type ApprovalFacts, approvalMatrixSchema, pickApprovalChain } from './approval-matrix';

const name = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });
const MATRIX = approvalMatrixSchema.parse({
  subject: 'quote',
  levels: [
    { key: 'manager', name: name('销售经理', 'Sales manager'), approvers: [{ kind: 'requester_manager' }] },
    {
      key: 'director',
      name: name('销售总监', 'Sales director'),
      approvers: [{ kind: 'role', role: 'sales_ops' }],
    },
    { key: 'finance', name: name('财务', 'Finance'), approvers: [{ kind: 'role', role: 'finance' }] },
    { key: 'legal', name: name('法务', 'Legal'), approvers: [{ kind: 'role', role: 'legal' }] },
  ],
  always: ['manager'],
  rows: [
    { when: { amountAtLeast: 100_000_000 }, require: ['director'] }, // ≥ 100万元
    { when: { discountAbove: 1500 }, require: ['director'] }, // > 15 %
    { when: { marginBelow: 2000 }, require: ['director', 'finance'] }, // < 20 %
    { when: { paymentTermsDaysAbove: 90 }, require: ['finance'] },
    { when: { productIds: ['prod_custom'] }, require: ['legal'] },
    { when: { amountAtLeast: 500_000_000 }, require: ['director', 'finance', 'legal'] }, // ≥ 500万元
  ],
});

const base: ApprovalFacts = {
  amount: 10_000_000,
  discountBp: 500,
  marginBp: 3500,
  paymentTermsDays: 30,
  productIds: ['prod_std'],
};

describe('approval matrix', () => {
  it.each([
    ['a small standard quote', {}, ['manager']],
    ['exactly 100万', { amount: 100_000_000 }, ['manager', 'director']],
    ['just under 100万', { amount: 99_999_999 }, ['manager']],
    ['a 20 % discount', { discountBp: 2000 }, ['manager', 'director']],
    ['exactly 15 % discount (not above)', { discountBp: 1500 }, ['manager']],
    ['a thin margin', { marginBp: 1500 }, ['manager', 'director', 'finance']],
    ['an unknown margin (cautious)', { marginBp: null }, ['manager', 'director', 'finance']],
    ['120-day payment terms', { paymentTermsDays: 120 }, ['manager', 'finance']],
    ['a custom product', { productIds: ['prod_std', 'prod_custom'] }, ['manager', 'legal']],
    ['600万', { amount: 600_000_000 }, ['manager', 'director', 'finance', 'legal']],
    [
      'long terms and a big discount',
      { paymentTermsDays: 180, discountBp: 2500 },
      ['manager', 'director', 'finance'],
    ],
  ])('%s → %j', (_label, over, chain) => {
    expect(pickApprovalChain(MATRIX, { ...base, ...over }).map((l) => l.key)).toEqual(chain);
  });

  it('refuses a matrix that names unknown levels or a row without conditions', () => {
    const r = approvalMatrixSchema.safeParse({
      subject: 'quote',
      levels: [{ key: 'manager', name: name('经理', 'Manager'), approvers: [{ kind: 'requester_manager' }] }],
      always: ['ceo'],
      rows: [{ when: {}, require: ['manager'] }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['always.0', 'rows.0.when']),
    );
  });
});

const AT = '2026-11-25T08:00:00.000Z';
const chain = () =>
  startApproval('rep', [
    { levelKey: 'manager', mode: 'any', assignees: ['mgr'] },
    { levelKey: 'director', mode: 'all', assignees: ['dir1', 'dir2'] },
    { levelKey: 'finance', mode: 'any', assignees: ['fin1', 'fin2'] },
  ]);
const ok = (r: ReturnType<typeof decide>): ApprovalState => {
  if (!r.ok) throw new Error(`refused: ${r.code}`);
  return r.state;
};

describe('approval flow', () => {
  it('walks sequential steps; "all" needs every approver, "any" needs one', () => {
    let s = chain();
    expect(pendingApprovers(s)).toEqual(['mgr']);
    s = ok(decide(s, { userId: 'mgr', decision: 'approve', at: AT }));
    expect([s.current, pendingApprovers(s)]).toEqual([1, ['dir1', 'dir2']]);
    s = ok(decide(s, { userId: 'dir2', decision: 'approve', at: AT }));
    expect([s.current, pendingApprovers(s)]).toEqual([1, ['dir1']]);
    s = ok(decide(s, { userId: 'dir1', decision: 'approve', at: AT }));
    s = ok(decide(s, { userId: 'fin2', decision: 'approve', comment: '账期可接受', at: AT }));
    expect(s.status).toBe('approved');
    expect(s.steps.map((x) => x.status)).toEqual(['approved', 'approved', 'approved']);
    expect(decide(s, { userId: 'fin1', decision: 'approve', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_CLOSED',
    });
  });

  it('never lets requesters approve their own request', () => {
    const s = startApproval('mgr', [{ levelKey: 'manager', mode: 'any', assignees: ['mgr', 'rm'] }]);
    expect(s.steps[0]!.assignees).toEqual(['rm']);
    expect(decide(s, { userId: 'mgr', decision: 'approve', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_SELF',
    });
  });

  it('refuses approving out of turn, by a stranger, or twice', () => {
    const s = chain();
    expect(decide(s, { userId: 'fin1', decision: 'approve', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_OUT_OF_TURN',
    });
    expect(decide(s, { userId: 'someone', decision: 'approve', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_NOT_APPROVER',
    });
    const after = ok(
      decide(ok(decide(s, { userId: 'mgr', decision: 'approve', at: AT })), {
        userId: 'dir1',
        decision: 'approve',
        at: AT,
      }),
    );
    expect(decide(after, { userId: 'dir1', decision: 'approve', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_ALREADY_DECIDED',
    });
  });

  it('ends on a rejection, which needs a comment', () => {
    const s = chain();
    expect(decide(s, { userId: 'mgr', decision: 'reject', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_COMMENT_REQUIRED',
    });
    const r = ok(decide(s, { userId: 'mgr', decision: 'reject', comment: '折扣过大', at: AT }));
    expect([r.status, r.steps[0]!.status]).toEqual(['rejected', 'rejected']);
  });

  it('returns to an earlier step, which decides again in a new round', () => {
    let s = ok(decide(chain(), { userId: 'mgr', decision: 'approve', at: AT }));
    s = ok(decide(s, { userId: 'dir1', decision: 'approve', at: AT }));
    s = ok(decide(s, { userId: 'dir2', decision: 'approve', at: AT }));
    // Finance sends it back to the manager (step 0).
    s = ok(decide(s, { userId: 'fin1', decision: 'return', returnTo: 0, comment: '请补充回款计划', at: AT }));
    expect([s.status, s.current, s.steps.map((x) => x.status)]).toEqual([
      'pending',
      0,
      ['pending', 'waiting', 'returned'],
    ]);
    // The manager may decide again; the earlier approval stays in the history.
    s = ok(decide(s, { userId: 'mgr', decision: 'approve', at: AT }));
    expect(s.steps[0]!.decisions).toHaveLength(2);
    expect(pendingApprovers(s)).toEqual(['dir1', 'dir2']);
    // The manager's turn is over for this round: at the director step they are not an approver.
    expect(decide(s, { userId: 'mgr', decision: 'return', returnTo: 0, comment: 'x', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_NOT_APPROVER',
    });
  });

  it('returns to the requester, who resubmits from the first step', () => {
    let s = ok(decide(chain(), { userId: 'mgr', decision: 'approve', at: AT }));
    expect(decide(s, { userId: 'dir1', decision: 'return', returnTo: 1, comment: 'x', at: AT })).toEqual({
      ok: false,
      code: 'APPROVAL_RETURN_TARGET',
    });
    s = ok(decide(s, { userId: 'dir1', decision: 'return', returnTo: -1, comment: '请修改条款', at: AT }));
    expect(s.status).toBe('returned');
    expect(resubmit(s, 'mgr')).toEqual({ ok: false, code: 'APPROVAL_NOT_APPROVER' });
    s = ok(resubmit(s, 'rep'));
    expect([s.status, s.current, pendingApprovers(s)]).toEqual(['pending', 0, ['mgr']]);
    s = ok(decide(s, { userId: 'mgr', decision: 'approve', at: AT }));
    expect(s.current).toBe(1);
  });

  it('lets a delegate decide for an approver who is away', () => {
    const s = chain();
    const r = ok(
      decide(s, { userId: 'deputy', decision: 'approve', at: AT, delegations: { mgr: 'deputy' } }),
    );
    expect(r.steps[0]!.decisions[0]).toMatchObject({
      userId: 'deputy',
      onBehalfOf: 'mgr',
      decision: 'approve',
    });
    expect(r.current).toBe(1);
  });
});
