import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { accountDefinition } from '../../accounts/account.definition';
import { dealDefinition } from '../../deals/deal.definition';
import { leadDefinition } from '../../leads/lead.definition';
import { addUnit, addUser, insertRecords, isoOf, type PresetContext, readCsv } from './preset-writer';

// olist-marketing-funnel: Olist's seller-acquisition funnel (see the data set's README). Every
// marketing-qualified lead (MQL) becomes a lead; the 842 closed deals become a customer (the
// seller), a won deal and the conversion of their lead. SDRs (sales development reps) own the
// converted leads, SRs (sales reps) the customers and deals; unconverted MQLs wait in the pool.

export const OLIST_FUNNEL_DIR = 'olist-marketing-funnel';
export const OLIST_MARKER = 'Olist funnel (preset)';

// Olist's origins onto our lead sources; the original value stays in the lead's notes.
const ORIGINS: Record<string, string> = {
  organic_search: 'website',
  direct_traffic: 'website',
  paid_search: 'online_ad',
  display: 'online_ad',
  social: 'social_media',
  referral: 'referral',
  email: 'other',
  other: 'other',
  other_publicities: 'other',
  unknown: 'other',
};

export async function loadOlistFunnel(ctx: PresetContext, datasets: string) {
  const dir = join(datasets, OLIST_FUNNEL_DIR);
  const mqls = readCsv(dir, 'olist_marketing_qualified_leads_dataset.csv');
  const closed = readCsv(dir, 'olist_closed_deals_dataset.csv');
  const closedByMql = new Map(closed.map((c) => [c.mql_id!, c]));

  const root = await addUnit(ctx, OLIST_MARKER, 'company');
  const sdrTeam = await addUnit(ctx, 'SDR 团队 (sales development)', 'team', root.id);
  const srTeam = await addUnit(ctx, 'SR 团队 (sales reps)', 'team', root.id);
  const users = new Map<string, string>();
  const person = async (id: string, kind: 'SDR' | 'SR') => {
    const k = `${kind}:${id}`;
    if (!users.has(k)) {
      const u = await addUser(
        ctx,
        `${kind} ${id.slice(0, 8)}`,
        `${kind.toLowerCase()}.${id}@olist.preset.salesops.cn`,
        'rep',
        kind === 'SDR' ? sdrTeam.id : srTeam.id,
      );
      users.set(k, u.id);
    }
    return users.get(k)!;
  };
  for (const c of closed) {
    if (c.sdr_id) await person(c.sdr_id, 'SDR');
    if (c.sr_id) await person(c.sr_id, 'SR');
  }

  const accountItems: Parameters<typeof insertRecords>[2] = [];
  const accountOf = new Map<string, string>();
  for (const c of closed) {
    const id = newId('acc');
    accountOf.set(c.mql_id!, id);
    accountItems.push({
      id,
      columns: {
        name: `Seller ${c.seller_id}`,
        industry: c.business_segment || null,
        notes: [
          `seller_id=${c.seller_id}`,
          c.lead_type && `lead_type=${c.lead_type}`,
          c.business_type && `business_type=${c.business_type}`,
          c.lead_behaviour_profile && `behaviour=${c.lead_behaviour_profile}`,
        ]
          .filter(Boolean)
          .join('; '),
        ownerId: c.sr_id ? await person(c.sr_id, 'SR') : null,
      },
      overrides: { createdAt: isoOf(c.won_date) },
    });
  }

  const leadIds = new Map<string, string>();
  const leadItems: Array<{
    id: string;
    columns: Record<string, unknown>;
    overrides: Record<string, unknown>;
  }> = [];
  for (const m of mqls) {
    const c = closedByMql.get(m.mql_id!);
    const id = newId('lead');
    leadIds.set(m.mql_id!, id);
    const contactAt = isoOf(m.first_contact_date);
    leadItems.push({
      id,
      columns: {
        name: `MQL ${m.mql_id!.slice(0, 12)}`,
        source: ORIGINS[m.origin ?? ''] ?? 'other',
        notes: `mql_id=${m.mql_id}; origin=${m.origin || '(blank)'}; landing_page_id=${m.landing_page_id}`,
        status: c ? 'converted' : 'new',
        ownerId: c?.sdr_id ? await person(c.sdr_id, 'SDR') : null,
      },
      overrides: {
        createdAt: contactAt,
        accountId: c ? accountOf.get(m.mql_id!) : null,
        convertedAt: c ? isoOf(c.won_date) : null,
      },
    });
  }
  const missing = closed.filter((c) => !leadIds.has(c.mql_id!));
  if (missing.length) {
    throw new AppError('INVALID_STATE', { params: { reason: `${missing.length} closed deals have no MQL` } });
  }

  await insertRecords(ctx, accountDefinition, accountItems, 'accounts');
  await insertRecords(ctx, leadDefinition, leadItems, 'leads');
  const leadCreated = new Map(mqls.map((m) => [m.mql_id!, isoOf(m.first_contact_date)]));
  const dealItems = closed.map((c) => {
    const won = isoOf(c.won_date);
    // declared_monthly_revenue is the seller's declared revenue (BRL), not a price: kept as the amount.
    const revenue = Math.round(Number(c.declared_monthly_revenue || 0) * 100);
    return {
      columns: {
        accountId: accountOf.get(c.mql_id!)!,
        leadId: leadIds.get(c.mql_id!)!,
        name: `Olist seller ${c.seller_id!.slice(0, 8)}`,
        amount: revenue,
        currency: 'BRL',
        expectedCloseDate: (c.won_date ?? '').slice(0, 10),
        stage: 'won',
        productIds: [],
        notes: `mql_id=${c.mql_id}`,
        ownerId: c.sr_id ? users.get(`SR:${c.sr_id}`)! : null,
      },
      overrides: {
        createdAt: (leadCreated.get(c.mql_id!) ?? won) as string | null,
        updatedAt: won,
        stageEnteredAt: won,
        closedAt: won,
        status: 'won',
        probability: 100,
      },
    };
  });
  await insertRecords(ctx, dealDefinition, dealItems, 'deals');
  return {
    users: users.size,
    leads: leadItems.length,
    convertedLeads: closed.length,
    accounts: accountItems.length,
    deals: dealItems.length,
  };
}
