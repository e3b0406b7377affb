import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { hashPassword } from '../src/auth/password';
import type { Role } from '../src/auth/roles';
import { loadConfig } from '../src/config';
import { type Database, openDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { DEFAULT_CALENDAR } from '../src/domain/calendar/business-calendar';
import { clockTimes } from '../src/domain/sop/clocks';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { buildApp } from '../src/http/app';
import { createOrgUnit, createTenant, createUserAccount } from '../src/modules/org/tenant.service';

/**
 * Tests run on SQLite by default and on PostgreSQL with TEST_DB=postgres (CI runs both).
 * Each test file gets its own database: an in-memory SQLite file, or a fresh PostgreSQL schema
 * that is dropped when the file is done.
 */
export const TEST_DIALECT = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  if (TEST_DIALECT === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const database = openDatabase(TEST_PG_URL, { schema, poolSize: 5 });
    await migrateToLatest(database);
    return {
      ...database,
      drop: async () => {
        await database.close();
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    };
  }
  const database = openDatabase(':memory:');
  await migrateToLatest(database);
  return { ...database, drop: () => database.close() };
}

export async function buildTestApp(database: Database): Promise<FastifyInstance> {
  const config = loadConfig({}, { databaseUrl: database.url, logLevel: 'silent', webDist: '/nonexistent' });
  return buildApp({ config, database });
}

export const TEST_PASSWORD = 'correct-horse-9';
let cachedHash: Promise<string> | undefined;
/** One argon2 hash for every test user keeps set-up fast. */
export function testPasswordHash(): Promise<string> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  return cachedHash;
}

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  tenantId: string;
  orgUnitId: string | null;
}

/**
 * A tenant shaped like a small sales org: a region with two teams, a manager per team, two
 * reps in team A and one in team B, plus an admin, sales ops, finance and a viewer.
 */
export async function makeOrg(db: Database['db'], name = `T${randomBytes(3).toString('hex')}`) {
  const tenant = await createTenant(db, { name });
  const region = await createOrgUnit(db, { tenantId: tenant.id, name: `${name} 华东大区`, kind: 'region' });
  const teamA = await createOrgUnit(db, {
    tenantId: tenant.id,
    name: `${name} 上海一组`,
    kind: 'team',
    parentId: region.id,
  });
  const teamB = await createOrgUnit(db, {
    tenantId: tenant.id,
    name: `${name} 杭州一组`,
    kind: 'team',
    parentId: region.id,
  });
  const passwordHash = await testPasswordHash();
  const mk = async (key: string, role: Role, orgUnitId: string | null, displayName: string) => {
    const u = await createUserAccount(db, {
      tenantId: tenant.id,
      email: `${key}.${tenant.id}@example.test`,
      name: displayName,
      role,
      orgUnitId,
      passwordHash,
    });
    return { id: u.id, email: u.email, role, tenantId: tenant.id, orgUnitId } satisfies TestUser;
  };
  const admin = await mk('admin', 'admin', null, '管理员');
  const ops = await mk('ops', 'sales_ops', null, '运营小王');
  const regionManager = await mk('rm', 'manager', region.id, '大区经理');
  const managerA = await mk('ma', 'manager', teamA.id, '李经理');
  const managerB = await mk('mb', 'manager', teamB.id, '赵经理');
  const repA1 = await mk('a1', 'rep', teamA.id, '张三');
  const repA2 = await mk('a2', 'rep', teamA.id, '李四');
  const repB1 = await mk('b1', 'rep', teamB.id, '王五');
  const finance = await mk('fin', 'finance', null, '财务');
  const viewer = await mk('view', 'viewer', teamA.id, '只读');
  await db.updateTable('orgUnits').set({ managerId: regionManager.id }).where('id', '=', region.id).execute();
  await db.updateTable('orgUnits').set({ managerId: managerA.id }).where('id', '=', teamA.id).execute();
  await db.updateTable('orgUnits').set({ managerId: managerB.id }).where('id', '=', teamB.id).execute();
  return {
    tenant,
    units: { region, teamA, teamB },
    users: { admin, ops, regionManager, managerA, managerB, repA1, repA2, repB1, finance, viewer },
  };
}

export type Org = Awaited<ReturnType<typeof makeOrg>>;

/** A signed-in client: carries the session cookie and CSRF token like the web app does. */
export class Client {
  private cookie = '';
  private csrf = '';
  constructor(
    private readonly app: FastifyInstance,
    readonly user?: TestUser,
  ) {}

  async login(email = this.user?.email, password = TEST_PASSWORD): Promise<this> {
    const res = await this.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
    });
    if (res.statusCode !== 200) throw new Error(`login failed for ${email}: ${res.statusCode} ${res.body}`);
    const setCookie = res.headers['set-cookie'];
    const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
    this.cookie = String(first).split(';')[0]!;
    this.csrf = res.json().csrfToken;
    return this;
  }

  request(
    opts: InjectOptions & { ifMatch?: string | number; idempotencyKey?: string },
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && opts.method && opts.method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (opts.ifMatch !== undefined)
      headers['if-match'] = typeof opts.ifMatch === 'number' ? `"v${opts.ifMatch}"` : opts.ifMatch;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    const { ifMatch: _i, idempotencyKey: _k, ...rest } = opts;
    return this.app.inject({ ...rest, headers });
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }
  post(url: string, payload?: unknown, extra: { idempotencyKey?: string; ifMatch?: number } = {}) {
    return this.request({ method: 'POST', url, payload: payload as InjectOptions['payload'], ...extra });
  }
  patch(url: string, payload: unknown, ifMatch?: number) {
    return this.request({ method: 'PATCH', url, payload: payload as InjectOptions['payload'], ifMatch });
  }
  delete(url: string, ifMatch?: number) {
    return this.request({ method: 'DELETE', url, ifMatch });
  }
}

export async function clientFor(app: FastifyInstance, user: TestUser): Promise<Client> {
  return new Client(app, user).login();
}

// Factories for request bodies: valid by default, overridable per test.
// Unique within a test file (one database): a random base, then a counter, so that factory
// records never collide with each other as duplicate customers.
let seq = Math.floor(Math.random() * 1e6) * 1000;
const next = () => ++seq;

export function makeAccountInput(overrides: Record<string, unknown> = {}) {
  return {
    name: `测试客户${next()}科技有限公司`,
    industry: '制造业',
    region: '华东',
    grade: 'B',
    ...overrides,
  };
}

export function makeLeadInput(overrides: Record<string, unknown> = {}) {
  const n = next();
  return {
    name: `联系人${n}`,
    companyName: `线索公司${n}有限公司`,
    mobile: `139${String(n % 1e8).padStart(8, '0')}`,
    source: 'website',
    ...overrides,
  };
}

export function makeDealInput(accountId: string, overrides: Record<string, unknown> = {}) {
  return {
    accountId,
    name: `商机${next()}`,
    amount: 1_250_000,
    expectedCloseDate: '2026-12-31',
    ...overrides,
  };
}

/**
 * Sets the given clocks (all, or those of `recordIds`) as if their limits had started at `start`,
 * with due and warning times from the default playbooks on the default calendar: lets a test
 * sweep at chosen moments.
 */
export async function startClocksAt(database: Database, start: Date, recordIds?: string[]): Promise<void> {
  const playbooks = loadDefaultPlaybooks();
  let q = database.db.selectFrom('sopClocks').selectAll();
  if (recordIds) q = q.where('recordId', 'in', recordIds);
  for (const c of await q.execute()) {
    const limit = playbooks
      .find((p) => p.process === c.recordType)!
      .stages.find((s) => s.key === c.stageKey)!
      .timeLimits.find((l) => l.key === c.limitKey)!;
    const { dueAt, warnAt } = clockTimes(DEFAULT_CALENDAR, limit, start);
    await database.db
      .updateTable('sopClocks')
      .set({
        startedAt: start.toISOString(),
        dueAt: dueAt.toISOString(),
        warnAt: warnAt?.toISOString() ?? null,
        nextCheckAt: (warnAt ?? dueAt).toISOString(),
      })
      .where('id', '=', c.id)
      .execute();
  }
}
