import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Spin, Tag, Timeline, Typography } from 'antd';
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

/** Follow-ups and audit history of a record, merged, newest first. */
export function RecordTimeline({ entity, id }: { entity: Entity; id: string }) {
  const { t, i18n } = useTranslation();
  const query = useQuery({
    queryKey: ['timeline', entity, id],
    queryFn: async () => {
      const [acts, history] = await Promise.all([
        api<Page<Activity>>('GET', `/api/activities?${RELATION_OF[entity]}=${id}&limit=200`),
        api<History>('GET', `/api/${entity}/${id}/history`),
      ]);
      const items: Item[] = [
        ...acts.items.map((a) => ({ at: a.occurredAt, key: a.id, type: 'activity' as const, activity: a })),
        ...history.events.map((e) => ({
          at: e.createdAt,
          key: e.id,
          type: 'audit' as const,
          action: e.action,
          actor: e.actorName,
          fields: Object.keys(e.changes?.after ?? {}).filter((k) => !HIDDEN.has(k)),
          note: e.changes?.note,
        })),
      ];
      return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    },
  });
  const fieldName = (k: string) => (i18n.exists(`fields.${k}`) ? t(`fields.${k}`) : k);
  return (
    <Card title={t('timeline.title')} data-testid="timeline">
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
    </Card>
  );
}
