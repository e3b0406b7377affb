import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export interface CustomerKeys {
  nameNorm?: string | null;
  mobile?: string | null;
  creditCode?: string | null;
}

export interface DuplicateMatch {
  entity: 'account' | 'lead' | 'contact';
  id: string;
  name: string;
  matchedOn: 'name' | 'mobile' | 'creditCode';
  ownerId: string | null;
  ownerName: string | null;
  accountId?: string | null;
}

/**
 * Customers in the whole tenant (not only the caller's reach: that is the point of 撞单 checks)
 * that share a normalised company name, a mobile number or a credit code with the keys. Only the
 * name and owner of a match are returned, never the record itself.
 */
export async function findDuplicateCustomers(
  db: Kysely<DB>,
  tenantId: string,
  keys: CustomerKeys,
  exclude?: { entity: string; id: string },
): Promise<DuplicateMatch[]> {
  const matches: DuplicateMatch[] = [];
  const skip = (entity: string, id: string) => exclude?.entity === entity && exclude.id === id;

  if (keys.nameNorm || keys.creditCode) {
    const accounts = await db
      .selectFrom('accounts')
      .leftJoin('users', 'users.id', 'accounts.ownerId')
      .select([
        'accounts.id',
        'accounts.name',
        'accounts.nameNorm',
        'accounts.creditCode',
        'accounts.ownerId',
        'users.name as ownerName',
      ])
      .where('accounts.deletedAt', 'is', null)
      // The tenant goes into each alternative, so that each one is looked up by its own index
      // (SQLite's multi-index OR) instead of scanning the tenant's accounts.
      .where((eb) => {
        const ors = [];
        const inTenant = eb('accounts.tenantId', '=', tenantId);
        if (keys.nameNorm) ors.push(eb.and([inTenant, eb('accounts.nameNorm', '=', keys.nameNorm)]));
        if (keys.creditCode) ors.push(eb.and([inTenant, eb('accounts.creditCode', '=', keys.creditCode)]));
        return eb.or(ors);
      })
      .limit(10)
      .execute();
    for (const a of accounts) {
      if (skip('account', a.id)) continue;
      matches.push({
        entity: 'account',
        id: a.id,
        name: a.name,
        matchedOn: keys.creditCode && a.creditCode === keys.creditCode ? 'creditCode' : 'name',
        ownerId: a.ownerId,
        ownerName: a.ownerName,
      });
    }
  }

  if (keys.nameNorm || keys.creditCode || keys.mobile) {
    // Converted leads live on as their account, which the query above already found.
    const leads = await db
      .selectFrom('leads')
      .leftJoin('users', 'users.id', 'leads.ownerId')
      .select([
        'leads.id',
        'leads.name',
        'leads.companyName',
        'leads.companyNorm',
        'leads.mobile',
        'leads.creditCode',
        'leads.ownerId',
        'users.name as ownerName',
      ])
      .where('leads.deletedAt', 'is', null)
      .where('leads.status', 'not in', ['converted', 'disqualified'])
      .where((eb) => {
        const ors = [];
        const inTenant = eb('leads.tenantId', '=', tenantId);
        if (keys.nameNorm) ors.push(eb.and([inTenant, eb('leads.companyNorm', '=', keys.nameNorm)]));
        if (keys.creditCode) ors.push(eb.and([inTenant, eb('leads.creditCode', '=', keys.creditCode)]));
        if (keys.mobile) ors.push(eb.and([inTenant, eb('leads.mobile', '=', keys.mobile)]));
        return eb.or(ors);
      })
      .limit(10)
      .execute();
    for (const l of leads) {
      if (skip('lead', l.id)) continue;
      const matchedOn =
        keys.creditCode && l.creditCode === keys.creditCode
          ? 'creditCode'
          : keys.mobile && l.mobile === keys.mobile
            ? 'mobile'
            : 'name';
      matches.push({
        entity: 'lead',
        id: l.id,
        name: l.companyName ? `${l.companyName}（${l.name}）` : l.name,
        matchedOn,
        ownerId: l.ownerId,
        ownerName: l.ownerName,
      });
    }
  }

  if (keys.mobile) {
    const contacts = await db
      .selectFrom('contacts')
      .innerJoin('accounts', 'accounts.id', 'contacts.accountId')
      .leftJoin('users', 'users.id', 'accounts.ownerId')
      .select([
        'contacts.id',
        'contacts.name',
        'accounts.id as accountId',
        'accounts.name as accountName',
        'accounts.ownerId',
        'users.name as ownerName',
      ])
      .where('contacts.tenantId', '=', tenantId)
      .where('contacts.deletedAt', 'is', null)
      .where('contacts.mobile', '=', keys.mobile)
      .limit(10)
      .execute();
    for (const c of contacts) {
      if (skip('contact', c.id)) continue;
      matches.push({
        entity: 'contact',
        id: c.id,
        name: `${c.accountName}（${c.name}）`,
        matchedOn: 'mobile',
        ownerId: c.ownerId,
        ownerName: c.ownerName,
        accountId: c.accountId,
      });
    }
  }
  return matches;
}
