/**
 * The demo's sign-in accounts at the embedded identity provider: a platform admin, an organization
 * admin and a data steward in every organization, a data protection officer in every provider and
 * consumer, an auditor at the Data Protection Inspectorate, and three citizens who are in the
 * population register. All share one password.
 */
import { type MembershipRole, ROLE_LABELS } from '../domain/index.ts';
import { ORGANIZATIONS } from './government.ts';
import { demoCitizens, STREAM, seeded, seedOf } from './population.ts';

export const DEMO_PASSWORD = 'govdx-demo';

export interface DemoAccount {
  username: string;
  name: string;
  email: string | null;
  /** National ID, for citizens: their entry in the population register. */
  nationalId: string | null;
  /** The organization (slug) the roles are held in; null for a citizen. */
  organization: string | null;
  roles: MembershipRole[];
  /** What to try after signing in as this account. */
  tryThis: string;
}

function asciiLower(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const possessive = (name: string) => (name.endsWith('s') ? `${name}'` : `${name}'s`);

function staff(
  username: string,
  organization: (typeof ORGANIZATIONS)[number],
  role: MembershipRole,
  tryThis: string,
): DemoAccount {
  const f = seeded(STREAM.staff, seedOf(username));
  const given = f.person.firstName();
  const family = f.person.lastName();
  return {
    username,
    name: `${given} ${family}`,
    email: `${asciiLower(given)}.${asciiLower(family)}@${organization.short}.example`,
    nationalId: null,
    organization: organization.slug,
    roles: [role],
    tryThis,
  };
}

function accounts(): DemoAccount[] {
  const list: DemoAccount[] = [];
  const operator = ORGANIZATIONS.find((o) => o.role === 'operator')!;
  list.push(
    staff(
      'admin',
      operator,
      'platform_admin',
      'Everything: register organizations and people, assign roles, see every part of the platform.',
    ),
  );
  for (const org of ORGANIZATIONS) {
    list.push(
      staff(
        `admin.${org.short}`,
        org,
        'organization_admin',
        `Manage ${org.name}: its members and their roles, its systems and access tokens.`,
      ),
      staff(
        `steward.${org.short}`,
        org,
        'data_steward',
        `Describe ${possessive(org.name)} datasets, fields and services in the catalog; answer requests for its data.`,
      ),
    );
    if (org.role === 'provider' || org.role === 'consumer') {
      list.push(
        staff(
          `dpo.${org.short}`,
          org,
          'data_protection_officer',
          `Review ${possessive(org.name)} purposes and data-sharing agreements before they take effect.`,
        ),
      );
    }
    if (org.role === 'provider') {
      list.push(
        staff(
          `legal.${org.short}`,
          org,
          'legal_reviewer',
          `Review agreements that would release special-category data (health, ethnicity, beliefs) of ${org.name}.`,
        ),
      );
    }
    if (org.role === 'supervisor') {
      list.push(
        staff(
          'auditor',
          org,
          'auditor',
          `${ROLE_LABELS.auditor}: inspect access events and verify the ledger, across all organizations.`,
        ),
      );
    }
  }
  for (const [n, { person }] of demoCitizens().entries()) {
    list.push({
      username: n === 0 ? 'citizen' : `citizen${n + 1}`,
      name: `${person.given_name} ${person.family_name}`,
      email: null,
      nationalId: person.national_id,
      organization: null,
      roles: [],
      tryThis: `See your data (national ID ${person.national_id}): who looked at it and why; give or withdraw consent.`,
    });
  }
  return list;
}

/** Every demo account, in the order the README lists them. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = accounts();
