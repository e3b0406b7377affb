// Lead routing (线索分配) and the public pool (公海): pure rules, no I/O.

export interface RuleConditions {
  grades?: string[];
  sources?: string[];
  regions?: string[];
  industries?: string[];
}

export interface RoutableLead {
  grade: string | null;
  source: string;
  region: string | null;
  industry: string | null;
}

/** A rule matches when every condition it sets contains the lead's value; an empty rule matches all. */
export function ruleMatches(conditions: RuleConditions, lead: RoutableLead): boolean {
  const test = (allowed: string[] | undefined, value: string | null) =>
    !allowed?.length || (value !== null && allowed.includes(value));
  return (
    test(conditions.grades, lead.grade) &&
    test(conditions.sources, lead.source) &&
    test(conditions.regions, lead.region) &&
    test(conditions.industries, lead.industry)
  );
}

export interface Candidate {
  userId: string;
  /** Open leads the rep holds now (for the rule's load cap). */
  openLeads: number;
  /** Customers held: accounts owned plus open leads (for the tenant's 客户数上限). */
  customersHeld: number;
}

export interface PickOptions {
  method: 'round_robin' | 'least_loaded';
  /** The user who got the previous lead under this rule. */
  cursor: string | null;
  /** At most this many open leads per rep under this rule (负载上限). */
  loadCap: number | null;
  /** At most this many customers per rep in the tenant (客户数上限). */
  customerCap: number | null;
}

function hasRoom(c: Candidate, o: PickOptions): boolean {
  return (
    (o.loadCap === null || c.openLeads < o.loadCap) &&
    (o.customerCap === null || c.customersHeld < o.customerCap)
  );
}

/**
 * Picks the next rep. Round robin walks the candidates in a fixed order (by id) starting after
 * the cursor and skips anyone at a cap; least-loaded takes the rep with the fewest open leads
 * (ties by the same fixed order). Undefined when everybody is full: the lead stays in the pool.
 */
export function pickAssignee(candidates: Candidate[], o: PickOptions): string | undefined {
  const ordered = [...candidates].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  if (o.method === 'least_loaded') {
    const open = ordered.filter((c) => hasRoom(c, o));
    open.sort((a, b) => a.openLeads - b.openLeads);
    return open[0]?.userId;
  }
  const start = o.cursor ? ordered.findIndex((c) => c.userId > o.cursor!) : 0;
  const from = Math.max(start, 0);
  for (let i = 0; i < ordered.length; i++) {
    const c = ordered[(from + i) % ordered.length]!;
    if (hasRoom(c, o)) return c.userId;
  }
  return undefined;
}

/** Whether a record untouched since `lastTouch` has been idle for `days` full days by `now`. */
export function isIdle(lastTouch: string, now: Date, days: number): boolean {
  return now.getTime() - new Date(lastTouch).getTime() >= days * 86_400_000;
}
