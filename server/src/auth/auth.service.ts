import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { AppError } from '../shared/errors';
import { randomToken } from '../shared/ids';
import { LOCALES, type Locale } from '../shared/locale';
import type { Actor } from './actor';
import {
  countRecentFailures,
  deleteSession,
  findLiveSession,
  findLiveToken,
  findUserByEmail,
  findUserById,
  insertSession,
  recordLoginAttempt,
} from './auth.repository';
import { hashPassword, verifyPassword } from './password';
import type { Role } from './roles';
import { resolveReach } from './visibility';

// Login throttling: five wrong passwords for one e-mail, or thirty from one address, within
// fifteen minutes lock further tries until the window has passed. Kept in the database so that
// several server processes share the count.
export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export async function login(
  db: Kysely<DB>,
  input: { email: string; password: string; ip: string },
  sessionTtlHours: number,
) {
  const email = input.email.toLowerCase();
  const now = new Date();
  const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString();
  const [byEmail, byIp] = await Promise.all([
    countRecentFailures(db, 'email', email, since),
    countRecentFailures(db, 'ip', input.ip, since),
  ]);
  if (byEmail >= MAX_FAILURES_PER_EMAIL || byIp >= MAX_FAILURES_PER_IP) {
    throw new AppError('TOO_MANY_ATTEMPTS', { params: { minutes: LOGIN_WINDOW_MINUTES } });
  }
  const user = await findUserByEmail(db, email);
  // Verify even without a user, so that timing does not tell which e-mails exist.
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
  const succeeded = !!user && ok && user.status === 'active';
  await recordLoginAttempt(db, email, input.ip, succeeded, now.toISOString());
  if (!succeeded || !user) throw new AppError('INVALID_CREDENTIALS');

  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + sessionTtlHours * 3_600_000).toISOString();
  await insertSession(db, {
    id: sha256(token),
    tenantId: user.tenantId,
    userId: user.id,
    csrfToken,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { token, csrfToken, expiresAt, userId: user.id };
}

// A hash of a random string, so that unknown e-mails take as long to refuse as wrong passwords.
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomToken());
  return dummy;
}

export async function logout(db: Kysely<DB>, sessionToken: string) {
  await deleteSession(db, sha256(sessionToken));
}

export async function actorForUserId(
  db: Kysely<DB>,
  userId: string,
  via: Actor['via'],
): Promise<Actor | undefined> {
  const user = await findUserById(db, userId);
  if (user?.status !== 'active') return undefined;
  const role = user.role as Role;
  const reach = await resolveReach(db, {
    id: user.id,
    tenantId: user.tenantId,
    orgUnitId: user.orgUnitId,
    role,
  });
  return {
    userId: user.id,
    tenantId: user.tenantId,
    role,
    name: user.name,
    orgUnitId: user.orgUnitId,
    locale: (LOCALES as readonly string[]).includes(user.locale) ? (user.locale as Locale) : 'zh-CN',
    via,
    ...reach,
  };
}

export async function actorFromSession(db: Kysely<DB>, sessionToken: string) {
  const session = await findLiveSession(db, sha256(sessionToken), new Date().toISOString());
  if (!session) return undefined;
  const actor = await actorForUserId(db, session.userId, 'session');
  return actor && { actor, csrfToken: session.csrfToken };
}

export async function actorFromApiToken(db: Kysely<DB>, token: string) {
  const row = await findLiveToken(db, sha256(token));
  if (!row) return undefined;
  await db
    .updateTable('apiTokens')
    .set({ lastUsedAt: new Date().toISOString() })
    .where('id', '=', row.id)
    .execute();
  return actorForUserId(db, row.userId, 'token');
}
