/** The performance (业绩) menu entries a role sees; each key is also the screen's path. */
export function analyticsMenuKeys(role: string): string[] {
  if (role === 'rep') return ['dashboards', 'targets', 'forecast', 'weekly-reports'];
  if (role === 'admin' || role === 'sales_ops' || role === 'manager')
    return ['dashboards', 'targets', 'forecast', 'weekly-reports', 'compare'];
  if (role === 'finance' || role === 'viewer') return ['dashboards', 'targets', 'forecast', 'compare'];
  return [];
}
