import dayjs from 'dayjs';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { aggregate, type KpiCell } from '../../domain/kpi/aggregate';
import { findKpi } from '../../domain/kpi/definitions';
import { localToday } from '../../domain/kpi/periods';
import { AppError } from '../../shared/errors';
import { findTenantTimeZone } from '../kpi/kpi.repository';
import { computeKpi, kpiDto } from '../kpi/kpi.service';
import { DEAL_STAGE_ORDER, loadFacts } from '../kpi/kpi-facts';
import { resolveScope } from '../kpi/kpi-scope';
import { findPlaybookVersion, findRecordIdsUnderVersion } from './compare.repository';
import type { CompareQuery } from './compare.schemas';

// Before/after (前后对比): one KPI on two sides — two periods, or the records that ran under two
// playbook versions — with counts, so a process change can be judged (conversion +15 %, cycle −20 %).

const bad = (field: string, code = 'invalid_value') =>
  new AppError('VALIDATION_FAILED', { field, issues: [{ field, code }] });

function change(a: KpiCell, b: KpiCell) {
  if (a.value === null || b.value === null) return { absolute: null, relative: null };
  const absolute = Math.round((b.value - a.value) * 10_000) / 10_000;
  return {
    absolute,
    relative: a.value === 0 ? null : Math.round((absolute / Math.abs(a.value)) * 10_000) / 10_000,
  };
}

function side(cell: KpiCell, extra: Record<string, unknown>) {
  return { ...extra, ...cell };
}

export async function compareKpi(database: Database, actor: Actor, key: string, q: CompareQuery) {
  const def = findKpi(key);
  if (!def) throw new AppError('KPI_NOT_FOUND', { field: 'key', params: { key } });
  if (!def.compute && !def.servedBy) {
    throw new AppError('KPI_NOT_AVAILABLE', { field: 'key', params: { key } });
  }
  const periods = [q.aFrom, q.aTo, q.bFrom, q.bTo];
  const versions = [q.playbookVersionA, q.playbookVersionB];
  const byPeriods = periods.some((p) => p !== undefined);
  const byVersions = versions.some((v) => v !== undefined);
  if (byPeriods === byVersions)
    throw bad(byPeriods ? 'playbookVersionA' : 'aFrom', byPeriods ? 'invalid_value' : 'required');
  const filter = { unitId: q.unitId, ownerId: q.ownerId };

  if (byPeriods) {
    for (const f of ['aFrom', 'aTo', 'bFrom', 'bTo'] as const) if (!q[f]) throw bad(f, 'required');
    if (q.aTo! < q.aFrom!) throw bad('aTo');
    if (q.bTo! < q.bFrom!) throw bad('bTo');
    const a = await computeKpi(database, actor, key, { from: q.aFrom, to: q.aTo, ...filter });
    const b = await computeKpi(database, actor, key, { from: q.bFrom, to: q.bTo, ...filter });
    return {
      kpi: kpiDto(def),
      mode: 'periods',
      a: side(a.total, { from: a.from, to: a.to }),
      b: side(b.total, { from: b.from, to: b.to }),
      change: change(a.total, b.total),
    };
  }

  for (const f of ['playbookVersionA', 'playbookVersionB'] as const) if (!q[f]) throw bad(f, 'required');
  // Target attainment has no records of its own to split by version; two periods only.
  if (!def.compute) throw bad('playbookVersionA');
  const found = [];
  for (const f of ['playbookVersionA', 'playbookVersionB'] as const) {
    const v = await findPlaybookVersion(database.db, actor.tenantId, q[f]!);
    if (!v)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: f,
        params: { entity: 'playbook_version', field: f },
      });
    found.push(v);
  }
  const timeZone = await findTenantTimeZone(database.db, actor.tenantId);
  const to = q.to ?? localToday(timeZone);
  const from = q.from ?? dayjs(to).subtract(10, 'year').add(1, 'day').format('YYYY-MM-DD');
  const scope = await resolveScope(database.db, actor, { from, to, ...filter });
  // The facts are loaded once, inside visibility and the period, then split by version.
  const compute = def.compute;
  const facts = await loadFacts(database.db, actor, scope, compute.facts);
  const reps = scope.users.filter(
    (u) =>
      u.role === 'rep' &&
      u.status === 'active' &&
      (actor.readableOwners === 'all' || actor.readableOwners.has(u.id)) &&
      (!scope.owners || scope.owners.includes(u.id)),
  ).length;
  const ctx = { stageOrder: DEAL_STAGE_ORDER, repCount: () => reps };
  const cells = [];
  for (const v of found) {
    const ids = await findRecordIdsUnderVersion(database.db, actor.tenantId, v.id);
    cells.push(
      aggregate(
        compute.aggregate,
        // A fact belongs to the deal or lead it is about (a follow-up, a clock, an instalment), not its own id.
        facts.filter((f) => ids.has(f.recordId ?? f.id)),
        ctx,
      ),
    );
  }
  const [a, b] = cells as [KpiCell, KpiCell];
  return {
    kpi: kpiDto(def),
    mode: 'playbook_versions',
    from: scope.from,
    to: scope.to,
    a: side(a, { playbookVersionId: found[0]!.id, number: found[0]!.number }),
    b: side(b, { playbookVersionId: found[1]!.id, number: found[1]!.number }),
    change: change(a, b),
  };
}
