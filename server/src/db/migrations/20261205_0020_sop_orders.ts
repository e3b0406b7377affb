import type { Kysely } from 'kysely';

// The shipped default playbooks a tenant published on first use (notes = 'default') take two
// fixes of the defaults, in place: the order's hand-off limit (1 个工作日内下达订单) is met once the
// order has a hand-off (`stopWhen: record.handoffCount > 0`), and the lead's 初步接触 stage gets
// 线索超48小时未跟进自动提醒销售经理 (untouched for 48 hours → the owner's manager). A version
// sales ops wrote themselves is left alone. Frozen in time: never imports app code.

const UNTOUCHED_48H = {
  key: 'untouched_48h',
  name: { 'zh-CN': '线索 48 小时未跟进', 'en-US': 'Lead untouched for 48 hours' },
  starts: 'stage_entered',
  duration: { value: 48, unit: 'hours' },
  resetOn: 'activity',
  warnBefore: { value: 4, unit: 'hours' },
  escalation: [{ after: { value: 1, unit: 'minutes' }, notify: ['owner_manager'], action: 'notify' }],
};

interface StoredStage {
  key: string;
  timeLimits?: Array<{ key: string; stopWhen?: string }>;
}

export async function up(db: Kysely<any>): Promise<void> {
  const rows = await db
    .selectFrom('playbook_versions')
    .innerJoin('playbooks', 'playbooks.id', 'playbook_versions.playbook_id')
    .select(['playbook_versions.id', 'playbook_versions.definition', 'playbooks.key'])
    .where('playbook_versions.notes', '=', 'default')
    .where('playbooks.key', 'in', ['order_default', 'lead_default'])
    .execute();
  for (const row of rows) {
    const pb = JSON.parse(row.definition) as { stages: StoredStage[] };
    let changed = false;
    if (row.key === 'order_default') {
      const limit = pb.stages
        .find((s) => s.key === 'order_execution')
        ?.timeLimits?.find((l) => l.key === 'handoff_1wd');
      if (limit && !limit.stopWhen) {
        limit.stopWhen = 'record.handoffCount > 0';
        changed = true;
      }
    } else {
      const stage = pb.stages.find((s) => s.key === 'contacted');
      if (stage && !(stage.timeLimits ?? []).some((l) => l.key === UNTOUCHED_48H.key)) {
        stage.timeLimits = [...(stage.timeLimits ?? []), UNTOUCHED_48H];
        changed = true;
      }
    }
    if (changed)
      await db
        .updateTable('playbook_versions')
        .set({ definition: JSON.stringify(pb) })
        .where('id', '=', row.id)
        .execute();
  }
}

export async function down(): Promise<void> {}
