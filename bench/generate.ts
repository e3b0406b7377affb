import { hashPassword } from '../server/src/auth/password';
import {
  ACTIVITY_TEMPLATES,
  BRAND,
  CITIES,
  GIVEN,
  INDUSTRY_WORDS,
  SURNAMES,
} from '../server/src/db/seed/demo-data';
import { type Random, seededRandom } from '../server/src/db/seed/random';
import type { CalendarConfig } from '../server/src/domain/calendar/business-calendar';
import { normalizeCompanyName } from '../server/src/domain/company-name';
import { DEAL_STAGES, type DealStage } from '../server/src/domain/deal-stages';
import { clockTimes } from '../server/src/domain/sop/clocks';
import type { Playbook } from '../server/src/domain/sop/playbook';
import { createTenant } from '../server/src/modules/org/tenant.service';
import { tenantCalendar } from '../server/src/modules/sop/clock.service';
import { publishedPlaybook } from '../server/src/modules/sop/run.service';
import { leadStageOfStatus } from '../server/src/modules/sop/run-adapters';
import { buildSearchText } from '../server/src/shared/search-text';
import type { DuckMirror } from './duck-mirror';
import type { BenchScale } from './scales';
import type { BenchTarget } from './target';

/** "Now" of the synthetic company: every generated time lies in the year before it. */
export const BENCH_ANCHOR = new Date(Date.UTC(2026, 10, 20, 2, 0, 0));
export const BENCH_PASSWORD = 'bench-password-1';
export const BENCH_TENANT_ID = 'tnt_bench';
/** The tenant the bare bulk insert of the import rows writes into (same table, same indexes). */
export const BARE_TENANT_ID = 'tnt_bench_bare';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Rows per table buffered before a write (one transaction each). */
const BATCH = 20_000;
/** The tables the generator fills in bulk: their plain indexes are built once, after the load. */
const LOADED: readonly BenchTable[] = ['accounts', 'leads', 'deals', 'activities', 'sop_runs', 'sop_clocks'];
const REGIONS = ['华东', '华南', '华北'] as const;
const KINDS = [
  ['call', 35],
  ['wechat', 25],
  ['visit', 18],
  ['meeting', 10],
  ['email', 12],
] as const;
const SOURCES = [
  ['website', 25],
  ['exhibition', 15],
  ['referral', 20],
  ['cold_call', 15],
  ['online_ad', 10],
  ['social_media', 8],
  ['partner', 5],
  ['other', 2],
] as const;
const DEAL_WEIGHTS = [
  ['initial_contact', 15],
  ['needs_analysis', 13],
  ['solution', 11],
  ['negotiation', 9],
  ['contract', 6],
  ['won', 28],
  ['lost', 18],
] as const;

export interface Company {
  tenantId: string;
  adminId: string;
  benchRep: { id: string; email: string };
  /** The manager of the bench rep's team (8 reps), for the manager's list scenario. */
  benchManager: { email: string };
  /** Some of the bench rep's leads, for the read scenario. */
  benchRepLeadIds: string[];
  /** The bench rep's deals whose gate to 需求分析 passes (checklist done, form submitted). */
  moveDealIds: string[];
  counts: Record<string, number>;
  openClocks: number;
  seconds: number;
}

const managerEmail = (team: number) => `manager${team + 1}@bench.salesops.cn`;

/** Deterministic, readable ids: `lead_b000001f`. */
const idOf = (prefix: string, n: number) => `${prefix}_b${n.toString(36).padStart(8, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** Pinyin search text is the costly part of a row; names repeat, so each value is built once. */
function searchTextCache() {
  const cache = new Map<string, string>();
  return (values: Array<string | null>) =>
    values
      .filter((v): v is string => !!v)
      .map((v) => {
        let s = cache.get(v);
        if (s === undefined) {
          s = buildSearchText([v]);
          if (cache.size < 500_000) cache.set(v, s);
        }
        return s;
      })
      .join(' ');
}

const personName = (r: Random) => r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.6) ? r.pick(GIVEN) : '');
const INDUSTRIES = Object.keys(INDUSTRY_WORDS);

/** A company name from a bounded vocabulary (so pinyin caching pays off). */
function companyName(r: Random, region: (typeof REGIONS)[number]): { name: string; industry: string } {
  const industry = r.pick(INDUSTRIES);
  const name = `${r.pick(CITIES[region])}${r.pick(BRAND)}${r.pick(BRAND)}${r.pick(INDUSTRY_WORDS[industry]!)}有限公司`;
  return { name, industry };
}

const COLUMNS = {
  org_units: [
    'id',
    'tenant_id',
    'parent_id',
    'name',
    'kind',
    'manager_id',
    'version',
    'created_at',
    'updated_at',
  ],
  users: [
    'id',
    'tenant_id',
    'email',
    'name',
    'search_text',
    'password_hash',
    'role',
    'org_unit_id',
    'mobile',
    'status',
    'locale',
    'version',
    'created_at',
    'updated_at',
  ],
  accounts: [
    'id',
    'tenant_id',
    'version',
    'created_at',
    'updated_at',
    'created_by',
    'name',
    'name_norm',
    'search_text',
    'industry',
    'region',
    'grade',
    'source',
    'owner_id',
    'assigned_at',
  ],
  leads: [
    'id',
    'tenant_id',
    'version',
    'created_at',
    'updated_at',
    'created_by',
    'name',
    'company_name',
    'company_norm',
    'search_text',
    'title',
    'mobile',
    'source',
    'grade',
    'status',
    'industry',
    'region',
    'first_contact_at',
    'owner_id',
    'assigned_at',
    'last_activity_at',
  ],
  deals: [
    'id',
    'tenant_id',
    'version',
    'created_at',
    'updated_at',
    'created_by',
    'account_id',
    'name',
    'search_text',
    'amount',
    'currency',
    'expected_close_date',
    'stage',
    'probability',
    'status',
    'source',
    'product_ids',
    'lost_reason',
    'closed_at',
    'stage_entered_at',
    'owner_id',
  ],
  activities: [
    'id',
    'tenant_id',
    'version',
    'created_at',
    'updated_at',
    'created_by',
    'kind',
    'subject',
    'notes',
    'outcome',
    'next_step',
    'occurred_at',
    'duration_minutes',
    'search_text',
    'lead_id',
    'account_id',
    'deal_id',
    'owner_id',
  ],
  sop_runs: [
    'id',
    'tenant_id',
    'record_type',
    'record_id',
    'playbook_id',
    'playbook_version_id',
    'stage_key',
    'stage_entered_at',
    'checklist',
    'forms',
    'owner_id',
    'status',
    'version',
    'created_at',
    'updated_at',
  ],
  sop_clocks: [
    'id',
    'tenant_id',
    'run_id',
    'record_type',
    'record_id',
    'stage_key',
    'limit_key',
    'owner_id',
    'started_at',
    'warn_at',
    'due_at',
    'status',
    'stopped_at',
    'escalation_step',
    'next_check_at',
  ],
} as const;
export type BenchTable = keyof typeof COLUMNS;
export const LEAD_COLUMNS = COLUMNS.leads;

/** Buffers rows per table and writes them in batches (and their mirror rows to DuckDB). */
class Spool {
  private readonly buffers = new Map<BenchTable, unknown[][]>();
  readonly counts: Record<string, number> = {};
  constructor(
    private readonly target: BenchTarget,
    private readonly progress: (line: string) => void,
  ) {}

  async add(table: BenchTable, row: unknown[]): Promise<void> {
    let buf = this.buffers.get(table);
    if (!buf) {
      buf = [];
      this.buffers.set(table, buf);
    }
    buf.push(row);
    // Everything buffered goes out together, parents first, so no foreign key points at a row
    // still waiting in a buffer (runs before their deals are written, clocks before their runs).
    if (buf.length >= BATCH) await this.flushAll();
  }

  async flush(table: BenchTable): Promise<void> {
    const buf = this.buffers.get(table);
    if (!buf?.length) return;
    this.buffers.set(table, []);
    await this.target.bulk.insert(table, COLUMNS[table], buf);
    const before = this.counts[table] ?? 0;
    this.counts[table] = before + buf.length;
    if (Math.floor(before / 200_000) !== Math.floor(this.counts[table] / 200_000)) {
      this.progress(`  ${table}: ${this.counts[table].toLocaleString('en-US')} rows`);
    }
  }

  async flushAll(): Promise<void> {
    for (const table of LOADED) await this.flush(table);
  }
}

interface RunContext {
  tenantId: string;
  playbookId: string;
  versionId: string;
  playbook: Playbook;
  cal: CalendarConfig;
}

/**
 * Writes the run of an open record and the clocks of its stage's time limits in the state a
 * running system would have them at the anchor: a clock due more than two days earlier has
 * long been breached and escalated (no further check); a daily deadline's current clock
 * started the day before; the rest are still running.
 */
async function addRun(
  spool: Spool,
  ctx: RunContext,
  n: number,
  record: { type: 'deal' | 'lead'; id: string; ownerId: string; stage: string; enteredAt: number },
  state: { checklist: string; forms: string } = { checklist: '{}', forms: '{}' },
): Promise<number> {
  const runId = idOf(`run${record.type[0]}`, n);
  const at = iso(record.enteredAt);
  await spool.add('sop_runs', [
    runId,
    ctx.tenantId,
    record.type,
    record.id,
    ctx.playbookId,
    ctx.versionId,
    record.stage,
    at,
    state.checklist,
    state.forms,
    record.ownerId,
    'open',
    1,
    at,
    at,
  ]);
  const stage = ctx.playbook.stages.find((s) => s.key === record.stage);
  const anchor = BENCH_ANCHOR.getTime();
  let open = 0;
  for (const [k, limit] of (stage?.timeLimits ?? []).entries()) {
    const start = limit.deadline ? Math.max(record.enteredAt, anchor - DAY) : record.enteredAt;
    const { dueAt, warnAt } = clockTimes(ctx.cal, limit, new Date(start));
    const settled = dueAt.getTime() < anchor - 2 * DAY;
    await spool.add('sop_clocks', [
      `${runId}_${k}`.replace('run', 'clk'),
      ctx.tenantId,
      runId,
      record.type,
      record.id,
      record.stage,
      limit.key,
      record.ownerId,
      iso(start),
      warnAt?.toISOString() ?? null,
      dueAt.toISOString(),
      settled ? 'breached' : 'running',
      null,
      settled ? limit.escalation.length : 0,
      settled ? null : (warnAt ?? dueAt).toISOString(),
    ]);
    if (!settled) open++;
  }
  return open;
}

/**
 * The synthetic company: an org of `scale.reps` reps in teams of eight under three regions,
 * customers, leads, deals through the stages (open ones with their SOP runs and clocks) and
 * follow-ups over the year before BENCH_ANCHOR. Deterministic for a seed; written with the
 * target's bulk writer, and the dashboard columns mirrored into DuckDB.
 */
export async function generateCompany(
  target: BenchTarget,
  scale: BenchScale,
  seed: number,
  mirror: DuckMirror,
  progress: (line: string) => void,
): Promise<Company> {
  const started = performance.now();
  const r = seededRandom(seed);
  const db = target.database.db;
  const spool = new Spool(target, progress);
  const search = searchTextCache();
  const now = BENCH_ANCHOR.getTime();
  const yearAgo = now - 365 * DAY;
  const tenantId = BENCH_TENANT_ID;
  await createTenant(db, { id: tenantId, name: '基准科技有限公司' });
  await createTenant(db, { id: BARE_TENANT_ID, name: '基准科技（裸插入对照）' });
  const dealPb = await publishedPlaybook(db, tenantId, 'deal');
  const leadPb = await publishedPlaybook(db, tenantId, 'lead');
  const cal = await tenantCalendar(db, tenantId);
  const dealCtx: RunContext = { tenantId, ...dealPb, cal };
  const leadCtx: RunContext = { tenantId, ...leadPb, cal };
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const created = iso(yearAgo);
  const indexes = await target.bulk.dropIndexes(LOADED);

  // Organisation: 销售部 → 3 regions → teams of 8 reps with a manager each.
  progress('  organisation');
  const rootId = idOf('ou', 0);
  const units: unknown[][] = [[rootId, tenantId, null, '销售部', 'company', null, 1, created, created]];
  const users: unknown[][] = [];
  const user = (id: string, email: string, name: string, role: string, unitId: string | null) => {
    users.push([
      id,
      tenantId,
      email,
      name,
      search([name, email]),
      passwordHash,
      role,
      unitId,
      null,
      'active',
      'zh-CN',
      1,
      created,
      created,
    ]);
    mirror.append('users', [[id, unitId, role]]);
  };
  const adminId = idOf('usr', 0);
  user(adminId, 'admin@bench.salesops.cn', '系统管理员', 'admin', null);
  user(idOf('usr', 1), 'ops@bench.salesops.cn', '运营', 'sales_ops', rootId);
  const regionIds = REGIONS.map((name, i) => {
    const id = idOf('ou', i + 1);
    units.push([id, tenantId, rootId, `${name}大区`, 'region', null, 1, created, created]);
    return id;
  });
  const reps: Array<{ id: string; email: string; region: (typeof REGIONS)[number] }> = [];
  const teams = Math.ceil(scale.reps / 8);
  for (let t = 0; t < teams; t++) {
    const teamId = idOf('ou', 10 + t);
    const managerId = idOf('usr', 10 + t);
    const region = REGIONS[t % REGIONS.length]!;
    units.push([
      teamId,
      tenantId,
      regionIds[t % 3],
      `${region}${t + 1}组`,
      'team',
      managerId,
      1,
      created,
      created,
    ]);
    user(managerId, managerEmail(t), personName(r), 'manager', teamId);
    for (let k = 0; k < 8 && reps.length < scale.reps; k++) {
      const n = reps.length + 1;
      const id = idOf('usr', 100_000 + n);
      const email = `rep${n}@bench.salesops.cn`;
      user(id, email, personName(r), 'rep', teamId);
      reps.push({ id, email, region });
    }
  }
  await target.bulk.insert('org_units', COLUMNS.org_units, units);
  await target.bulk.insert('users', COLUMNS.users, users);
  spool.counts.users = users.length;
  const benchRep = reps[0]!;

  // Customers: 92 % owned.
  progress('  customers');
  const accountOwner = new Int32Array(scale.accounts + 1);
  for (let i = 0; i <= scale.accounts; i++) {
    // Account 0 belongs to the bench rep: the stage-move deals hang off it.
    const repNo = i === 0 ? 0 : r.chance(0.92) ? r.int(0, reps.length - 1) : -1;
    const rep = reps[Math.max(0, repNo)]!;
    const { name: base, industry } = companyName(r, rep.region);
    const name = base.replace('有限公司', `${i}号有限公司`); // names of customers are unique
    const at = yearAgo + r.int(0, 330) * DAY + r.int(0, DAY);
    accountOwner[i] = repNo;
    await spool.add('accounts', [
      idOf('acc', i),
      tenantId,
      1,
      iso(at),
      iso(at),
      rep.id,
      name,
      normalizeCompanyName(name),
      search([name]),
      industry,
      rep.region,
      r.pick(['A', 'B', 'B', 'C', 'C', 'D']),
      r.weighted(SOURCES),
      repNo >= 0 ? rep.id : null,
      repNo >= 0 ? iso(at) : null,
    ]);
  }
  await spool.flush('accounts');

  // Leads: 15 % in the public pool; owned new ones run through the lead playbook with its clock.
  progress('  leads');
  const leadOwner = new Int32Array(scale.leads);
  const benchRepLeadIds: string[] = [];
  let openClocks = 0;
  let runNo = 0;
  for (let i = 0; i < scale.leads; i++) {
    const repNo = r.chance(0.15) ? -1 : r.int(0, reps.length - 1);
    const rep = reps[Math.max(0, repNo)]!;
    const at = yearAgo + Math.floor(r.next() * 365 * DAY);
    const status =
      repNo < 0
        ? 'new'
        : r.weighted([
            ['new', 12],
            ['contacted', 30],
            ['qualified', 17],
            ['converted', 20],
            ['disqualified', 21],
          ] as const);
    const { name: company, industry } = companyName(r, rep.region);
    const name = personName(r);
    const mobile = `13${String(i).padStart(9, '0')}`;
    const firstContact = status === 'new' ? null : iso(at + r.int(10, 72 * 60) * 60_000);
    const id = idOf('lead', i);
    leadOwner[i] = repNo;
    const source = r.weighted(SOURCES);
    await spool.add('leads', [
      id,
      tenantId,
      1,
      iso(at),
      iso(at),
      rep.id,
      name,
      company,
      normalizeCompanyName(company),
      search([name, company, mobile]),
      '采购经理',
      mobile,
      source,
      r.pick(['A', 'B', 'B', 'C', 'C', 'D']),
      status,
      industry,
      rep.region,
      firstContact,
      repNo >= 0 ? rep.id : null,
      repNo >= 0 ? iso(at) : null,
      firstContact,
    ]);
    mirror.append('leads', [[id, repNo >= 0 ? rep.id : null, source, status, iso(at)]]);
    if (repNo === 0 && benchRepLeadIds.length < 2_000) benchRepLeadIds.push(id);
    if (repNo >= 0 && (status === 'new' || status === 'contacted')) {
      openClocks += await addRun(spool, leadCtx, runNo++, {
        type: 'lead',
        id,
        ownerId: rep.id,
        stage: leadStageOfStatus(status, leadPb.playbook),
        enteredAt: at,
      });
    }
  }
  await spool.flush('leads');

  // Deals through the stages; open ones have their run and the clocks of their stage.
  progress('  deals');
  const total = scale.deals + scale.moveDeals;
  const dealOwner = new Int32Array(total);
  const dealAccount = new Int32Array(total);
  const moveDealIds: string[] = [];
  for (let i = 0; i < total; i++) {
    const forMove = i >= scale.deals;
    let accountNo = forMove ? 0 : r.int(1, scale.accounts);
    while (accountOwner[accountNo]! < 0) accountNo = r.int(1, scale.accounts);
    const repNo = accountOwner[accountNo]!;
    const rep = reps[repNo]!;
    const stage: DealStage = forMove ? 'initial_contact' : r.weighted(DEAL_WEIGHTS);
    const info = DEAL_STAGES.find((s) => s.key === stage)!;
    const at = forMove ? now - DAY : yearAgo + Math.floor(r.next() * 330 * DAY);
    const closed = info.status === 'open' ? null : Math.min(now - HOUR, at + r.int(20, 120) * DAY);
    const entered = closed ?? Math.max(at, now - r.int(1, 20 * 24) * HOUR);
    const id = idOf('deal', i);
    const amount =
      Math.round(
        Math.exp(Math.log(2_000_000) + r.next() * (Math.log(500_000_000) - Math.log(2_000_000))) / 10_000,
      ) * 10_000;
    const name = `${r.pick(['产线改造', '数字化工厂', '设备升级', '年度采购', '智能仓储', '能源管理'])}项目 ${i}`;
    dealOwner[i] = repNo;
    dealAccount[i] = accountNo;
    await spool.add('deals', [
      id,
      tenantId,
      1,
      iso(at),
      iso(entered),
      rep.id,
      idOf('acc', accountNo),
      name,
      search([name]),
      amount,
      'CNY',
      iso(closed ?? now + r.int(5, 120) * DAY).slice(0, 10),
      stage,
      info.probability,
      info.status,
      r.weighted(SOURCES),
      '[]',
      stage === 'lost' ? '价格' : null,
      closed ? iso(closed) : null,
      iso(entered),
      rep.id,
    ]);
    mirror.append('deals', [[id, rep.id, info.status, stage, amount, iso(at), closed ? iso(closed) : null]]);
    if (info.status !== 'open') continue;
    // The stage-move deals: 首次触达 done and 客户初步沟通记录表 submitted, so the gate passes.
    const state = forMove
      ? {
          checklist: JSON.stringify({ first_contact: { doneAt: iso(entered), doneBy: rep.id } }),
          forms: JSON.stringify({
            first_contact_record: {
              values: {
                needs: '产线自动化改造',
                budget: 50_000_000,
                decision_chain: '总经理决策，技术部评估',
              },
              submittedAt: iso(entered),
              submittedBy: rep.id,
            },
          }),
        }
      : undefined;
    if (forMove) moveDealIds.push(id);
    openClocks += await addRun(
      spool,
      dealCtx,
      runNo++,
      { type: 'deal', id, ownerId: rep.id, stage, enteredAt: entered },
      state,
    );
  }
  await spool.flush('deals');

  // Follow-ups: 70 % on deals, the rest on owned leads.
  progress('  activities');
  for (let i = 0; i < scale.activities; i++) {
    let dealNo = -1;
    let leadNo = -1;
    if (r.chance(0.7) || scale.leads === 0) dealNo = r.int(0, scale.deals - 1);
    else {
      leadNo = r.int(0, scale.leads - 1);
      while (leadOwner[leadNo]! < 0) leadNo = r.int(0, scale.leads - 1);
    }
    const rep = reps[dealNo >= 0 ? dealOwner[dealNo]! : leadOwner[leadNo]!]!;
    const kind = r.weighted(KINDS);
    const [subject, notes, nextStep, outcome] = r.pick(ACTIVITY_TEMPLATES[kind]);
    const at = yearAgo + Math.floor(r.next() * 365 * DAY);
    const id = idOf('act', i);
    await spool.add('activities', [
      id,
      tenantId,
      1,
      iso(at),
      iso(at),
      rep.id,
      kind,
      subject,
      notes.replace('{line}', '工业传感器').replace('{title}', '采购经理'),
      outcome,
      nextStep,
      iso(at),
      kind === 'visit' || kind === 'meeting' ? r.int(30, 120) : r.int(3, 30),
      subject,
      leadNo >= 0 ? idOf('lead', leadNo) : null,
      dealNo >= 0 ? idOf('acc', dealAccount[dealNo]!) : null,
      dealNo >= 0 ? idOf('deal', dealNo) : null,
      rep.id,
    ]);
    mirror.append('activities', [[id, rep.id, kind, iso(at)]]);
  }
  await spool.flushAll();
  progress('  indexes');
  await indexes.restore();
  progress('  analyze');
  await target.bulk.analyze();
  return {
    tenantId,
    adminId,
    benchRep: { id: benchRep.id, email: benchRep.email },
    // Team 0 holds the first 8 reps, the bench rep among them.
    benchManager: { email: managerEmail(0) },
    benchRepLeadIds,
    moveDealIds,
    counts: { ...spool.counts, org_units: units.length },
    openClocks,
    seconds: (performance.now() - started) / 1000,
  };
}
