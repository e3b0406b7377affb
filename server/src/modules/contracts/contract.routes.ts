import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import {
  amendContractInputSchema,
  createContractInputSchema,
  listContractsQuerySchema,
  signContractInputSchema,
  templateInputSchema,
  updateContractInputSchema,
} from './contract.schemas';
import {
  createContract,
  getContract,
  listContracts,
  listContractVersions,
  submitContract,
  updateContract,
} from './contract.service';
import { amendContract, archiveContract, signContract } from './contract-signing.service';
import { listTemplates, saveTemplate } from './contract-template.service';

const IF_MATCH = [{ name: 'If-Match', required: true, description: 'The version read, e.g. "v3"' }];

export function contractRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/contract-templates',
      summary: 'Contract templates (合同模板) with clauses and {placeholders}',
      tags: ['contracts'],
      handler: async ({ actor }) => listTemplates(db, actor),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/contract-templates',
      summary: 'Create a contract template (admin, sales ops, legal); unknown placeholders are refused',
      tags: ['contracts'],
      status: 201,
      body: templateInputSchema,
      handler: async ({ actor, body }) => saveTemplate(database, actor, null, body),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/contract-templates/:id',
      summary: 'Replace a contract template (admin, sales ops, legal)',
      tags: ['contracts'],
      params: idParamsSchema,
      body: templateInputSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, body, req }) =>
        saveTemplate(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/contracts',
      summary: 'Contracts (合同) the caller can see; filter by deal, customer, quote, status',
      tags: ['contracts'],
      query: listContractsQuerySchema,
      handler: async ({ actor, query }) => listContracts(db, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/contracts',
      summary:
        'Draft a contract from an accepted quote: lines and totals copied, clauses from a template with placeholders filled, payment terms adding up to 100 %',
      tags: ['contracts'],
      status: 201,
      body: createContractInputSchema,
      handler: async ({ actor, body }) => createContract(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/contracts/:id',
      summary: 'A contract with its current version (lines, clauses, payment terms, signing)',
      tags: ['contracts'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getContract(db, actor, params.id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/contracts/:id',
      summary: 'Edit a contract before signing; a signed or archived contract is refused (CONTRACT_SIGNED)',
      tags: ['contracts'],
      params: idParamsSchema,
      body: updateContractInputSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, body, req }) =>
        updateContract(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/contracts/:id/versions',
      summary: 'Every version of a contract: the original and each amendment (补充协议)',
      tags: ['contracts'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => listContractVersions(db, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/contracts/:id/amendments',
      summary: 'Amend a signed contract: a new version in draft that goes through approval again',
      tags: ['contracts'],
      params: idParamsSchema,
      body: amendContractInputSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, body, req }) =>
        amendContract(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/contracts/:id/submit',
      summary: 'Submit the current version for approval; the contract authority matrix picks the chain',
      tags: ['contracts'],
      params: idParamsSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, req }) =>
        submitContract(database, actor, params.id, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/contracts/:id/sign',
      summary:
        'Record the signing of an approved contract (date, signatories, scanned copy); writes the payment plan',
      tags: ['contracts'],
      params: idParamsSchema,
      body: signContractInputSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, body, req }) =>
        signContract(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/contracts/:id/archive',
      summary: 'Archive a signed contract (read-only from then on)',
      tags: ['contracts'],
      params: idParamsSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, req }) =>
        archiveContract(database, actor, params.id, versionFromIfMatch(req)),
    }),
  ];
}
