import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { AppError } from '../../shared/errors';
import { type CustomerKeys, type DuplicateMatch, findDuplicateCustomers } from './duplicate.repository';

/** Refuses a lead or account that another record already claims (查重/撞单), naming it and its owner. */
export async function assertNoDuplicateCustomer(
  db: Kysely<DB>,
  tenantId: string,
  keys: CustomerKeys,
  opts: {
    exclude?: { entity: string; id: string };
    nameField?: string;
    ignore?: (m: DuplicateMatch) => boolean;
  } = {},
): Promise<void> {
  const ignore = opts.ignore ?? (() => false);
  const matches = (await findDuplicateCustomers(db, tenantId, keys, opts.exclude)).filter((m) => !ignore(m));
  const first = matches[0];
  if (!first) return;
  const field =
    first.matchedOn === 'creditCode'
      ? 'creditCode'
      : first.matchedOn === 'mobile'
        ? 'mobile'
        : (opts.nameField ?? 'name');
  throw new AppError('DUPLICATE_CUSTOMER', {
    field,
    params: { name: first.name, owner: first.ownerName ?? '—' },
    details: { matches },
  });
}
