import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultPlaybooks } from '../src/domain/sop/default-playbooks';
import type { Playbook } from '../src/domain/sop/playbook';
import { validatePlaybook } from '../src/domain/sop/validate';
import {
  buildTestApp,
  clientFor,
  makeAccountInput,
  makeDealInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

// Gates may ask about approvals: `approvals.quote` is the status of the deal's latest quote
// approval (approved, pending, rejected, returned, or none).
describe('gates over approvals', () => {
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

  it('holds a deal until its quote is approved', async () => {
    const admin = await clientFor(app, org.users.admin);
    const rep = await clientFor(app, org.users.repA1);
    const manager = await clientFor(app, org.users.managerA);
    const product = (
      await admin.post('/api/products', { sku: 'GA-1', name: '网关', listPrice: 10000, cost: 5000 })
    ).json();
    const account = (await rep.post('/api/accounts', makeAccountInput())).json();
    const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
    await rep.get(`/api/deals/${deal.id}/sop`);

    const pb = await database.db
      .selectFrom('playbooks')
      .innerJoin('playbookVersions', 'playbookVersions.id', 'playbooks.publishedVersionId')
      .select(['playbookVersions.id', 'playbookVersions.definition'])
      .where('playbooks.tenantId', '=', org.tenant.id)
      .where('playbooks.process', '=', 'deal')
      .executeTakeFirstOrThrow();
    const def = JSON.parse(pb.definition) as Playbook;
    def.stages[0]!.exitGate.push({
      expr: 'approvals.quote == "approved"',
      message: { 'zh-CN': '报价须审批通过', 'en-US': 'The quote must be approved' },
    });
    await database.db
      .updateTable('playbookVersions')
      .set({ definition: JSON.stringify(def) })
      .where('id', '=', pb.id)
      .execute();

    const missing = async () => {
      const panel = (await rep.get(`/api/deals/${deal.id}/sop`)).json();
      const next = panel.next.find((n: { stage: string }) => n.stage === 'needs_analysis');
      return next.violations.map((v: { message: Record<string, string> }) => v.message['zh-CN']);
    };
    expect(await missing()).toContain('报价须审批通过');

    const quote = (
      await rep.post('/api/quotes', {
        dealId: deal.id,
        taxMode: 'exclusive',
        lines: [{ productId: product.id, quantity: 1, discountPercent: 8 }],
        terms: { validUntil: '2099-12-31' },
      })
    ).json();
    const submitted = (
      await rep.post(`/api/quotes/${quote.id}/submit`, undefined, { ifMatch: quote.version })
    ).json();
    expect(await missing()).toContain('报价须审批通过'); // pending is not approved
    const decided = await manager.post(`/api/approvals/${submitted.approvalId}/decide`, {
      decision: 'approve',
    });
    expect(decided.json().status).toBe('approved');
    expect(await missing()).not.toContain('报价须审批通过');
  });

  it('refuses a gate that names an approval subject that does not exist', () => {
    const deal = structuredClone(loadDefaultPlaybooks().find((p) => p.process === 'deal')!);
    deal.stages[0]!.exitGate.push({
      expr: 'approvals.invoice == "approved"',
      message: { 'zh-CN': 'x', 'en-US': 'x' },
    });
    const r = validatePlaybook(deal);
    const index = deal.stages[0]!.exitGate.length - 1;
    expect(!r.ok && r.problems.map((p) => [p.path, p.code])).toContainEqual([
      `stages[0].exitGate[${index}].expr`,
      'unknown_field',
    ]);
  });
});
