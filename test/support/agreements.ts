/**
 * Makes an agreement active the way organizations do: the consumer's data steward requests and sends
 * it, then each party the workflow waits for signs off, one person per sign-off.
 */
import assert from 'node:assert/strict';
import type { MembershipRole } from '../../src/domain/index.ts';
import { call, type TestServer } from './server.ts';

/** A token of a person holding `role` in `organization` (the same person for the same pair). */
export type Signers = (organization: string, role: MembershipRole) => Promise<string>;

/** People created on demand, one per organization and role. */
export function signers(server: Pick<TestServer, 'user'>): Signers {
  const tokens = new Map<string, Promise<string>>();
  return (organization, role) => {
    const key = `${organization} ${role}`;
    let token = tokens.get(key);
    if (!token) {
      token = server.user([{ role, organization }]).then((u) => u.token);
      tokens.set(key, token);
    }
    return token;
  };
}

export interface AgreementTerms {
  provider: string;
  consumer: string;
  service: string;
  purpose?: string;
  fields?: string[];
  [term: string]: unknown;
}

/** Requests, sends and signs off the agreement; returns it active. */
export async function activeAgreement(url: string, sign: Signers, terms: AgreementTerms) {
  const { consumer, ...request } = terms;
  const requested = await call(url, 'POST', `/api/v1/organizations/${consumer}/agreements`, {
    token: await sign(consumer, 'data_steward'),
    body: {
      validUntil: new Date(Date.now() + 86_400_000).toISOString(),
      retentionDays: 30,
      ...request,
      submit: true,
    },
  });
  assert.equal(requested.status, 201, requested.text);
  let agreement = requested.body;
  while (agreement.status !== 'active') {
    const waiting = agreement.approvals.find((a: { decision: string | null }) => a.decision === null);
    assert.ok(waiting, `agreement ${agreement.status} with nothing to sign: ${JSON.stringify(agreement)}`);
    const approved = await call(
      url,
      'POST',
      `/api/v1/organizations/${waiting.organization}/agreements/${agreement.id}/approve`,
      {
        token: await sign(waiting.organization, waiting.role),
        body: {},
      },
    );
    assert.equal(approved.status, 200, approved.text);
    agreement = approved.body;
  }
  return agreement as {
    id: string;
    provider: string;
    consumer: string;
    status: string;
    [key: string]: unknown;
  };
}
