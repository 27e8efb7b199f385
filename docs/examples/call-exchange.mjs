// Calls a service through the govdx exchange as a consumer system: sign a client assertion with the
// system's private key, exchange it for an access token, then ask for a person's record.
//
//   node docs/examples/call-exchange.mjs [national ID]
//
// GOVDX_URL (default http://localhost:8080), GOVDX_KEY (the system's private JWK file) and
// GOVDX_CLIENT_ID (<organization>/<system>) say where and who; the defaults fit `npm start`.
import { readFileSync } from 'node:fs';
import { importJWK, SignJWT } from 'jose';

const base = process.env.GOVDX_URL ?? 'http://localhost:8080';
const keyFile = process.env.GOVDX_KEY ?? 'data/demo-keys/housing-agency-benefit-system.private.jwk';
const clientId = process.env.GOVDX_CLIENT_ID ?? 'housing-agency/benefit-system';
const subject = process.argv[2] ?? 'EX100000199';

// 1. A client assertion (RFC 7523): who we are, for the token endpoint, once, for one minute.
const jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
const assertion = await new SignJWT({})
  .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
  .setIssuer(clientId)
  .setSubject(clientId)
  .setAudience(`${base}/oauth/token`)
  .setJti(crypto.randomUUID())
  .setIssuedAt()
  .setExpirationTime('60s')
  .sign(await importJWK(jwk, 'ES256'));

// 2. An access token (OAuth 2 client credentials), good for a few minutes and many calls.
const tokenResponse = await fetch(`${base}/oauth/token`, {
  method: 'POST',
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }),
});
const token = await tokenResponse.json();
if (!tokenResponse.ok) throw new Error(`No token: ${token.error_description}`);

// 3. The call: why (purpose), about whom (subject), by which official.
const response = await fetch(`${base}/exchange/v1/population-register/person/${subject}`, {
  headers: {
    authorization: `Bearer ${token.access_token}`,
    'data-purpose': 'housing-benefit-eligibility',
    'data-subject': subject,
    'on-behalf-of': 'caseworker.17@housing.example',
  },
});
const answer = await response.json();
if (!response.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
const receipt = Number(response.headers.get('exchange-receipt'));
console.log(JSON.stringify({ receipt, record: answer }, null, 2));
