import { useQueries } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Empty, Input, Segmented, Select, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Deal, Me, Page } from '../api/types';
import { CreateRecordDrawer } from '../components/CreateRecordDrawer';
import { useDealMover } from '../components/DealMover';
import { ListTools } from '../components/ListTools';
import { useDebounced, useUsers } from '../lib';
import { RecordListPage } from './RecordListPage';
import { formatMoney } from './recordColumns';
import { DEAL_STAGES } from './recordFields';

/** Opportunities as a kanban by SOP stage (drag a card to move it) or as a list. */
export function DealsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'list' ? 'list' : 'kanban';
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Segmented
        value={view}
        onChange={(v) => setParams(v === 'list' ? { view: 'list' } : {})}
        options={[
          { value: 'kanban', label: t('deal.kanban') },
          { value: 'list', label: t('deal.list') },
        ]}
        data-testid="deals-view"
      />
      {view === 'list' ? <RecordListPage key="deals" entity="deals" me={me} /> : <DealsKanban me={me} />}
    </Space>
  );
}

function DealsKanban({ me }: { me: Me }) {
  const { t } = useTranslation();
  const users = useUsers();
  const [search, setSearch] = useState('');
  const [owners, setOwners] = useState<string[]>([]);
  const q = useDebounced(search, 300);
  const { move, modals } = useDealMover();
  const [moving, setMoving] = useState<{ deal: Deal; to: string } | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // Cards per column: 30 at first, 30 more per click (the server gives at most 200 at once).
  const [limits, setLimits] = useState<Record<string, number>>({});

  const columns = useQueries({
    queries: DEAL_STAGES.map((stage) => ({
      queryKey: ['kanban', stage, q, owners, limits[stage] ?? 30],
      placeholderData: (prev: Page<Deal> | undefined) => prev,
      queryFn: () => {
        const p = new URLSearchParams({
          stage,
          limit: String(limits[stage] ?? 30),
          includeTotal: 'true',
          sort: '-stageEnteredAt',
        });
        if (q) p.set('q', q);
        if (owners.length) p.set('ownerId', owners.join(','));
        return api<Page<Deal>>('GET', `/api/deals?${p}`);
      },
    })),
  });

  const drop = async (stage: string, dealId: string) => {
    setOver(null);
    const deal = columns.flatMap((c) => c.data?.items ?? []).find((d) => d.id === dealId);
    if (!deal || deal.stage === stage) return;
    setMoving({ deal, to: stage });
    try {
      await move(deal, stage);
    } finally {
      // moved: the refetched columns show it; refused: it goes back where it was
      setMoving(null);
    }
  };

  return (
    <Card
      title={t('menu.deals')}
      extra={
        me.user.role !== 'viewer' && (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="create-record">
            {t('create.new.deals')}
          </Button>
        )
      }
    >
      <CreateRecordDrawer entity="deals" open={creating} onClose={() => setCreating(false)} />
      {modals}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('list.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: 260, maxWidth: '100%' }}
          data-testid="kanban-search"
        />
        {me.user.role !== 'rep' && (
          <Select
            mode="multiple"
            allowClear
            maxTagCount={1}
            style={{ minWidth: 180 }}
            placeholder={t('list.owner')}
            value={owners}
            onChange={setOwners}
            showSearch={{ optionFilterProp: 'label' }}
            options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        )}
        <ListTools entity="deals" q={q} filters={{ ownerId: owners }} canImport={me.user.role !== 'viewer'} />
      </Space>
      <div style={{ overflowX: 'auto', paddingBottom: 8 }} data-testid="kanban">
        <div style={{ display: 'flex', gap: 12, minWidth: DEAL_STAGES.length * 232 }}>
          {DEAL_STAGES.map((stage, i) => {
            const col = columns[i]!;
            let items = (col.data?.items ?? []).filter((d) => d.id !== moving?.deal.id);
            if (moving?.to === stage) items = [{ ...moving.deal, stage }, ...items];
            return (
              <section
                key={stage}
                data-testid={`kanban-col-${stage}`}
                aria-label={t(`stage.${stage}`)}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(stage);
                }}
                onDragLeave={() => setOver((o) => (o === stage ? null : o))}
                onDrop={(e) => {
                  e.preventDefault();
                  drop(stage, e.dataTransfer.getData('text/plain'));
                }}
                style={{
                  flex: '0 0 220px',
                  background: over === stage ? '#e6f0ff' : '#f5f7fa',
                  borderRadius: 8,
                  padding: 8,
                  minHeight: 320,
                  maxHeight: 'max(420px, calc(100vh - 260px))',
                  overflowY: 'auto',
                }}
              >
                <Space style={{ marginBottom: 8, justifyContent: 'space-between', width: '100%' }}>
                  <Typography.Text strong>{t(`stage.${stage}`)}</Typography.Text>
                  <Badge count={col.data?.total ?? 0} showZero color="#8c8c8c" overflowCount={9999} />
                </Space>
                {col.isLoading && <Spin size="small" />}
                {col.error && <Alert type="error" message={(col.error as Error).message} />}
                {col.data && items.length === 0 && (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('list.empty')} />
                )}
                <Space direction="vertical" size={8} style={{ width: '100%' }}>
                  {items.map((d) => (
                    <Card
                      key={d.id}
                      size="small"
                      draggable={d.status === 'open'}
                      onDragStart={(e) => {
                        e.dataTransfer.setData('text/plain', d.id);
                        e.dataTransfer.effectAllowed = 'move';
                      }}
                      data-testid="kanban-card"
                      data-deal-id={d.id}
                      style={{
                        cursor: d.status === 'open' ? 'grab' : 'default',
                        opacity: moving?.deal.id === d.id ? 0.6 : 1,
                      }}
                    >
                      <Link to={`/deals/${d.id}`} data-value="">
                        {d.name}
                      </Link>
                      <div>
                        <Typography.Text type="secondary">
                          {formatMoney(d.amount, d.currency)}
                        </Typography.Text>
                      </div>
                      <div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          <span data-value="">{d.ownerName ?? '—'}</span> · {d.expectedCloseDate}
                        </Typography.Text>
                      </div>
                    </Card>
                  ))}
                </Space>
                {col.data?.nextCursor && (limits[stage] ?? 30) < 200 && (
                  <Button
                    block
                    size="small"
                    type="link"
                    loading={col.isFetching}
                    onClick={() =>
                      setLimits((l) => ({ ...l, [stage]: Math.min(200, (l[stage] ?? 30) + 30) }))
                    }
                  >
                    {t('list.loadMore')}
                  </Button>
                )}
              </section>
            );
          })}
        </div>
      </div>
    </Card>
  );
}
