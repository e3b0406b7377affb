import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
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
  // Follow-ups come a page at a time (newest first); the audit history is read whole.
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
  const history = useQuery({
    queryKey: ['timeline', entity, id, 'history'],
    queryFn: () => api<History>('GET', `/api/${entity}/${id}/history`),
  });
  const loaded = acts.data?.pages.flatMap((p) => p.items) ?? [];
  const total = acts.data?.pages[0]?.total;
  // While older follow-ups are still to load, older changes wait with them, so the order holds.
  const oldest = acts.hasNextPage ? loaded[loaded.length - 1]?.occurredAt : undefined;
  const data: Item[] | undefined =
    acts.data && history.data
      ? [
          ...loaded.map((a) => ({ at: a.occurredAt, key: a.id, type: 'activity' as const, activity: a })),
          ...history.data.events
            .filter((e) => !oldest || e.createdAt >= oldest)
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
        <Alert type="error" showIcon message={t('list.error', { message: (query.error as Error).message })} />
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
      {acts.hasNextPage && (
        <Button
          block
          loading={acts.isFetchingNextPage}
          onClick={() => acts.fetchNextPage()}
          data-testid="timeline-more"
        >
          {t('list.loadMoreOf', { shown: loaded.length, count: total ?? loaded.length })}
        </Button>
      )}
    </Card>
  );
}
