import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../src/modules/sop/run.service';
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

const local = (s: string) => new Date(`${s}+08:00`);

const valid = {
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  workingWeekdays: [1, 2, 3, 4, 5],
  statutoryHolidays: true,
  closures: [{ name: '团建', from: '2025-11-24', to: '2025-11-25' }],
  extraWorkingDays: [],
};

describe('business calendar settings', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;
  let rep: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    rep = await clientFor(app, org.users.repA1);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  let n = 0;
  /** A ticket run started at a fixed time: its first-response limit is 2 working hours. */
  async function responseDueFrom(localStart: string) {
    const recordId = `tkt_cal_${++n}`;
    await database.db.transaction().execute((trx) =>
      startRun(trx, {
        tenantId: org.tenant.id,
        recordType: 'ticket',
        recordId,
        ownerId: org.users.repA1.id,
        at: local(localStart).toISOString(),
      }),
    );
    const clock = await database.db
      .selectFrom('sopClocks')
      .select('dueAt')
      .where('recordId', '=', recordId)
      .executeTakeFirstOrThrow();
    return clock.dueAt;
  }

  it('answers the defaults before anyone saves, with the year’s holidays and 调休', async () => {
    const res = await rep.get('/api/settings/calendar?year=2025');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).toBe('"v0"');
    expect(res.json()).toMatchObject({
      timeZone: 'Asia/Shanghai',
      workingHours: valid.workingHours,
      workingWeekdays: [1, 2, 3, 4, 5],
      closures: [],
      version: 0,
    });
    expect(res.json().statutory.holidays).toContain('2025-10-01');
    expect(res.json().statutory.makeUpWorkdays).toContain('2025-09-28');
    expect((await rep.get('/api/settings/calendar?year=1900')).json().field).toBe('year');
  });

  it('keeps editing to admin and sales ops, over the version read', async () => {
    const byRep = await rep.request({
      method: 'PUT',
      url: '/api/settings/calendar',
      payload: valid,
      ifMatch: 0,
    });
    expect(byRep.statusCode).toBe(403);
    const noIfMatch = await ops.request({ method: 'PUT', url: '/api/settings/calendar', payload: valid });
    expect(noIfMatch.statusCode).toBe(428);
    const stale = await ops.request({
      method: 'PUT',
      url: '/api/settings/calendar',
      payload: valid,
      ifMatch: 3,
    });
    expect(stale.statusCode).toBe(412);
  });

  it('refuses bad settings with field errors', async () => {
    const put = (payload: unknown) =>
      ops.request({ method: 'PUT', url: '/api/settings/calendar', payload: payload as object, ifMatch: 0 });
    const badShape = await put({
      ...valid,
      workingHours: [{ start: '9:00', end: '12:00' }],
      workingWeekdays: [0],
      closures: [{ from: '2025-11-24', to: '2025-11-31', name: '团建' }],
      colour: 'red',
    });
    expect(badShape.statusCode).toBe(400);
    expect(badShape.json().code).toBe('VALIDATION_FAILED');
    expect(
      badShape
        .json()
        .issues.map((i: { field: string }) => i.field)
        .sort(),
    ).toEqual(['closures.0.to', 'colour', 'workingHours.0.start', 'workingWeekdays.0']);
    const badRules = await put({
      ...valid,
      timeZone: 'Asia/Beijing',
      workingHours: [
        { start: '09:00', end: '12:00' },
        { start: '11:00', end: '10:00' },
      ],
      closures: [{ name: '团建', from: '2025-11-25', to: '2025-11-24' }],
    });
    expect(badRules.statusCode).toBe(400);
    expect(badRules.json().issues.map((i: { field: string; code: string }) => [i.field, i.code])).toEqual([
      ['timeZone', 'invalid_time_zone'],
      ['workingHours.1.end', 'not_after_start'],
      ['workingHours.1.start', 'overlaps_previous'],
      ['closures.0.to', 'before_from'],
    ]);
    expect(badRules.json().field).toBe('timeZone');
    expect(badRules.json().message).toContain('IANA');
    expect((await rep.get('/api/settings/calendar')).json().version).toBe(0);
  });

  it('saves a closure that pushes the due time of clocks started afterwards', async () => {
    // Friday 17:00: one working hour that day, the second on Monday — or, with 24–25 Nov
    // closed for 团建, on Wednesday.
    const before = await responseDueFrom('2025-11-21T17:00:00');
    expect(before).toBe(local('2025-11-24T10:00:00').toISOString());
    const saved = await ops.request({
      method: 'PUT',
      url: '/api/settings/calendar',
      payload: valid,
      ifMatch: 0,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"v1"');
    expect(saved.json()).toMatchObject({ closures: valid.closures, version: 1 });
    const after = await responseDueFrom('2025-11-21T17:00:00');
    expect(after).toBe(local('2025-11-26T10:00:00').toISOString());
    // The clock started before the save keeps its due time.
    const first = await database.db
      .selectFrom('sopClocks')
      .select('dueAt')
      .where('recordId', '=', 'tkt_cal_1')
      .executeTakeFirstOrThrow();
    expect(first.dueAt).toBe(before);
    // Saving again over version 0 is stale now.
    const again = await ops.request({
      method: 'PUT',
      url: '/api/settings/calendar',
      payload: valid,
      ifMatch: 0,
    });
    expect(again.statusCode).toBe(412);
    const audit = await database.db
      .selectFrom('auditEvents')
      .select(['actorId', 'action'])
      .where('entity', '=', 'business_calendar')
      .where('entityId', '=', org.tenant.id)
      .execute();
    expect(audit).toEqual([{ actorId: org.users.ops.id, action: 'create' }]);
  });

  it('counts a six-day week with other hours and another time zone', async () => {
    const current = (await rep.get('/api/settings/calendar')).json();
    const saved = await ops.request({
      method: 'PUT',
      url: '/api/settings/calendar',
      payload: {
        ...valid,
        timeZone: 'Asia/Hong_Kong',
        workingHours: [
          { start: '08:30', end: '12:00' },
          { start: '13:00', end: '17:30' },
        ],
        workingWeekdays: [1, 2, 3, 4, 5, 6],
        closures: [],
        extraWorkingDays: [{ date: '2025-11-30', name: '盘点' }],
      },
      ifMatch: current.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(current.version + 1);
    const tenant = await database.db
      .selectFrom('tenants')
      .select('timeZone')
      .where('id', '=', org.tenant.id)
      .executeTakeFirstOrThrow();
    expect(tenant.timeZone).toBe('Asia/Hong_Kong');
    // Friday 17:00 (+08:00, as Hong Kong): 30 minutes that day, 90 more on Saturday from 08:30.
    expect(await responseDueFrom('2025-11-21T17:00:00')).toBe(local('2025-11-22T10:00:00').toISOString());
    // Saturday 17:00: Sunday the 30th is an extra working day.
    expect(await responseDueFrom('2025-11-29T17:00:00')).toBe(local('2025-11-30T10:00:00').toISOString());
  });

  it('appears in the OpenAPI document with the lead SOP routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const body = doc.paths['/api/settings/calendar'].put.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties).sort()).toEqual([
      'closures',
      'extraWorkingDays',
      'statutoryHolidays',
      'timeZone',
      'workingHours',
      'workingWeekdays',
    ]);
    expect(doc.paths['/api/settings/calendar'].get).toBeDefined();
    for (const path of ['/api/leads/{id}/move', '/api/leads/{id}/sop', '/api/deals/{id}/move']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('is used by the clocks of records created through the API', async () => {
    const current = (await rep.get('/api/settings/calendar')).json();
    const today = new Date();
    const day = (offset: number) =>
      new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const saved = await ops.request({
      method: 'PUT',
      url: '/api/settings/calendar',
      payload: { ...valid, closures: [{ name: '年会', from: day(-1), to: day(20) }] },
      ifMatch: current.version,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    const clock = await database.db
      .selectFrom('sopClocks')
      .select('dueAt')
      .where('recordId', '=', lead.id)
      .executeTakeFirstOrThrow();
    // Nothing falls due inside the closure: the first working day after it at the earliest.
    expect(clock.dueAt > `${day(21)}T00:00:00.000Z`).toBe(true);
  });
});
