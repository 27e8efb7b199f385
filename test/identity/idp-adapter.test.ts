import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KyselyAdapter, sweepOidcPayloads } from '../../src/identity/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';

for (const dialect of DIALECTS) {
  describe(`identity provider storage (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => {
      fresh = await freshStore(dialect);
    });
    after(() => fresh?.drop());

    const adapter = (model: string) => new KyselyAdapter(fresh.store.db, model);

    test('a stored artifact is found by its id, by model', async () => {
      await adapter('Interaction').upsert('i1', { kind: 'Interaction', uid: 'i1', params: { a: 1 } }, 60);
      assert.deepEqual(await adapter('Interaction').find('i1'), {
        kind: 'Interaction',
        uid: 'i1',
        params: { a: 1 },
      });
      assert.equal(await adapter('Session').find('i1'), undefined);
      assert.equal(await adapter('Interaction').find('nope'), undefined);
    });

    test('storing again replaces the payload', async () => {
      await adapter('Grant').upsert('g1', { kind: 'Grant', accountId: 'a' }, 60);
      await adapter('Grant').upsert('g1', { kind: 'Grant', accountId: 'b' }, 60);
      assert.equal((await adapter('Grant').find('g1'))?.accountId, 'b');
    });

    test('an expired artifact is not found, and a sweep deletes it', async () => {
      await adapter('AuthorizationCode').upsert('old', { kind: 'AuthorizationCode' }, -1);
      await adapter('AuthorizationCode').upsert('new', { kind: 'AuthorizationCode' }, 60);
      assert.equal(await adapter('AuthorizationCode').find('old'), undefined);
      await sweepOidcPayloads(fresh.store.db);
      const ids = await fresh.store.db
        .selectFrom('oidc_payloads')
        .select('id')
        .where('model', '=', 'AuthorizationCode')
        .execute();
      assert.deepEqual(
        ids.map((r) => r.id),
        ['new'],
      );
    });

    test('an artifact stored without an expiry (a client) never expires', async () => {
      await adapter('Client').upsert('portal', { client_id: 'portal' });
      assert.equal((await adapter('Client').find('portal'))?.client_id, 'portal');
    });

    test('a consumed code says when it was consumed', async () => {
      await adapter('AuthorizationCode').upsert('c1', { kind: 'AuthorizationCode' }, 60);
      assert.equal((await adapter('AuthorizationCode').find('c1'))?.consumed, undefined);
      const before = Math.floor(Date.now() / 1000);
      await adapter('AuthorizationCode').consume('c1');
      const consumed = (await adapter('AuthorizationCode').find('c1'))?.consumed as number;
      assert.ok(consumed >= before && consumed <= before + 2, String(consumed));
    });

    test('sessions are found by uid and device codes by user code', async () => {
      await adapter('Session').upsert('s1', { kind: 'Session', uid: 'uid-1' }, 60);
      await adapter('DeviceCode').upsert('d1', { kind: 'DeviceCode', userCode: 'ABCD-EFGH' }, 60);
      assert.equal((await adapter('Session').findByUid('uid-1'))?.kind, 'Session');
      assert.equal((await adapter('DeviceCode').findByUserCode('ABCD-EFGH'))?.kind, 'DeviceCode');
      assert.equal(await adapter('Session').findByUid('uid-2'), undefined);
    });

    test('revoking a grant deletes the codes and tokens issued under it, and nothing else', async () => {
      await adapter('AccessToken').upsert('at1', { kind: 'AccessToken', grantId: 'grant-a' }, 60);
      await adapter('AuthorizationCode').upsert('ac1', { kind: 'AuthorizationCode', grantId: 'grant-a' }, 60);
      await adapter('AccessToken').upsert('at2', { kind: 'AccessToken', grantId: 'grant-b' }, 60);
      await adapter('AccessToken').revokeByGrantId('grant-a');
      assert.equal(await adapter('AccessToken').find('at1'), undefined);
      assert.equal(await adapter('AuthorizationCode').find('ac1'), undefined);
      assert.ok(await adapter('AccessToken').find('at2'));
    });

    test('a destroyed artifact is gone', async () => {
      await adapter('Session').upsert('s2', { kind: 'Session', uid: 'uid-s2' }, 60);
      await adapter('Session').destroy('s2');
      assert.equal(await adapter('Session').find('s2'), undefined);
      assert.equal(await adapter('Session').findByUid('uid-s2'), undefined);
    });
  });
}
