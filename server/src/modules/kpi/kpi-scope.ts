import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { subtreeUnitIds } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import { localToday, periodInstants } from '../../domain/kpi/periods';
import { AppError } from '../../shared/errors';
import { findOrgUnits, findTenantTimeZone, findUsers, type OwnerFilter, type Window } from './kpi.repository';
import type { ScopeInput } from './kpi.schemas';

/** What every KPI and compliance answer needs: the period in the tenant's zone, the org, the filters. */
export interface KpiScope {
  timeZone: string;
  from: string;
  to: string;
  window: Window;
  owners: OwnerFilter;
  units: Array<{ id: string; parentId: string | null; name: string }>;
  users: Array<{ id: string; name: string; orgUnitId: string | null; role: string; status: string }>;
  unitOf(ownerId: string | null): string | null;
  userName(id: string): string | undefined;
  unitName(id: string): string | undefined;
}

const MAX_DAYS = 10 * 366;

export async function resolveScope(db: Kysely<DB>, actor: Actor, input: ScopeInput, now = new Date()) {
  const timeZone = await findTenantTimeZone(db, actor.tenantId);
  const to = input.to ?? localToday(timeZone, now);
  const from = input.from ?? `${to.slice(0, 4)}-01-01`;
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'to',
      issues: [{ field: 'to', code: 'invalid_value' }],
    });
  }
  if (days > MAX_DAYS) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'from',
      issues: [{ field: 'from', code: 'too_small', params: { min: `${to} − 10y` } }],
    });
  }
  const [units, users] = await Promise.all([findOrgUnits(db, actor.tenantId), findUsers(db, actor.tenantId)]);
  const usersById = new Map(users.map((u) => [u.id, u]));
  const unitsById = new Map(units.map((u) => [u.id, u]));

  let owners: OwnerFilter;
  if (input.unitId) {
    if (!unitsById.has(input.unitId)) {
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'unitId',
        params: { entity: 'orgUnit', field: 'unitId' },
      });
    }
    const subtree = subtreeUnitIds(units, [input.unitId]);
    owners = users.filter((u) => u.orgUnitId && subtree.has(u.orgUnitId)).map((u) => u.id);
  }
  if (input.ownerId) {
    if (!usersById.has(input.ownerId)) {
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'ownerId',
        params: { entity: 'user', field: 'ownerId' },
      });
    }
    owners = owners ? owners.filter((o) => o === input.ownerId) : [input.ownerId];
  }
  const scope: KpiScope = {
    timeZone,
    from,
    to,
    window: periodInstants(from, to, timeZone),
    owners,
    units,
    users,
    unitOf: (ownerId) => (ownerId ? (usersById.get(ownerId)?.orgUnitId ?? null) : null),
    userName: (id) => usersById.get(id)?.name,
    unitName: (id) => unitsById.get(id)?.name,
  };
  return scope;
}
