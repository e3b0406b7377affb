import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Spin, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Activity, History, Page } from '../api/types';
import { type Entity, fmtTime, RELATION_OF } from '../lib';

type Item =
  | { at: string; key: string; type: 'activity'; activity: Activity }
  | {
      at: string;
      key: string;
      type: 'audit';
      action: string;
      actor: string | null;
      fields: string[];
      note?: string;
    };

// Internal bookkeeping columns that say nothing to a user.
const HIDDEN = new Set([
  'version',
  'updatedAt',
  'searchText',
  'companyNorm',
  'nameNorm',
  'lastActivityAt',
  'assignedAt',
]);

const PAGE = 50;

/** Follow-ups and audit history of a record, merged, newest first. */
export function RecordTimeline({ entity, id }: { entity: Entity; id: string }) {
  const { t, i18n } = useTranslation();
  // Follow-ups and audit history both come a page at a time, newest first.
  const acts = useInfiniteQuery({
    queryKey: ['timeline', entity, id, 'activities'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({
        [RELATION_OF[entity]]: id,
        limit: String(PAGE),
        includeTotal: 'true',
      });
      if (pageParam) params.set('cursor', pageParam);
      return api<Page<Activity>>('GET', `/api/activities?${params}`);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
  const history = useInfiniteQuery({
    queryKey: ['timeline', entity, id, 'history'],
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      api<History>('GET', `/api/${entity}/${id}/history?limit=${PAGE}&offset=${pageParam}`),
    getNextPageParam: (last, pages) =>
      last.hasMore ? pages.reduce((n, p) => n + p.events.length, 0) : undefined,
  });
  const loaded = acts.data?.pages.flatMap((p) => p.items) ?? [];
  const changes = history.data?.pages.flatMap((p) => p.events) ?? [];
  const total = acts.data?.pages[0]?.total;
  const changesTotal = history.data?.pages[0]?.total;
  // Two streams, each paged newest first: show only what is newer than the oldest item loaded of
  // a stream with more to come, so that the merged order holds; "load more" pages that stream.
  const actsOldest = acts.hasNextPage ? loaded[loaded.length - 1]?.occurredAt : undefined;
  const changesOldest = history.hasNextPage ? changes[changes.length - 1]?.createdAt : undefined;
  const cutoff = [actsOldest, changesOldest]
    .filter((x): x is string => !!x)
    .sort()
    .pop();
  const data: Item[] | undefined =
    acts.data && history.data
      ? [
          ...loaded
            .filter((a) => !cutoff || a.occurredAt >= cutoff)
            .map((a) => ({ at: a.occurredAt, key: a.id, type: 'activity' as const, activity: a })),
          ...changes
            .filter((e) => !cutoff || e.createdAt >= cutoff)
            .map((e) => ({
              at: e.createdAt,
              key: e.id,
              type: 'audit' as const,
              action: e.action,
              actor: e.actorName,
              fields: Object.keys(e.changes?.after ?? {}).filter((k) => !HIDDEN.has(k)),
              note: e.changes?.note,
            })),
        ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      : undefined;
  const error = acts.error ?? history.error;
  const query = { isLoading: acts.isLoading || history.isLoading, error, data };
  const hasMore = acts.hasNextPage || history.hasNextPage;
  const loadingMore = acts.isFetchingNextPage || history.isFetchingNextPage;
  // The stream whose oldest loaded item is the newest cut-off is the one holding the list back.
  const loadMore = () => {
    if (acts.hasNextPage && (!changesOldest || (actsOldest && actsOldest >= changesOldest)))
      void acts.fetchNextPage();
    if (history.hasNextPage && (!actsOldest || (changesOldest && changesOldest >= actsOldest)))
      void history.fetchNextPage();
  };
  // The button counts follow-ups while they have more to load, then changes.
  const [shown, count] = acts.hasNextPage
    ? [loaded.length, total ?? loaded.length]
    : [changes.length, changesTotal ?? changes.length];
  const fieldName = (k: string) => (i18n.exists(`fields.${k}`) ? t(`fields.${k}`) : k);
  return (
    <Card
      title={t('timeline.title')}
      data-testid="timeline"
      extra={
        total !== undefined && (
          <Typography.Text type="secondary" data-testid="timeline-total">
            {t('timeline.total', { count: total })}
          </Typography.Text>
        )
      }
    >
      {query.isLoading && <Spin />}
      {query.error && (
        <Alert
          type="error"
          showIcon
          message={t('list.error', { message: (query.error as Error).message })}
          action={
            <Button
              size="small"
              onClick={() => {
                void acts.refetch();
                void history.refetch();
              }}
            >
              {t('list.retry')}
            </Button>
          }
        />
      )}
      {query.data && query.data.length === 0 && <Empty description={t('timeline.empty')} />}
      {query.data && query.data.length > 0 && (
        <Timeline
          items={query.data.map((item) =>
            item.type === 'activity'
              ? {
                  key: item.key,
                  color: 'blue',
                  children: (
                    <div data-testid="timeline-activity">
                      <Tag color="blue">{t(`activityKind.${item.activity.kind}`)}</Tag>
                      <Typography.Text strong data-value="">
                        {item.activity.subject}
                      </Typography.Text>
                      {item.activity.notes && item.activity.notes !== item.activity.subject && (
                        <Typography.Paragraph
                          style={{ margin: '4px 0', whiteSpace: 'pre-wrap' }}
                          data-value=""
                        >
                          {item.activity.notes}
                        </Typography.Paragraph>
                      )}
                      <div>
                        <Typography.Text type="secondary">
                          {fmtTime(item.at)}
                          {item.activity.ownerName ? ' · ' : ''}
                          {item.activity.ownerName && <span data-value="">{item.activity.ownerName}</span>}
                          {item.activity.nextContactAt
                            ? ` · ${t('activity.nextContactAt')}: ${fmtTime(item.activity.nextContactAt)}`
                            : ''}
                        </Typography.Text>
                      </div>
                    </div>
                  ),
                }
              : {
                  key: item.key,
                  color: 'gray',
                  children: (
                    <div data-testid="timeline-audit">
                      <Tag>
                        {i18n.exists(`audit.${item.action}`) ? t(`audit.${item.action}`) : item.action}
                      </Tag>
                      {item.fields.length > 0 && (
                        <Typography.Text>
                          {item.fields.slice(0, 8).map(fieldName).join(t('common.listSep'))}
                        </Typography.Text>
                      )}
                      <div>
                        <Typography.Text type="secondary">
                          {fmtTime(item.at)}
                          {' · '}
                          {item.actor ? <span data-value="">{item.actor}</span> : t('timeline.system')}
                        </Typography.Text>
                      </div>
                    </div>
                  ),
                },
          )}
        />
      )}
      {hasMore && (
        <Button block loading={loadingMore} onClick={loadMore} data-testid="timeline-more">
          {t('list.loadMoreOf', { shown, count })}
        </Button>
      )}
    </Card>
  );
}
