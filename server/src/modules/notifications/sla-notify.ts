import type { Kysely } from 'kysely';
import { ROLES, type Role } from '../../auth/roles';
import type { DB } from '../../db/schema';
import type { LocalText } from '../../domain/notifications/formats';
import { type SlaEventKind, slaNotification } from '../../domain/notifications/sla-messages';
import { recordNames } from '../sop/record-names';
import { type NotificationInput, notify } from './notification.service';

// Called by the SLA sweep inside the transaction of each warning, breach and escalation step, so
// a step and its notifications are written together, exactly once.

const ROLE_SET = new Set<string>(ROLES);

/** Who an escalation step's `notify` list names: 'owner', 'owner_manager', or roles. */
export function slaRecipients(
  ownerId: string | null,
  notifyList: readonly string[],
): NotificationInput['to'] {
  const to: { userIds: string[]; roles: Role[]; managersOf: string[] } = {
    userIds: [],
    roles: [],
    managersOf: [],
  };
  for (const who of notifyList) {
    if (who === 'owner') {
      if (ownerId) to.userIds.push(ownerId);
    } else if (who === 'owner_manager') {
      if (ownerId) to.managersOf.push(ownerId);
    } else if (ROLE_SET.has(who)) {
      to.roles.push(who as Role);
    }
  }
  return to;
}

export async function notifySlaEvent(
  trx: Kysely<DB>,
  clock: { tenantId: string; recordType: string; recordId: string; ownerId: string | null; dueAt: string },
  event: { kind: SlaEventKind; step?: number; notify?: readonly string[] },
  names: { stage: LocalText; limit: LocalText; timeZone: string },
): Promise<{ recipients: string[] }> {
  const known = await recordNames(trx, clock.tenantId, [clock]);
  const recordName = known.get(`${clock.recordType}:${clock.recordId}`);
  const text = slaNotification({
    event: event.kind,
    recordType: clock.recordType,
    recordName: recordName ?? clock.recordId,
    stageName: names.stage,
    limitName: names.limit,
    dueAt: clock.dueAt,
    timeZone: names.timeZone,
    step: event.step,
  });
  return notify(trx, {
    tenantId: clock.tenantId,
    to: slaRecipients(clock.ownerId, event.notify ?? ['owner']),
    kind: text.kind,
    title: text.title,
    body: text.body,
    recordType: clock.recordType,
    recordId: clock.recordId,
  });
}
