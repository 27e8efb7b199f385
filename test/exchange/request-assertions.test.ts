/** The assertion the exchange signs for providers: a JWS jose verifies, bound to one request. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import {
  loadExchangeKeys,
  REQUEST_ASSERTION_TYPE,
  type RequestAssertionClaims,
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
});
