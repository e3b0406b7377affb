import { z } from 'zod';
import { buildSearchText } from '../../shared/search-text';
import {
  idRef,
  isoDateTime,
  optionalText,
  pickColumns,
  recordDtoBase,
  requiredText,
} from '../records/fields';
import type { RecordDefinition } from '../records/record-definition';

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

const taskFields = {
  title: requiredText(200),
  notes: optionalText(5000),
  dueAt: isoDateTime,
  priority: z.enum(TASK_PRIORITIES).default('normal'),
  status: z.enum(TASK_STATUSES).default('open'),
  leadId: idRef.nullable().optional(),
  accountId: idRef.nullable().optional(),
  dealId: idRef.nullable().optional(),
};

export const createTaskInputSchema = z.strictObject({ ...taskFields, ownerId: idRef.nullable().optional() });
export const updateTaskInputSchema = z
  .strictObject({ ...taskFields, priority: z.enum(TASK_PRIORITIES), status: z.enum(TASK_STATUSES) })
  .partial();

export const taskDtoSchema = z.object({
  ...recordDtoBase,
  title: z.string(),
  notes: z.string().nullable(),
  dueAt: z.string(),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(TASK_STATUSES),
  completedAt: z.string().nullable(),
  leadId: z.string().nullable(),
  accountId: z.string().nullable(),
  dealId: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type TaskDto = z.infer<typeof taskDtoSchema>;

export const taskDefinition: RecordDefinition<TaskDto> = {
  entity: 'task',
  table: 'tasks',
  idPrefix: 'task',
  path: 'tasks',
  tag: 'tasks',
  createSchema: createTaskInputSchema,
  updateSchema: updateTaskInputSchema,
  dtoSchema: taskDtoSchema,
  owned: true,
  scope: {},
  sortable: { dueAt: 'dueAt', createdAt: 'createdAt', title: 'title' },
  defaultSort: 'dueAt',
  filters: {
    ownerId: { column: 'ownerId' },
    status: { column: 'status' },
    priority: { column: 'priority' },
    leadId: { column: 'leadId' },
    accountId: { column: 'accountId' },
    dealId: { column: 'dealId' },
  },
  ranges: { dueAt: 'dueAt' },
  references: [
    { field: 'leadId', entity: 'lead', table: 'leads', scope: { poolReadable: true } },
    { field: 'accountId', entity: 'account', table: 'accounts', scope: { poolReadable: true } },
    { field: 'dealId', entity: 'deal', table: 'deals', scope: {} },
  ],
  encode: (input) => ({ ...input }),
  derive: (m, ctx) => {
    const wasDone = ctx.existing?.status === 'done';
    return {
      completedAt: m.status === 'done' ? (wasDone ? (ctx.existing?.completedAt ?? ctx.now) : ctx.now) : null,
      searchText: buildSearchText([m.title as string, m.notes as string]),
    };
  },
  toDto: (row) => pickColumns(row) as TaskDto,
  // A sales order's hand-off is also a task: finishing the task finishes the hand-off, opening it
  // again reopens the hand-off. (The orders module is loaded lazily, as it writes tasks through
  // this definition.)
  afterUpdate: async (row, existing, ctx) => {
    if ((row.status === 'done') === (existing.status === 'done')) return;
    const { finishHandoffOfTask, reopenHandoffOfTask } = await import('../orders/order-fulfilment.service');
    if (row.status === 'done') await finishHandoffOfTask(ctx, row.id);
    else await reopenHandoffOfTask(ctx, row.id);
  },
};
