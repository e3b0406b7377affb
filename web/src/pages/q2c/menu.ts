/** The quote-to-cash (报价到回款) menu entries a role sees; each key is also the screen's path. */
export function q2cMenuKeys(role: string): string[] {
  // Receivables are money matters: finance, management and the reps who collect; legal keeps
  // contracts; delivery works the orders.
  if (role === 'legal') return ['contracts'];
  if (role === 'delivery' || role === 'service') return ['contracts', 'orders'];
  return ['contracts', 'orders', 'receivables'];
}
