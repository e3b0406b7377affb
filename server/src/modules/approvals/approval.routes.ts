import { z } from 'zod';
import type { Database } from '../../db/database';
import { APPROVAL_SUBJECTS } from '../../domain/approval/approval-matrix';
import { defineRoute, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { isoDate } from '../records/fields';
import {
  type ApprovalOutcomeHandlers,
  addDelegation,
  decideApproval,
  findMatrix,
  getApprovalOrThrow,
  listApprovals,
  listDelegations,
  removeDelegation,
  saveMatrix,
  toApprovalDto,
} from './approval.service';
import { listApprovalClocks } from './approval-clock.service';

const subjectParams = z.strictObject({ subject: z.enum(APPROVAL_SUBJECTS) });

export function approvalRoutes(database: Database, handlers: ApprovalOutcomeHandlers): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/approvals',
      summary:
        'Approval requests: `box=pending` waits for me (or for someone I stand in for), `mine` I asked for, `all` those I can see; search, sort, limit/offset with total',
      tags: ['approvals'],
      query: z.strictObject({
        box: z.enum(['pending', 'mine', 'all']).default('pending'),
        status: z.enum(['pending', 'approved', 'rejected', 'returned', 'withdrawn']).optional(),
        subject: z.enum(APPROVAL_SUBJECTS).optional(),
        subjectId: z.string().max(64).optional(),
        /** Part of the quote's or contract's number or title, or of the requester's name. */
        q: z.string().trim().max(100).optional(),
        sort: z.enum(['createdAt', '-createdAt', 'updatedAt', '-updatedAt']).default('-createdAt'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      handler: async ({ actor, query }) => listApprovals(db, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/approvals/:id',
      summary: 'One approval request with its steps, approvers and every decision',
      tags: ['approvals'],
      params: idParamsSchema,
      handler: async ({ actor, params }) =>
        toApprovalDto((await getApprovalOrThrow(db, actor, params.id)).row),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/approvals/:id/clocks',
      summary:
        'Time limits of the request’s steps (审批时限): due time in working hours, running, met or breached',
      tags: ['approvals'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => {
        await getApprovalOrThrow(db, actor, params.id);
        return listApprovalClocks(db, actor.tenantId, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/approvals/:id/decide',
      summary:
        'Approve, reject, return (to an earlier step index or -1 for the requester) or resubmit (requester); reject and return need a comment',
      tags: ['approvals'],
      params: idParamsSchema,
      body: z.strictObject({
        decision: z.enum(['approve', 'reject', 'return', 'resubmit']),
        comment: z.string().trim().max(2000).nullable().optional(),
        returnTo: z.number().int().min(-1).max(50).optional(),
      }),
      handler: async ({ actor, params, body }) => decideApproval(database, actor, params.id, body, handlers),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/approval-matrices/:subject',
      summary:
        'The authority matrix (审批权限矩阵) for quotes or contracts; version 0 is the shipped default',
      tags: ['approvals'],
      params: subjectParams,
      handler: async ({ actor, params }) => {
        const m = await findMatrix(db, actor.tenantId, params.subject);
        return { subject: params.subject, matrix: m.matrix, version: m.version };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/approval-matrices/:subject',
      summary:
        'Replace the authority matrix (admin, sales ops); refused whole with every problem and its path',
      tags: ['approvals'],
      params: subjectParams,
      body: z.unknown(),
      headers: [
        { name: 'If-Match', required: true, description: 'The matrix version read ("v0" for the default)' },
      ],
      handler: async ({ actor, params, body, req }) =>
        saveMatrix(database, actor, params.subject, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/approval-delegations',
      summary: 'Delegations while an approver is away (代理审批): mine, or all for administrators',
      tags: ['approvals'],
      handler: async ({ actor }) => listDelegations(db, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/approval-delegations',
      summary: 'Let another user decide my approvals between two dates (admins may set one for anyone)',
      tags: ['approvals'],
      status: 201,
      body: z.strictObject({
        userId: z.string().min(1).max(64).optional(),
        delegateId: z.string().min(1).max(64),
        startsOn: isoDate,
        endsOn: isoDate,
      }),
      handler: async ({ actor, body }) => addDelegation(database, actor, body),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/approval-delegations/:id',
      summary: 'End a delegation',
      tags: ['approvals'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => {
        await removeDelegation(database, actor, params.id);
      },
    }),
  ];
}
