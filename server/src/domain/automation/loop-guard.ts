// A chain of events set off by automation (a rule's set_field updates a record, which fires
// record.updated, which runs another rule…) carries its depth and the rule/record pairs that ran.
// The guard stops the chain at depth 3 and never runs one rule twice on one record in a chain.

export const MAX_CHAIN_DEPTH = 3;

export interface Chain {
  depth: number;
  ran: ReadonlySet<string>;
}

export const ROOT_CHAIN: Chain = { depth: 0, ran: new Set() };

export function chainKey(ruleId: string, recordType: string, recordId: string): string {
  return `${ruleId}:${recordType}:${recordId}`;
}

export function guardVerdict(chain: Chain, key: string): 'run' | 'loop_stopped' {
  if (chain.depth >= MAX_CHAIN_DEPTH || chain.ran.has(key)) return 'loop_stopped';
  return 'run';
}

/** The chain the actions of a rule run under: one level deeper, with this rule/record added. */
export function childChain(chain: Chain, key: string): Chain {
  return { depth: chain.depth + 1, ran: new Set([...chain.ran, key]) };
}
