import type { Kysely } from 'kysely';
import { hashPassword } from '../../auth/password';
import type { Role } from '../../auth/roles';
import { normalizeCompanyName } from '../../domain/company-name';
import { creditCodeCheckChar } from '../../domain/credit-code';
import { DEAL_STAGES, type DealStage } from '../../domain/deal-stages';
import { newId } from '../../shared/ids';
import { buildSearchText } from '../../shared/search-text';
import type { Database } from '../database';
import type { DB } from '../schema';
import {
  ACTIVITY_TEMPLATES,
  BRAND,
  CITIES,
  DECISION_ROLES,
  GIVEN,
  GRADES,
  INDUSTRY_WORDS,
  LEAD_SOURCES,
  LOST_REASONS,
  PRODUCT_LINES,
  REGION_CODES,
  SIZES,
  SURNAMES,
  TITLES,
} from './demo-data';
import { type Random, seededRandom } from './random';

export const DEMO_TENANT_NAME = '示例科技有限公司';
export const DEMO_PASSWORD = 'demo1234';
const DAY = 86_400_000;

export interface DemoScale {
  accounts: number;
  leads: number;
  deals: number;
  repsPerTeam: number;
}
export const FULL_SCALE: DemoScale = { accounts: 2000, leads: 5000, deals: 1500, repsPerTeam: 5 };

export interface DemoLogin {
  email: string;
  role: Role;
  name: string;
  note: string;
}

const REGIONS = [
  {
    key: 'east',
    name: '华东大区',
    region: '华东' as const,
    teams: [
      ['sh1', '上海一组'],
      ['hz1', '杭州一组'],
    ],
  },
  {
    key: 'south',
    name: '华南大区',
    region: '华南' as const,
    teams: [
      ['sz1', '深圳一组'],
      ['gz1', '广州一组'],
    ],
  },
  {
    key: 'north',
    name: '华北大区',
    region: '华北' as const,
    teams: [
      ['bj1', '北京一组'],
      ['tj1', '天津一组'],
    ],
  },
];

const EMAIL_DOMAIN = 'demo.salesops.cn';

/** The demo logins printed by `npm start` (password demo1234). */
export const DEMO_LOGINS: DemoLogin[] = [
  { email: `admin@${EMAIL_DOMAIN}`, role: 'admin', name: '系统管理员', note: 'everything / 全部' },
  { email: `ops@${EMAIL_DOMAIN}`, role: 'sales_ops', name: '运营 陈静', note: 'everything / 全部' },
  {
    email: `director@${EMAIL_DOMAIN}`,
    role: 'manager',
    name: '销售总监 周建华',
    note: 'all regions / 全部大区',
  },
  { email: `manager.east@${EMAIL_DOMAIN}`, role: 'manager', name: '华东大区经理', note: '华东大区' },
  { email: `manager.sh1@${EMAIL_DOMAIN}`, role: 'manager', name: '上海一组主管', note: '上海一组' },
  { email: `rep01@${EMAIL_DOMAIN}`, role: 'rep', name: '上海一组销售', note: 'own records / 本人' },
  { email: `finance@${EMAIL_DOMAIN}`, role: 'finance', name: '财务', note: 'reads all / 只读全部' },
  { email: `viewer@${EMAIL_DOMAIN}`, role: 'viewer', name: '只读用户', note: 'reads 上海一组' },
];

function personName(r: Random): string {
  return r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.6) ? r.pick(GIVEN) : '');
}

function mobile(r: Random): string {
  return `1${r.pick(['3', '5', '7', '8', '9'])}${r.int(0, 9)}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
}

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function creditCode(r: Random, city: string): string {
  let body = `91${REGION_CODES[city] ?? '310000'}`;
  while (body.length < 17) body += CODE_CHARS[r.int(0, 30)];
  return body + creditCodeCheckChar(body);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function insertBatches(db: Kysely<DB>, table: keyof DB, rows: Array<Record<string, unknown>>) {
  for (let i = 0; i < rows.length; i += 400) {
    await (db as Kysely<any>)
      .insertInto(table)
      .values(rows.slice(i, i + 400))
      .execute();
  }
}

/**
 * Loads the demo company: deterministic for a given seed and `now`, realistic and in Chinese.
 * Inserts in batches inside one transaction, so it takes seconds and never half-loads.
 */
export async function seedDemo(
  database: Database,
  opts: { seed?: number; now?: Date; scale?: DemoScale; onProgress?: (step: string) => void } = {},
) {
  const r = seededRandom(opts.seed ?? 20261122);
  const now = (opts.now ?? new Date()).getTime();
  const scale = opts.scale ?? FULL_SCALE;
  const progress = opts.onProgress ?? (() => {});
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const at = iso(now);
  const yearAgo = now - 365 * DAY;
  const counts: Record<string, number> = {};

  await database.db.transaction().execute(async (trx) => {
    const tenantId = newId('tnt', now);
    await trx
      .insertInto('tenants')
      .values({ id: tenantId, name: DEMO_TENANT_NAME, timeZone: 'Asia/Shanghai', createdAt: iso(yearAgo) })
      .execute();

    // Organisation: 销售部 → 3 regions → 2 teams each.
    progress('organisation');
    const units: Array<Record<string, unknown>> = [];
    const users: Array<Record<string, unknown>> = [];
    const unit = (name: string, kind: string, parentId: string | null) => {
      const id = newId('ou', now);
      units.push({ id, tenantId, parentId, name, kind, managerId: null, createdAt: at, updatedAt: at });
      return id;
    };
    const user = (email: string, name: string, role: Role, orgUnitId: string | null) => {
      const id = newId('usr', now);
      users.push({
        id,
        tenantId,
        email,
        name,
        role,
        orgUnitId,
        passwordHash,
        mobile: mobile(r),
        searchText: buildSearchText([name, email]),
        createdAt: iso(yearAgo),
        updatedAt: at,
      });
      return id;
    };
    const root = unit('销售部', 'company', null);
    const director = user(`director@${EMAIL_DOMAIN}`, '周建华', 'manager', root);
    units[0]!.managerId = director;
    user(`admin@${EMAIL_DOMAIN}`, '系统管理员', 'admin', null);
    user(`ops@${EMAIL_DOMAIN}`, '陈静', 'sales_ops', root);
    for (const [key, name, role] of [
      ['finance', '刘会计', 'finance'],
      ['legal', '孙律师', 'legal'],
      ['delivery', '郭交付', 'delivery'],
      ['service', '何售后', 'service'],
    ] as const) {
      user(`${key}@${EMAIL_DOMAIN}`, name, role, root);
    }
    const reps: Array<{ id: string; region: keyof typeof CITIES; teamId: string }> = [];
    let repNo = 0;
    for (const region of REGIONS) {
      const regionId = unit(region.name, 'region', root);
      units[units.length - 1]!.managerId = user(
        `manager.${region.key}@${EMAIL_DOMAIN}`,
        personName(r),
        'manager',
        regionId,
      );
      for (const [key, teamName] of region.teams) {
        const teamId = unit(teamName!, 'team', regionId);
        const teamUnit = units[units.length - 1]!;
        teamUnit.managerId = user(`manager.${key}@${EMAIL_DOMAIN}`, personName(r), 'manager', teamId);
        if (key === 'sh1') user(`viewer@${EMAIL_DOMAIN}`, '只读用户', 'viewer', teamId);
        for (let i = 0; i < scale.repsPerTeam; i++) {
          repNo++;
          const id = user(
            `rep${String(repNo).padStart(2, '0')}@${EMAIL_DOMAIN}`,
            personName(r),
            'rep',
            teamId,
          );
          reps.push({ id, region: region.region, teamId });
        }
      }
    }
    await insertBatches(trx, 'orgUnits', units);
    await insertBatches(trx, 'users', users);
    counts.orgUnits = units.length;
    counts.users = users.length;

    // Products: 8 lines × 5 items.
    progress('products');
    const products: Array<Record<string, unknown>> = [];
    let sku = 1000;
    for (const line of PRODUCT_LINES) {
      for (const item of line.items) {
        const listPrice = Math.round(r.int(line.price[0]!, line.price[1]!) / 100) * 100;
        const model = `${line.line.slice(0, 1) === 'P' ? 'PLC' : 'SO'}-${r.int(100, 999)}${r.pick(['A', 'B', 'S', 'X'])}`;
        products.push({
          id: newId('prd', now),
          tenantId,
          version: 1,
          createdAt: iso(yearAgo),
          updatedAt: at,
          createdBy: null,
          deletedAt: null,
          sku: `SKU-${sku++}`,
          name: item,
          productLine: line.line,
          spec: `${item} 标准规格`,
          model,
          unit: line.unit,
          listPrice,
          cost: Math.round(listPrice * (0.45 + r.next() * 0.25)),
          currency: 'CNY',
          status: 'active',
          description: `${line.line} · ${item}`,
          searchText: buildSearchText([item, model, line.line]),
        });
      }
    }
    await insertBatches(trx, 'products', products);
    counts.products = products.length;

    // Customers with 1–3 contacts each.
    progress('customers');
    const accounts: Array<Record<string, unknown>> = [];
    const contacts: Array<Record<string, unknown>> = [];
    const usedNames = new Set<string>();
    const industries = Object.keys(INDUSTRY_WORDS);
    while (accounts.length < scale.accounts) {
      const rep = r.pick(reps);
      const city = r.pick(CITIES[rep.region]);
      const industry = r.pick(industries);
      const name = `${city}${r.pick(BRAND)}${r.pick(BRAND)}${r.pick(INDUSTRY_WORDS[industry]!)}${r.chance(0.2) ? '股份有限公司' : '有限公司'}`;
      const norm = normalizeCompanyName(name);
      if (usedNames.has(norm)) continue;
      usedNames.add(norm);
      const created = yearAgo + r.int(0, 330) * DAY + r.int(0, DAY);
      const owned = r.chance(0.92);
      const accountId = newId('acc', created);
      accounts.push({
        id: accountId,
        tenantId,
        version: 1,
        createdAt: iso(created),
        updatedAt: iso(created),
        createdBy: rep.id,
        deletedAt: null,
        name,
        nameNorm: norm,
        searchText: buildSearchText([name]),
        creditCode: creditCode(r, city),
        industry,
        region: rep.region,
        size: r.weighted(SIZES),
        grade: r.weighted(GRADES),
        source: r.weighted(LEAD_SOURCES),
        phone: `0${r.int(10, 99)}-${r.int(20000000, 89999999)}`,
        address: `${city}市${r.pick(['高新区', '经开区', '工业园区', '新区'])}${r.int(1, 999)}号`,
        website: null,
        notes: null,
        ownerId: owned ? rep.id : null,
        assignedAt: owned ? iso(created) : null,
        lastActivityAt: null,
      });
      for (let c = r.int(1, 3); c > 0; c--) {
        const cname = personName(r);
        const m = mobile(r);
        contacts.push({
          id: newId('con', created),
          tenantId,
          version: 1,
          createdAt: iso(created),
          updatedAt: iso(created),
          createdBy: rep.id,
          deletedAt: null,
          accountId,
          name: cname,
          searchText: buildSearchText([cname, m]),
          title: r.pick(TITLES),
          mobile: m,
          email: `${String(r.int(100, 99999))}@${r.pick(['163.com', 'qq.com', 'company.cn'])}`,
          wechat: `wx_${r.int(10000, 999999)}`,
          decisionRole: r.pick(DECISION_ROLES),
          notes: null,
          ownerId: owned ? rep.id : null,
        });
      }
    }
    await insertBatches(trx, 'accounts', accounts);
    await insertBatches(trx, 'contacts', contacts);
    counts.accounts = accounts.length;
    counts.contacts = contacts.length;

    // Leads: 15 % in the public pool; contacted ones have a first-contact time.
    progress('leads');
    const leads: Array<Record<string, unknown>> = [];
    for (let i = 0; i < scale.leads; i++) {
      const rep = r.pick(reps);
      const pool = r.chance(0.15);
      const status = pool
        ? r.weighted([
            ['new', 6],
            ['contacted', 4],
          ] as const)
        : r.weighted([
            ['new', 15],
            ['contacted', 30],
            ['qualified', 17],
            ['converted', 20],
            ['disqualified', 18],
          ] as const);
      const created = yearAgo + Math.floor(r.next() * 365 * DAY);
      const city = r.pick(CITIES[rep.region]);
      const company = `${city}${r.pick(BRAND)}${r.pick(BRAND)}${r.pick(INDUSTRY_WORDS[r.pick(industries)]!)}有限公司`;
      const name = personName(r);
      const m = mobile(r);
      const contacted = status !== 'new';
      const firstContact = contacted ? Math.min(now, created + r.int(10, 72 * 60) * 60_000) : null;
      leads.push({
        id: newId('lead', created),
        tenantId,
        version: 1,
        createdAt: iso(created),
        updatedAt: iso(created),
        createdBy: rep.id,
        deletedAt: null,
        name,
        companyName: company,
        companyNorm: normalizeCompanyName(company),
        searchText: buildSearchText([name, company, m]),
        title: r.pick(TITLES),
        mobile: m,
        phone: null,
        email: null,
        wechat: r.chance(0.5) ? `wx_${r.int(10000, 999999)}` : null,
        creditCode: null,
        source: r.weighted(LEAD_SOURCES),
        grade: r.weighted(GRADES),
        status,
        industry: r.pick(industries),
        region: rep.region,
        notes: null,
        firstContactAt: firstContact ? iso(firstContact) : null,
        convertedAt: status === 'converted' ? iso(Math.min(now, created + 20 * DAY)) : null,
        accountId: null,
        ownerId: pool ? null : rep.id,
        assignedAt: pool ? null : iso(created),
        lastActivityAt: firstContact ? iso(firstContact) : null,
      });
    }
    await insertBatches(trx, 'leads', leads);
    counts.leads = leads.length;

    // Deals through the stages, with the stage events the funnel and stage times come from.
    progress('deals');
    const owned = accounts.filter((a) => a.ownerId);
    const openStages: DealStage[] = [
      'initial_contact',
      'needs_analysis',
      'solution',
      'negotiation',
      'contract',
    ];
    const deals: Array<Record<string, unknown>> = [];
    const stageEvents: Array<Record<string, unknown>> = [];
    for (let i = 0; i < scale.deals; i++) {
      const account = r.pick(owned);
      const ownerId = account.ownerId as string;
      const stage = r.weighted([
        ['initial_contact', 15],
        ['needs_analysis', 13],
        ['solution', 11],
        ['negotiation', 9],
        ['contract', 6],
        ['won', 28],
        ['lost', 18],
      ] as const) as DealStage;
      const created = yearAgo + Math.floor(r.next() * 330 * DAY);
      const closed =
        stage === 'won' || stage === 'lost' ? Math.min(now - DAY, created + r.int(20, 120) * DAY) : null;
      const reached =
        stage === 'won'
          ? openStages.length
          : stage === 'lost'
            ? r.int(1, openStages.length)
            : openStages.indexOf(stage) + 1;
      const path: DealStage[] = openStages.slice(0, reached);
      if (stage === 'won' || stage === 'lost') path.push(stage);
      const end = closed ?? now - r.int(0, 10) * DAY;
      const dealId = newId('deal', created);
      let prev: string | null = null;
      let enteredAt = created;
      path.forEach((s, idx) => {
        enteredAt =
          idx === 0 ? created : created + Math.floor(((end - created) * idx) / Math.max(1, path.length - 1));
        stageEvents.push({
          id: newId('sev', enteredAt),
          tenantId,
          recordType: 'deal',
          recordId: dealId,
          playbookVersionId: null,
          fromStage: prev,
          toStage: s,
          actorId: ownerId,
          ownerId,
          reason: s === 'lost' ? 'lost' : null,
          at: iso(enteredAt),
        });
        prev = s;
      });
      const amount =
        Math.round(
          Math.exp(Math.log(2_000_000) + r.next() * (Math.log(500_000_000) - Math.log(2_000_000))) / 10_000,
        ) * 10_000;
      const info = DEAL_STAGES.find((s) => s.key === stage)!;
      const productIds = Array.from({ length: r.int(1, 3) }, () => r.pick(products).id as string);
      const name = `${String(account.name).replace(/(股份)?有限公司$/, '')}${r.pick(['产线改造', '数字化工厂', '设备升级', '年度采购', '智能仓储', '能源管理'])}项目`;
      deals.push({
        id: dealId,
        tenantId,
        version: 1,
        createdAt: iso(created),
        updatedAt: iso(enteredAt),
        createdBy: ownerId,
        deletedAt: null,
        accountId: account.id,
        contactId: null,
        leadId: null,
        name,
        searchText: buildSearchText([name]),
        amount,
        currency: 'CNY',
        expectedCloseDate: iso(closed ?? now + r.int(5, 120) * DAY).slice(0, 10),
        stage,
        probability: info.probability,
        status: info.status,
        source: account.source,
        productIds: JSON.stringify([...new Set(productIds)]),
        lostReason: stage === 'lost' ? r.pick(LOST_REASONS) : null,
        closedAt: closed ? iso(closed) : null,
        stageEnteredAt: iso(enteredAt),
        notes: null,
        ownerId,
      });
    }
    await insertBatches(trx, 'deals', deals);
    await insertBatches(trx, 'stageEvents', stageEvents);
    counts.deals = deals.length;
    counts.stageEvents = stageEvents.length;

    // Follow-ups: several per deal and per contacted lead over the year; some next contacts today.
    progress('activities');
    const activities: Array<Record<string, unknown>> = [];
    const addActivity = (ownerId: string, when: number, rel: Record<string, string | null>, line: string) => {
      const kind = r.weighted([
        ['call', 35],
        ['wechat', 25],
        ['visit', 18],
        ['meeting', 10],
        ['email', 12],
      ] as const);
      const [subject, notes, nextStep, outcome] = r.pick(ACTIVITY_TEMPLATES[kind]);
      const text = notes.replace('{line}', line).replace('{title}', r.pick(TITLES));
      const nextContact = r.chance(0.3) ? Math.min(now + 14 * DAY, when + r.int(1, 10) * DAY) : null;
      activities.push({
        id: newId('act', when),
        tenantId,
        version: 1,
        createdAt: iso(when),
        updatedAt: iso(when),
        createdBy: ownerId,
        deletedAt: null,
        kind,
        subject,
        notes: text,
        outcome,
        nextStep,
        nextContactAt: nextContact ? iso(nextContact) : null,
        occurredAt: iso(when),
        durationMinutes: kind === 'visit' || kind === 'meeting' ? r.int(30, 120) : r.int(3, 30),
        searchText: subject,
        leadId: null,
        accountId: null,
        contactId: null,
        dealId: null,
        ...rel,
        ownerId,
      });
    };
    for (const d of deals) {
      const created = Date.parse(String(d.createdAt));
      const end = d.closedAt ? Date.parse(String(d.closedAt)) : now;
      const n = r.int(4, 10);
      for (let k = 0; k < n; k++) {
        addActivity(
          String(d.ownerId),
          created + Math.floor(((end - created) * (k + 0.5)) / n),
          { dealId: String(d.id), accountId: String(d.accountId) },
          r.pick(PRODUCT_LINES).line,
        );
      }
    }
    for (const l of leads) {
      if (!l.firstContactAt || !l.ownerId) continue;
      const first = Date.parse(String(l.firstContactAt));
      for (let k = r.int(1, 2); k > 0; k--) {
        addActivity(
          String(l.ownerId),
          Math.min(now, first + (k - 1) * r.int(1, 6) * DAY),
          { leadId: String(l.id) },
          r.pick(PRODUCT_LINES).line,
        );
      }
    }
    // A handful of follow-ups due today for every rep, so the workbench has something to show.
    for (const rep of reps) {
      const mine = deals.filter((d) => d.ownerId === rep.id && d.status === 'open').slice(0, 2);
      for (const d of mine) {
        addActivity(
          rep.id,
          now - r.int(2, 6) * DAY,
          { dealId: String(d.id), accountId: String(d.accountId) },
          r.pick(PRODUCT_LINES).line,
        );
        activities[activities.length - 1]!.nextContactAt = iso(now + r.int(1, 6) * 3_600_000);
      }
    }
    await insertBatches(trx, 'activities', activities);
    counts.activities = activities.length;

    // Tasks: open ones (some overdue, some due today) and done ones.
    progress('tasks');
    const tasks: Array<Record<string, unknown>> = [];
    for (const d of deals) {
      if (!r.chance(0.8)) continue;
      const open = d.status === 'open';
      const due = open
        ? now + r.int(-5, 10) * DAY + r.int(-4, 4) * 3_600_000
        : Date.parse(String(d.closedAt ?? at)) - DAY;
      const done = !open || r.chance(0.3);
      tasks.push({
        id: newId('task', due),
        tenantId,
        version: 1,
        createdAt: iso(Math.min(now, due - 3 * DAY)),
        updatedAt: at,
        createdBy: d.ownerId,
        deletedAt: null,
        title: r.pick([
          '准备方案',
          '发送报价',
          '安排技术交流',
          '跟进合同评审',
          '确认付款条件',
          '提交需求分析表',
        ]),
        searchText: '',
        notes: String(d.name),
        dueAt: iso(due),
        priority: r.weighted([
          ['normal', 6],
          ['high', 3],
          ['urgent', 1],
          ['low', 1],
        ] as const),
        status: done ? 'done' : 'open',
        completedAt: done ? iso(Math.min(now, due)) : null,
        leadId: null,
        accountId: d.accountId,
        dealId: d.id,
        ownerId: d.ownerId,
      });
    }
    for (const t of tasks) t.searchText = buildSearchText([t.title as string]);
    await insertBatches(trx, 'tasks', tasks);
    counts.tasks = tasks.length;
    counts.tenants = 1;
    progress('done');
  });
  return counts;
}
