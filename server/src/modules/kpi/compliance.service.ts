import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import { clockOutcome } from '../../domain/kpi/clock-outcome';
import { deliverablesOnLeaving, type RunProgress } from '../../domain/kpi/deliverables';
import { stageEntries, stageStays } from '../../domain/kpi/stage-timeline';
import { average, percentile, ratio, roundOrNull } from '../../domain/kpi/stats';
import { workingHoursCounter } from '../../domain/kpi/working-hours';
import type { Playbook } from '../../domain/sop/playbook';
import { findOrderStageHistory } from '../orders/order-sop';
import { tenantCalendar } from '../sop/clock.service';
import { findPublishedPlaybook } from '../sop/sop-run.repository';
import { findDecidedReports } from '../weekly-reports/weekly-report.repository';
import { WEEKLY_REPORT_STAGE } from '../weekly-reports/weekly-report.sweep';
import {
  findBreaches,
  findClocks,
  findPlaybookDefinitions,
  findRuns,
  findStageHistory,
} from './kpi.repository';
import type { ComplianceQuery } from './kpi.schemas';
import { resolveScope } from './kpi-scope';

const NONE = '-';

/** Everything one group's figures are computed from. */
interface Bucket {
  onTime: number;
  decided: number;
  breaches: number;
  explained: number;
  hours: number[];
  workingHours: number[];
  required: number;
  completed: number;
}

const emptyBucket = (): Bucket => ({
  onTime: 0,
  decided: 0,
  breaches: 0,
  explained: 0,
  hours: [],
  workingHours: [],
  required: 0,
  completed: 0,
});

function figures(b: Bucket) {
  return {
    onTime: { met: b.onTime, decided: b.decided, rate: ratio(b.onTime, b.decided) },
    breaches: { count: b.breaches, explained: b.explained, unexplained: b.breaches - b.explained },
    timeInStage: {
      count: b.hours.length,
      avgHours: roundOrNull(average(b.hours), 2),
      p50Hours: roundOrNull(percentile(b.hours, 50), 2),
      p90Hours: roundOrNull(percentile(b.hours, 90), 2),
      avgWorkingHours: roundOrNull(average(b.workingHours), 2),
    },
    deliverables: { required: b.required, completed: b.completed, rate: ratio(b.completed, b.required) },
  };
}

/**
 * SOP compliance figures (SOP 执行率) for a period and a process, per stage, rep or team (a team
 * counts its whole subtree). Computed from the events: clocks, breaches, stage events and runs.
 */
export async function complianceFigures(
  database: Database,
  actor: Actor,
  query: ComplianceQuery,
  now = new Date(),
) {
  const { db } = database;
  const scope = await resolveScope(db, actor, query, now);
  const w = scope.window;
  const process = query.process;
  const parents = new Map(scope.units.map((u) => [u.id, u.parentId]));

  // The groups a fact with this owner and stage counts in.
  const keysOf = (ownerId: string | null, stage: string): string[] => {
    if (query.by === 'stage') return [stage];
    if (query.by === 'rep') return [ownerId ?? NONE];
    const out: string[] = [];
    let unit = scope.unitOf(ownerId);
    while (unit && !out.includes(unit)) {
      out.push(unit);
      unit = parents.get(unit) ?? null;
    }
    return out.length ? out : [NONE];
  };
  const buckets = new Map<string, Bucket>();
  const total = emptyBucket();
  const add = (ownerId: string | null, stage: string, fn: (b: Bucket) => void) => {
    fn(total);
    for (const k of keysOf(ownerId, stage)) {
      const b = buckets.get(k) ?? emptyBucket();
      fn(b);
      buckets.set(k, b);
    }
  };

  const clocks = await findClocks(db, actor, w, scope.owners, {
    recordType: process,
    stageKey: query.stageKey,
  });
  for (const c of clocks) {
    const outcome = clockOutcome(c, now);
    if (outcome === 'open' || outcome === 'cancelled') continue;
    add(c.ownerId, c.stageKey, (b) => {
      b.decided++;
      if (outcome === 'on_time') b.onTime++;
    });
  }

  const breaches = await findBreaches(db, actor, w, scope.owners, {
    recordType: process,
    stageKey: query.stageKey,
  });
  for (const br of breaches) {
    add(br.ownerId, br.stageKey, (b) => {
      b.breaches++;
      if (br.reason) b.explained++;
    });
  }

  // The weekly report is the reps' duty in the sales SOP (its deadline is in the deal playbook):
  // counted with the deal process as a stage of its own — on time when submitted by the deadline.
  if (process === 'deal' && (!query.stageKey || query.stageKey === WEEKLY_REPORT_STAGE)) {
    for (const r of await findDecidedReports(db, actor, w, scope.owners, now.toISOString())) {
      add(r.ownerId, WEEKLY_REPORT_STAGE, (b) => {
        b.decided++;
        if (r.submittedAt && r.dueAt && Date.parse(r.submittedAt) <= Date.parse(r.dueAt)) b.onTime++;
      });
    }
    const missing = await findBreaches(db, actor, w, scope.owners, { recordType: 'weekly_report' });
    for (const br of missing) {
      add(br.ownerId, WEEKLY_REPORT_STAGE, (b) => {
        b.breaches++;
        if (br.reason) b.explained++;
      });
    }
  }

  const workingHours = workingHoursCounter(await tenantCalendar(db, actor.tenantId));
  const { records, events } =
    process === 'order'
      ? await findOrderStageHistory(db, actor, w, scope.owners)
      : await findStageHistory(db, actor, process, w, scope.owners);
  const eventsByRecord = new Map<string, typeof events>();
  for (const e of events) eventsByRecord.set(e.recordId, [...(eventsByRecord.get(e.recordId) ?? []), e]);
  for (const r of records) {
    for (const s of stageStays(stageEntries(r, eventsByRecord.get(r.id) ?? []))) {
      if (s.leftAt < w.start || s.leftAt >= w.end) continue;
      if (query.stageKey && s.stage !== query.stageKey) continue;
      const working = workingHours(new Date(s.enteredAt), new Date(s.leftAt));
      add(r.ownerId, s.stage, (b) => {
        b.hours.push(s.hours);
        b.workingHours.push(working);
      });
    }
  }

  // Deliverables: each stage left in the period, against the playbook version it ran under.
  const leaving = events.filter(
    (e) =>
      e.fromStage !== null &&
      e.playbookVersionId !== null &&
      e.at >= w.start &&
      e.at < w.end &&
      (!query.stageKey || e.fromStage === query.stageKey),
  );
  const versionIds = [...new Set(leaving.map((e) => e.playbookVersionId!))];
  const playbooks = new Map(
    (await findPlaybookDefinitions(db, actor.tenantId, versionIds)).map((v) => [
      v.id,
      JSON.parse(v.definition) as Playbook,
    ]),
  );
  const runs = new Map(
    (await findRuns(db, actor.tenantId, process, [...new Set(leaving.map((e) => e.recordId))])).map((r) => [
      r.recordId,
      { checklist: JSON.parse(r.checklist), forms: JSON.parse(r.forms) } as RunProgress,
    ]),
  );
  const ownerOf = new Map(records.map((r) => [r.id, r.ownerId]));
  for (const e of leaving) {
    const stage = playbooks.get(e.playbookVersionId!)?.stages.find((s) => s.key === e.fromStage);
    if (!stage) continue;
    const d = deliverablesOnLeaving(stage, runs.get(e.recordId) ?? { checklist: {}, forms: {} }, e.at);
    if (!d.required) continue;
    add(ownerOf.get(e.recordId) ?? null, e.fromStage!, (b) => {
      b.required += d.required;
      b.completed += d.completed;
    });
  }

  // Labels: stage names from the published playbook, people and units by name.
  const published = await findPublishedPlaybook(db, actor.tenantId, process);
  const stageList = published ? (JSON.parse(published.definition) as Playbook).stages : [];
  const order = (k: string) => {
    const i = stageList.findIndex((s) => s.key === k);
    return i < 0 ? stageList.length : i;
  };
  const label = (k: string) => {
    if (k === NONE) return actor.locale === 'en-US' ? '(none)' : '（未指定）';
    if (query.by === 'stage' && k === WEEKLY_REPORT_STAGE)
      return actor.locale === 'en-US' ? 'Weekly report' : '周报';
    if (query.by === 'stage') return stageList.find((s) => s.key === k)?.name[actor.locale] ?? k;
    if (query.by === 'rep') return scope.userName(k) ?? k;
    return scope.unitName(k) ?? k;
  };
  const keys = [...buckets.keys()].sort((a, b) =>
    query.by === 'stage'
      ? order(a) - order(b) || (a < b ? -1 : 1)
      : label(a).localeCompare(label(b), 'zh-CN'),
  );
  return {
    process,
    by: query.by,
    from: scope.from,
    to: scope.to,
    timeZone: scope.timeZone,
    total: figures(total),
    groups: keys.map((k) => ({ key: k, label: label(k), ...figures(buckets.get(k)!) })),
  };
}
