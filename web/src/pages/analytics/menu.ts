/** The performance (业绩) menu entries a role sees; each key is also the screen's path. */
export function analyticsMenuKeys(_role: string): string[] {
  return [];
}
