import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { createUserAccount } from '../modules/org/tenant.service';
import { isUniqueViolation } from '../shared/db-errors';
import { AppError } from '../shared/errors';
import { randomToken } from '../shared/ids';
import { parseInput } from '../shared/validation';

const addUserSchema = z.object({
  tenant: z.string().trim().min(1),
  email: z.string().trim().max(254).pipe(z.email()),
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  unit: z.string().trim().min(1).optional(),
  password: z.string().min(8).max(200).optional(),
});

export async function addUserCommand(databaseUrl: string, raw: Record<string, unknown>): Promise<void> {
  const input = parseInput(addUserSchema, raw);
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database);
    const { db } = database;
    const tenant = await db
      .selectFrom('tenants')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('id', '=', input.tenant), eb('name', '=', input.tenant)]))
      .executeTakeFirst();
    if (!tenant)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'tenant',
        params: { entity: 'record', field: 'tenant' },
      });
    let unitId: string | null = null;
    if (input.unit) {
      const unit = await db
        .selectFrom('orgUnits')
        .select('id')
        .where('tenantId', '=', tenant.id)
        .where((eb) => eb.or([eb('id', '=', input.unit!), eb('name', '=', input.unit!)]))
        .executeTakeFirst();
      if (!unit)
        throw new AppError('REFERENCE_NOT_FOUND', {
          field: 'unit',
          params: { entity: 'orgUnit', field: 'unit' },
        });
      unitId = unit.id;
    }
    const password = input.password ?? randomToken(9);
    try {
      const user = await createUserAccount(db, {
        tenantId: tenant.id,
        email: input.email,
        name: input.name,
        role: input.role,
        orgUnitId: unitId,
        password,
      });
      console.log(`added ${user.email} (${input.role}) to ${tenant.name}: ${user.id}`);
      if (!input.password) console.log(`password: ${password}`);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AppError('ALREADY_EXISTS', { field: 'email', params: { field: 'email' } });
      throw err;
    }
  } finally {
    await database.close();
  }
}
