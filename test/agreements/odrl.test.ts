/**
 * The ODRL export, read back as linked data: the policy is expanded with a JSON-LD processor and the
 * assertions are on full IRIs, so a wrong or unmapped term fails here rather than in a partner's system.
 *
 * fixtures/odrl.jsonld is the ODRL 2.2 JSON-LD context as served at http://www.w3.org/ns/odrl.jsonld
 * (the same context is in spruceid/ssi's cache of it, fetched from that address by its update.sh, and in
 * other projects' offline caches), its layout normalized by Biome. The document loader serves only that
 * file, so the test never touches the network.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import jsonld from 'jsonld';
import {
  agreementToOdrl,
  DPV,
  DPV_GDPR,
  govdxProfile,
  ODRL_CONTEXT,
  type OdrlAgreement,
} from '../../src/agreements/odrl.ts';

const ODRL = 'http://www.w3.org/ns/odrl/2/';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const BASE = 'https://govdx.gov.example';
const API = `${BASE}/api/v1`;
const odrlContext = JSON.parse(readFileSync(new URL('./fixtures/odrl.jsonld', import.meta.url), 'utf8'));

const agreement: OdrlAgreement = {
  id: 'b3f0c2d4-0000-4000-8000-000000000001',
  provider: 'population-register',
  providerName: 'Population Register Centre',
  consumer: 'housing-agency',
  consumerName: 'Housing Agency',
  service: 'person-lookup',
  serviceTitle: 'Person lookup',
  purpose: 'housing-benefit-eligibility',
  purposeTitle: 'Housing benefit eligibility',
  fields: ['national_id', 'address.postcode', 'health.disability'],
  legalBasis: 'gdpr-6-1-e',
  specialCategoryBasis: 'gdpr-9-2-h',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  retentionDays: 30,
  onwardSharing: false,
  status: 'active',
  version: 2,
};

type Node = Record<string, any>;

const loaded: string[] = [];
async function documentLoader(url: string) {
  loaded.push(url);
  if (url !== ODRL_CONTEXT) throw new Error(`The test loads nothing from the network (asked for ${url})`);
  return { contextUrl: undefined, documentUrl: url, document: odrlContext };
}

/** Every property, @id and @type an absolute IRI: a term the contexts do not know stays relative. */
function assertAbsolute(value: unknown, path = '$'): void {
  const absolute = /^[a-z][a-z0-9+.-]*:/i;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertAbsolute(v, `${path}[${i}]`);
    });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const node = value as Node;
  if ('@value' in node) return;
  for (const [key, v] of Object.entries(node)) {
    if (key === '@id' || key === '@type') {
      for (const iri of [v].flat()) assert.match(String(iri), absolute, `${path}.${key} is an absolute IRI`);
    } else {
      assert.match(key, absolute, `${path}: property ${key} is an absolute IRI`);
      assertAbsolute(v, `${path}.${key}`);
    }
  }
}

/**
 * Expanded JSON-LD, checked to have lost nothing: safe mode makes the processor throw on a property it
 * would drop, and every IRI must be absolute (an unknown term used as a value stays relative).
 */
async function expand(document: object): Promise<Node> {
  const options = { documentLoader, safe: true };
  const expanded = (await jsonld.expand(document as jsonld.JsonLdDocument, options)) as Node[];
  assert.equal(expanded.length, 1, 'one top-level node: the policy');
  assertAbsolute(expanded);
  return expanded[0]!;
}

function values(node: Node, property: string): Node[] {
  return (node[property] as Node[] | undefined) ?? [];
}

function only(node: Node, property: string): Node {
  const found = values(node, property);
  assert.equal(found.length, 1, `exactly one ${property}`);
  return found[0]!;
}

function constraint(rule: Node, leftOperand: string, operator: string): Node {
  const matching = values(rule, `${ODRL}constraint`).filter(
    (c) =>
      only(c, `${ODRL}leftOperand`)['@id'] === leftOperand && only(c, `${ODRL}operator`)['@id'] === operator,
  );
  assert.equal(matching.length, 1, `one constraint ${leftOperand} ${operator}`);
  return matching[0]!;
}

describe('an agreement as an ODRL 2.2 policy', () => {
  test('expands against the ODRL context with no term dropped, loading only that context', async () => {
    loaded.length = 0;
    await expand(agreementToOdrl(agreement, BASE));
    assert.deepEqual(loaded, [ODRL_CONTEXT]);
  });

  test('the safety net holds: an unknown property or term fails the check instead of vanishing', async () => {
    const policy = agreementToOdrl(agreement, BASE) as Node;
    await assert.rejects(expand({ ...policy, retentionNote: 'kept for 30 days' }), /Safe mode/);
    const misspelt = { ...policy, permission: [{ ...policy.permission[0], action: 'usee' }] };
    await assert.rejects(expand(misspelt), /odrl\/2\/action\[0\]\.@id is an absolute IRI/);
  });

  test('is an Agreement, named by its uid, from the provider to the consumer, about the service', async () => {
    const policy = await expand(agreementToOdrl(agreement, BASE));
    assert.deepEqual(policy['@type'], [`${ODRL}Agreement`]);
    assert.equal(policy['@id'], `${BASE}/agreements/${agreement.id}/odrl`);
    assert.equal(only(policy, `${ODRL}profile`)['@id'], govdxProfile(BASE));
    assert.equal(only(policy, `${ODRL}assigner`)['@id'], `${API}/organizations/population-register`);
    assert.equal(only(policy, `${ODRL}assignee`)['@id'], `${API}/organizations/housing-agency`);
    assert.equal(
      only(policy, `${ODRL}target`)['@id'],
      `${API}/organizations/population-register/services/person-lookup`,
    );
  });

  test('permits use for the registered purpose only', async () => {
    const permission = only(await expand(agreementToOdrl(agreement, BASE)), `${ODRL}permission`);
    assert.equal(only(permission, `${ODRL}action`)['@id'], `${ODRL}use`);
    const purpose = constraint(permission, `${ODRL}purpose`, `${ODRL}eq`);
    assert.equal(only(purpose, `${ODRL}rightOperand`)['@id'], `${API}/purposes/housing-benefit-eligibility`);
  });

  test('permits use from validFrom (inclusive) until validUntil (exclusive), as xsd:dateTime', async () => {
    const permission = only(await expand(agreementToOdrl(agreement, BASE)), `${ODRL}permission`);
    assert.deepEqual(only(constraint(permission, `${ODRL}dateTime`, `${ODRL}gteq`), `${ODRL}rightOperand`), {
      '@value': agreement.validFrom,
      '@type': `${XSD}dateTime`,
    });
    assert.deepEqual(only(constraint(permission, `${ODRL}dateTime`, `${ODRL}lt`), `${ODRL}rightOperand`), {
      '@value': agreement.validUntil,
      '@type': `${XSD}dateTime`,
    });
  });

  test('permits only the agreed fields, through govdx’s field left operand', async () => {
    const permission = only(await expand(agreementToOdrl(agreement, BASE)), `${ODRL}permission`);
    const fields = constraint(permission, `${govdxProfile(BASE)}#field`, `${ODRL}isAnyOf`);
    assert.deepEqual(
      values(fields, `${ODRL}rightOperand`)
        .map((v) => v['@value'])
        .sort(),
      [...agreement.fields].sort(),
    );
  });

  test('binds the consumer to delete what it received within the retention period, an xsd:duration', async () => {
    const permission = only(await expand(agreementToOdrl(agreement, BASE)), `${ODRL}permission`);
    const duty = only(permission, `${ODRL}duty`);
    assert.equal(only(duty, `${ODRL}action`)['@id'], `${ODRL}delete`);
    const within = constraint(duty, `${ODRL}elapsedTime`, `${ODRL}lteq`);
    assert.deepEqual(only(within, `${ODRL}rightOperand`), { '@value': 'P30D', '@type': `${XSD}duration` });
  });

  test('prohibits distributing to third parties unless onward sharing is agreed', async () => {
    const closed = await expand(agreementToOdrl(agreement, BASE));
    assert.equal(only(only(closed, `${ODRL}prohibition`), `${ODRL}action`)['@id'], `${ODRL}distribute`);
    const open = await expand(agreementToOdrl({ ...agreement, onwardSharing: true }, BASE));
    assert.deepEqual(values(open, `${ODRL}prohibition`), []);
  });

  test('names the GDPR legal basis and Art. 9 condition as DPV legal bases', async () => {
    const policy = await expand(agreementToOdrl(agreement, BASE));
    assert.deepEqual(
      values(policy, `${DPV}hasLegalBasis`).map((b) => b['@id']),
      [`${DPV_GDPR}A6-1-e`, `${DPV_GDPR}A9-2-h`],
    );
    const ordinary = await expand(agreementToOdrl({ ...agreement, specialCategoryBasis: null }, BASE));
    assert.deepEqual(
      values(ordinary, `${DPV}hasLegalBasis`).map((b) => b['@id']),
      [`${DPV_GDPR}A6-1-e`],
    );
  });

  test('a base URL with a trailing slash gives the same IRIs', async () => {
    assert.deepEqual(agreementToOdrl(agreement, `${BASE}/`), agreementToOdrl(agreement, BASE));
  });
});
