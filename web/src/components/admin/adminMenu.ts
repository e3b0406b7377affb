// The configuration screens in the main menu, each for the roles that may use it
// (server/src/auth/roles.ts: admin and sales ops administer; managers read rules and playbooks).
const EDITORS = ['admin', 'sales_ops'];
const READERS = ['admin', 'sales_ops', 'manager'];

export const ADMIN_MENU = [
  { key: 'playbooks', roles: READERS },
  { key: 'automation', roles: READERS },
  { key: 'settings', roles: EDITORS },
  { key: 'users', roles: EDITORS },
] as const;

/** The configuration menu keys (also their paths) a role sees. */
export function adminMenuKeys(role: string): string[] {
  return ADMIN_MENU.filter((m) => (m.roles as readonly string[]).includes(role)).map((m) => m.key);
}
