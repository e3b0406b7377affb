import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, api } from '../api/client';
import type { ListEntity } from './recordColumns';

export interface ViewDefinition {
  search: string;
  sort: string;
  scope: 'all' | 'pool';
  filters: Record<string, string[]>;
}

export interface SavedView {
  id: string;
  name: string;
  definition: ViewDefinition;
}

// Before views moved to the server they were kept in the browser, per list.
const legacyKey = (entity: string) => `salesops.views.${entity}`;
const moving = new Set<string>();

/** Moves the views still kept in this browser to the server once, then forgets them here. */
async function moveLegacyViews(entity: ListEntity): Promise<boolean> {
  const raw = localStorage.getItem(legacyKey(entity));
  if (raw === null || moving.has(entity)) return false;
  moving.add(entity);
  try {
    let legacy: Array<Partial<ViewDefinition> & { name?: string }> = [];
    try {
      const parsed = JSON.parse(raw);
      if (Array.isArray(parsed)) legacy = parsed;
    } catch {
      // Unreadable: nothing to move.
    }
    const kept: typeof legacy = [];
    for (const v of legacy) {
      const name = String(v.name ?? '')
        .trim()
        .slice(0, 40);
      if (!name) continue;
      const definition = {
        search: v.search ?? '',
        sort: v.sort ?? '-createdAt',
        scope: v.scope ?? 'all',
        filters: v.filters ?? {},
      };
      try {
        await api('POST', '/api/saved-views', { entity, name, definition });
      } catch (err) {
        // A name already on the server, a full list or an odd old view is dropped; a network
        // failure keeps the view here for the next visit.
        if (!(err instanceof ApiError)) kept.push(v);
      }
    }
    if (kept.length) localStorage.setItem(legacyKey(entity), JSON.stringify(kept));
    else localStorage.removeItem(legacyKey(entity));
    return true;
  } finally {
    moving.delete(entity);
  }
}

/** The signed-in user's saved views on one list, kept on the server so they follow the user. */
export function useSavedViews(entity: ListEntity) {
  const queryClient = useQueryClient();
  const queryKey = ['saved-views', entity];
  const query = useQuery({
    queryKey,
    queryFn: () => api<{ items: SavedView[] }>('GET', `/api/saved-views?entity=${entity}`),
  });
  const loaded = query.isSuccess;
  useEffect(() => {
    if (!loaded) return;
    void moveLegacyViews(entity).then((moved) => {
      if (moved) void queryClient.invalidateQueries({ queryKey: ['saved-views', entity] });
    });
  }, [entity, loaded, queryClient]);
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  return {
    views: query.data?.items ?? [],
    error: query.error as Error | null,
    create: async (name: string, definition: ViewDefinition) => {
      const v = await api<SavedView>('POST', '/api/saved-views', { entity, name, definition });
      await refresh();
      return v;
    },
    remove: async (id: string) => {
      try {
        await api('DELETE', `/api/saved-views/${encodeURIComponent(id)}`);
      } finally {
        await refresh();
      }
    },
  };
}
