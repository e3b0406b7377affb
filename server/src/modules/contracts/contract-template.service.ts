import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import type { Clause, TemplateInput } from './contract.schemas';
import { unknownPlaceholders } from './contract-clauses';

// Contract templates (合同模板) are tenant-wide: administrators and legal keep them.
const mayEdit = (actor: Actor) => ROLE_POLICIES[actor.role].administers || actor.role === 'legal';

function toDto(row: Selectable<DB['contractTemplates']>) {
  const { tenantId: _t, ...rest } = row;
  return { ...rest, clauses: JSON.parse(row.clauses) as Clause[] };
}

export async function listTemplates(db: Kysely<DB>, actor: Actor) {
  const rows = await db
    .selectFrom('contractTemplates')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .orderBy('name')
    .execute();
  return { items: rows.map(toDto) };
}

export async function findTemplate(db: Kysely<DB>, tenantId: string, id: string) {
  return db
    .selectFrom('contractTemplates')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

function checkClauses(clauses: Clause[]) {
  const issues = unknownPlaceholders(clauses);
  if (issues.length) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });
}

export async function saveTemplate(
  database: Database,
  actor: Actor,
  id: string | null,
  input: TemplateInput,
  expectedVersion?: number,
) {
  if (!mayEdit(actor)) throw new AppError('FORBIDDEN');
  checkClauses(input.clauses);
  try {
    return await database.db.transaction().execute(async (trx) => {
      const at = new Date().toISOString();
      let templateId = id;
      if (!templateId) {
        templateId = newId('ctt');
        await trx
          .insertInto('contractTemplates')
          .values({
            id: templateId,
            tenantId: actor.tenantId,
            name: input.name,
            clauses: JSON.stringify(input.clauses),
            status: input.status,
            createdBy: actor.userId,
            createdAt: at,
            updatedAt: at,
          })
          .execute();
      } else {
        const current = await findTemplate(trx, actor.tenantId, templateId);
        if (!current) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'contract_template' } });
        if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED');
        if (expectedVersion !== current.version)
          throw new AppError('VERSION_MISMATCH', { details: { current: current.version } });
        await trx
          .updateTable('contractTemplates')
          .set({
            name: input.name,
            clauses: JSON.stringify(input.clauses),
            status: input.status,
            version: current.version + 1,
            updatedAt: at,
          })
          .where('id', '=', templateId)
          .execute();
      }
      await appendAuditEvent(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: 'contract_template',
        entityId: templateId,
        action: id ? 'update' : 'create',
        changes: { after: { name: input.name, clauses: input.clauses.length, status: input.status } },
        at,
      });
      return toDto((await findTemplate(trx, actor.tenantId, templateId))!);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('ALREADY_EXISTS', { field: 'name', params: { field: 'name' } });
    throw err;
  }
}
