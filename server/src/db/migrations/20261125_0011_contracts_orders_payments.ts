import { type Kysely, sql } from 'kysely';

// Quote-to-cash, second part: contract templates, contracts with their versions (amendments),
// sales orders with hand-offs and shipments, payment plans, receipts and overdue reminders.
// Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;
  const date = isPostgres(db) ? sql`date` : sql`text`;

  await db.schema
    .createTable('contract_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('clauses', 'text', (c) => c.notNull()) // JSON [{ key, title, body }]
    .addColumn('status', 'text', (c) => c.notNull()) // active | inactive
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contract_templates_name')
    .on('contract_templates')
    .columns(['tenant_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('quote_id', 'text', (c) => c.notNull().references('quotes.id'))
    .addColumn('quote_version', 'integer', (c) => c.notNull())
    .addColumn('deal_id', 'text', (c) => c.notNull().references('deals.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('tax_mode', 'text', (c) => c.notNull())
    .addColumn('net_amount', 'bigint', (c) => c.notNull())
    .addColumn('tax_amount', 'bigint', (c) => c.notNull())
    .addColumn('gross_amount', 'bigint', (c) => c.notNull())
    .addColumn('discount_bp', 'integer', (c) => c.notNull())
    .addColumn('margin_bp', 'integer')
    .addColumn('template_id', 'text')
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('signed_version', 'integer') // the version in force; an amendment in draft leaves it
    .addColumn('signed_on', date)
    .addColumn('approval_id', 'text')
    .addColumn('archived_at', ts)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    .execute();
  await db.schema
    .createIndex('contracts_number')
    .on('contracts')
    .columns(['tenant_id', 'number'])
    .unique()
    .execute();
  // One contract per quote, one order per contract (two drafts at once: the second is refused).
  await db.schema
    .createIndex('contracts_quote')
    .on('contracts')
    .columns(['tenant_id', 'quote_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('contracts_owner')
    .on('contracts')
    .columns(['tenant_id', 'owner_id', 'status'])
    .execute();

  await db.schema
    .createTable('contract_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull()) // JSON, copied from the accepted quote version
    .addColumn('clauses', 'text', (c) => c.notNull()) // JSON [{ key, title, body }]
    .addColumn('payment_terms', 'text', (c) => c.notNull()) // JSON [{ name, percent, daysAfterSigning }]
    .addColumn('note', 'text')
    .addColumn('signed_on', date)
    .addColumn('signatories', 'text') // JSON [{ party, name, title }]
    .addColumn('scan_attachment_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contract_versions_number')
    .on('contract_versions')
    .columns(['contract_id', 'number'])
    .unique()
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('deal_id', 'text', (c) => c.notNull().references('deals.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull()) // computed from its parts
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('gross_amount', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull()) // JSON
    .addColumn('delivery_date', date)
    .addColumn('cancelled_at', ts)
    .addColumn('cancel_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    .execute();
  await db.schema
    .createIndex('orders_number')
    .on('orders')
    .columns(['tenant_id', 'number'])
    .unique()
    .execute();
  await db.schema
    .createIndex('orders_contract')
    .on('orders')
    .columns(['tenant_id', 'contract_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('orders_owner')
    .on('orders')
    .columns(['tenant_id', 'owner_id', 'status'])
    .execute();

  await db.schema
    .createTable('order_handoffs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('department', 'text', (c) => c.notNull()) // production | procurement | qc | logistics
    .addColumn('assignee_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('due_on', date, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | done
    .addColumn('task_id', 'text', (c) => c.references('tasks.id')) // the assignee's task (任务)
    .addColumn('note', 'text')
    .addColumn('done_at', ts)
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('order_handoffs_order')
    .on('order_handoffs')
    .columns(['tenant_id', 'order_id'])
    .execute();

  await db.schema
    .createTable('shipments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('tracking_number', 'text', (c) => c.notNull())
    .addColumn('shipped_on', date, (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull()) // JSON [{ lineNo, quantity }]
    .addColumn('status', 'text', (c) => c.notNull()) // shipped | accepted
    .addColumn('acceptance_kind', 'text') // signed (签收) | accepted (验收)
    .addColumn('accepted_on', date)
    .addColumn('acceptance_doc', 'text')
    .addColumn('acceptance_attachment_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shipments_order').on('shipments').columns(['tenant_id', 'order_id']).execute();

  await db.schema
    .createTable('payment_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('percent', 'integer', (c) => c.notNull())
    .addColumn('due_date', date, (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_plans_contract')
    .on('payment_plans')
    .columns(['tenant_id', 'contract_id', 'seq'])
    .unique()
    .execute();
  await db.schema
    .createIndex('payment_plans_due')
    .on('payment_plans')
    .columns(['tenant_id', 'due_date'])
    .execute();

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('contract_id', 'text', (c) => c.notNull().references('contracts.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('plan_id', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('received_on', date, (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('note', 'text')
    .addColumn('overpayment', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('receipts_contract')
    .on('receipts')
    .columns(['tenant_id', 'contract_id', 'received_on'])
    .execute();

  // One row per instalment and overdue step: the unique key makes a reminder happen once.
  await db.schema
    .createTable('payment_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('plan_id', 'text', (c) => c.notNull().references('payment_plans.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_reminders_step')
    .on('payment_reminders')
    .columns(['plan_id', 'step'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'payment_reminders',
    'receipts',
    'payment_plans',
    'shipments',
    'order_handoffs',
    'orders',
    'contract_versions',
    'contracts',
    'contract_templates',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
