/** Accounts of the embedded demo identity provider: a username and password for a person of govdx. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/** Creates the account, or replaces the person and password of an existing one with this username. */
export async function createIdpAccount(
  db: Kysely<Database>,
  account: { username: string; personId: string; password: string },
): Promise<void> {
  const row = {
    username: account.username,
    person_id: account.personId,
    password_hash: await hashPassword(account.password),
  };
  await db
    .insertInto('idp_accounts')
    .values(row)
    .onConflict((oc) =>
      oc.column('username').doUpdateSet({ person_id: row.person_id, password_hash: row.password_hash }),
    )
    .execute();
}

// Checked against when the username is unknown, so that the answer takes as long either way and
// timing does not tell which usernames exist.
let decoy: Promise<string> | undefined;

/** The person id when the username and password match an account; otherwise null. */
export async function checkIdpPassword(
  db: Kysely<Database>,
  username: string,
  password: string,
): Promise<string | null> {
  const account = await db
    .selectFrom('idp_accounts')
    .select(['person_id', 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
  if (!account) {
    decoy ??= hashPassword('not a password of anyone');
    await verifyPassword(password, await decoy);
    return null;
  }
  return (await verifyPassword(password, account.password_hash)) ? account.person_id : null;
}

/** The claims the identity provider can state about a person; null when there is no such person. */
export async function idpClaims(
  db: Kysely<Database>,
  personId: string,
): Promise<{
  sub: string;
  name: string;
  email?: string;
  email_verified?: boolean;
  national_id?: string;
} | null> {
  const person = await db
    .selectFrom('people')
    .select(['id', 'name', 'email', 'national_id'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person) return null;
  return {
    sub: person.id,
    name: person.name,
    // Addresses in govdx are entered by organization admins, who answer for them: stated as verified.
    ...(person.email ? { email: person.email, email_verified: true } : {}),
    ...(person.national_id ? { national_id: person.national_id } : {}),
  };
}
