import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/auth/actor';
import { resolveReach } from '../src/auth/visibility';
import { prepareImport } from '../src/modules/import/import.service';
import { commitImport } from '../src/modules/import/import-commit.service';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
  type TestUser,
} from './harness';

function upload(client: Client, entity: string, csv: string, extra: Record<string, unknown> = {}) {
  return client.post('/api/imports', {
    entity,
    fileName: `${entity}.csv`,
    contentBase64: Buffer.from(csv).toString('base64'),
    ...extra,
  });
}

describe('import of related records and progress', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let org: Org;
  let ops: Client;

  const actorOf = async (u: TestUser): Promise<Actor> => ({
    userId: u.id,
    tenantId: u.tenantId,
    role: u.role,
    name: u.email,
    orgUnitId: u.orgUnitId,
    locale: 'zh-CN',
    ...(await resolveReach(database.db, {
      id: u.id,
      tenantId: u.tenantId,
      orgUnitId: u.orgUnitId,
      role: u.role,
    })),
    via: 'system',
  });

  beforeAll(async () => {
    // Batches of 100 rows, so that 250 rows show progress three times.
    process.env.IMPORT_COMMIT_BATCH = '100';
    database = await openTestDatabase();
    app = await buildTestApp(database);
    org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
    expect(
      (await ops.post('/api/accounts', { name: '关联导入客户有限公司', ownerId: org.users.repA1.id }))
        .statusCode,
    ).toBe(201);
  });
  afterAll(async () => {
    delete process.env.IMPORT_COMMIT_BATCH;
    await app.close();
    await database.drop();
  });

  it('imports contacts and follow-ups that name their customer and owner', async () => {
    const contacts = (
      await upload(
        ops,
        'contacts',
        '客户名称,姓名,职务,手机,决策角色,负责人\n关联导入客户（有限公司）,吴十,采购经理,13300133001,决策者,张三\n未知公司,郑一,,13300133002,,\n',
      )
    ).json();
    expect(contacts.mapping).toMatchObject({
      客户名称: 'accountName',
      姓名: 'name',
      决策角色: 'decisionRole',
      负责人: 'ownerId',
    });
    expect(contacts.preview[0].input).toMatchObject({
      name: '吴十',
      decisionRole: 'decision_maker',
      ownerId: org.users.repA1.id,
    });
    expect(contacts.preview[1].errors.map((e: { code: string }) => e.code)).toEqual(['not_found_by_name']);
    expect((await ops.post(`/api/imports/${contacts.id}/commit`)).json().counts.created).toBe(1);

    const activities = (
      await upload(
        ops,
        'activities',
        '客户名称,跟进方式,主题,跟进时间,时长\n关联导入客户有限公司,上门拜访,方案沟通,2025年3月4日 14:30,45\n关联导入客户有限公司,飞鸽,无效方式,2025-03-05,\n关联导入客户有限公司,电话,时间不对,2025-03-32 10:00,\n',
      )
    ).json();
    expect(activities.preview[0].input).toMatchObject({
      kind: 'visit',
      occurredAt: '2025-03-04T06:30:00.000Z',
      durationMinutes: 45,
    });
    expect(
      activities.preview[1].errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`),
    ).toEqual(['kind:invalid_value']);
    expect(
      activities.preview[2].errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`),
    ).toEqual(['occurredAt:invalid_datetime']);
    const done = (await ops.post(`/api/imports/${activities.id}/commit`)).json();
    expect(done.counts).toMatchObject({ created: 1, rejected: 2 });
    const acc = (await ops.get('/api/accounts?q=关联导入')).json().items[0];
    const list = (await ops.get(`/api/activities?accountId=${acc.id}`)).json();
    expect(list.items.map((a: { subject: string }) => a.subject)).toEqual(['方案沟通']);
  });

  it('makes progress readable while a commit runs, batch by batch', async () => {
    const lines = ['姓名,手机,来源'];
    for (let i = 0; i < 250; i++) lines.push(`进度${i},1320000${String(i).padStart(4, '0')},官网`);
    const actor = await actorOf(org.users.ops);
    const job = await prepareImport(database, actor, {
      entity: 'leads',
      fileName: 'many.csv',
      content: Buffer.from(lines.join('\n')),
    });
    expect(job.counts.valid).toBe(250);
    const seen: Array<{ status: string; done: number; total: number }> = [];
    await commitImport(database, actor, job.id, async () => {
      // What another request reads between two batches.
      const res = (await ops.get(`/api/imports/${job.id}`)).json();
      seen.push({ status: res.status, ...res.progress });
    });
    expect(seen).toEqual([
      { status: 'running', done: 100, total: 250 },
      { status: 'running', done: 200, total: 250 },
      { status: 'running', done: 250, total: 250 },
    ]);
    const final = (await ops.get(`/api/imports/${job.id}`)).json();
    expect(final).toMatchObject({
      status: 'committed',
      progress: { done: 250, total: 250 },
      counts: { created: 250 },
    });
  });

  it('resumes a commit that failed half-way without creating anything twice', async () => {
    const lines = ['姓名,手机,来源'];
    for (let i = 0; i < 150; i++) lines.push(`续传${i},1350000${String(i).padStart(4, '0')},展会`);
    const actor = await actorOf(org.users.ops);
    const job = await prepareImport(database, actor, {
      entity: 'leads',
      fileName: 'resume.csv',
      content: Buffer.from(lines.join('\n')),
    });
    await expect(
      commitImport(database, actor, job.id, () => {
        throw new Error('connection lost');
      }),
    ).rejects.toThrow('connection lost');
    const failed = (await ops.get(`/api/imports/${job.id}`)).json();
    expect(failed).toMatchObject({ status: 'failed', counts: { created: 100 } });
    const resumed = await ops.post(`/api/imports/${job.id}/commit`);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({
      status: 'committed',
      counts: { created: 150, valid: 150, rejected: 0 },
    });
    const leads = (
      await ops.get(`/api/leads?q=${encodeURIComponent('续传')}&includeTotal=true&limit=1`)
    ).json();
    expect(leads.total).toBe(150);
  });

  it('commits in the background with wait=false and refuses a second commit', async () => {
    const job = (
      await upload(ops, 'leads', '姓名,手机,来源\n后台甲,13100131001,官网\n后台乙,13100131002,展会\n')
    ).json();
    const started = await ops.post(`/api/imports/${job.id}/commit?wait=false`);
    expect(started.statusCode, started.body).toBe(202);
    expect(['running', 'committed']).toContain(started.json().status);
    expect((await ops.post(`/api/imports/${job.id}/commit`)).statusCode).toBe(409);
    let status = started.json().status;
    for (let i = 0; i < 200 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await ops.get(`/api/imports/${job.id}`)).json().status;
    }
    expect(status).toBe('committed');
    expect((await ops.get(`/api/imports/${job.id}`)).json().counts.created).toBe(2);
    expect((await ops.post(`/api/imports/${job.id}/commit?wait=maybe`)).statusCode).toBe(400);
  });
});
