import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  clientFor,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// The workbench asks the server for "follow-ups due today" and "tasks due by tonight" rather than
// filtering the newest few hundred in the browser: lists take time ranges as <key>From/<key>To.
describe('time-range filters on lists', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  it('lists the follow-ups whose next contact falls in a range, with bounds in any offset', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    const log = async (subject: string, nextContactAt: string | null) => {
      const res = await rep.post('/api/activities', {
        leadId: lead.id,
        kind: 'call',
        subject,
        occurredAt: '2026-12-01T02:00:00.000Z',
        nextContactAt,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const before = await log('前一天', '2026-12-06T15:59:00.000Z'); // 23:59 on the 6th in Shanghai
    const morning = await log('当天上午', '2026-12-06T16:00:00.000Z'); // 00:00 on the 7th in Shanghai
    const evening = await log('当天晚上', '2026-12-07T15:00:00.000Z'); // 23:00 on the 7th
    await log('没有下次联系', null);
    await log('后一天', '2026-12-07T16:00:00.000Z'); // 00:00 on the 8th

    // The 7th in Shanghai, asked with +08:00 offsets: stored times are UTC, compared as times.
    const from = encodeURIComponent('2026-12-07T00:00:00+08:00');
    const to = encodeURIComponent('2026-12-08T00:00:00+08:00');
    const res = await rep.get(
      `/api/activities?nextContactAtFrom=${from}&nextContactAtTo=${to}&leadId=${lead.id}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res
        .json()
        .items.map((a: { id: string }) => a.id)
        .sort(),
    ).toEqual([morning, evening].sort());

    const onlyFrom = await rep.get(`/api/activities?nextContactAtTo=${from}&leadId=${lead.id}`);
    expect(onlyFrom.json().items.map((a: { id: string }) => a.id)).toEqual([before]);
  });

  it('lists tasks due before a time and refuses a bound that is not a time', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    const task = async (title: string, dueAt: string) =>
      (await rep.post('/api/tasks', { title, dueAt, leadId: lead.id })).json().id as string;
    const early = await task('今天到期', '2026-12-07T08:00:00.000Z');
    await task('明天到期', '2026-12-08T08:00:00.000Z');
    const res = await rep.get(`/api/tasks?dueAtTo=2026-12-08T00:00:00.000Z&leadId=${lead.id}`);
    expect(res.json().items.map((t: { id: string }) => t.id)).toEqual([early]);

    const bad = await rep.get('/api/tasks?dueAtTo=tomorrow');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'dueAtTo' });
    const unknown = await rep.get('/api/accounts?nextContactAtFrom=2026-12-07');
    expect(unknown.statusCode).toBe(400);
  });
});
