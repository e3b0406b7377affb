import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  clientFor,
  makeAccountInput,
  makeLeadInput,
  makeOrg,
  type Org,
  openTestDatabase,
  type TestDatabase,
} from './harness';

describe('lead conversion', () => {
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

  it('makes a customer, contact and deal from the lead when converted', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const lead = (
      await rep.post('/api/leads', makeLeadInput({ companyName: '星河精密机械有限公司', title: '采购经理' }))
    ).json();
    const res = await rep.post(
      `/api/leads/${lead.id}/convert`,
      { deal: { name: '星河一期', amount: 8_800_000, expectedCloseDate: '2027-03-31' } },
      { ifMatch: lead.version },
    );
    expect(res.statusCode, res.body).toBe(200);
    const { accountId, contactId, dealId } = res.json();
    const account = (await rep.get(`/api/accounts/${accountId}`)).json();
    expect(account.name).toBe('星河精密机械有限公司');
    expect(account.ownerId).toBe(org.users.repA1.id);
    const contact = (await rep.get(`/api/contacts/${contactId}`)).json();
    expect([contact.name, contact.mobile, contact.accountId]).toEqual([lead.name, lead.mobile, accountId]);
    const deal = (await rep.get(`/api/deals/${dealId}`)).json();
    expect([deal.amount, deal.leadId, deal.stage]).toEqual([8_800_000, lead.id, 'initial_contact']);
    const after = (await rep.get(`/api/leads/${lead.id}`)).json();
    expect([after.status, after.accountId]).toEqual(['converted', accountId]);
    const history = (await rep.get(`/api/leads/${lead.id}/history`)).json();
    expect(history.events.map((e: { action: string }) => e.action)).toContain('convert');
  });

  it('refuses a second conversion and leaves nothing behind when the company already exists', async () => {
    const rep = await clientFor(app, org.users.repA1);
    const other = await clientFor(app, org.users.repB1);
    const existing = (
      await other.post('/api/accounts', makeAccountInput({ name: '远航物流股份有限公司' }))
    ).json();
    const lead = (
      await rep.post('/api/leads', makeLeadInput({ companyName: '远航物流有限公司' }), {})
    ).json();
    // The lead itself was refused as a duplicate of the other rep's customer.
    expect(lead.code).toBe('DUPLICATE_CUSTOMER');
    const manager = await clientFor(app, org.users.managerA);
    const forced = (
      await manager.post(
        '/api/leads?allowDuplicate=true',
        makeLeadInput({ companyName: '远航物流有限公司', ownerId: org.users.repA1.id }),
      )
    ).json();
    const before = await database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const res = await rep.post(`/api/leads/${forced.id}/convert`, {}, { ifMatch: forced.version });
    expect(res.statusCode).toBe(409);
    expect(res.json().details.matches[0].id).toBe(existing.id);
    const after = await database.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
    expect((await rep.get(`/api/leads/${forced.id}`)).json().status).toBe('new');
    // Converting onto the existing customer is not possible for a rep who cannot see it …
    const refused = await rep.post(
      `/api/leads/${forced.id}/convert`,
      { accountId: existing.id },
      { ifMatch: forced.version },
    );
    expect(refused.json().code).toBe('REFERENCE_NOT_FOUND');
  });

  it('needs If-Match and refuses a converted lead', async () => {
    const rep = await clientFor(app, org.users.repA2);
    const lead = (await rep.post('/api/leads', makeLeadInput())).json();
    expect((await rep.post(`/api/leads/${lead.id}/convert`, {})).statusCode).toBe(428);
    const ok = await rep.post(`/api/leads/${lead.id}/convert`, {}, { ifMatch: lead.version });
    expect(ok.statusCode).toBe(200);
    const again = await rep.post(`/api/leads/${lead.id}/convert`, {}, { ifMatch: lead.version + 1 });
    expect(again.json().code).toBe('INVALID_STATE');
  });
});
