import { readFileSync } from 'node:fs';
import type { Playbook } from './playbook';
import { playbookFromYaml } from './validate';

const FILES = ['deal.yaml', 'lead.yaml', 'order.yaml', 'ticket.yaml'];

/** The playbooks every new tenant starts with, validated as any imported playbook is. */
export function loadDefaultPlaybooks(): Playbook[] {
  return FILES.map((file) => {
    const source = readFileSync(new URL(`./default-playbooks/${file}`, import.meta.url), 'utf8');
    const result = playbookFromYaml(source);
    if (!result.ok)
      throw new Error(`default playbook ${file} is invalid: ${JSON.stringify(result.problems)}`);
    return result.playbook;
  });
}
