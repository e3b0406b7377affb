import type { Locale } from '../shared/locale';
import type { Role } from './roles';

/** Who is acting, resolved once per request from the session cookie or API token. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  name: string;
  orgUnitId: string | null;
  locale: Locale;
  /** Owners whose records this actor can read, or 'all' for the whole tenant. */
  readableOwners: 'all' | ReadonlySet<string>;
  /** Owners whose records this actor can change, or 'all'. */
  writableOwners: 'all' | ReadonlySet<string>;
  via: 'session' | 'token' | 'system';
}
