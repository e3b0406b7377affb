export const ROLES = [
  'admin',
  'sales_ops',
  'manager',
  'rep',
  'finance',
  'legal',
  'delivery',
  'service',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

/** How far a role reaches over owned records: its own, its unit subtree's, or the whole tenant's. */
export type Reach = 'own' | 'subtree' | 'all' | 'none';

interface RolePolicy {
  read: Reach;
  write: Reach;
  /** May change the tenant's catalogue (products) and organisation (users, units). */
  administers: boolean;
  /** May see product cost and margins. */
  seesCost: boolean;
  /** May move records between owners (分配/转移). */
  transfers: boolean;
}

// The single table of what each role may do; visibility.ts turns it into query scopes.
// Finance, legal, delivery and service serve the whole company, so they read everything and
// write only what they own; a viewer reads its unit subtree and writes nothing.
export const ROLE_POLICIES: Record<Role, RolePolicy> = {
  admin: { read: 'all', write: 'all', administers: true, seesCost: true, transfers: true },
  sales_ops: { read: 'all', write: 'all', administers: true, seesCost: true, transfers: true },
  manager: { read: 'subtree', write: 'subtree', administers: false, seesCost: true, transfers: true },
  rep: { read: 'own', write: 'own', administers: false, seesCost: false, transfers: false },
  finance: { read: 'all', write: 'own', administers: false, seesCost: true, transfers: false },
  legal: { read: 'all', write: 'own', administers: false, seesCost: false, transfers: false },
  delivery: { read: 'all', write: 'own', administers: false, seesCost: true, transfers: false },
  service: { read: 'all', write: 'own', administers: false, seesCost: false, transfers: false },
  viewer: { read: 'subtree', write: 'none', administers: false, seesCost: false, transfers: false },
};
