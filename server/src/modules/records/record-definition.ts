import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Actor } from '../../auth/actor';
import type { ScopeOptions } from '../../auth/visibility';
import type { DB } from '../../db/schema';

export type Row = Record<string, unknown> & {
  id: string;
  tenantId: string;
  version: number;
  ownerId?: string | null;
};

/** A foreign key in the input that must name a record the actor can see. */
export interface ReferenceRule {
  field: string;
  entity: string;
  table: keyof DB & string;
  scope: ScopeOptions;
}

export interface FilterRule {
  column: string;
  /** Equality filters take one value or a comma-separated list (IN). */
  values?: readonly string[];
}

export interface HookContext {
  actor: Actor;
  now: string;
  trx: Kysely<DB>;
}

/**
 * Everything the generic record service needs to know about one entity of the CRM core. Each
 * business area declares one of these in its `<area>.definition.ts`; the shared service,
 * repository and routes do the rest, so that validation, visibility, audit, versions and
 * idempotency work the same way everywhere.
 */
export interface RecordDefinition<Dto = unknown> {
  entity: string;
  table: keyof DB & string;
  idPrefix: string;
  /** URL segment under /api: `accounts` → /api/accounts. */
  path: string;
  tag: string;
  createSchema: z.ZodObject<any>;
  updateSchema: z.ZodObject<any>;
  dtoSchema: z.ZodType<Dto>;
  scope: ScopeOptions;
  /** Owned records carry owner_id and follow the role's reach; tenant-wide ones do not. */
  owned: boolean;
  sortable: Record<string, string>;
  defaultSort: string;
  filters: Record<string, FilterRule>;
  /** Time-range filters: `key` → column, asked for as `<key>From` (inclusive) and `<key>To` (exclusive). */
  ranges?: Record<string, string>;
  references: ReferenceRule[];
  /** Input fields → columns (JSON-encode arrays, rename). */
  encode(input: Record<string, unknown>): Record<string, unknown>;
  /** Derived columns (search text, normalised keys, stage dates) from the whole merged row. */
  derive(merged: Record<string, unknown>, ctx: HookContext & { existing?: Row }): Record<string, unknown>;
  toDto(row: Row, actor: Actor): Dto;
  /** The owner a new record gets when the input names none (default: the actor). */
  defaultOwner?(input: Record<string, unknown>, ctx: HookContext): Promise<string | null>;
  /** Refuses a write that would duplicate an existing customer (查重/撞单). */
  checkDuplicates?(
    merged: Record<string, unknown>,
    ctx: HookContext & { selfId?: string; existing?: Row },
  ): Promise<void>;
  /** Cross-record rules after the insert, in the same transaction. */
  afterCreate?(row: Row, ctx: HookContext): Promise<void>;
  /** Checks on an update beyond the schema (state rules), given the merged row. */
  validateUpdate?(merged: Record<string, unknown>, existing: Row, ctx: HookContext): void;
  /** Cross-record rules after an update (the row as written, the row before), in the same transaction. */
  afterUpdate?(row: Row, existing: Row, ctx: HookContext): Promise<void>;
}

/** Columns kept out of audit diffs: bookkeeping, or derived from other columns. */
/** On an update, whether any of these fields changed (duplicate checks run only then). */
export function changedAny(
  merged: Record<string, unknown>,
  existing: Row | undefined,
  fields: string[],
): boolean {
  if (!existing) return true;
  return fields.some((f) => (merged[f] ?? null) !== (existing[f] ?? null));
}

export const AUDIT_IGNORED = new Set([
  'id',
  'tenantId',
  'version',
  'createdAt',
  'updatedAt',
  'createdBy',
  'searchText',
  'nameNorm',
  'companyNorm',
]);
