import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import { validatePlaybook } from '../src/domain/sop/validate';
import {
  buildTestApp,
  type Client,
  clientFor,
  makeOrg,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// An invalid playbook is refused whole with EVERY problem listed: a schema failure no longer
// hides the semantic problems (unknown stages, unreachable stages, bad expressions).
describe('every problem of an invalid playbook', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let ops: Client;
  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildTestApp(database);
    ops = await clientFor(app, (await makeOrg(database.db)).users.ops);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  const badDeal = () => {
    const bad = structuredClone(loadDefaultPlaybooks().find((p) => p.process === 'deal')!) as any;
    // Schema problems: a unit that does not exist, a stage without an owner role.
    bad.stages[1].timeLimits[0].duration = { value: 2, unit: 'weeks' };
    delete bad.stages[2].ownerRole;
    // Semantic ones, in well-formed parts and in the malformed stage alike.
    bad.stages[0].allowedNext.push('nowhere');
    bad.stages[2].exitGate = [{ expr: 'record.budgetx > 0', message: { 'zh-CN': 'x', 'en-US': 'x' } }];
    bad.stages[3].exitGate = [{ expr: 'record.amount >', message: { 'zh-CN': 'x', 'en-US': 'x' } }];
    bad.stages.push({
      key: 'orphan',
      name: { 'zh-CN': '孤立', 'en-US': 'Orphan' },
      ownerRole: 'rep',
      terminal: 'closed',
    });
    return bad;
  };
  const expected = (bad: { stages: Array<{ allowedNext: string[] }> }) => [
    ['stages[1].timeLimits[0].duration.unit', 'invalid_value'],
    ['stages[2].ownerRole', 'required'],
    [`stages[0].allowedNext[${bad.stages[0]!.allowedNext.length - 1}]`, 'unknown_stage'],
    ['stages[2].exitGate[0].expr', 'unknown_field'],
    ['stages[3].exitGate[0].expr', 'syntax_error'],
    [`stages[${bad.stages.length - 1}]`, 'unreachable_stage'],
  ];

  it('validatePlaybook lists the schema problems and the semantic ones together', () => {
    const bad = badDeal();
    const r = validatePlaybook(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.path, p.code])).toEqual(expected(bad));
  });

  it('POST /api/playbooks/:id/versions refuses it whole, every problem with its path', async () => {
    const pb = (await ops.get('/api/playbooks'))
      .json()
      .items.find((p: { process: string }) => p.process === 'deal');
    const bad = badDeal();
    const res = await ops.post(`/api/playbooks/${pb.id}/versions`, { definition: bad });
    expect(res.statusCode).toBe(422);
    const paths = res.json().details.problems.map((p: { path: string; code: string }) => [p.path, p.code]);
    expect(paths).toContainEqual(['stages[1].timeLimits[0].duration.unit', 'invalid_value']);
    expect(paths).toContainEqual(['stages[2].exitGate[0].expr', 'unknown_field']);
    expect(paths).toContainEqual([`stages[${bad.stages.length - 1}]`, 'unreachable_stage']);
    expect(paths).toContainEqual(['stages[3].exitGate[0].expr', 'syntax_error']);
    // Nothing was saved.
    const after = (await ops.get('/api/playbooks'))
      .json()
      .items.find((p: { process: string }) => p.process === 'deal');
    expect(after.versions).toHaveLength(1);
  });

  it('an order playbook may not reassign or return to the pool (orders have no such owner change)', () => {
    const order = structuredClone(loadDefaultPlaybooks().find((p) => p.process === 'order')!);
    order.stages[0]!.timeLimits[0]!.escalation.push(
      { after: { value: 1, unit: 'hours' }, notify: ['owner_manager'], action: 'reassign' },
      { after: { value: 2, unit: 'hours' }, notify: ['owner_manager'], action: 'return_to_pool' },
    );
    const r = validatePlaybook(order);
    expect(r.ok || r.problems.map((p) => [p.path, p.code])).toEqual([
      ['stages[0].timeLimits[0].escalation[1].action', 'invalid_value'],
      ['stages[0].timeLimits[0].escalation[2].action', 'invalid_value'],
    ]);
  });

  it('a playbook that is not even an object is one problem, not a crash', () => {
    const r = validatePlaybook({ key: 'x', process: 'deal', name: 'x', stages: 'none' });
    expect(r.ok).toBe(false);
  });
});
