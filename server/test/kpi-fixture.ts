import type { Database } from '../src/db/database';
import { makeOrg, type Org } from './harness';

/**
 * A small, hand-made history for KPI and compliance tests: every date, amount, stage event and
 * clock is explicit, so each figure can be worked out by hand (see the comments in the tests).
 * Tenant time zone Asia/Shanghai (UTC+8). Times below are UTC.
 *
 * Deals (amount in 分):
 *   d1 repA1 accA won  1,000,000 created 03-01T02 closed 03-11T02 products [p1]
 *   d2 repA1 accA won  2,000,000 created 03-20T02 closed 04-09T02 products [p1,p2]
 *   d3 repA2 accB won  3,000,000 created 04-01T02 closed 04-21T02 products [p2]
 *   d4 repB1 accC lost 5,000,000 created 04-02T02 closed 04-12T02
 *   d5 repA2 accB open 4,000,000 created 04-04T02 (negotiation)
 *   d6 repB1 accC won    500,000 created 02-01T02 closed 03-31T17 (= 04-01 01:00 local: April)
 *   d7 repA1 accA won  2,000,000 created 2025-04-01 closed 2025-04-15T02 (a year earlier)
 */
export async function buildKpiFixture(database: Database) {
  const { db } = database;
  const org = await makeOrg(db);
  const t = org.tenant.id;
  const u = org.users;
  const rec = (id: string, createdAt: string) => ({
    id,
    tenantId: t,
    createdAt,
    updatedAt: createdAt,
    createdBy: null,
    deletedAt: null,
  });
  const suffix = t.slice(-6);
  const id = (k: string) => `${k}_${suffix}`;

  await db
    .insertInto('products')
    .values(
      ['p1', 'p2'].map((k, i) => ({
        ...rec(id(k), '2026-01-01T00:00:00.000Z'),
        sku: `SKU-${suffix}-${i}`,
        name: k === 'p1' ? 'PLC 控制器' : '伺服电机',
        searchText: k,
        productLine: null,
        spec: null,
        model: null,
        unit: '台',
        listPrice: 100_000,
        cost: null,
        currency: 'CNY',
        status: 'active',
        description: null,
      })),
    )
    .execute();

  const account = (
    k: string,
    ownerId: string,
    createdAt: string,
    region: string,
    industry: string,
    source: string,
  ) => ({
    ...rec(id(k), createdAt),
    name: `${k}-${suffix} 有限公司`,
    nameNorm: `${k}-${suffix}`,
    searchText: k,
    creditCode: null,
    industry,
    region,
    size: null,
    grade: null,
    source,
    phone: null,
    address: null,
    website: null,
    notes: null,
    ownerId,
    lastActivityAt: null,
    assignedAt: createdAt,
  });
  await db
    .insertInto('accounts')
    .values([
      account('accA', u.repA1.id, '2026-03-05T02:00:00.000Z', '华东', '制造业', 'website'),
      account('accB', u.repA2.id, '2026-04-10T02:00:00.000Z', '华南', '医疗', 'referral'),
      account('accC', u.repB1.id, '2026-04-20T02:00:00.000Z', '华东', '制造业', 'exhibition'),
    ])
    .execute();

  const deal = (
    k: string,
    ownerId: string,
    acc: string,
    amount: number,
    stage: string,
    createdAt: string,
    closedAt: string | null,
    products: string[],
  ) => ({
    ...rec(id(k), createdAt),
    accountId: id(acc),
    contactId: null,
    leadId: null,
    name: `商机 ${k}`,
    searchText: k,
    amount,
    currency: 'CNY',
    expectedCloseDate: '2026-06-30',
    stage,
    probability: stage === 'won' ? 100 : stage === 'lost' ? 0 : 65,
    status: stage === 'won' ? 'won' : stage === 'lost' ? 'lost' : 'open',
    source: 'website',
    productIds: JSON.stringify(products.map(id)),
    lostReason: stage === 'lost' ? '价格' : null,
    closedAt,
    stageEnteredAt: closedAt ?? createdAt,
    notes: null,
    ownerId,
  });
  await db
    .insertInto('deals')
    .values([
      deal(
        'd1',
        u.repA1.id,
        'accA',
        1_000_000,
        'won',
        '2026-03-01T02:00:00.000Z',
        '2026-03-11T02:00:00.000Z',
        ['p1'],
      ),
      deal(
        'd2',
        u.repA1.id,
        'accA',
        2_000_000,
        'won',
        '2026-03-20T02:00:00.000Z',
        '2026-04-09T02:00:00.000Z',
        ['p1', 'p2'],
      ),
      deal(
        'd3',
        u.repA2.id,
        'accB',
        3_000_000,
        'won',
        '2026-04-01T02:00:00.000Z',
        '2026-04-21T02:00:00.000Z',
        ['p2'],
      ),
      deal(
        'd4',
        u.repB1.id,
        'accC',
        5_000_000,
        'lost',
        '2026-04-02T02:00:00.000Z',
        '2026-04-12T02:00:00.000Z',
        [],
      ),
      deal('d5', u.repA2.id, 'accB', 4_000_000, 'negotiation', '2026-04-04T02:00:00.000Z', null, []),
      deal(
        'd6',
        u.repB1.id,
        'accC',
        500_000,
        'won',
        '2026-02-01T02:00:00.000Z',
        '2026-03-31T17:00:00.000Z',
        [],
      ),
      deal(
        'd7',
        u.repA1.id,
        'accA',
        2_000_000,
        'won',
        '2025-04-01T02:00:00.000Z',
        '2025-04-15T02:00:00.000Z',
        [],
      ),
    ])
    .execute();

  // Playbooks: the deal one asks for deliverables in the first two stages.
  const at0 = '2026-01-01T00:00:00.000Z';
  const stage = (key: string, extra: Record<string, unknown> = {}) => ({
    key,
    name: { 'zh-CN': `阶段 ${key}`, 'en-US': `Stage ${key}` },
    ownerRole: 'rep',
    checklist: [],
    forms: [],
    timeLimits: [],
    entryGate: [],
    exitGate: [],
    allowedNext: [],
    ...extra,
  });
  const dealPlaybook = {
    key: 'deal_test',
    process: 'deal',
    name: { 'zh-CN': '测试流程', 'en-US': 'Test process' },
    stages: [
      stage('initial_contact', {
        allowedNext: ['needs_analysis', 'lost'],
        checklist: [
          { key: 'visit', name: { 'zh-CN': '拜访', 'en-US': 'Visit' }, required: true },
          { key: 'optional_call', name: { 'zh-CN': '电话', 'en-US': 'Call' }, required: false },
        ],
        forms: [
          {
            key: 'first_form',
            name: { 'zh-CN': '客户初步沟通记录表', 'en-US': 'First contact form' },
            required: true,
            fields: [
              { key: 'notes', label: { 'zh-CN': '备注', 'en-US': 'Notes' }, type: 'text', required: false },
            ],
          },
        ],
      }),
      stage('needs_analysis', {
        allowedNext: ['solution', 'lost'],
        checklist: [{ key: 'needs_doc', name: { 'zh-CN': '需求分析表', 'en-US': 'Needs' }, required: true }],
      }),
      stage('solution', { allowedNext: ['negotiation', 'lost'] }),
      stage('negotiation', { allowedNext: ['contract', 'lost'] }),
      stage('contract', { allowedNext: ['won', 'lost'] }),
      stage('won', { terminal: 'won' }),
      stage('lost', { terminal: 'lost' }),
    ],
  };
  const playbook = async (process: string, definition: unknown) => {
    const pb = id(`pb_${process}`);
    const pbv = id(`pbv_${process}`);
    await db
      .insertInto('playbooks')
      .values({
        id: pb,
        tenantId: t,
        key: `${process}_test`,
        process,
        name: process,
        publishedVersionId: null,
        createdAt: at0,
        updatedAt: at0,
      })
      .execute();
    await db
      .insertInto('playbookVersions')
      .values({
        id: pbv,
        tenantId: t,
        playbookId: pb,
        number: 1,
        status: 'published',
        definition: JSON.stringify(definition),
        notes: null,
        createdBy: null,
        createdAt: at0,
        publishedBy: null,
        publishedAt: at0,
      })
      .execute();
    await db.updateTable('playbooks').set({ publishedVersionId: pbv }).where('id', '=', pb).execute();
    return { pb, pbv };
  };
  const dealPb = await playbook('deal', dealPlaybook);
  const leadPb = await playbook('lead', {
    key: 'lead_test',
    process: 'lead',
    name: { 'zh-CN': '线索流程', 'en-US': 'Lead process' },
    stages: [stage('new_lead'), stage('contacted')],
  });

  // Stage events. d1 in March; d6 has none (it never moved through the SOP).
  const ev = (
    n: number,
    d: string,
    ownerId: string,
    from: string,
    to: string,
    at: string,
    withVersion = true,
  ) => ({
    id: id(`sev${n}`),
    tenantId: t,
    recordType: 'deal',
    recordId: id(d),
    playbookVersionId: withVersion ? dealPb.pbv : null,
    fromStage: from,
    toStage: to,
    actorId: ownerId,
    ownerId,
    reason: null,
    at,
  });
  await db
    .insertInto('stageEvents')
    .values([
      ev(0, 'd1', u.repA1.id, 'initial_contact', 'won', '2026-03-11T02:00:00.000Z', false),
      ev(1, 'd2', u.repA1.id, 'initial_contact', 'needs_analysis', '2026-04-01T02:00:00.000Z'),
      ev(2, 'd2', u.repA1.id, 'needs_analysis', 'solution', '2026-04-02T02:00:00.000Z'),
      ev(3, 'd2', u.repA1.id, 'solution', 'won', '2026-04-09T02:00:00.000Z'),
      ev(4, 'd3', u.repA2.id, 'initial_contact', 'needs_analysis', '2026-04-03T02:00:00.000Z'),
      ev(5, 'd3', u.repA2.id, 'needs_analysis', 'won', '2026-04-21T02:00:00.000Z'),
      ev(6, 'd4', u.repB1.id, 'initial_contact', 'lost', '2026-04-12T02:00:00.000Z'),
      ev(7, 'd5', u.repA2.id, 'initial_contact', 'needs_analysis', '2026-04-05T02:00:00.000Z'),
      ev(8, 'd5', u.repA2.id, 'needs_analysis', 'negotiation', '2026-04-06T02:00:00.000Z'),
    ])
    .execute();

  // SOP runs: what of the checklist and forms was done, and when.
  const run = (
    recordType: string,
    r: string,
    ownerId: string,
    pbIds: { pb: string; pbv: string },
    checklist: Record<string, string>,
    forms: Record<string, string>,
  ) => ({
    id: id(`run_${r}`),
    tenantId: t,
    recordType,
    recordId: id(r),
    playbookId: pbIds.pb,
    playbookVersionId: pbIds.pbv,
    stageKey: 'x',
    stageEnteredAt: at0,
    checklist: JSON.stringify(
      Object.fromEntries(Object.entries(checklist).map(([k, v]) => [k, { doneAt: v, doneBy: ownerId }])),
    ),
    forms: JSON.stringify(
      Object.fromEntries(
        Object.entries(forms).map(([k, v]) => [k, { values: {}, submittedAt: v, submittedBy: ownerId }]),
      ),
    ),
    ownerId,
    status: 'open',
    createdAt: at0,
    updatedAt: at0,
  });
  await db
    .insertInto('sopRuns')
    .values([
      // d2: visit done, the form only after leaving (not counted); needs_doc done in time.
      run(
        'deal',
        'd2',
        u.repA1.id,
        dealPb,
        { visit: '2026-03-25T02:00:00.000Z', needs_doc: '2026-04-01T12:00:00.000Z' },
        { first_form: '2026-04-02T00:00:00.000Z' },
      ),
      // d3: both initial deliverables, no needs_doc.
      run(
        'deal',
        'd3',
        u.repA2.id,
        dealPb,
        { visit: '2026-04-02T02:00:00.000Z' },
        { first_form: '2026-04-02T03:00:00.000Z' },
      ),
      // d4: nothing done.
      run('deal', 'd4', u.repB1.id, dealPb, {}, {}),
      // d5: everything in time.
      run(
        'deal',
        'd5',
        u.repA2.id,
        dealPb,
        { visit: '2026-04-04T05:00:00.000Z', needs_doc: '2026-04-05T03:00:00.000Z' },
        { first_form: '2026-04-04T06:00:00.000Z' },
      ),
      ...['l1', 'l2', 'l3', 'l4'].map((l, i) =>
        run('lead', l, [u.repA1.id, u.repA1.id, u.repA2.id, u.repB1.id][i]!, leadPb, {}, {}),
      ),
    ])
    .execute();

  // Leads: four created in April (two converted), one in May.
  const lead = (
    k: string,
    ownerId: string,
    createdAt: string,
    status: string,
    source: string,
    region: string,
  ) => ({
    ...rec(id(k), createdAt),
    name: `联系人 ${k}`,
    companyName: `${k} 公司`,
    companyNorm: null,
    searchText: k,
    title: null,
    mobile: null,
    phone: null,
    email: null,
    wechat: null,
    creditCode: null,
    source,
    grade: null,
    status,
    industry: '制造业',
    region,
    notes: null,
    firstContactAt: null,
    convertedAt: status === 'converted' ? '2026-04-10T02:00:00.000Z' : null,
    accountId: null,
    ownerId,
    lastActivityAt: null,
    assignedAt: createdAt,
  });
  await db
    .insertInto('leads')
    .values([
      lead('l1', u.repA1.id, '2026-04-02T01:00:00.000Z', 'converted', 'website', '华东'),
      lead('l2', u.repA1.id, '2026-04-03T01:00:00.000Z', 'contacted', 'exhibition', '华东'),
      lead('l3', u.repA2.id, '2026-04-06T01:00:00.000Z', 'new', 'website', '华南'),
      lead('l4', u.repB1.id, '2026-04-07T01:00:00.000Z', 'converted', 'referral', '华东'),
      lead('l5', u.repB1.id, '2026-05-02T01:00:00.000Z', 'new', 'website', '华东'),
    ])
    .execute();

  // Clocks. Lead first contact (2 h): c1 met in time, c2 breached (explained), c3 met late,
  // c4 still running long past due (late), c6 cancelled. Deal: c7 met in time, c8 breached.
  const clock = (
    n: number,
    recordType: string,
    r: string,
    ownerId: string,
    stageKey: string,
    limitKey: string,
    startedAt: string,
    dueAt: string,
    status: string,
    stoppedAt: string | null,
  ) => ({
    id: id(`clk${n}`),
    tenantId: t,
    runId: id(`run_${r}`),
    recordType,
    recordId: id(r),
    stageKey,
    limitKey,
    ownerId,
    startedAt,
    warnAt: null,
    dueAt,
    status,
    stoppedAt,
    nextCheckAt: null,
  });
  const L = 'first_contact_2h';
  await db
    .insertInto('sopClocks')
    .values([
      clock(
        1,
        'lead',
        'l1',
        u.repA1.id,
        'new_lead',
        L,
        '2026-04-02T01:00:00.000Z',
        '2026-04-02T03:00:00.000Z',
        'met',
        '2026-04-02T02:00:00.000Z',
      ),
      clock(
        2,
        'lead',
        'l2',
        u.repA1.id,
        'new_lead',
        L,
        '2026-04-03T01:00:00.000Z',
        '2026-04-03T03:00:00.000Z',
        'breached',
        null,
      ),
      clock(
        3,
        'lead',
        'l3',
        u.repA2.id,
        'new_lead',
        L,
        '2026-04-06T01:00:00.000Z',
        '2026-04-06T03:00:00.000Z',
        'met',
        '2026-04-06T05:00:00.000Z',
      ),
      clock(
        4,
        'lead',
        'l4',
        u.repB1.id,
        'new_lead',
        L,
        '2026-04-07T01:00:00.000Z',
        '2026-04-07T03:00:00.000Z',
        'running',
        null,
      ),
      clock(
        6,
        'lead',
        'l4',
        u.repB1.id,
        'new_lead',
        L,
        '2026-04-07T01:00:00.000Z',
        '2026-04-07T03:00:00.000Z',
        'cancelled',
        null,
      ),
      clock(
        7,
        'deal',
        'd5',
        u.repA2.id,
        'needs_analysis',
        'analysis_2d',
        '2026-04-05T02:00:00.000Z',
        '2026-04-07T02:00:00.000Z',
        'met',
        '2026-04-06T02:00:00.000Z',
      ),
      clock(
        8,
        'deal',
        'd4',
        u.repB1.id,
        'initial_contact',
        'contact_48h',
        '2026-04-02T02:00:00.000Z',
        '2026-04-04T02:00:00.000Z',
        'breached',
        '2026-04-12T02:00:00.000Z',
      ),
    ])
    .execute();
  const breach = (
    n: number,
    recordType: string,
    r: string,
    ownerId: string,
    stageKey: string,
    limitKey: string,
    dueAt: string,
    reason: string | null,
  ) => ({
    id: id(`brc${n}`),
    tenantId: t,
    clockId: id(`clk${n}`),
    recordType,
    recordId: id(r),
    stageKey,
    limitKey,
    ownerId,
    dueAt,
    breachedAt: dueAt,
    reason,
    reasonBy: reason ? ownerId : null,
    reasonAt: reason ? dueAt : null,
  });
  await db
    .insertInto('sopBreaches')
    .values([
      breach(2, 'lead', 'l2', u.repA1.id, 'new_lead', L, '2026-04-03T03:00:00.000Z', '客户电话无人接听'),
      breach(8, 'deal', 'd4', u.repB1.id, 'initial_contact', 'contact_48h', '2026-04-04T02:00:00.000Z', null),
    ])
    .execute();

  // Follow-ups: two in April; a3 is 05-01 01:00 local, so May.
  const activity = (k: string, ownerId: string, occurredAt: string) => ({
    ...rec(id(k), occurredAt),
    kind: 'call',
    subject: `跟进 ${k}`,
    notes: null,
    outcome: null,
    nextStep: null,
    nextContactAt: null,
    occurredAt,
    durationMinutes: null,
    searchText: k,
    leadId: null,
    accountId: id('accA'),
    contactId: null,
    dealId: null,
    ownerId,
  });
  await db
    .insertInto('activities')
    .values([
      activity('a1', u.repA1.id, '2026-04-02T03:00:00.000Z'),
      activity('a2', u.repA1.id, '2026-04-15T03:00:00.000Z'),
      activity('a3', u.repB1.id, '2026-04-30T17:00:00.000Z'),
    ])
    .execute();

  return { org, id };
}

export type KpiFixture = Awaited<ReturnType<typeof buildKpiFixture>> & { org: Org };
