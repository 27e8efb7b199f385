/**
 * The demo's consent client: the Housing Agency's housing benefit application (src/demo/housing-app),
 * registered at govdx's consent server with its redirect URI and the public half of a key made once per
 * data folder (the private JWK is written to the key folder, as the systems' keys are). Registered again
 * when the application listens on another address or its key file changed; otherwise left alone.
 */
import { exportJWK, generateKeyPair } from 'jose';
import type { Config } from '../config/index.ts';
import { findConsentClient, replaceConsentClient } from '../consent/index.ts';
import { HOUSING_APP } from './housing-app/index.ts';
import {
  type Db,
  demoKeyFile,
  type Owner,
  publicPart,
  reusableKey,
  type Tally,
  writePrivateKey,
} from './seed.ts';

export function defaultServiceUrl(config: Pick<Config, 'demoServicePort'>): string {
  return `http://127.0.0.1:${config.demoServicePort || 8082}`;
}

/** The private JWK file of the housing benefit application: `<key folder>/housing-agency-housing-benefit-app.private.jwk`. */
export function housingAppKeyFile(keyDir: string): string {
  return demoKeyFile(keyDir, { organization: HOUSING_APP.organization, slug: HOUSING_APP.clientId });
}

export async function seedConsentClients(
  db: Db,
  owners: Map<string, Owner>,
  keyDir: string,
  serviceUrl: string,
  tally: Tally,
): Promise<void> {
  const file = housingAppKeyFile(keyDir);
  let key = reusableKey(file);
  if (!key) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    key = {
      ...(await exportJWK(privateKey)),
      kid: `${HOUSING_APP.organization}.${HOUSING_APP.clientId}.1`,
      alg: 'ES256',
    };
    writePrivateKey(file, key);
  }
  const redirectUri = `${serviceUrl}/callback`;
  const current = await findConsentClient(db, HOUSING_APP.clientId);
  const registered =
    current?.redirectUris.length === 1 &&
    current.redirectUris[0] === redirectUri &&
    current.jwks.keys.some((k) => {
      const jwk = k as { x?: string; y?: string };
      return jwk.x === key.x && jwk.y === key.y;
    });
  if (registered) return;
  await replaceConsentClient(
    db,
    owners.get(HOUSING_APP.organization)!,
    {
      clientId: HOUSING_APP.clientId,
      name: HOUSING_APP.name,
      redirectUris: [redirectUri],
      jwks: { keys: [publicPart(key) as ReturnType<typeof publicPart> & { kty: 'EC' }] },
      purposes: [HOUSING_APP.purpose],
      preview: false,
    },
    null,
  );
  tally.consentClients++;
}
