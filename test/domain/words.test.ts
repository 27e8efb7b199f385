/** Plain words for citizens, without a server (domain/words.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addressInWords,
  countryName,
  dayInWords,
  daysInWords,
  fieldLabel,
  humanFieldName,
  secondsInWords,
  valueInWords,
} from '../../src/domain/index.ts';

test("a field reads as its steward's label, or else as its name in words", () => {
  assert.equal(
    fieldLabel({ name: 'citizenship', label: 'Country of citizenship' }),
    'Country of citizenship',
  );
  assert.equal(fieldLabel({ name: 'date_of_birth', label: null }), 'Date of birth');
  assert.equal(fieldLabel({ name: 'date_of_birth', label: '  ' }), 'Date of birth');
  assert.equal(humanFieldName('birth_place.country'), 'Birth place: country');
});

test('a country code reads as the country, the Republic of Example included', () => {
  assert.equal(countryName('XE'), 'Republic of Example');
  assert.equal(countryName('DE'), 'Germany');
  assert.equal(countryName('not a code'), 'not a code');
  assert.equal(valueInWords({ name: 'citizenship' }, 'XE'), 'Republic of Example');
  assert.equal(valueInWords({ name: 'birth_place.country' }, 'FI'), 'Finland');
});

test('an address identifier reads as the address it names', () => {
  const address = {
    address_id: 'AD01000003',
    street: 'Harbour Street',
    house_number: '12',
    apartment: '4',
    postcode: '10115',
    municipality: 'Capital',
  };
  assert.equal(addressInWords(address), 'Harbour Street 12-4, 10115 Capital');
  assert.equal(
    valueInWords({ name: 'address_id' }, 'AD01000003', { linked: address }),
    'Harbour Street 12-4, 10115 Capital',
  );
  assert.equal(
    valueInWords({ name: 'address_id' }, 'AD01000003'),
    'An address the address register knows as AD01000003',
  );
});

test('a household identifier says what it means; days and missing values read as words', () => {
  assert.match(
    valueInWords({ name: 'household_id' }, 'HH00000042'),
    /everyone registered as living with you/,
  );
  assert.equal(valueInWords({ name: 'date_of_birth', type: 'date' }, '1987-03-05'), '5 March 1987');
  assert.equal(valueInWords({ name: 'apartment' }, null), 'Not recorded');
  assert.equal(dayInWords('2027-12-03'), '3 December 2027');
});

test('durations are written one way: whole years as years, else days', () => {
  assert.equal(daysInWords(730), '2 years');
  assert.equal(daysInWords(365), '1 year');
  assert.equal(daysInWords(30), '30 days');
  assert.equal(daysInWords(1), '1 day');
  assert.equal(daysInWords(400), '400 days');
  assert.equal(secondsInWords(45), '45 seconds');
  assert.equal(secondsInWords(90 * 60), '90 minutes');
  assert.equal(secondsInWords(47 * 3_600), '2 days');
  assert.equal(secondsInWords(3 * 86_400), '3 days');
  assert.equal(secondsInWords(730 * 86_400), '2 years');
});
