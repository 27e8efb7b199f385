/**
 * A person's national ID decides whose data they see as a citizen (My data, their events, their
 * consents). Through the admin API nobody changes it on an existing person: not on themselves, which
 * would let a platform admin read any citizen's data by taking on their number, and not on someone else,
 * which would move a citizen's data to another account or hide it from them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE, startSession } from '../../src/identity/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

const VICTIM = 'EX100000033';

describe("a person's national ID is not changed through the admin API", () => {
  let server: TestServer;
  let adminId = '';
  let adminCookie = '';
  let citizenId = '';

  const asAdmin = (method: string, path: string, body?: unknown) =>
    call(server.url, method, path, { body, headers: { cookie: `${SESSION_COOKIE}=${adminCookie}` } });

  before(async () => {
    server = await startTestServer('sqlite');
    adminId = (await server.user([{ role: 'platform_admin', organization: 'digital-agency' }])).personId;
    adminCookie = (await startSession(server.fresh.store.db, adminId, 1, null)).cookie;
    citizenId = (await server.user([], { nationalId: 'EX100000025', name: 'A citizen' })).personId;
  });
  after(() => server?.close());

  test("a platform admin cannot take on a citizen's national ID and read their data", async () => {
    const taken = await asAdmin('PATCH', `/api/v1/people/${adminId}`, { nationalId: VICTIM });
    assert.equal(taken.status, 403, taken.text);
    assert.equal(taken.body.error.code, 'FORBIDDEN');
    const data = await asAdmin('GET', '/api/v1/me/data');
    assert.equal(data.status, 403, `the admin reads My data of ${VICTIM}: ${data.text}`);
    assert.equal((await asAdmin('GET', '/api/v1/me')).body.person.nationalId, null);
  });

  test("a citizen's national ID is neither removed nor replaced", async () => {
    for (const nationalId of [null, VICTIM]) {
      const changed = await asAdmin('PATCH', `/api/v1/people/${citizenId}`, { nationalId });
      assert.equal(changed.status, 403, changed.text);
      assert.equal(changed.body.error.code, 'FORBIDDEN');
    }
    const person = await asAdmin('GET', `/api/v1/people/${citizenId}`);
    assert.equal(person.body.nationalId, 'EX100000025');
  });

  test("the rest of a person's details are still changed as before", async () => {
    const renamed = await asAdmin('PATCH', `/api/v1/people/${citizenId}`, {
      name: 'A citizen, renamed',
      nationalId: 'EX100000025',
    });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.name, 'A citizen, renamed');
  });
});
