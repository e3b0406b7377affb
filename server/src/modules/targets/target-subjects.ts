import { subtreeUnitIds } from '../../auth/visibility';
import { AppError } from '../../shared/errors';
import type { TargetLevel } from './target.schemas';

// Who a target is for: the company, an org unit (region, team) or a rep. The subject decides
// the target's owner (visibility) and the KPI filter its actual value is computed with.

export interface Org {
  units: Array<{
    id: string;
    parentId: string | null;
    name: string;
    kind: string;
    managerId?: string | null;
  }>;
  users: Array<{ id: string; name: string; orgUnitId: string | null; role: string; status: string }>;
}

export interface Subject {
  level: TargetLevel;
  subjectId: string;
  ownerId: string | null;
  name: string;
  filter: { unitId?: string; ownerId?: string };
}

export const COMPANY = 'company';

export function subjectOf(
  org: Org,
  level: TargetLevel,
  ref: { unitId?: string; userId?: string },
  companyName: string,
): Subject {
  if (level === 'company') {
    return { level, subjectId: COMPANY, ownerId: null, name: companyName, filter: {} };
  }
  if (level === 'rep') {
    const user = ref.userId ? org.users.find((u) => u.id === ref.userId) : undefined;
    if (!user)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'userId',
        params: { entity: 'user', field: 'userId' },
      });
    return { level, subjectId: user.id, ownerId: user.id, name: user.name, filter: { ownerId: user.id } };
  }
  const unit = ref.unitId ? org.units.find((u) => u.id === ref.unitId) : undefined;
  if (!unit)
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'unitId',
      params: { entity: 'orgUnit', field: 'unitId' },
    });
  if (unit.kind !== level) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'level',
      issues: [{ field: 'level', code: 'invalid_value' }],
    });
  }
  return {
    level,
    subjectId: unit.id,
    ownerId: unit.managerId ?? null,
    name: unit.name,
    filter: { unitId: unit.id },
  };
}

/** The subject of a stored target (its level and subject id). */
export function storedSubject(org: Org, level: string, subjectId: string, companyName: string): Subject {
  const l = level as TargetLevel;
  return subjectOf(org, l, l === 'rep' ? { userId: subjectId } : { unitId: subjectId }, companyName);
}

/** Whether `child` lies strictly below `parent` in the org: a team in a region, a rep in a team. */
export function isBelow(org: Org, parent: Subject, child: Subject): boolean {
  const rank = { company: 0, region: 1, team: 2, rep: 3 } as const;
  if (rank[child.level] <= rank[parent.level]) return false;
  if (parent.level === 'company') return true;
  const subtree = subtreeUnitIds(org.units, [parent.subjectId]);
  if (child.level === 'rep') {
    const unitId = org.users.find((u) => u.id === child.subjectId)?.orgUnitId;
    return !!unitId && subtree.has(unitId);
  }
  return child.subjectId !== parent.subjectId && subtree.has(child.subjectId);
}

/** The default children of a subject: the company's regions, a region's teams, a team's active reps. */
export function defaultChildren(org: Org, parent: Subject): Array<{ unitId?: string; userId?: string }> {
  if (parent.level === 'rep') return [];
  if (parent.level === 'team') {
    return org.users
      .filter((u) => u.orgUnitId === parent.subjectId && u.role === 'rep' && u.status === 'active')
      .map((u) => ({ userId: u.id }));
  }
  if (parent.level === 'region') {
    return org.units
      .filter((u) => u.parentId === parent.subjectId && u.kind === 'team')
      .map((u) => ({ unitId: u.id }));
  }
  const regions = org.units.filter((u) => u.kind === 'region');
  const top = regions.length ? regions : org.units.filter((u) => u.kind === 'team' && !u.parentId);
  return top.map((u) => ({ unitId: u.id }));
}

export function childSubject(
  org: Org,
  ref: { unitId?: string; userId?: string },
  companyName: string,
): Subject {
  if (ref.userId) return subjectOf(org, 'rep', ref, companyName);
  const unit = org.units.find((u) => u.id === ref.unitId);
  const kind = unit?.kind === 'region' ? 'region' : 'team';
  return subjectOf(org, kind, ref, companyName);
}
