/** The quote-to-cash (报价到回款) menu entries a role sees; each key is also the screen's path. */
export function q2cMenuKeys(_role: string): string[] {
  return [];
}
