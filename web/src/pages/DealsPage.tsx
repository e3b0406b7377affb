import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Empty, Input, Segmented, Select, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Deal, LocalText, Me } from '../api/types';
import { CreateRecordDrawer } from '../components/CreateRecordDrawer';
import { useDealMover } from '../components/DealMover';
import { ListTools } from '../components/ListTools';
import { ListError } from '../components/ServerListPage';
import { useDebounced, useLocalText, useUsers } from '../lib';
import { RecordListPage } from './RecordListPage';
import { formatMoney } from './recordColumns';

/** A column of the board: a stage of the published deal playbook. */
interface BoardStage {
  key: string;
  name: LocalText;
  terminal: 'won' | 'lost' | 'closed' | null;
}
interface BoardColumn {
  items: Array<Deal & { boardStage: string }>;
  total: number;
  hasMore: boolean;
}
/** The server's column of deals on no stage of the published playbook. */
const OTHER = '_other';

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
  const { t, i18n } = useTranslation();
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

  const lt = useLocalText();
  // The columns are the stages of the tenant's published deal playbook (it may add or rename
  // stages); deals on a stage it no longer has come in one more column, so none vanish.
  const board = useQuery({
    queryKey: ['kanban', 'stages'],
    queryFn: () => api<{ stages: BoardStage[] }>('GET', '/api/deal-board'),
  });
  const stageKeys = [...(board.data?.stages ?? []).map((s) => s.key), ...(board.data ? [OTHER] : [])];
  const columns = useQueries({
    queries: stageKeys.map((stage) => ({
      queryKey: ['kanban', 'deals', stage, q, owners, limits[stage] ?? 30],
      placeholderData: (prev: BoardColumn | undefined) => prev,
      queryFn: () => {
        const p = new URLSearchParams({ stage, limit: String(limits[stage] ?? 30) });
        if (q) p.set('q', q);
        if (owners.length) p.set('ownerId', owners.join(','));
        return api<BoardColumn>('GET', `/api/deal-board/deals?${p}`);
      },
    })),
  });
  const stageName = (key: string) => {
    const s = board.data?.stages.find((x) => x.key === key);
    return key === OTHER ? t('deal.otherStages') : s ? lt(s.name) : key;
  };

  const drop = async (stage: string, dealId: string) => {
    setOver(null);
    const deal = columns.flatMap((c) => c.data?.items ?? []).find((d) => d.id === dealId);
    if (!deal || stage === OTHER || deal.boardStage === stage) return;
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
      {board.isError && <ListError error={board.error} onRetry={() => board.refetch()} />}
      {board.isLoading && <Spin />}
      <div style={{ overflowX: 'auto', paddingBottom: 8 }} data-testid="kanban">
        <div style={{ display: 'flex', gap: 12, minWidth: stageKeys.length * 232 }}>
          {stageKeys.map((stage, i) => {
            const col = columns[i]!;
            // The extra column shows only when some deal is in it.
            if (stage === OTHER && !col.data?.total) return null;
            let items = (col.data?.items ?? []).filter((d) => d.id !== moving?.deal.id);
            if (moving?.to === stage) items = [{ ...moving.deal, boardStage: stage }, ...items];
            return (
              <section
                key={stage}
                data-testid={`kanban-col-${stage}`}
                aria-label={stageName(stage)}
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
                  <Typography.Text
                    strong
                    title={
                      stage === OTHER ? `${t('deal.otherStages')} — ${t('deal.otherStagesHelp')}` : undefined
                    }
                  >
                    {stageName(stage)}
                  </Typography.Text>
                  <Badge count={col.data?.total ?? 0} showZero color="#8c8c8c" overflowCount={9999} />
                </Space>
                {col.isLoading && <Spin size="small" />}
                {col.error && (
                  <Alert
                    type="error"
                    message={t('list.error', { message: (col.error as Error).message })}
                    action={
                      <Button size="small" onClick={() => col.refetch()}>
                        {t('list.retry')}
                      </Button>
                    }
                  />
                )}
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
                      {stage === OTHER && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-value="">
                          {i18n.exists(`stage.${d.boardStage}`) ? t(`stage.${d.boardStage}`) : d.boardStage}
                        </Typography.Text>
                      )}
                    </Card>
                  ))}
                </Space>
                {col.data?.hasMore && (limits[stage] ?? 30) < 200 && (
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
