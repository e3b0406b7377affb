import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import type { Playbook } from '../src/domain/sop/playbook';
import { validatePlaybook } from '../src/domain/sop/validate';
import { sweepClocks } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

const HOUR = 3_600_000;

// Escalation steps that do more than notify (升级动作), and limits already overdue when a record
// leaves the stage before the sweep has seen them.
describe('escalation actions and overdue limits on leaving a stage', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let rep: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    rep = await clientFor(app, org.users.repA1);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  /** Rewrites the tenant's published playbook of a process (the sweep reads it each time). */
  async function editPublished(process: 'deal' | 'lead', edit: (pb: Playbook) => void) {
    const pb = await database.db
      .selectFrom('playbooks')
      .innerJoin('playbookVersions', 'playbookVersions.id', 'playbooks.publishedVersionId')
      .select(['playbookVersions.id', 'playbookVersions.definition'])
      .where('playbooks.tenantId', '=', org.tenant.id)
      .where('playbooks.process', '=', process)
      .executeTakeFirstOrThrow();
    const def = JSON.parse(pb.definition) as Playbook;
    edit(def);
    await database.db
      .updateTable('playbookVersions')
      .set({ definition: JSON.stringify(def) })
      .where('id', '=', pb.id)
      .execute();
  }

  async function newDeal() {
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    await rep.get(`/api/deals/${deal.id}/sop`);
    return deal;
  }

  it('stores a breach waiting for a reason when the record leaves a stage after the limit passed', async () => {
    const deal = await newDeal();
    // The 48-hour limit fell due an hour ago, and no sweep has run since.
    await database.db
      .updateTable('sopClocks')
      .set({ dueAt: new Date(Date.now() - HOUR).toISOString() })
      .where('recordId', '=', deal.id)
      .execute();
    const moved = await rep.post(
      `/api/deals/${deal.id}/move`,
      { toStage: 'lost', reason: 'price' },
      { ifMatch: deal.version },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', deal.id)
      .executeTakeFirstOrThrow();
    expect(clock.status).toBe('breached');
    const waiting = (await rep.get('/api/breaches?unexplained=true')).json().items;
    expect(waiting.map((b: { recordId: string }) => b.recordId)).toContain(deal.id);
    // A limit left in time is still met.
    const inTime = await newDeal();
    await rep.post(
      `/api/deals/${inTime.id}/move`,
      { toStage: 'lost', reason: 'price' },
      { ifMatch: inTime.version },
    );
    const met = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', inTime.id)
      .executeTakeFirstOrThrow();
    expect(met.status).toBe('met');
  });

  it('reassigns a deal to the owner’s manager at an escalation step, once', async () => {
    await newDeal(); // publishes the default playbook for the tenant
    await editPublished('deal', (pb) => {
      const limit = pb.stages.find((s) => s.key === 'initial_contact')!.timeLimits[0]!;
      limit.escalation = [
        { after: { value: 1, unit: 'minutes' }, notify: ['owner_manager'], action: 'reassign' },
      ];
    });
    const deal = await newDeal();
    const entered = Date.parse(deal.stageEnteredAt);
    const mine = (events: Array<{ recordId: string; kind: string }>) =>
      events.filter((e) => e.recordId === deal.id).map((e) => e.kind);
    expect(mine(await sweepClocks(database, new Date(entered + 49 * HOUR)))).toContain('breach');
    const [a, b] = await Promise.all([
      sweepClocks(database, new Date(entered + 50 * HOUR)),
      sweepClocks(database, new Date(entered + 50 * HOUR)),
    ]);
    expect([...mine(a), ...mine(b)]).toEqual(['escalate']);
    const after = await database.db
      .selectFrom('deals')
      .selectAll()
      .where('id', '=', deal.id)
      .executeTakeFirstOrThrow();
    expect(after.ownerId).toBe(org.users.managerA.id);
    const transfers = await database.db
      .selectFrom('ownerTransfers')
      .selectAll()
      .where('entityId', '=', deal.id)
      .execute();
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ fromOwnerId: org.users.repA1.id, toOwnerId: org.users.managerA.id });
    const run = await database.db
      .selectFrom('sopRuns')
      .selectAll()
      .where('recordId', '=', deal.id)
      .executeTakeFirstOrThrow();
    expect(run.ownerId).toBe(org.users.managerA.id);
    // The rep no longer sees it; the manager does.
    expect((await rep.get(`/api/deals/${deal.id}`)).statusCode).toBe(404);
    const manager = await clientFor(app, org.users.managerA);
    const history = (await manager.get(`/api/deals/${deal.id}/history`)).json();
    expect(JSON.stringify(history)).toContain('reassigned to');
  });

  it('returns an untouched lead to the public pool and stops its clocks', async () => {
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    await editPublished('lead', (pb) => {
      const limit = pb.stages[0]!.timeLimits[0]!;
      limit.escalation = [
        { after: { value: 1, unit: 'minutes' }, notify: ['owner_manager'], action: 'return_to_pool' },
      ];
    });
    const far = Date.now() + 30 * 24 * HOUR;
    const kinds = (events: Array<{ recordId: string; kind: string }>) =>
      events.filter((e) => e.recordId === lead.id).map((e) => e.kind);
    expect(kinds(await sweepClocks(database, new Date(far)))).toContain('breach');
    expect(kinds(await sweepClocks(database, new Date(far + HOUR)))).toEqual(['escalate']);
    const row = await database.db
      .selectFrom('leads')
      .selectAll()
      .where('id', '=', lead.id)
      .executeTakeFirstOrThrow();
    expect(row.ownerId).toBeNull();
    const open = await database.db
      .selectFrom('sopClocks')
      .select('id')
      .where('recordId', '=', lead.id)
      .where('nextCheckAt', 'is not', null)
      .execute();
    expect(open).toEqual([]);
    expect(kinds(await sweepClocks(database, new Date(far + 100 * HOUR)))).toEqual([]);
  });

  it('refuses return_to_pool in a playbook that has no pool', () => {
    const deal = structuredClone(loadDefaultPlaybooks().find((p) => p.process === 'deal')!);
    deal.stages[0]!.timeLimits[0]!.escalation = [
      { after: { value: 1, unit: 'hours' }, notify: ['owner'], action: 'return_to_pool' },
    ];
    const r = validatePlaybook(deal);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.path)).toContain('stages[0].timeLimits[0].escalation[0].action');
  });
});
