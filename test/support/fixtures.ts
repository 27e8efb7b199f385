/** Example request bodies that the API accepts, shared by the HTTP tests. */
import { exportJWK, generateKeyPair } from 'jose';

export async function publicJwks(kid = 'key-1') {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
}

export async function privateJwk(kid = 'key-1') {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

export const populationFields = [
  {
    name: 'national_id',
    type: 'string',
    sensitivity: 'personal',
    description: 'National identification number',
  },
  { name: 'given_name', type: 'string', sensitivity: 'personal', description: 'Given name' },
  { name: 'date_of_birth', type: 'date', sensitivity: 'personal' },
  { name: 'address.postcode', type: 'string', sensitivity: 'personal' },
  { name: 'municipality', type: 'string', sensitivity: 'internal' },
];

/** Row counts of every table: a refusal must leave them all unchanged. */
export async function tableCounts(db: import('kysely').Kysely<any>): Promise<Record<string, number>> {
  const tables = [
    'organizations',
    'people',
    'memberships',
    'systems',
    'datasets',
    'fields',
    'services',
    'catalog_changes',
    'releases',
    'purposes',
    'access_tokens',
    'records',
    'record_changes',
    'record_imports',
    'record_import_errors',
    'agreements',
    'agreement_approvals',
    'agreement_events',
    'agreement_templates',
    'emergencies',
    'webhooks',
    'correction_requests',
    'consents',
    'consent_events',
    'sources',
    'linkage_jobs',
    'source_links',
    'link_pairs',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb: any) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number((row as { n: unknown }).n);
  }
  return counts;
}
