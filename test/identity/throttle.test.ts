/**
 * Guessing passwords at the embedded identity provider: after a few wrong passwords an account (and, after
 * more, an address) is paused for a growing time, even for the right password; the answer is the same whether
 * the account exists or not, and says plainly when to try again.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ACCOUNT_THROTTLE, createIdpAccount, pauseSeconds } from '../../src/identity/index.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DIALECTS, skipUnless } from '../support/stores.ts';
import { Browser, formAction } from './browser.ts';

const PASSWORD = 'correct horse battery';

describe('the pause after failed attempts', () => {
  test('a few attempts are free, then the pause doubles with each attempt, up to a quarter of an hour', () => {
    const pauses = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => pauseSeconds(n, ACCOUNT_THROTTLE));
    assert.deepEqual(pauses, [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]);
  });
});

for (const dialect of DIALECTS) {
  describe(`password guessing at the embedded identity provider (${dialect})`, {
    skip: await skipUnless(dialect),
  }, () => {
    let server: TestServer;

    before(async () => {
      // Behind a load balancer on this machine, whose X-Forwarded-For names the caller's address.
      server = await startTestServer(dialect, { trustProxy: '127.0.0.1' });
      const db = server.fresh.store.db;
      for (const username of ['anna', 'carl']) {
        const person = await server.user([{ role: 'data_steward', organization: 'tax-agency' }]);
        await createIdpAccount(db, { username, personId: person.personId, password: PASSWORD });
      }
    });
    after(() => server?.close());
    // Each test starts with no failures on record (they all come from this machine's one address).
    beforeEach(() => server.fresh.store.db.deleteFrom('sign_in_throttles').execute());

    /** A browser at the sign-in form; `attempt` posts a username and password to it. */
    async function signInForm() {
      const browser = new Browser();
      const form = await browser.follow(`${server.url}/auth/login`);
      const action = formAction(form.last, '/login');
      return {
        browser,
        /** The identity provider's answer to the form (303 onwards when signed in). */
        attempt: (username: string, password: string, from?: string) =>
          browser.request(action, {
            method: 'POST',
            form: { username, password },
            ...(from ? { headers: { 'x-forwarded-for': from } } : {}),
          }),
      };
    }

    test('sixty wrong passwords, then the right one: it is refused, and no session starts', async () => {
      const { browser, attempt } = await signInForm();
      for (let i = 0; i < 60; i++) await attempt('anna', `guess ${i}`);
      const right = await attempt('anna', PASSWORD);
      assert.equal(right.status, 429, right.text.slice(0, 500));
      assert.match(right.text, /Too many failed attempts to sign in/);
      assert.match(right.text, /Try again in \d+ (seconds?|minutes?)/);
      assert.equal(browser.cookie('govdx_session'), undefined);
    });

    test('a few wrong passwords pause that account, not the others signing in from the same address', async () => {
      const { attempt } = await signInForm();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await attempt('anna', `guess ${i}`)).status);
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429], 'five wrong passwords are free');
      assert.equal((await attempt('anna', PASSWORD)).status, 429);
      const other = await signInForm();
      const carl = await other.attempt('carl', PASSWORD);
      assert.equal(carl.status, 303, carl.text.slice(0, 300));
    });

    test('thirty guesses sent at once get no more tries than guesses sent one by one', async () => {
      const { attempt } = await signInForm();
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => attempt('anna', i === 29 ? PASSWORD : `guess ${i}`)),
      );
      const checked = answers.filter((a) => a.status !== 429).length;
      assert.ok(checked <= ACCOUNT_THROTTLE.free + 1, `${checked} passwords were checked`);
      assert.equal((await attempt('anna', PASSWORD)).status, 429);
    });

    test('many wrong passwords from one address, one per account, pause that address', async () => {
      const { attempt } = await signInForm();
      for (let i = 0; i < 20; i++) assert.equal((await attempt(`user${i}`, 'guess')).status, 401);
      const paused = await attempt('user20', 'guess');
      assert.equal(paused.status, 429);
      assert.equal((await attempt('carl', PASSWORD)).status, 429, 'the right password waits too');
    });

    test('behind a trusted load balancer, each caller address is paused on its own', async () => {
      const { attempt } = await signInForm();
      for (let i = 0; i < 21; i++) await attempt(`user${i}`, 'guess', '203.0.113.7');
      assert.equal((await attempt('carl', PASSWORD, '203.0.113.7')).status, 429);
      const elsewhere = await signInForm();
      assert.equal((await elsewhere.attempt('carl', PASSWORD, '198.51.100.20')).status, 303);
    });

    test('an unknown username is paused exactly like a real one, so the answer reveals nothing', async () => {
      const answers = async (username: string) => {
        const { attempt } = await signInForm();
        const seen: Array<[number, string]> = [];
        for (let i = 0; i < 7; i++) {
          const page = await attempt(username, `guess ${i}`);
          const alert = /role="alert">([^<]*)</.exec(page.text)?.[1] ?? '';
          seen.push([page.status, alert.replace(/\d+/g, 'N')]);
        }
        return seen;
      };
      const real = await answers('anna');
      await server.fresh.store.db.deleteFrom('sign_in_throttles').execute();
      assert.deepEqual(await answers('nobody-at-all'), real);
    });

    test('when the pause is over, the right password signs in, and the account starts afresh', async () => {
      const { browser, attempt } = await signInForm();
      for (let i = 0; i < 6; i++) await attempt('anna', `guess ${i}`);
      assert.equal((await attempt('anna', PASSWORD)).status, 429);
      // The pause passes (moved into the past rather than waited for).
      await server.fresh.store.db
        .updateTable('sign_in_throttles')
        .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
        .execute();
      const right = await attempt('anna', PASSWORD);
      assert.equal(right.status, 303, right.text.slice(0, 300));
      await browser.follow(new URL(right.location!, server.url));
      assert.ok(browser.cookie('govdx_session'));
      const accountRow = await server.fresh.store.db
        .selectFrom('sign_in_throttles')
        .select('key')
        .where('key', 'like', 'account:%')
        .executeTakeFirst();
      assert.equal(accountRow, undefined, 'a successful sign-in clears the account’s failures');
    });
  });
}
