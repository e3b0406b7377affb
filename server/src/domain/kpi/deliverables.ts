// Deliverable completeness (交付物完成度) on leaving a stage: of the stage's required checklist
// actions and required forms, how many were done (or submitted) no later than the moment the
// record left the stage. An action unticked later is no longer in the run state and counts as not done.

export interface StageRequirements {
  checklist: Array<{ key: string; required: boolean }>;
  forms: Array<{ key: string; required: boolean }>;
}

export interface RunProgress {
  checklist: Record<string, { doneAt?: string }>;
  forms: Record<string, { submittedAt?: string }>;
}

export function deliverablesOnLeaving(
  stage: StageRequirements,
  progress: RunProgress,
  leftAt: string,
): { required: number; completed: number } {
  let required = 0;
  let completed = 0;
  for (const a of stage.checklist) {
    if (!a.required) continue;
    required++;
    const doneAt = progress.checklist[a.key]?.doneAt;
    if (doneAt && doneAt <= leftAt) completed++;
  }
  for (const f of stage.forms) {
    if (!f.required) continue;
    required++;
    const submittedAt = progress.forms[f.key]?.submittedAt;
    if (submittedAt && submittedAt <= leftAt) completed++;
  }
  return { required, completed };
}
