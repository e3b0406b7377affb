import { accountDefinition } from '../accounts/account.definition';
import { activityDefinition } from '../activities/activity.definition';
import { contactDefinition } from '../contacts/contact.definition';
import { dealDefinition } from '../deals/deal.definition';
import { leadDefinition } from '../leads/lead.definition';
import { productDefinition } from '../products/product.definition';
import { taskDefinition } from '../tasks/task.definition';
import type { RecordDefinition } from './record-definition';

/** The CRM core's record areas, each served by the shared record routes. */
export const RECORD_DEFINITIONS: RecordDefinition<any>[] = [
  accountDefinition,
  contactDefinition,
  leadDefinition,
  dealDefinition,
  activityDefinition,
  taskDefinition,
  productDefinition,
];
