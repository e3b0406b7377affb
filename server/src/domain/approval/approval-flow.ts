// An approval request walking its chain: approve, reject, or return to any earlier step (or to
// the requester), with comments and delegation. Pure: takes a state and a decision, answers the
// next state or the reason the decision is refused — refusing is normal output here.

export type StepStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'returned';
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'returned' | 'withdrawn';

export interface StepDecision {
  userId: string;
  /** Set when a delegate decided for an approver who is away (代理审批). */
  onBehalfOf?: string;
  decision: 'approve' | 'reject' | 'return';
  comment: string | null;
  at: string;
  /** The step's round when decided: a return starts a new round, old decisions stay as history. */
  round: number;
}

export interface ApprovalStep {
  levelKey: string;
  mode: 'all' | 'any';
  /** Users who approve at this step (resolved from roles/managers when the request starts). */
  assignees: string[];
  status: StepStatus;
  round: number;
  decisions: StepDecision[];
}

export interface ApprovalState {
  requesterId: string;
  status: RequestStatus;
  /** Index of the step now deciding; equals steps.length once approved. */
  current: number;
  steps: ApprovalStep[];
}

export type ApprovalRefusal =
  | 'APPROVAL_CLOSED'
  | 'APPROVAL_SELF'
  | 'APPROVAL_NOT_APPROVER'
  | 'APPROVAL_OUT_OF_TURN'
  | 'APPROVAL_ALREADY_DECIDED'
  | 'APPROVAL_RETURN_TARGET'
  | 'APPROVAL_COMMENT_REQUIRED';

export type ApprovalOutcome = { ok: true; state: ApprovalState } | { ok: false; code: ApprovalRefusal };

export interface Decision {
  userId: string;
  decision: 'approve' | 'reject' | 'return';
  comment?: string | null;
  /** For `return`: the step index to go back to, or -1 for the requester. */
  returnTo?: number;
  at: string;
  /** Active delegations: absent approver → the user deciding for them. */
  delegations?: Record<string, string>;
}

/** A new request: the first step pending, the rest waiting. An empty chain approves at once. */
export function startApproval(
  requesterId: string,
  chain: Array<{ levelKey: string; mode: 'all' | 'any'; assignees: string[] }>,
): ApprovalState {
  const steps = chain.map<ApprovalStep>((s, i) => ({
    ...s,
    // Nobody approves their own request, even when their role sits in the chain.
    assignees: s.assignees.filter((u) => u !== requesterId),
    status: i === 0 ? 'pending' : 'waiting',
    round: 1,
    decisions: [],
  }));
  return { requesterId, status: steps.length ? 'pending' : 'approved', current: 0, steps };
}

/** Whom the user acts as at a step: themself, or the absent approver they stand in for. */
function actingAs(step: ApprovalStep, d: Decision): { as: string; onBehalfOf?: string } | undefined {
  if (step.assignees.includes(d.userId)) return { as: d.userId };
  for (const [absent, delegate] of Object.entries(d.delegations ?? {})) {
    if (delegate === d.userId && step.assignees.includes(absent)) return { as: absent, onBehalfOf: absent };
  }
  return undefined;
}

export function decide(state: ApprovalState, d: Decision): ApprovalOutcome {
  if (state.status !== 'pending') return { ok: false, code: 'APPROVAL_CLOSED' };
  if (d.userId === state.requesterId) return { ok: false, code: 'APPROVAL_SELF' };
  const step = state.steps[state.current]!;
  const acting = actingAs(step, d);
  if (!acting) {
    const later = state.steps.slice(state.current + 1).some((s) => actingAs(s, d));
    return { ok: false, code: later ? 'APPROVAL_OUT_OF_TURN' : 'APPROVAL_NOT_APPROVER' };
  }
  if (thisRound(step).some((x) => (x.onBehalfOf ?? x.userId) === acting.as))
    return { ok: false, code: 'APPROVAL_ALREADY_DECIDED' };
  const comment = d.comment?.trim() || null;
  // Rejecting or sending back without saying why helps nobody fix the request.
  if (d.decision !== 'approve' && !comment) return { ok: false, code: 'APPROVAL_COMMENT_REQUIRED' };

  const record: StepDecision = {
    userId: d.userId,
    ...(acting.onBehalfOf ? { onBehalfOf: acting.onBehalfOf } : {}),
    decision: d.decision,
    comment,
    at: d.at,
    round: step.round,
  };
  const steps = state.steps.map((s) => ({ ...s, decisions: [...s.decisions] }));
  const current = steps[state.current]!;
  current.decisions.push(record);

  if (d.decision === 'reject') {
    current.status = 'rejected';
    return { ok: true, state: { ...state, steps, status: 'rejected' } };
  }
  if (d.decision === 'return') {
    const target = d.returnTo ?? -1;
    if (!Number.isInteger(target) || target < -1 || target >= state.current)
      return { ok: false, code: 'APPROVAL_RETURN_TARGET' };
    current.status = 'returned';
    // Steps from the target on decide again; their earlier decisions stay in the history.
    for (let i = Math.max(target, 0); i < steps.length; i++) {
      const s = steps[i]!;
      if (i !== state.current) s.status = 'waiting';
      if (i <= state.current) s.round += 1;
    }
    if (target === -1) return { ok: true, state: { ...state, steps, status: 'returned', current: 0 } };
    steps[target]!.status = 'pending';
    return { ok: true, state: { ...state, steps, current: target } };
  }

  const approvedBy = new Set(
    thisRound(current)
      .filter((x) => x.decision === 'approve')
      .map((x) => x.onBehalfOf ?? x.userId),
  );
  const done = current.mode === 'any' || current.assignees.every((u) => approvedBy.has(u));
  if (!done) return { ok: true, state: { ...state, steps } };
  current.status = 'approved';
  const next = state.current + 1;
  if (next >= steps.length)
    return { ok: true, state: { ...state, steps, status: 'approved', current: next } };
  steps[next]!.status = 'pending';
  return { ok: true, state: { ...state, steps, current: next } };
}

function thisRound(step: ApprovalStep): StepDecision[] {
  return step.decisions.filter((x) => x.round === step.round);
}

/** The requester sends a returned request round again from the first step. */
export function resubmit(state: ApprovalState, userId: string): ApprovalOutcome {
  if (state.status !== 'returned') return { ok: false, code: 'APPROVAL_CLOSED' };
  if (userId !== state.requesterId) return { ok: false, code: 'APPROVAL_NOT_APPROVER' };
  const steps = state.steps.map((s, i) => ({
    ...s,
    decisions: [...s.decisions],
    status: (i === 0 ? 'pending' : 'waiting') as StepStatus,
  }));
  // A request sent back to the requester is decided afresh from the first step.
  return { ok: true, state: { ...state, steps, status: steps.length ? 'pending' : 'approved', current: 0 } };
}

/** Users whose turn it is (for inboxes and reminders). */
export function pendingApprovers(state: ApprovalState): string[] {
  if (state.status !== 'pending') return [];
  const step = state.steps[state.current]!;
  const decided = new Set(thisRound(step).map((x) => x.onBehalfOf ?? x.userId));
  return step.mode === 'any' && decided.size > 0 ? [] : step.assignees.filter((u) => !decided.has(u));
}
