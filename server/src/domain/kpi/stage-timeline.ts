// A record's path through its stages, from its stage events (阶段变更). A record created straight
// into a stage has no event for that first entry, so its creation time stands in for it.

export interface StageEventLike {
  fromStage: string | null;
  toStage: string;
  at: string;
}

export interface StageEntry {
  stage: string;
  at: string;
}

export interface StageStay {
  stage: string;
  enteredAt: string;
  leftAt: string;
  hours: number;
}

export function stageEntries(
  record: { createdAt: string; stage: string },
  events: StageEventLike[],
): StageEntry[] {
  const sorted = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const entries: StageEntry[] = [];
  const first = sorted[0];
  if (!first) entries.push({ stage: record.stage, at: record.createdAt });
  else if (first.fromStage !== null) entries.push({ stage: first.fromStage, at: record.createdAt });
  for (const e of sorted) entries.push({ stage: e.toStage, at: e.at });
  return entries;
}

/** Completed stays: each entry up to the next one. The current stage has no stay yet. */
export function stageStays(entries: StageEntry[]): StageStay[] {
  const stays: StageStay[] = [];
  for (let i = 0; i + 1 < entries.length; i++) {
    const a = entries[i]!;
    const b = entries[i + 1]!;
    stays.push({
      stage: a.stage,
      enteredAt: a.at,
      leftAt: b.at,
      hours: (new Date(b.at).getTime() - new Date(a.at).getTime()) / 3_600_000,
    });
  }
  return stays;
}
