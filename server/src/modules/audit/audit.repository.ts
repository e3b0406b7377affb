import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'transfer' | 'convert';

export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  note?: string;
}

export async function appendAuditEvent(
  trx: Kysely<DB>,
  event: {
    tenantId: string;
    actorId: string | null;
    entity: string;
    entityId: string;
    action: AuditAction;
    changes: AuditChanges;
    at: string;
  },
): Promise<void> {
  await trx
    .insertInto('auditEvents')
    .values({
      id: newId('aud'),
      tenantId: event.tenantId,
      actorId: event.actorId,
      entity: event.entity,
      entityId: event.entityId,
      action: event.action,
      changes: JSON.stringify(event.changes),
      createdAt: event.at,
    })
    .execute();
}

/** One page of a record's audit events, newest first, with how many there are in all. */
export async function findAuditEventsForRecord(
  db: Kysely<DB>,
  tenantId: string,
  entity: string,
  entityId: string,
  page: { limit: number; offset: number },
) {
  const base = db
    .selectFrom('auditEvents')
    .where('auditEvents.tenantId', '=', tenantId)
    .where('auditEvents.entity', '=', entity)
    .where('auditEvents.entityId', '=', entityId);
  const [rows, total] = await Promise.all([
    base
      .leftJoin('users', 'users.id', 'auditEvents.actorId')
      .select([
        'auditEvents.id',
        'auditEvents.actorId',
        'users.name as actorName',
        'auditEvents.action',
        'auditEvents.changes',
        'auditEvents.createdAt',
      ])
      .orderBy('auditEvents.createdAt', 'desc')
      .orderBy('auditEvents.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    events: rows.map((r) => ({ ...r, changes: JSON.parse(r.changes) as AuditChanges })),
    total: Number(total.n),
  };
}

/** The fields that differ between two rows, as {before, after}; bookkeeping columns left out. */
export function diffRows(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  ignore: ReadonlySet<string>,
): AuditChanges | undefined {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (ignore.has(key)) continue;
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : undefined;
}
