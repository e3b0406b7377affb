import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { newId } from '../shared/ids';

export async function findUserByEmail(db: Kysely<DB>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: Kysely<DB>, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countRecentFailures(db: Kysely<DB>, by: 'email' | 'ip', value: string, since: string) {
  const r = await db
    .selectFrom('loginAttempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(by, '=', value)
    .where('succeeded', '=', 0)
    .where('createdAt', '>=', since)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function recordLoginAttempt(
  db: Kysely<DB>,
  email: string,
  ip: string,
  succeeded: boolean,
  at: string,
) {
  await db
    .insertInto('loginAttempts')
    .values({ id: newId('la'), email, ip, succeeded: succeeded ? 1 : 0, createdAt: at })
    .execute();
}

export async function insertSession(
  db: Kysely<DB>,
  s: {
    id: string;
    tenantId: string;
    userId: string;
    csrfToken: string;
    createdAt: string;
    expiresAt: string;
  },
) {
  await db.insertInto('sessions').values(s).execute();
}

export async function findLiveSession(db: Kysely<DB>, id: string, now: string) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', id)
    .where('expiresAt', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<DB>, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function findLiveToken(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('apiTokens')
    .selectAll()
    .where('tokenHash', '=', tokenHash)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}
