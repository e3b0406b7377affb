import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { Role } from '../../../auth/roles';
import type { DB } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { createOrgUnit, createTenant, createUserAccount } from '../../org/tenant.service';
import type { RecordDefinition } from '../../records/record-definition';

// Shared pieces of the data-set presets: reading the CSV files, the tenant and its people, and
// batched inserts of records with the same derived columns (search text, normalised names) and
// one audit event each, as records created through the API have.

const CHUNK = 200;
/** Preset users own records but cannot sign in until an admin sets a password. */
const NO_LOGIN = '!preset-user-no-login';

export function readCsv(dir: string, file: string): Array<Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch (err) {
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'from',
      params: { entity: 'record', field: join(dir, file) },
      cause: err,
    });
  }
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>;
}

export interface PresetContext {
  db: Kysely<DB>;
  tenantId: string;
  /** The user the audit events name as actor (the tenant's first admin). */
  actorId: string;
  now: string;
  progress?: (what: string, done: number, total: number) => void;
}

/** The tenant named `name` (created when missing, with an admin), refusing one this preset filled already. */
export async function presetTenant(
  db: Kysely<DB>,
  name: string,
  marker: string,
): Promise<{ tenantId: string; actorId: string }> {
  let tenant = await db
    .selectFrom('tenants')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('id', '=', name), eb('name', '=', name)]))
    .executeTakeFirst();
  if (!tenant) tenant = await createTenant(db, { name });
  const loaded = await db
    .selectFrom('orgUnits')
    .select('id')
    .where('tenantId', '=', tenant.id)
    .where('name', '=', marker)
    .executeTakeFirst();
  if (loaded)
    throw new AppError('INVALID_STATE', { params: { reason: `preset already loaded into ${tenant.name}` } });
  let admin = await db
    .selectFrom('users')
    .select('id')
    .where('tenantId', '=', tenant.id)
    .where('role', '=', 'admin')
    .orderBy('createdAt')
    .executeTakeFirst();
  if (!admin) {
    admin = await createUserAccount(db, {
      tenantId: tenant.id,
      email: `admin@${slug(tenant.id)}.preset.salesops.cn`,
      name: 'Preset admin',
      role: 'admin',
      passwordHash: NO_LOGIN,
    });
  }
  return { tenantId: tenant.id, actorId: admin.id };
}

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

export async function addUnit(
  ctx: PresetContext,
  name: string,
  kind: string,
  parentId: string | null = null,
) {
  return createOrgUnit(ctx.db, { tenantId: ctx.tenantId, name, kind, parentId });
}

export async function addUser(
  ctx: PresetContext,
  name: string,
  email: string,
  role: Role,
  orgUnitId: string | null,
) {
  return createUserAccount(ctx.db, {
    tenantId: ctx.tenantId,
    email,
    name,
    role,
    orgUnitId,
    passwordHash: NO_LOGIN,
  });
}

/**
 * Inserts records in batches: `columns` are the record's own columns (as the definition's
 * `encode` makes them); derived columns come from the definition, then `overrides` (dates taken
 * from the data set rather than now).
 */
export async function insertRecords(
  ctx: PresetContext,
  def: RecordDefinition,
  items: Array<{ id?: string; columns: Record<string, unknown>; overrides?: Record<string, unknown> }>,
  label: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    await ctx.db.transaction().execute(async (trx) => {
      const rows = chunk.map((item) => {
        const id = item.id ?? newId(def.idPrefix);
        ids.push(id);
        const createdAt = (item.overrides?.createdAt as string | undefined) ?? ctx.now;
        const base = {
          id,
          tenantId: ctx.tenantId,
          version: 1,
          createdAt,
          updatedAt: createdAt,
          createdBy: ctx.actorId,
          deletedAt: null,
          ...def.encode(item.columns),
        };
        const derived = def.derive(base, {
          actor: { userId: ctx.actorId, tenantId: ctx.tenantId } as never,
          now: createdAt,
          trx,
        });
        return { ...base, ...derived, ...item.overrides };
      });
      await (trx as Kysely<any>).insertInto(def.table).values(rows).execute();
      await trx
        .insertInto('auditEvents')
        .values(
          rows.map((r) => ({
            id: newId('aud'),
            tenantId: ctx.tenantId,
            actorId: ctx.actorId,
            entity: def.entity,
            entityId: r.id,
            action: 'create',
            changes: JSON.stringify({ note: `preset ${label}` }),
            createdAt: r.createdAt,
          })),
        )
        .execute();
    });
    ctx.progress?.(label, Math.min(i + CHUNK, items.length), items.length);
  }
  return ids;
}

/** 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (UTC in these data sets) → ISO UTC; null when blank. */
export function isoOf(value: string | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(`${value.replace(' ', 'T')}${value.length > 10 ? 'Z' : 'T00:00:00Z'}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
