import type { Kysely } from 'kysely';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/roles';
import { resolveReach } from '../auth/visibility';
import type { DB } from '../db/schema';
import { AppError } from '../shared/errors';

/**
 * The user a CLI command acts as: `--as` (e-mail or id) in `--tenant` (id or name; may be left
 * out when the database holds one tenant), else the tenant's first admin or sales-ops user.
 * The same visibility applies as when that user signs in.
 */
export async function cliActor(db: Kysely<DB>, opts: { tenant?: string; as?: string }): Promise<Actor> {
  let tq = db.selectFrom('tenants').select(['id', 'name']);
  if (opts.tenant) tq = tq.where((eb) => eb.or([eb('id', '=', opts.tenant!), eb('name', '=', opts.tenant!)]));
  const tenants = await tq.limit(2).execute();
  if (tenants.length !== 1) {
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'tenant',
      params: { entity: 'record', field: tenants.length ? 'tenant (several tenants: name one)' : 'tenant' },
    });
  }
  const tenant = tenants[0]!;
  let uq = db
    .selectFrom('users')
    .select(['id', 'tenantId', 'name', 'role', 'orgUnitId', 'locale'])
    .where('tenantId', '=', tenant.id)
    .where('status', '=', 'active');
  uq = opts.as
    ? uq.where((eb) => eb.or([eb('email', '=', opts.as!.toLowerCase()), eb('id', '=', opts.as!)]))
    : uq.where('role', 'in', ['admin', 'sales_ops']).orderBy('createdAt');
  const user = await uq.executeTakeFirst();
  if (!user)
    throw new AppError('REFERENCE_NOT_FOUND', { field: 'as', params: { entity: 'user', field: 'as' } });
  const role = user.role as Role;
  const reach = await resolveReach(db, { id: user.id, tenantId: tenant.id, orgUnitId: user.orgUnitId, role });
  return {
    userId: user.id,
    tenantId: tenant.id,
    role,
    name: user.name,
    orgUnitId: user.orgUnitId,
    locale: process.env.LANG?.startsWith('zh') ? 'zh-CN' : 'en-US',
    ...reach,
    via: 'system',
  };
}
