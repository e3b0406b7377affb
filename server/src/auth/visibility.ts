import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { AppError } from '../shared/errors';
import type { Actor } from './actor';
import { type Reach, ROLE_POLICIES, type Role } from './roles';

/**
 * The one place where record visibility is decided. Every repository query over owned records
 * goes through `scopeQuery`, and every write through `assertWritable`; nothing else filters by
 * tenant or owner. A record outside the caller's reach is reported as not found (404), never as
 * forbidden, so that probing cannot tell which ids exist.
 */

/** Unit ids in the subtrees rooted at `roots`, from the tenant's whole unit list. */
export function subtreeUnitIds(
  units: Array<{ id: string; parentId: string | null }>,
  roots: string[],
): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (!u.parentId) continue;
    const list = children.get(u.parentId) ?? [];
    list.push(u.id);
    children.set(u.parentId, list);
  }
  const out = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

async function ownersFor(
  db: Kysely<DB>,
  reach: Reach,
  user: { id: string; tenantId: string; orgUnitId: string | null },
): Promise<'all' | Set<string>> {
  if (reach === 'all') return 'all';
  if (reach === 'none') return new Set();
  if (reach === 'own') return new Set([user.id]);
  // subtree: the user's own unit and every unit they manage, with all units below them.
  const units = await db
    .selectFrom('orgUnits')
    .select(['id', 'parentId', 'managerId'])
    .where('tenantId', '=', user.tenantId)
    .execute();
  const roots = units.filter((u) => u.managerId === user.id).map((u) => u.id);
  if (user.orgUnitId) roots.push(user.orgUnitId);
  const unitIds = [...subtreeUnitIds(units, roots)];
  const owners = new Set([user.id]);
  if (unitIds.length) {
    const rows = await db
      .selectFrom('users')
      .select('id')
      .where('tenantId', '=', user.tenantId)
      .where('orgUnitId', 'in', unitIds)
      .execute();
    for (const r of rows) owners.add(r.id);
  }
  return owners;
}

export async function resolveReach(
  db: Kysely<DB>,
  user: { id: string; tenantId: string; orgUnitId: string | null; role: Role },
): Promise<Pick<Actor, 'readableOwners' | 'writableOwners'>> {
  const policy = ROLE_POLICIES[user.role];
  const readableOwners = await ownersFor(db, policy.read, user);
  const writableOwners =
    policy.write === policy.read ? readableOwners : await ownersFor(db, policy.write, user);
  return { readableOwners, writableOwners };
}

export interface ScopeOptions {
  /** Rows with no owner (the public pool, 公海) are readable by everyone in the tenant. */
  poolReadable?: boolean;
  /** The table has no owner column (tenant-wide catalogue such as products). */
  tenantWide?: boolean;
}

/** Adds tenant and visibility conditions to a query over a table with tenant_id and owner_id. */
export function scopeQuery<QB extends { where: (...args: any[]) => any }>(
  qb: QB,
  actor: Actor,
  table: string,
  opts: ScopeOptions = {},
): QB {
  let q = qb.where(`${table}.tenantId`, '=', actor.tenantId);
  if (opts.tenantWide || actor.readableOwners === 'all') return q;
  const owners = [...actor.readableOwners];
  q = q.where((eb: any) => {
    const ors = [eb(`${table}.ownerId`, 'in', owners.length ? owners : ['-'])];
    if (opts.poolReadable) ors.push(eb(`${table}.ownerId`, 'is', null));
    return eb.or(ors);
  });
  return q;
}

/** Most parts a list reads one by one (scopeParts); with more owners one sorted read is kept. */
export const MAX_SCOPE_PARTS = 64;

/**
 * What scopeQuery admits, as disjoint parts of one owner each (and the public pool when it is
 * readable), for a list that reads one page of each part in index order and merges them: a
 * manager's "owner in (30 reps)" read as one condition sorts every row of the team for each
 * page. Undefined when the caller reads the whole tenant, or more owners than MAX_SCOPE_PARTS.
 */
export function scopeParts<QB extends { where: (...args: any[]) => any }>(
  from: () => QB,
  actor: Actor,
  table: string,
  opts: ScopeOptions = {},
): QB[] | undefined {
  if (opts.tenantWide || actor.readableOwners === 'all') return undefined;
  const owners = [...actor.readableOwners];
  if (!owners.length || owners.length + (opts.poolReadable ? 1 : 0) > MAX_SCOPE_PARTS) return undefined;
  const inTenant = () => from().where(`${table}.tenantId`, '=', actor.tenantId);
  const parts = owners.map((owner) => inTenant().where(`${table}.ownerId`, '=', owner));
  if (opts.poolReadable) parts.push(inTenant().where(`${table}.ownerId`, 'is', null));
  return parts;
}

export function canRead(actor: Actor, ownerId: string | null, opts: ScopeOptions = {}): boolean {
  if (opts.tenantWide || actor.readableOwners === 'all') return true;
  if (ownerId === null) return !!opts.poolReadable;
  return actor.readableOwners.has(ownerId);
}

export function canWrite(actor: Actor, ownerId: string | null, opts: ScopeOptions = {}): boolean {
  if (opts.tenantWide) return ROLE_POLICIES[actor.role].administers;
  if (actor.writableOwners === 'all') return true;
  if (ownerId === null) return false;
  return actor.writableOwners.has(ownerId);
}

/**
 * Throws for a write the actor may not make. A record the actor cannot even read is not found;
 * one they can read but not change is forbidden.
 */
export function assertWritable(
  actor: Actor,
  entity: string,
  ownerId: string | null,
  opts: ScopeOptions = {},
): void {
  if (canWrite(actor, ownerId, opts)) return;
  if (!canRead(actor, ownerId, opts)) throw new AppError('RECORD_NOT_FOUND', { params: { entity } });
  throw new AppError('FORBIDDEN');
}
