import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import {
  countSavedViews,
  deleteSavedView,
  findSavedViewByName,
  findSavedViews,
  insertSavedView,
} from './saved-view.repository';
import {
  type CreateSavedViewInput,
  MAX_SAVED_VIEWS,
  type SavedView,
  type SavedViewEntity,
  savedViewDefinitionSchema,
} from './saved-view.schemas';

const ownerOf = (actor: Actor) => ({ tenantId: actor.tenantId, userId: actor.userId });

const nameTaken = () => new AppError('ALREADY_EXISTS', { field: 'name', params: { field: 'name' } });

/** The signed-in user's own views on one list, oldest first (at most MAX_SAVED_VIEWS). */
export async function listSavedViews(
  database: Database,
  actor: Actor,
  entity: SavedViewEntity,
): Promise<{ items: SavedView[]; total: number; max: number }> {
  const rows = await findSavedViews(database.db, ownerOf(actor), entity);
  const items = rows.map((r) => ({
    id: r.id,
    entity,
    name: r.name,
    // Stored JSON passes through the same schema: an old or odd row still reads as a view.
    definition: savedViewDefinitionSchema
      .catch(savedViewDefinitionSchema.parse({}))
      .parse(JSON.parse(r.definition)),
    createdAt: r.createdAt,
  }));
  return { items, total: items.length, max: MAX_SAVED_VIEWS };
}

/** Saves a view under a name new to this user and list; 409 on a taken name or a full list. */
export async function createSavedView(
  database: Database,
  actor: Actor,
  input: CreateSavedViewInput,
): Promise<SavedView> {
  const owner = ownerOf(actor);
  return database.db.transaction().execute(async (trx) => {
    if (await findSavedViewByName(trx, owner, input.entity, input.name)) throw nameTaken();
    if ((await countSavedViews(trx, owner, input.entity)) >= MAX_SAVED_VIEWS)
      throw new AppError('SAVED_VIEW_LIMIT_REACHED', { params: { max: MAX_SAVED_VIEWS } });
    const view = {
      id: newId('view'),
      entity: input.entity,
      name: input.name,
      definition: input.definition,
      createdAt: new Date().toISOString(),
    };
    try {
      await insertSavedView(trx, { ...owner, ...view, definition: JSON.stringify(view.definition) });
    } catch (err) {
      // Two saves of one name at once: the unique index decides.
      if (isUniqueViolation(err)) throw nameTaken();
      throw err;
    }
    return view;
  });
}

/** Deletes one of the user's own views; another user's (or tenant's) id is not found. */
export async function removeSavedView(database: Database, actor: Actor, id: string): Promise<void> {
  if (!(await deleteSavedView(database.db, ownerOf(actor), id)))
    throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'saved_view' } });
}
