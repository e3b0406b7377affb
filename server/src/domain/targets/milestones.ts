// Phased milestones (阶段里程碑): cumulative values by date within the target's period, e.g.
// 30 % by the end of April, 60 % by May, 100 % by June. Returned as violations, not thrown.

export interface Milestone {
  date: string;
  value: number;
}

export type MilestoneViolation =
  | { index: number; code: 'outside_period' }
  | { index: number; code: 'not_increasing' }
  | { index: number; code: 'above_target' };

export function checkMilestones(
  milestones: readonly Milestone[],
  period: { from: string; to: string },
  target: number,
): MilestoneViolation[] {
  const out: MilestoneViolation[] = [];
  milestones.forEach((m, index) => {
    if (m.date < period.from || m.date > period.to) out.push({ index, code: 'outside_period' });
    const prev = milestones[index - 1];
    if (prev && (m.date <= prev.date || m.value < prev.value)) out.push({ index, code: 'not_increasing' });
    if (m.value > target) out.push({ index, code: 'above_target' });
  });
  return out;
}

/** The milestone due on or before `today` (the one that should be met by now), if any. */
export function currentMilestone(milestones: readonly Milestone[], today: string): Milestone | undefined {
  let found: Milestone | undefined;
  for (const m of milestones) if (m.date <= today) found = m;
  return found;
}
