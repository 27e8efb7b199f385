/**
 * The attributes a service may ask a citizen for, each an OAuth scope (`name`, `address`, `income`…),
 * and where each is read: which services of the registers, and which of their fields. Pure data and
 * rules; the authorization server checks requests against them and the person API reads through them.
 */
import { type AgreementTerms, contains, inForce } from '../domain/index.ts';

/** One read of a register through the exchange: a service, the fields wanted, and the record's key. */
export interface AttributeRead {
  provider: string;
  service: string;
  fields: readonly string[];
  /** The record is the citizen's own (keyed by national ID), or the one a field of an earlier read names. */
  key: { subject: true } | { from: string };
}

export interface Attribute {
  scope: string;
  /** What the citizen is asked, in plain words. */
  label: string;
  /** The reads, in order; the last is the record the value comes from. */
  reads: readonly AttributeRead[];
  /** The value is this one field of the last read (a date, a code), not an object of several. */
  single?: string;
}

const person = (fields: string[]): AttributeRead => ({
  provider: 'population-register',
  service: 'person',
  fields,
  key: { subject: true },
});
const income = (fields: string[]): AttributeRead => ({
  provider: 'tax-agency',
  service: 'income',
  fields,
  key: { subject: true },
});

/** Every attribute govdx can release with a citizen's consent, by scope. */
export const ATTRIBUTES: ReadonlyMap<string, Attribute> = new Map(
  (
    [
      { scope: 'name', label: 'Your name', reads: [person(['given_name', 'family_name'])] },
      {
        scope: 'dob',
        label: 'Your date of birth',
        reads: [person(['date_of_birth'])],
        single: 'date_of_birth',
      },
      { scope: 'sex', label: 'Your sex as registered', reads: [person(['sex'])], single: 'sex' },
      {
        scope: 'citizenship',
        label: 'Your citizenship',
        reads: [person(['citizenship'])],
        single: 'citizenship',
      },
      {
        scope: 'household',
        label: 'Which household you are registered in',
        reads: [person(['household_id'])],
        single: 'household_id',
      },
      {
        scope: 'address',
        label: 'Your registered address',
        reads: [
          person(['address_id']),
          {
            provider: 'address-register',
            service: 'address',
            fields: ['address_id', 'street', 'house_number', 'apartment', 'postcode', 'municipality'],
            key: { from: 'address_id' },
          },
        ],
      },
      {
        scope: 'income',
        label: 'Your taxable income last year',
        reads: [income(['year', 'taxable_income', 'currency'])],
      },
      {
        scope: 'employment',
        label: 'Your employment status and employer',
        reads: [income(['employment_status', 'employer.name'])],
      },
    ] satisfies Attribute[]
  ).map((a) => [a.scope, a]),
);

export const ATTRIBUTE_SCOPES: readonly string[] = [...ATTRIBUTES.keys()];

/** The scopes of a request that name no attribute (`openid` is OpenID Connect's own). */
export function unknownScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => s !== 'openid' && !ATTRIBUTES.has(s));
}

/** The attribute scopes of a request, in the catalog's order. */
export function attributeScopes(scopes: Iterable<string>): string[] {
  const asked = new Set(scopes);
  return ATTRIBUTE_SCOPES.filter((s) => asked.has(s));
}

/** Every field the scopes read, once each: what the consent lists. */
export function consentedFields(scopes: readonly string[]): string[] {
  const fields = new Set<string>();
  for (const scope of scopes) {
    for (const read of ATTRIBUTES.get(scope)?.reads ?? []) for (const f of read.fields) fields.add(f);
  }
  return [...fields];
}

/** The services the scopes read, once each, in the order they must be read. */
export function servicesRead(scopes: readonly string[]): AttributeRead[] {
  const byService = new Map<string, AttributeRead>();
  const later: AttributeRead[] = [];
  for (const scope of attributeScopes(scopes)) {
    for (const read of ATTRIBUTES.get(scope)!.reads) {
      const id = `${read.provider}/${read.service}`;
      const known = byService.get(id);
      if (known) {
        byService.set(id, { ...known, fields: [...new Set([...known.fields, ...read.fields])] });
        continue;
      }
      byService.set(id, read);
      if ('from' in read.key) later.push(read);
    }
  }
  // Reads keyed by another read's field come after the reads keyed by the citizen.
  return [...byService.values()].sort((a, b) => Number(later.includes(a)) - Number(later.includes(b)));
}

/** True when the agreed fields cover `field`: the field itself, or an object containing it. */
export function agreedField(agreed: readonly string[], field: string): boolean {
  return agreed.some((a) => a === field || contains(a, field));
}

/** The agreements that let one service's data flow to the consumer for the purpose, now. */
export type AgreementsOf = (read: AttributeRead) => readonly AgreementTerms[];

/** Why a scope cannot be asked for: the fields of one of its reads that no agreement in force covers. */
export interface ScopeGap {
  scope: string;
  provider: string;
  service: string;
  fields: string[];
}

/**
 * The scopes whose fields are not all covered by an agreement in force between the consumer and each
 * provider for the purpose. `agreementsOf` gives, for a read, the consumer's agreements for that
 * service and purpose (whatever their status).
 */
export function scopeGaps(scopes: readonly string[], agreementsOf: AgreementsOf, at: number): ScopeGap[] {
  const gaps: ScopeGap[] = [];
  for (const scope of attributeScopes(scopes)) {
    for (const read of ATTRIBUTES.get(scope)!.reads) {
      const agreed = agreementsOf(read)
        .filter((a) => inForce(a, at))
        .flatMap((a) => a.fields);
      const missing = read.fields.filter((f) => !agreedField(agreed, f));
      if (missing.length > 0)
        gaps.push({ scope, provider: read.provider, service: read.service, fields: missing });
    }
  }
  return gaps;
}
