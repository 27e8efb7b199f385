/** Which catalog changes wait for the data protection officer: the pure rules of src/domain/sign-off.ts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  aboutPeople,
  type DatasetShape,
  datasetDifference,
  datasetSignOffReasons,
  describeSignOffReason,
  onlyProtectsMore,
  serviceSignOffReasons,
} from '../../src/domain/index.ts';

const population: DatasetShape = {
  fields: [
    { name: 'national_id', sensitivity: 'personal' },
    { name: 'given_name', sensitivity: 'personal' },
    { name: 'municipality', sensitivity: 'internal' },
  ],
  keyField: 'national_id',
  aboutPeople: true,
};
const relabel = (
  shape: DatasetShape,
  name: string,
  sensitivity: DatasetShape['fields'][number]['sensitivity'],
) => ({
  ...shape,
  fields: shape.fields.map((f) => (f.name === name ? { ...f, sensitivity } : f)),
});
const kinds = (before: DatasetShape, after: DatasetShape) =>
  datasetSignOffReasons(before, after).map((r) => r.kind);

describe('sign-off for catalog changes', () => {
  test('records are about people when declared so, or when the key field is personal, whatever else is labelled', () => {
    assert.equal(aboutPeople(relabel(population, 'national_id', 'open')), true);
    assert.equal(aboutPeople({ ...population, aboutPeople: false }), true);
    assert.equal(aboutPeople({ ...relabel(population, 'national_id', 'open'), aboutPeople: false }), false);
    assert.equal(
      aboutPeople({
        fields: [
          { name: 'registry_code', sensitivity: 'open' },
          { name: 'board_members', sensitivity: 'personal' },
        ],
        keyField: 'registry_code',
        aboutPeople: false,
      }),
      false,
      'a company register holding some personal data is not a register of people',
    );
  });

  test('lowering any sensitivity needs sign-off; raising one does not', () => {
    assert.deepEqual(kinds(population, relabel(population, 'national_id', 'open')), ['sensitivity_lowered']);
    assert.deepEqual(kinds(population, relabel(population, 'municipality', 'open')), ['sensitivity_lowered']);
    assert.deepEqual(kinds(population, relabel(population, 'municipality', 'personal')), []);
    assert.deepEqual(kinds(population, relabel(population, 'given_name', 'special')), []);
  });

  test('changing the key field, or declaring the records no longer about people, needs sign-off', () => {
    assert.deepEqual(kinds(population, { ...population, keyField: 'given_name' }), ['key_field_changed']);
    const openKey = relabel(population, 'national_id', 'open');
    assert.deepEqual(kinds(openKey, { ...openKey, aboutPeople: false }), ['no_longer_about_people']);
    assert.deepEqual(
      kinds(population, { ...population, aboutPeople: false }),
      [],
      'the personal key keeps it about people',
    );
  });

  test('adding or removing a field applies at once', () => {
    const added = {
      ...population,
      fields: [...population.fields, { name: 'sex', sensitivity: 'personal' as const }],
    };
    assert.deepEqual(kinds(population, added), []);
    const removed = { ...population, fields: population.fields.filter((f) => f.name !== 'given_name') };
    assert.deepEqual(kinds(population, removed), []);
    assert.deepEqual(datasetDifference(population, removed).removed, [
      { name: 'given_name', sensitivity: 'personal' },
    ]);
  });

  test('a change that only protects more is told apart from one that adds', () => {
    assert.equal(
      onlyProtectsMore(datasetDifference(population, relabel(population, 'municipality', 'personal'))),
      true,
    );
    const removed = { ...population, fields: population.fields.filter((f) => f.name !== 'municipality') };
    assert.equal(onlyProtectsMore(datasetDifference(population, removed)), true);
    const added = {
      ...population,
      fields: [...population.fields, { name: 'sex', sensitivity: 'special' as const }],
    };
    assert.equal(onlyProtectsMore(datasetDifference(population, added)), false);
  });

  test("moving a service's provider address needs sign-off, and every reason reads as a sentence", () => {
    const reasons = serviceSignOffReasons(
      { baseUrl: 'https://a.example/api' },
      { baseUrl: 'https://b.example/api' },
    );
    assert.deepEqual(
      reasons.map((r) => r.kind),
      ['provider_address_changed'],
    );
    assert.deepEqual(
      serviceSignOffReasons({ baseUrl: 'https://a.example' }, { baseUrl: 'https://a.example' }),
      [],
    );
    assert.equal(
      describeSignOffReason(reasons[0]!),
      'Requests would be sent to https://b.example/api instead of https://a.example/api.',
    );
  });
});
