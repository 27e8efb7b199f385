import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nationalIdAt, personIndexOf } from '../../src/demo/index.ts';
import {
  countRecords,
  formatNationalId,
  getRecord,
  isValidNationalId,
  luhnCheckDigit,
  putRecords,
} from '../../src/registry/index.ts';
import { now } from '../../src/store/index.ts';
import { DIALECTS, type FreshStore, freshStore, skipUnless } from '../support/stores.ts';

describe('national IDs', () => {
  test('the check digit is the Luhn digit (ISO/IEC 7812-1 Annex B vectors)', () => {
    // Published examples: 7992739871 → 3 (Wikipedia, "Luhn algorithm"); 4111 1111 1111 111 → 1 (test Visa number).
    assert.equal(luhnCheckDigit('7992739871'), 3);
    assert.equal(luhnCheckDigit('411111111111111'), 1);
  });

  test('a formatted ID is valid, and any single mistyped digit makes it invalid', () => {
    const id = formatNationalId(12_345_678);
    assert.match(id, /^EX12345678\d$/);
    assert.ok(isValidNationalId(id));
    for (let position = 2; position < id.length; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === id[position]) continue;
        const typo = `${id.slice(0, position)}${digit}${id.slice(position + 1)}`;
        assert.equal(isValidNationalId(typo), false, typo);
      }
    }
    assert.equal(isValidNationalId('EX1234'), false);
  });

  test("a demo person's index is recovered from their national ID", () => {
    for (const index of [0, 1, 2, 499, 99_999, 9_999_999])
      assert.equal(personIndexOf(nationalIdAt(index)), index);
    assert.equal(personIndexOf('EX12'), undefined);
  });

  test('the first 100,000 demo national IDs are all different', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++) ids.add(nationalIdAt(i));
    assert.equal(ids.size, 100_000);
  });
});

for (const dialect of DIALECTS) {
  describe(`hosted record store (${dialect})`, { skip: await skipUnless(dialect) }, () => {
    let fresh: FreshStore;
    let datasetId: string;

    before(async () => {
      fresh = await freshStore(dialect);
      const db = fresh.store.db;
      const at = now();
      const organizationId = crypto.randomUUID();
      await db
        .insertInto('organizations')
        .values({
          id: organizationId,
          slug: 'register',
          name: 'Register',
          kind: 'agency',
          description: '',
          website: null,
          contact_email: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      datasetId = crypto.randomUUID();
      await db
        .insertInto('datasets')
        .values({
          id: datasetId,
          organization_id: organizationId,
          slug: 'things',
          title: 'Things',
          description: '',
          classification: 'internal',
          steward_id: null,
          key_field: 'id',
          created_at: at,
          updated_at: at,
        })
        .execute();
    });
    after(() => fresh?.drop());

    test('records put in one call of more rows than one statement takes are all stored', async () => {
      const many = Array.from({ length: 2_345 }, (_, i) => ({ key: `k${i}`, data: { id: `k${i}`, n: i } }));
      await putRecords(fresh.store.db, datasetId, many);
      assert.equal(await countRecords(fresh.store.db, datasetId), 2_345);
      assert.deepEqual(await getRecord(fresh.store.db, datasetId, 'k2344'), {
        key: 'k2344',
        data: { id: 'k2344', n: 2344 },
      });
    });

    test('putting a record with an existing key replaces it', async () => {
      await putRecords(fresh.store.db, datasetId, [{ key: 'k1', data: { id: 'k1', nested: { a: [1, 2] } } }]);
      assert.deepEqual((await getRecord(fresh.store.db, datasetId, 'k1'))?.data, {
        id: 'k1',
        nested: { a: [1, 2] },
      });
      assert.equal(await countRecords(fresh.store.db, datasetId), 2_345);
    });

    test('an unknown key has no record', async () => {
      assert.equal(await getRecord(fresh.store.db, datasetId, 'nope'), undefined);
    });

    test('a batch that fails in a later statement leaves nothing of itself behind', async () => {
      const batch = Array.from({ length: 1_500 }, (_, i) => ({
        key: `fresh-${i}`,
        data: { id: `fresh-${i}` },
      }));
      // The last row has no data, which the NOT NULL column refuses: the second statement fails.
      batch.push({ key: 'broken', data: undefined as unknown as { id: string } });
      await assert.rejects(putRecords(fresh.store.db, datasetId, batch));
      assert.equal(await getRecord(fresh.store.db, datasetId, 'fresh-0'), undefined);
      assert.equal(await countRecords(fresh.store.db, datasetId), 2_345);
    });
  });
}
