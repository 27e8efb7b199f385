/**
 * A refusal for lack of a role names the roles the way people know them (ROLE_LABELS), never by their
 * ids in the code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLE_LABELS } from '../../src/domain/index.ts';
import { call, startTestServer, type TestServer } from '../support/server.ts';

describe('refusals in words', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer('sqlite');
    await server.organization('housing-agency', 'Housing Agency');
  });
  after(() => server?.close());

  test('a caller without the role is told which roles may, by their names', async () => {
    const auditor = await server.user([{ role: 'auditor', organization: 'housing-agency' }]);
    const refused = await call(server.url, 'POST', '/api/v1/organizations/housing-agency/agreements', {
      token: auditor.token,
      body: {},
    });
    assert.equal(refused.status, 403, refused.text);
    const message: string = refused.body.error.message;
    assert.match(message, new RegExp(`${ROLE_LABELS.data_steward} or ${ROLE_LABELS.organization_admin}`));
    assert.doesNotMatch(message, /data_steward|organization_admin/);
  });
});
