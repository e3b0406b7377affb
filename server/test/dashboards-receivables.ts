import type { Org, TestDatabase } from './harness';

/**
 * Receivables on top of the KPI fixture (payments module tables), for dashboards and weekly
 * reports: c1 (repA1) with instalments 1,000,000 due 2026-03-01, 500,000 due 04-20, 200,000 due
 * 05-31 and a receipt of 300,000 on 03-10 against the first; c2 (repB1) 100,000 due 04-30.
 */
export async function receivables(database: TestDatabase, org: Org, id: (k: string) => string) {
  const { db } = database;
  const t = org.tenant.id;
  const at = '2026-03-01T00:00:00.000Z';
  const rec = (k: string) => ({
    id: id(k),
    tenantId: t,
    createdAt: at,
    updatedAt: at,
    createdBy: null,
    deletedAt: null,
  });
  const money = {
    currency: 'CNY',
    taxMode: 'exclusive',
    netAmount: 1_000_000,
    taxAmount: 0,
    grossAmount: 1_000_000,
    discountBp: 0,
    marginBp: null,
  };
  const sides = [
    ['c1', 'd2', 'accA', org.users.repA1.id],
    ['c2', 'd6', 'accC', org.users.repB1.id],
  ] as const;
  for (const [c, deal, acc, ownerId] of sides) {
    await db
      .insertInto('quotes')
      .values({
        ...rec(`q_${c}`),
        ...money,
        number: `Q-${id(c)}`,
        dealId: id(deal),
        accountId: id(acc),
        ownerId,
        title: c,
        status: 'accepted',
        priceListId: null,
        currentVersion: 1,
        paymentTerms: null,
        paymentDays: 30,
        deliveryDate: null,
        validUntil: '2026-12-31',
        costAmount: null,
        approvalId: null,
      })
      .execute();
    await db
      .insertInto('contracts')
      .values({
        ...rec(c),
        ...money,
        number: `C-${id(c)}`,
        quoteId: id(`q_${c}`),
        quoteVersion: 1,
        dealId: id(deal),
        accountId: id(acc),
        ownerId,
        title: c,
        status: 'signed',
        templateId: null,
        currentVersion: 1,
        signedVersion: 1,
        signedOn: '2026-03-01',
        approvalId: null,
        archivedAt: null,
      })
      .execute();
  }
  const plan = (
    k: string,
    c: string,
    acc: string,
    ownerId: string,
    seq: number,
    dueDate: string,
    amount: number,
  ) => ({
    id: id(k),
    tenantId: t,
    contractId: id(c),
    accountId: id(acc),
    ownerId,
    seq,
    name: k,
    percent: 0,
    dueDate,
    amount,
    currency: 'CNY',
    createdAt: at,
  });
  await db
    .insertInto('paymentPlans')
    .values([
      plan('pp1', 'c1', 'accA', org.users.repA1.id, 1, '2026-03-01', 1_000_000),
      plan('pp2', 'c1', 'accA', org.users.repA1.id, 2, '2026-04-20', 500_000),
      plan('pp3', 'c1', 'accA', org.users.repA1.id, 3, '2026-05-31', 200_000),
      plan('pp4', 'c2', 'accC', org.users.repB1.id, 1, '2026-04-30', 100_000),
    ])
    .execute();
  await db
    .insertInto('receipts')
    .values({
      id: id('rc1'),
      tenantId: t,
      contractId: id('c1'),
      accountId: id('accA'),
      ownerId: org.users.repA1.id,
      planId: id('pp1'),
      amount: 300_000,
      currency: 'CNY',
      receivedOn: '2026-03-10',
      method: 'bank_transfer',
      reference: null,
      note: null,
      createdBy: null,
      createdAt: at,
    })
    .execute();
}
