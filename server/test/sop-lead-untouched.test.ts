import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { sweepClocks } from '../src/modules/sop/clock.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The seed rule 线索超48小时未跟进自动提醒销售经理 on the default LEAD playbook: a contacted lead
// with no follow-up for 48 clock hours notifies the owner's manager, once; each follow-up starts
// the 48 hours again. Swept at chosen local times (+08:00).
const local = (s: string) => new Date(`${s}+08:00`);

describe('a lead untouched for 48 hours tells the manager', () => {
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

  const followUp = (leadId: string, localAt: string) =>
    rep.post('/api/activities', {
      kind: 'call',
      subject: '跟进',
      leadId,
      occurredAt: local(localAt).toISOString(),
    });

  async function contactedLead(localAt: string) {
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    expect(lead.id).toBeTruthy();
    // The first follow-up moves it to 初步接触 and starts the 48 hours from that call.
    expect((await followUp(lead.id, localAt)).statusCode).toBe(201);
    expect((await rep.get(`/api/leads/${lead.id}`)).json().status).toBe('contacted');
    return lead.id as string;
  }

  const sweepAt = async (recordId: string, localNow: string) =>
    (await sweepClocks(database, local(localNow))).filter((e) => e.recordId === recordId);
  const kinds = async (recordId: string, localNow: string) =>
    (await sweepAt(recordId, localNow)).map((e) => e.kind);

  const managerNotes = (recordId: string) =>
    database.db
      .selectFrom('notifications')
      .select(['userId', 'kind'])
      .where('recordId', '=', recordId)
      .where('userId', '=', org.users.managerA.id)
      .execute();

  it('ships on the lead playbook’s 初步接触 stage', () => {
    const lead = loadDefaultPlaybooks().find((p) => p.process === 'lead')!;
    const limit = lead.stages.find((s) => s.key === 'contacted')!.timeLimits[0]!;
    expect(limit).toMatchObject({
      key: 'untouched_48h',
      duration: { value: 48, unit: 'hours' },
      resetOn: 'activity',
      escalation: [{ notify: ['owner_manager'] }],
    });
  });

  it('no follow-up for 48 hours: warn, breach, then the manager is told once', async () => {
    // Thursday 10:00; 48 clock hours later is Saturday 10:00, weekend or not.
    const id = await contactedLead('2025-11-20T10:00:00');
    const clock = await database.db
      .selectFrom('sopClocks')
      .selectAll()
      .where('recordId', '=', id)
      .where('limitKey', '=', 'untouched_48h')
      .executeTakeFirstOrThrow();
    expect(clock).toMatchObject({
      stageKey: 'contacted',
      status: 'running',
      startedAt: local('2025-11-20T10:00:00').toISOString(),
      dueAt: local('2025-11-22T10:00:00').toISOString(),
    });
    expect(await kinds(id, '2025-11-22T05:00:00')).toEqual([]);
    expect(await kinds(id, '2025-11-22T06:05:00')).toEqual(['warn']);
    expect(await managerNotes(id)).toEqual([]);
    expect(await kinds(id, '2025-11-22T10:00:30')).toEqual(['breach']);
    const [step] = await sweepAt(id, '2025-11-22T10:02:00');
    expect(step).toMatchObject({ kind: 'escalate', notify: ['owner_manager'] });
    expect((await managerNotes(id)).length).toBe(1);
    expect(await kinds(id, '2025-11-23T10:00:00')).toEqual([]);
    expect((await managerNotes(id)).length).toBe(1);
  });

  it('each follow-up starts the 48 hours again', async () => {
    const id = await contactedLead('2025-11-20T10:00:00');
    expect((await followUp(id, '2025-11-21T09:00:00')).statusCode).toBe(201);
    expect(await kinds(id, '2025-11-22T06:05:00')).toEqual(['restarted']);
    expect(await kinds(id, '2025-11-22T10:00:30')).toEqual([]);
    // 48 hours from Friday 09:00.
    expect(await kinds(id, '2025-11-23T09:00:30')).toEqual(['breach']);
    expect(await managerNotes(id)).toEqual([]);
  });
});
