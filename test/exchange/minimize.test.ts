/** Minimization, without a server: only the agreed fields, at any depth, whatever the provider returned. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldTree, intersectFields, minimize, sensitivityOf } from '../../src/domain/index.ts';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
const keep = (fields: string[], value: unknown) => plain(minimize(value, fieldTree(fields)));

describe('minimize', () => {
  const record = {
    national_id: 'EX100000199',
    name: 'Phoebe',
    employer: {
      registry_code: '10000001',
      name: 'Example Ltd',
      address: { street: 'Main', postcode: '10115' },
    },
    conditions: [
      { code: 'E11', label: 'Type 2 diabetes', since: '2019-01-01' },
      { code: 'I10', label: 'Hypertension', since: '2021-05-05' },
    ],
    secret: 'not agreed',
  };

  test('keeps the agreed top-level fields and drops the rest', () => {
    assert.deepEqual(keep(['national_id', 'name'], record), { national_id: 'EX100000199', name: 'Phoebe' });
  });

  test('a path keeps one member of a nested object, at any depth', () => {
    assert.deepEqual(keep(['employer.name', 'employer.address.postcode'], record), {
      employer: { name: 'Example Ltd', address: { postcode: '10115' } },
    });
  });

  test('an object named whole keeps all of it, even when a narrower path is also listed', () => {
    assert.deepEqual(keep(['employer.name', 'employer'], record), { employer: record.employer });
    assert.deepEqual(keep(['employer', 'employer.name'], record), { employer: record.employer });
  });

  test('a path through an array applies to every element', () => {
    assert.deepEqual(keep(['conditions.code'], record), { conditions: [{ code: 'E11' }, { code: 'I10' }] });
  });

  test('a list of records is minimized record by record', () => {
    assert.deepEqual(keep(['name'], [record, { name: 'Other', secret: 'x' }]), [
      { name: 'Phoebe' },
      { name: 'Other' },
    ]);
  });

  test('null stays null; a value of the wrong shape is dropped, not passed on', () => {
    assert.deepEqual(keep(['employer.name'], { employer: null }), { employer: null });
    assert.deepEqual(keep(['employer.name'], { employer: 'Example Ltd, Main Street' }), {});
    assert.deepEqual(keep(['conditions.code'], { conditions: ['E11', { code: 'I10', label: 'x' }] }), {
      conditions: [{ code: 'I10' }],
    });
    assert.equal(minimize(42, fieldTree(['name'])), undefined);
    assert.equal(minimize('text', fieldTree(['name'])), undefined);
  });

  test('missing fields are simply absent', () => {
    assert.deepEqual(keep(['name', 'birth_place.country'], { name: 'A' }), { name: 'A' });
  });

  test('a member named __proto__ is data, not a way to reach the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "name": "A"}');
    const kept = minimize(hostile, fieldTree(['__proto__', 'name'])) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(kept).sort(), ['__proto__', 'name']);
    assert.equal(JSON.stringify(kept), '{"__proto__":{"polluted":true},"name":"A"}');
    assert.deepEqual(keep(['name'], hostile), { name: 'A' });
  });

  test('sensitivity of an agreed field: its own, the most sensitive member of an object, its ancestor’s', () => {
    const declared = new Map([
      ['birth_place.country', 'personal' as const],
      ['birth_place.municipality', 'internal' as const],
      ['conditions', 'special' as const],
    ]);
    assert.equal(sensitivityOf('birth_place.country', declared), 'personal');
    assert.equal(sensitivityOf('birth_place', declared), 'personal');
    assert.equal(sensitivityOf('conditions.code', declared), 'special');
    assert.equal(sensitivityOf('birth', declared), undefined);
  });

  test('consented fields intersect the agreed ones by path', () => {
    assert.deepEqual(intersectFields(['name', 'address'], []), ['name', 'address']);
    assert.deepEqual(intersectFields(['name', 'address'], ['address.postcode']), ['address.postcode']);
    assert.deepEqual(intersectFields(['address.postcode'], ['address']), ['address.postcode']);
    assert.deepEqual(intersectFields(['name'], ['address']), []);
  });
});
