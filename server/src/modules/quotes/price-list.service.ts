import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { containsText } from '../../shared/contains-text';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { appendAuditEvent } from '../audit/audit.repository';
import type { ListPriceListsQuery, priceListInputSchema, priceListItemsInputSchema } from './quote.schemas';

// Price lists per channel (价格表): everyone reads them, admins and sales ops keep them.
function assertAdministers(actor: Actor) {
  if (!ROLE_POLICIES[actor.role].administers) throw new AppError('FORBIDDEN');
}

export async function listPriceLists(database: Database, actor: Actor, query: ListPriceListsQuery) {
  let q = database.db.selectFrom('priceLists').where('tenantId', '=', actor.tenantId);
  if (query.q) q = q.where(containsText('priceLists.name', query.q));
  if (query.status) q = q.where('status', '=', query.status);
  if (query.channel) q = q.where('channel', '=', query.channel);
  const { rows: items, total, hasMore } = await offsetPage<Selectable<DB['priceLists']>>(q, query);
  return { items, total, hasMore };
}

export async function createPriceList(
  database: Database,
  actor: Actor,
  input: z.infer<typeof priceListInputSchema>,
) {
  assertAdministers(actor);
  const at = new Date().toISOString();
  const row = {
    id: newId('prl'),
    tenantId: actor.tenantId,
    name: input.name,
    channel: input.channel ?? null,
    currency: input.currency,
    status: input.status,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('priceLists').values(row).execute();
      await appendAuditEvent(trx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: 'price_list',
        entityId: row.id,
        action: 'create',
        changes: { after: { name: row.name, channel: row.channel, currency: row.currency } },
        at,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('ALREADY_EXISTS', { field: 'name', params: { field: 'name' } });
    throw err;
  }
  return row;
}

export async function listPriceListItems(database: Database, actor: Actor, priceListId: string) {
  await priceListOrThrow(database, actor, priceListId);
  const items = await database.db
    .selectFrom('priceListItems')
    .innerJoin('products', 'products.id', 'priceListItems.productId')
    .select([
      'priceListItems.productId',
      'priceListItems.unitPrice',
      'priceListItems.updatedAt',
      'products.sku',
      'products.name',
      'products.listPrice',
    ])
    .where('priceListItems.priceListId', '=', priceListId)
    .orderBy('products.sku')
    .execute();
  return { items };
}

async function priceListOrThrow(database: Database, actor: Actor, id: string) {
  const list = await database.db
    .selectFrom('priceLists')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!list) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'price_list' } });
  return list;
}

/** Sets prices for products on a list (insert or replace), all or nothing. */
export async function setPriceListItems(
  database: Database,
  actor: Actor,
  priceListId: string,
  input: z.infer<typeof priceListItemsInputSchema>,
) {
  assertAdministers(actor);
  await priceListOrThrow(database, actor, priceListId);
  const ids = [...new Set(input.items.map((i) => i.productId))];
  const found = new Set(
    (
      await database.db
        .selectFrom('products')
        .select('id')
        .where('tenantId', '=', actor.tenantId)
        .where('id', 'in', ids)
        .where('deletedAt', 'is', null)
        .execute()
    ).map((p) => p.id),
  );
  const missing = input.items.findIndex((i) => !found.has(i.productId));
  if (missing >= 0) {
    const field = `items.${missing}.productId`;
    throw new AppError('REFERENCE_NOT_FOUND', { field, params: { field, entity: 'product' } });
  }
  const at = new Date().toISOString();
  await database.db.transaction().execute(async (trx) => {
    for (const item of input.items) {
      await trx
        .deleteFrom('priceListItems')
        .where('priceListId', '=', priceListId)
        .where('productId', '=', item.productId)
        .execute();
      await trx
        .insertInto('priceListItems')
        .values({
          id: newId('pli'),
          tenantId: actor.tenantId,
          priceListId,
          productId: item.productId,
          unitPrice: item.unitPrice,
          updatedAt: at,
        })
        .execute();
    }
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'price_list',
      entityId: priceListId,
      action: 'update',
      changes: { after: { items: input.items } },
      at,
    });
  });
  return listPriceListItems(database, actor, priceListId);
}
