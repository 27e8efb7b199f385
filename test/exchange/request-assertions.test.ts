/** The assertion the exchange signs for providers: a JWS jose verifies, bound to one request. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import {
  BatchSigner,
  loadExchangeKeys,
  REQUEST_ASSERTION_TYPE,
  type RequestAssertionClaims,
  RequestVerifier,
  signRequestAssertion,
  verifyRequestAssertion,
} from '../../src/exchange/index.ts';
import { freshStore } from '../support/stores.ts';

const claims: RequestAssertionClaims = {
  service: 'tax-agency/income',
  subject: 'EX100000199',
  official: 'caseworker.17@housing.example',
  clientId: 'housing-agency/benefit-system',
  consumer: 'housing-agency',
  purpose: 'housing-benefit-eligibility',
  agreement: 'agreement-1',
  consent: null,
  fields: ['national_id', 'taxable_income'],
  method: 'GET',
  url: 'https://api.tax.example/income/EX100000199',
  requestId: 'request-1',
};
const ISSUER = 'https://govdx.gov.example';

const fresh = await freshStore('sqlite');
const keys = await loadExchangeKeys(fresh.store.db);
const published = createLocalJWKSet(keys.jwks);
const expected = { issuer: ISSUER, service: claims.service, method: 'GET', url: claims.url };

describe('request assertions', () => {
  after(() => fresh.drop());

  test('the exchange keeps one signing key per database, and publishes only its public half', async () => {
    assert.equal((await loadExchangeKeys(fresh.store.db)).kid, keys.kid);
    assert.equal(keys.jwks.keys.length, 1);
    assert.equal(keys.jwks.keys[0]!.d, undefined);
    assert.deepEqual(await exportJWK(createPublicKey(keys.privateKey)), {
      ...(await exportJWK(keys.publicKey)),
    });
  });

  test('an assertion is an ES256 JWS that jose verifies with the published keys, naming who, whom, why', async () => {
    const token = await signRequestAssertion(keys, ISSUER, claims);
    assert.deepEqual(decodeProtectedHeader(token), {
      kid: keys.kid,
      typ: REQUEST_ASSERTION_TYPE,
      alg: 'ES256',
    });
    const { payload } = await jwtVerify(token, published, { issuer: ISSUER, audience: claims.service });
    assert.equal(payload.sub, 'EX100000199');
    assert.deepEqual(payload.act, { sub: 'caseworker.17@housing.example' });
    assert.equal(payload.exp! - payload.iat!, 60);
    const verified = await verifyRequestAssertion(token, published, expected);
    assert.deepEqual(verified, {
      subject: 'EX100000199',
      official: 'caseworker.17@housing.example',
      clientId: 'housing-agency/benefit-system',
      consumer: 'housing-agency',
      purpose: 'housing-benefit-eligibility',
      agreement: 'agreement-1',
      fields: ['national_id', 'taxable_income'],
      requestId: 'request-1',
    });
  });

  test('an assertion is refused for another service, another request, an altered payload or another key', async () => {
    const token = await signRequestAssertion(keys, ISSUER, claims);
    await assert.rejects(
      verifyRequestAssertion(token, published, {
        ...expected,
        service: 'health-ministry/disability-and-care',
      }),
    );
    await assert.rejects(
      verifyRequestAssertion(token, published, { ...expected, url: `${claims.url}?year=2020` }),
    );
    await assert.rejects(verifyRequestAssertion(token, published, { ...expected, method: 'POST' }));
    await assert.rejects(
      verifyRequestAssertion(token, published, { ...expected, issuer: 'https://elsewhere.example' }),
    );
    const [header, payload, signature] = token.split('.');
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'EX100000207' }),
    ).toString('base64url');
    await assert.rejects(verifyRequestAssertion(`${header}.${altered}.${signature}`, published, expected));
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const stranger = createLocalJWKSet({
      keys: [{ ...(await exportJWK(publicKey)), kid: keys.kid, alg: 'ES256' }],
    });
    await assert.rejects(verifyRequestAssertion(token, stranger, expected));
  });

  describe('in batches: one signature over a Merkle root, each request with its inclusion path', () => {
    const signer = new BatchSigner(keys, ISSUER);
    const urls = Array.from({ length: 5 }, (_, i) => `${claims.url}?n=${i}`);
    const signAll = () =>
      Promise.all(urls.map((url, i) => signer.sign({ ...claims, url, requestId: `request-${i}` })));

    test('requests signed in one turn share one root signature, and each verifies alone', async () => {
      const batch = await signAll();
      const roots = new Set(batch.map((a) => a.split('.').slice(4).join('.')));
      assert.equal(roots.size, 1, 'one signature for the five');
      const verifier = new RequestVerifier(published);
      for (const [i, assertion] of batch.entries()) {
        const verified = await verifier.verify(assertion, { ...expected, url: urls[i]! });
        assert.equal(verified.requestId, `request-${i}`);
        assert.equal(verified.subject, claims.subject);
        assert.deepEqual(verified.fields, claims.fields);
      }
    });

    test('a tampered path, leaf index, claim or root, or another request, is refused by the provider-side verifier', async () => {
      const batch = await signAll();
      const verifier = new RequestVerifier(published);
      const parts = batch[1]!.split('.');
      const expect1 = { ...expected, url: urls[1]! };
      const path = Buffer.from(parts[3]!, 'base64url');
      path[0] = path[0]! ^ 1;
      const tamperedClaims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
      tamperedClaims.fields = [...tamperedClaims.fields, 'employer'];
      const rootPayload = JSON.parse(Buffer.from(parts[5]!, 'base64url').toString());
      rootPayload.size = 8;
      const replace = (at: number, value: string) => parts.map((p, i) => (i === at ? value : p)).join('.');
      const cases: Array<[string, string]> = [
        ['a tampered path', replace(3, path.toString('base64url'))],
        ['another leaf index', replace(2, '2')],
        ['a tampered claim', replace(1, Buffer.from(JSON.stringify(tamperedClaims)).toString('base64url'))],
        ['a tampered root', replace(5, Buffer.from(JSON.stringify(rootPayload)).toString('base64url'))],
        ['a path cut short', replace(3, path.subarray(32).toString('base64url'))],
      ];
      for (const [what, assertion] of cases) {
        await assert.rejects(verifier.verify(assertion, expect1), Error, what);
      }
      await assert.rejects(verifier.verify(batch[1]!, { ...expected, url: urls[2]! }), 'another request');
      await assert.rejects(
        verifier.verify(batch[1]!, { ...expected, service: 'tax-agency/other' }),
        'another service',
      );
      const stranger = createLocalJWKSet({
        keys: [{ ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: keys.kid }],
      });
      await assert.rejects(new RequestVerifier(stranger).verify(batch[1]!, expect1), 'another key');
      assert.ok(await verifier.verify(batch[1]!, expect1), 'the genuine one still verifies');
    });

    test('a provider on per-request JWS still works: the same verifier takes either form', async () => {
      const token = signRequestAssertion(keys, ISSUER, claims);
      const verified = await new RequestVerifier(published).verify(token, expected);
      assert.equal(verified.requestId, claims.requestId);
      assert.equal((await verifyRequestAssertion(token, published, expected)).requestId, claims.requestId);
    });
  });
});
