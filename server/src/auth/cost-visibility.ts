import type { Actor } from './actor';
import { ROLE_POLICIES } from './roles';

/** Leaves out cost and margin fields for roles that may not see cost (seed 001: 成本保密). */
export function hideCost<T extends object>(actor: Actor, value: T, keys: string[]): T {
  if (ROLE_POLICIES[actor.role].seesCost) return value;
  const copy = { ...value } as Record<string, unknown>;
  for (const k of keys) delete copy[k];
  return copy as T;
}
