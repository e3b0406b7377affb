import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Fuzzy duplicate names in an import: inside the file and against the customers already in the
// database, reported as warnings; blocked (names are compared only with names sharing their
// first or last two characters) so a file too large for all-pairs matching is still checked,
// and the report says when the check was skipped.

/** Deterministic names of six random common characters: unrelated to each other. */
function randomNames(n: number, seed = 7): string[] {
  let x = seed;
  const rnd = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const out = new Set<string>();
  while (out.size < n) {
    let s = '';
    for (let i = 0; i < 6; i++) s += String.fromCharCode(0x4e00 + Math.floor(rnd() * 6000));
    out.add(`${s}贸易`);
  }
  return [...out];
}

const csv = (header: string, rows: string[]) => Buffer.from([header, ...rows].join('\n'));

describe('import: fuzzy duplicate names', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let ops: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    const org = await makeOrg(database.db);
    ops = await clientFor(app, org.users.ops);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });
  afterEach(() => {
    delete process.env.IMPORT_FUZZY_BUDGET;
  });

  const upload = async (entity: string, content: Buffer) => {
    const res = await ops.post('/api/imports', {
      entity,
      fileName: `${entity}.csv`,
      contentBase64: content.toString('base64'),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('finds similar names inside a file too large for all pairs (2,100 names), comparing only within blocks', async () => {
    const names = randomNames(2_098);
    const rows = ['深圳市大疆创新科技有限公司', ...names, '深圳大疆创新科技有限公司'];
    // 2,100 names: 2.2 million pairs, over the 2 million budget an all-pairs check had.
    const job = await upload('accounts', csv('客户名称', rows));
    expect(job.counts).toMatchObject({ total: 2_100, valid: 2_100 });
    expect(job.report.fuzzyDuplicateCheck).toBe('complete');
    expect(job.report.fuzzy.inFile.comparisons).toBeLessThan(200_000);
    expect(job.report.possibleDuplicates).toEqual([
      { rowNo: 2_101, otherRowNo: 2, score: expect.any(Number) },
    ]);
    expect(job.report.fuzzyDuplicateMessage).toMatch(/模糊查重/);
  }, 120_000);

  it('warns about a name similar to an existing customer, and says when the check had to be skipped', async () => {
    const existing = (await ops.post('/api/accounts', { name: '北京京东世纪贸易有限公司' })).json();
    const file = csv('客户名称,行业', ['北京京东世纪商贸有限公司,零售', '上海携程国际旅行社,旅游']);
    const job = await upload('accounts', file);
    expect(job.report.fuzzyDuplicateCheck).toBe('complete');
    expect(job.report.possibleDuplicates).toEqual([
      { rowNo: 2, existingId: existing.id, score: expect.any(Number) },
    ]);
    expect(job.report.possibleDuplicates[0].score).toBeGreaterThanOrEqual(0.9);
    // Leads are checked against customers by their company name too.
    const leads = await upload(
      'leads',
      csv('姓名,公司名称,手机,来源', ['王五,北京京东世纪商贸有限公司,13900001111,官网']),
    );
    expect(leads.report.possibleDuplicates).toEqual([
      { rowNo: 2, existingId: existing.id, score: expect.any(Number) },
    ]);

    // Over the budget the check is skipped, and the report says so in the caller's language.
    process.env.IMPORT_FUZZY_BUDGET = '0';
    const skipped = await upload(
      'accounts',
      csv('客户名称', ['北京京东世纪商贸有限公司', '北京京东世纪商贸公司']),
    );
    expect(skipped.report.fuzzyDuplicateCheck).toBe('skipped_too_large');
    expect(skipped.report.possibleDuplicates).toEqual([]);
    expect(skipped.report.fuzzyDuplicateMessage).toContain('未做名称模糊查重');
    const en = await ops.request({
      method: 'GET',
      url: `/api/imports/${skipped.id}`,
      headers: { 'accept-language': 'en-US' },
    });
    expect(en.json().report.fuzzyDuplicateMessage).toMatch(/no fuzzy name check|未做名称模糊查重/);
    // Entities without a name key say the check does not apply.
    delete process.env.IMPORT_FUZZY_BUDGET;
    const deals = await upload(
      'deals',
      csv('客户名称,商机名称,金额,预计成交日期', ['北京京东世纪贸易有限公司,扩容,1000,2026-12-31']),
    );
    expect(deals.report.fuzzyDuplicateCheck).toBe('not_applicable');
    expect(deals.report.fuzzyDuplicateMessage).toBeNull();
  });
});
