import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import type { DB } from '../../db/schema';
import { DEAL_STAGES } from '../../domain/deal-stages';
import type { KpiFact } from '../../domain/kpi/aggregate';
import { clockOutcome } from '../../domain/kpi/clock-outcome';
import type { FactSource } from '../../domain/kpi/definitions';
import { periodInstants, shiftMonths } from '../../domain/kpi/periods';
import { stageEntries, stageStays } from '../../domain/kpi/stage-timeline';
import { instalmentCollections } from '../../domain/payments/receivables';
import {
  findActivities,
  findClocks,
  findClosedDeals,
  findCollectionContracts,
  findCreatedAccounts,
  findCreatedLeads,
  findDealChannels,
  findFirstWonAt,
  findStageHistory,
  parseIds,
  type Window,
} from './kpi.repository';
import type { KpiScope } from './kpi-scope';
import { loadSatisfactionFacts } from './satisfaction-facts';

/** Deal stages in funnel order for conversion and stage times; lost is an exit, not a step. */
export const DEAL_STAGE_ORDER: readonly string[] = DEAL_STAGES.filter((s) => s.key !== 'lost').map(
  (s) => s.key,
);

const DAY_MS = 86_400_000;

type DealRow = Awaited<ReturnType<typeof findClosedDeals>>[number];

function dealFact(d: DealRow, extra: Partial<KpiFact> = {}): KpiFact {
  const closedAt = d.closedAt ?? d.createdAt;
  return {
    entity: 'deal',
    id: d.id,
    recordId: d.id,
    name: d.name,
    ownerId: d.ownerId,
    at: closedAt,
    region: d.region,
    industry: d.industry,
    source: d.source,
    productIds: parseIds(d.productIds),
    accountId: d.accountId,
    amount: d.amount,
    hit: d.status === 'won',
    days: (Date.parse(closedAt) - Date.parse(d.createdAt)) / DAY_MS,
    ...extra,
  };
}

async function wonWithPrevious(db: Kysely<DB>, actor: Actor, scope: KpiScope, months: number) {
  const current = await findClosedDeals(db, actor, scope.window, scope.owners, ['won']);
  const prevWindow: Window = {
    start: shiftMonths(scope.window.start, -months, scope.timeZone),
    end: shiftMonths(scope.window.end, -months, scope.timeZone),
  };
  const previous = await findClosedDeals(db, actor, prevWindow, scope.owners, ['won']);
  // A comparison deal is moved forward by the same months, so it lands in the bucket it compares with.
  return [
    ...current.map((d) => dealFact(d)),
    ...previous.map((d) =>
      dealFact(d, { previous: true, at: shiftMonths(d.closedAt ?? d.createdAt, months, scope.timeZone) }),
    ),
  ];
}

/** Deal facts get the channel of the deal's quote (a dimension, never a filter). */
async function withChannels(db: Kysely<DB>, tenantId: string, facts: KpiFact[]): Promise<KpiFact[]> {
  const deals = facts.filter((f) => f.entity === 'deal');
  if (!deals.length) return facts;
  const channels = await findDealChannels(
    db,
    tenantId,
    deals.map((f) => f.id),
  );
  for (const f of deals) f.channel = channels.get(f.id) ?? null;
  return facts;
}

/** Loads the facts of one source within the scope. The only caller of the KPI query layer. */
export async function loadFacts(
  db: Kysely<DB>,
  actor: Actor,
  scope: KpiScope,
  source: FactSource,
  now = new Date(),
): Promise<KpiFact[]> {
  const facts = await loadSource(db, actor, scope, source, now);
  return source === 'lead_first_contact_clocks' ||
    source === 'all_clocks' ||
    source === 'collection_instalments' ||
    source === 'satisfaction_scores'
    ? facts
    : withChannels(db, actor.tenantId, facts);
}

async function loadSource(
  db: Kysely<DB>,
  actor: Actor,
  scope: KpiScope,
  source: FactSource,
  now: Date,
): Promise<KpiFact[]> {
  const { window: w, owners } = scope;
  switch (source) {
    case 'won_deals':
      return (await findClosedDeals(db, actor, w, owners, ['won'])).map((d) => dealFact(d));
    case 'closed_deals':
      return (await findClosedDeals(db, actor, w, owners, ['won', 'lost'])).map((d) => dealFact(d));
    case 'won_deals_with_previous_month':
      return wonWithPrevious(db, actor, scope, 1);
    case 'won_deals_with_previous_year':
      return wonWithPrevious(db, actor, scope, 12);
    case 'won_deals_new_or_existing': {
      const deals = await findClosedDeals(db, actor, w, owners, ['won']);
      const first = await findFirstWonAt(db, actor.tenantId, [...new Set(deals.map((d) => d.accountId))]);
      return deals.map((d) => dealFact(d, { hit: first.get(d.accountId)?.dealId === d.id }));
    }
    case 'created_leads':
      return (await findCreatedLeads(db, actor, w, owners)).map((l) => ({
        entity: 'lead',
        id: l.id,
        recordId: l.id,
        name: l.companyName ? `${l.name} · ${l.companyName}` : l.name,
        ownerId: l.ownerId,
        at: l.createdAt,
        region: l.region,
        industry: l.industry,
        source: l.source,
        productIds: [],
        hit: l.status === 'converted' || l.convertedAt !== null,
      }));
    case 'created_accounts':
      return (await findCreatedAccounts(db, actor, w, owners)).map((a) => ({
        entity: 'account',
        id: a.id,
        name: a.name,
        ownerId: a.ownerId,
        at: a.createdAt,
        region: a.region,
        industry: a.industry,
        source: a.source,
        productIds: [],
      }));
    case 'activities':
      return (await findActivities(db, actor, w, owners)).map((a) => ({
        entity: 'activity',
        id: a.id,
        // The deal or lead the follow-up was about: the record whose playbook it ran under.
        recordId: a.dealId ?? a.leadId,
        name: a.subject,
        ownerId: a.ownerId,
        at: a.occurredAt,
        region: null,
        industry: null,
        source: null,
        productIds: [],
      }));
    case 'lead_first_contact_clocks':
    case 'all_clocks': {
      const clocks = await findClocks(
        db,
        actor,
        w,
        owners,
        source === 'lead_first_contact_clocks' ? { recordType: 'lead', limitKeyPrefix: 'first_contact' } : {},
      );
      const facts: KpiFact[] = [];
      for (const c of clocks) {
        const outcome = clockOutcome(c, now);
        if (outcome === 'open' || outcome === 'cancelled') continue;
        facts.push({
          entity: c.recordType === 'lead' ? 'lead' : c.recordType === 'deal' ? 'deal' : 'clock',
          id: c.recordId,
          recordId: c.recordId,
          name: c.leadName ?? `${c.stageKey} · ${c.limitKey}`,
          ownerId: c.ownerId,
          at: c.startedAt,
          region: c.region,
          industry: c.industry,
          source: c.source,
          productIds: [],
          hit: outcome === 'on_time',
          stage: c.stageKey,
        });
      }
      return facts;
    }
    case 'satisfaction_scores':
      return loadSatisfactionFacts(db, actor, w, owners);
    case 'collection_instalments': {
      // Instalments due in the period (local dates), with what was collected of each by its end.
      const contracts = await findCollectionContracts(db, actor, owners);
      const facts: KpiFact[] = [];
      for (const c of contracts) {
        for (const i of instalmentCollections(c.plans, c.receipts, scope.from, scope.to)) {
          facts.push({
            entity: 'instalment',
            id: i.planId,
            recordId: c.dealId,
            name: `${c.number} · ${c.title}`,
            ownerId: c.ownerId,
            // Placed at the start of its due day in the tenant's zone, so time buckets follow the due date.
            at: periodInstants(i.dueDate, i.dueDate, scope.timeZone).start,
            region: c.region,
            industry: c.industry,
            source: c.source,
            channel: c.priceListId ? (c.channel ?? 'direct') : null,
            productIds: parseIds(c.productIds),
            accountId: c.accountId,
            amount: i.due,
            collected: i.collected,
            weightedDays: i.weightedDays,
            hit: i.collected >= i.due,
          });
        }
      }
      return facts;
    }
    case 'deal_stage_entries':
    case 'deal_stage_stays': {
      const { records, events } = await findStageHistory(db, actor, 'deal', w, owners);
      const byRecord = new Map<string, typeof events>();
      for (const e of events) byRecord.set(e.recordId, [...(byRecord.get(e.recordId) ?? []), e]);
      const facts: KpiFact[] = [];
      for (const d of records) {
        const base = {
          entity: 'deal' as const,
          id: d.id,
          recordId: d.id,
          name: d.name,
          ownerId: d.ownerId,
          region: d.region,
          industry: d.industry,
          source: d.source,
          productIds: d.productIds,
          accountId: d.accountId,
          amount: d.amount,
        };
        const entries = stageEntries(d, byRecord.get(d.id) ?? []);
        if (source === 'deal_stage_stays') {
          for (const s of stageStays(entries)) {
            if (s.leftAt < w.start || s.leftAt >= w.end) continue;
            facts.push({ ...base, at: s.leftAt, stage: s.stage, hours: s.hours });
          }
          continue;
        }
        entries.forEach((entry, i) => {
          if (entry.at < w.start || entry.at >= w.end) return;
          const index = DEAL_STAGE_ORDER.indexOf(entry.stage);
          if (index < 0) return;
          const later = entries.slice(i + 1);
          facts.push({
            ...base,
            at: entry.at,
            stage: entry.stage,
            hit: later.some((e) => DEAL_STAGE_ORDER.indexOf(e.stage) > index),
            reachedWon: later.some((e) => e.stage === 'won'),
          });
        });
      }
      return facts;
    }
  }
}
