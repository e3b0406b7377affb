/** The operations menu entries a role sees: a viewer reads but imports nothing. */
export function opsMenuKeys(role: string): string[] {
  const keys = ['quotes', 'approvals', 'kpi', 'compliance'];
  return role === 'viewer' ? keys : [...keys, 'import'];
}
