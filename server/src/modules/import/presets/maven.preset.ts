import { join } from 'node:path';
import { type DealStage, stageInfo } from '../../../domain/deal-stages';
import { newId } from '../../../shared/ids';
import { accountDefinition } from '../../accounts/account.definition';
import { dealDefinition } from '../../deals/deal.definition';
import { productDefinition } from '../../products/product.definition';
import { addUnit, addUser, insertRecords, isoOf, type PresetContext, readCsv, slug } from './preset-writer';

// maven-crm-sales-opportunities: a fictitious hardware company's B2B pipeline (see the data set's
// README). Regional offices become regions, each manager a team with its agents as reps;
// accounts, products and every opportunity as a deal, with the data set's own dates.

export const MAVEN_DIR = 'maven-crm-sales-opportunities';
export const MAVEN_MARKER = 'Maven CRM (preset)';
/** Opportunities with a blank account (open ones only) go to this one placeholder customer. */
export const UNKNOWN_ACCOUNT = '未提供客户 (account not given)';
/** Open deals have no close date in the data: they are expected a quarter after it ends. */
const OPEN_CLOSE_DATE = '2018-03-31';
const DATA_END = '2017-12-31T00:00:00.000Z';

const STAGES: Record<string, DealStage> = {
  Prospecting: 'initial_contact',
  Engaging: 'needs_analysis',
  Won: 'won',
  Lost: 'lost',
};

const key = (s: string) => s.toLowerCase().replace(/\s+/g, '');

export async function loadMaven(ctx: PresetContext, datasets: string) {
  const dir = join(datasets, MAVEN_DIR);
  const teams = readCsv(dir, 'sales_teams.csv');
  const accounts = readCsv(dir, 'accounts.csv');
  const products = readCsv(dir, 'products.csv');
  const pipeline = readCsv(dir, 'sales_pipeline.csv');

  const root = await addUnit(ctx, MAVEN_MARKER, 'company');
  const regions = new Map<string, string>();
  const managerUnits = new Map<string, string>();
  const agents = new Map<string, string>();
  for (const t of teams) {
    if (!regions.has(t.regional_office!)) {
      regions.set(
        t.regional_office!,
        (await addUnit(ctx, `${t.regional_office} 大区`, 'region', root.id)).id,
      );
    }
    if (!managerUnits.has(t.manager!)) {
      const unit = await addUnit(ctx, `${t.manager} 团队`, 'team', regions.get(t.regional_office!)!);
      const manager = await addUser(
        ctx,
        t.manager!,
        `${slug(t.manager!)}@maven.preset.salesops.cn`,
        'manager',
        unit.id,
      );
      await ctx.db.updateTable('orgUnits').set({ managerId: manager.id }).where('id', '=', unit.id).execute();
      managerUnits.set(t.manager!, unit.id);
    }
    const rep = await addUser(
      ctx,
      t.sales_agent!,
      `${slug(t.sales_agent!)}@maven.preset.salesops.cn`,
      'rep',
      managerUnits.get(t.manager!)!,
    );
    agents.set(t.sales_agent!, rep.id);
  }

  const productIds = new Map<string, { id: string; price: number }>();
  const productItems = products.map((p) => {
    const id = newId('prd');
    productIds.set(key(p.product!), { id, price: Number(p.sales_price) * 100 });
    return {
      id,
      columns: {
        sku: p.product!.toUpperCase().replace(/\s+/g, '-'),
        name: p.product!,
        productLine: p.series || null,
        unit: '台',
        listPrice: Number(p.sales_price) * 100,
        currency: 'USD',
        status: 'active',
      },
    };
  });
  await insertRecords(ctx, productDefinition, productItems, 'products');

  // A customer belongs to the agent of its first opportunity.
  const firstAgent = new Map<string, string>();
  for (const o of pipeline)
    if (o.account && !firstAgent.has(o.account)) firstAgent.set(o.account, o.sales_agent!);
  const accountIds = new Map<string, string>();
  const accountItems = [...accounts, { account: UNKNOWN_ACCOUNT } as Record<string, string>].map((a) => {
    const id = newId('acc');
    accountIds.set(a.account!, id);
    const notes = a.sector
      ? `year_established=${a.year_established}; revenue=${a.revenue}M USD; employees=${a.employees}${a.subsidiary_of ? `; subsidiary_of=${a.subsidiary_of}` : ''}`
      : null;
    return {
      id,
      columns: {
        name: a.account!,
        industry: a.sector || null,
        region: a.office_location || null,
        notes,
        ownerId: agents.get(firstAgent.get(a.account!) ?? '') ?? null,
      },
    };
  });
  await insertRecords(ctx, accountDefinition, accountItems, 'accounts');

  const dealItems = pipeline.map((o) => {
    const stage = STAGES[o.deal_stage!] ?? 'initial_contact';
    const info = stageInfo(stage);
    const product = productIds.get(key(o.product!));
    const closed = isoOf(o.close_date);
    const engaged = isoOf(o.engage_date);
    const amount = o.close_value ? Number(o.close_value) * 100 : (product?.price ?? 0);
    return {
      columns: {
        accountId: accountIds.get(o.account || UNKNOWN_ACCOUNT)!,
        name: `${o.opportunity_id} ${o.product}`,
        amount,
        currency: 'USD',
        expectedCloseDate: o.close_date || OPEN_CLOSE_DATE,
        stage,
        productIds: product ? [product.id] : [],
        lostReason: stage === 'lost' ? '未注明 (not in the data set)' : null,
        notes: `opportunity_id=${o.opportunity_id}`,
        ownerId: agents.get(o.sales_agent!) ?? null,
      },
      overrides: {
        createdAt: engaged ?? DATA_END,
        updatedAt: closed ?? engaged ?? DATA_END,
        stageEnteredAt: closed ?? engaged ?? DATA_END,
        closedAt: info.status === 'open' ? null : closed,
        probability: info.probability,
        status: info.status,
      },
    };
  });
  await insertRecords(ctx, dealDefinition, dealItems, 'deals');
  return {
    users: agents.size + managerUnits.size,
    reps: agents.size,
    products: productItems.length,
    accounts: accountItems.length,
    deals: dealItems.length,
  };
}
