import type { Kysely } from 'kysely';
import { hashPassword } from '../../auth/password';
import type { Role } from '../../auth/roles';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';
import { buildSearchText } from '../../shared/search-text';

// Set-up paths used by the CLI, the demo seed and tests: they run before anyone can sign in,
// so they act as the system rather than through the HTTP routes.

export async function createTenant(db: Kysely<DB>, input: { name: string; timeZone?: string; id?: string }) {
  const row = {
    id: input.id ?? newId('tnt'),
    name: input.name,
    timeZone: input.timeZone ?? 'Asia/Shanghai',
    createdAt: new Date().toISOString(),
  };
  await db.insertInto('tenants').values(row).execute();
  return row;
}

export async function createOrgUnit(
  db: Kysely<DB>,
  input: {
    tenantId: string;
    name: string;
    kind: string;
    parentId?: string | null;
    managerId?: string | null;
    id?: string;
  },
) {
  const now = new Date().toISOString();
  const row = {
    id: input.id ?? newId('ou'),
    tenantId: input.tenantId,
    name: input.name,
    kind: input.kind,
    parentId: input.parentId ?? null,
    managerId: input.managerId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insertInto('orgUnits').values(row).execute();
  return row;
}

export async function setUnitManager(db: Kysely<DB>, unitId: string, managerId: string) {
  await db.updateTable('orgUnits').set({ managerId }).where('id', '=', unitId).execute();
}

export async function createUserAccount(
  db: Kysely<DB>,
  input: {
    tenantId: string;
    email: string;
    name: string;
    role: Role;
    password?: string;
    passwordHash?: string;
    orgUnitId?: string | null;
    mobile?: string | null;
    id?: string;
  },
) {
  const now = new Date().toISOString();
  const row = {
    id: input.id ?? newId('usr'),
    tenantId: input.tenantId,
    email: input.email.toLowerCase(),
    name: input.name,
    searchText: buildSearchText([input.name, input.email]),
    passwordHash: input.passwordHash ?? (await hashPassword(input.password ?? newId('pw'))),
    role: input.role,
    orgUnitId: input.orgUnitId ?? null,
    mobile: input.mobile ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insertInto('users').values(row).execute();
  return row;
}
