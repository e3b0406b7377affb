import type { FastifyInstance } from 'fastify';
import { createUserAccount } from '../src/modules/org/tenant.service';
import {
  type Client,
  clientFor,
  makeAccountInput,
  makeDealInput,
  type Org,
  type TestDatabase,
  type TestUser,
  testPasswordHash,
} from './harness';

// Shared steps of the quote-to-cash tests: a legal and a delivery user (the contract matrix
// always asks legal), a product, and a quote taken to accepted through its approval.

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

export async function addUser(
  database: TestDatabase,
  org: Org,
  key: string,
  role: 'legal' | 'delivery',
  name: string,
): Promise<TestUser> {
  const u = await createUserAccount(database.db, {
    tenantId: org.tenant.id,
    email: `${key}.${org.tenant.id}@example.test`,
    name,
    role,
    orgUnitId: null,
    passwordHash: await testPasswordHash(),
  });
  return { id: u.id, email: u.email, role, tenantId: org.tenant.id, orgUnitId: null };
}

export interface Q2C {
  legal: Client;
  delivery: Client;
  deliveryUser: TestUser;
  product: { id: string };
}

export async function setUpQuoteToCash(
  app: FastifyInstance,
  database: TestDatabase,
  org: Org,
  admin: Client,
) {
  const legalUser = await addUser(database, org, 'legal', 'legal', '法务小陈');
  const deliveryUser = await addUser(database, org, 'dlv', 'delivery', '交付老刘');
  const product = (
    await admin.post('/api/products', {
      sku: `W-${org.tenant.id.slice(-4)}`,
      name: '工业网关 W100',
      listPrice: 10000, // 100.00 元
      cost: 6000,
    })
  ).json();
  return {
    legal: await clientFor(app, legalUser),
    delivery: await clientFor(app, deliveryUser),
    deliveryUser,
    product,
  } satisfies Q2C;
}

/**
 * A quote of `quantity` × 100.00 元 at 8 % off, without tax in the prices, accepted: 8 % is over
 * the rep's 5 % so the manager approves first.
 */
export async function acceptedQuote(rep: Client, manager: Client, productId: string, quantity = 10) {
  const account = (await rep.post('/api/accounts', makeAccountInput())).json();
  const deal = (await rep.post('/api/deals', makeDealInput(account.id))).json();
  const q = (
    await rep.post('/api/quotes', {
      dealId: deal.id,
      taxMode: 'exclusive',
      lines: [{ productId, quantity, discountPercent: 8, taxRatePercent: 13 }],
      terms: { paymentDays: 30, validUntil: '2099-12-31', deliveryDate: '2099-01-31' },
    })
  ).json();
  const sub = (await rep.post(`/api/quotes/${q.id}/submit`, undefined, { ifMatch: q.version })).json();
  if (sub.status === 'pending_approval')
    await manager.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
  const approved = (await rep.get(`/api/quotes/${q.id}`)).json();
  const accepted = (await rep.post(`/api/quotes/${q.id}/accept`, {}, { ifMatch: approved.version })).json();
  return { account, deal, quote: accepted };
}

export const TERMS = [
  { name: '预付款', percent: 30, daysAfterSigning: 0 },
  { name: '到货款', percent: 60, daysAfterSigning: 30 },
  { name: '质保金', percent: 10, daysAfterSigning: 90 },
];

/** A contract drafted from the quote, approved by the manager and legal, signed on `signedOn`. */
export async function signedContract(
  rep: Client,
  manager: Client,
  legal: Client,
  quoteId: string,
  signedOn: string,
  paymentTerms = TERMS,
) {
  const c = (await rep.post('/api/contracts', { quoteId, paymentTerms })).json();
  if (!c.id) throw new Error(`contract not created: ${JSON.stringify(c)}`);
  const sub = (await rep.post(`/api/contracts/${c.id}/submit`, undefined, { ifMatch: c.version })).json();
  await manager.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
  await legal.post(`/api/approvals/${sub.approvalId}/decide`, { decision: 'approve' });
  const approved = (await rep.get(`/api/contracts/${c.id}`)).json();
  const signed = await rep.post(
    `/api/contracts/${c.id}/sign`,
    {
      signedOn,
      signatories: [
        { party: 'customer', name: '客户代表', title: '总经理' },
        { party: 'company', name: '销售总监' },
      ],
    },
    { ifMatch: approved.version },
  );
  if (signed.statusCode !== 200) throw new Error(`not signed: ${signed.body}`);
  return signed.json();
}
