/**
 * The release form's answers (web/src/release-form-state.ts): a release prepared through the API with
 * settings the form does not offer (a table hierarchy, entropy l-diversity, t-closeness, a sample) keeps them
 * when a steward changes it in the form; what the form shows, it sends back as it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Release } from '../../web/src/api.ts';
import { answersOf, releaseBody } from '../../web/src/release-form-state.ts';

const microdata = {
  quasiIdentifiers: [
    { field: 'date_of_birth', hierarchy: { kind: 'age', at: '2025-12-31', widths: [5, 10] } },
    {
      field: 'citizenship',
      hierarchy: {
        kind: 'table',
        rows: [
          ['XE', 'home', '*'],
          ['FR', 'abroad', '*'],
        ],
      },
    },
  ],
  sensitive: {
    field: 'birth_place.country',
    lDiversity: { variant: 'entropy', l: 2 },
    tCloseness: { t: 0.4, hierarchy: { kind: 'suppress' } },
  },
  k: 5,
  suppressionLimit: 0.05,
  sampleFraction: 0.5,
};

const release = {
  id: 'r',
  organization: 'population-register',
  dataset: 'population',
  slug: 'residents',
  title: 'Residents',
  description: '',
  method: 'microdata',
  parameters: { lookups: [], microdata },
} as unknown as Release;

test('changing a release in the form keeps what the form does not offer', () => {
  const answers = answersOf(release, '2026-12-06');
  const made = releaseBody(answers, false);
  assert.equal(made.errors, null);
  assert.deepEqual((made.body as { microdata: unknown }).microdata, microdata);
});

test('choosing another sensitive field drops the settings that were about the old one', () => {
  const answers = { ...answersOf(release, '2026-12-06'), sensitive: 'sex', l: '' };
  const made = releaseBody(answers, false);
  assert.equal(made.errors, null);
  assert.deepEqual((made.body as { microdata: { sensitive: unknown } }).microdata.sensitive, {
    field: 'sex',
  });
});
