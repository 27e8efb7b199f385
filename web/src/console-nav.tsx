/**
 * The agency console's sections, each at its own address (`/agency-console/{org}/{section}`), so that a
 * link, a bookmark or the back button lands on it; and the navigation between them, offered by role.
 */
import { Link } from 'react-router-dom';
import type { Role } from '../../src/domain/index.ts';
import type { Me } from './api.ts';
import { consoleOrganizations } from './roles.ts';
import { useApi } from './use-api.ts';

export type ConsoleSection =
  | 'overview'
  | 'agreements'
  | 'datasets'
  | 'services'
  | 'usage'
  | 'consent-services'
  | 'systems'
  | 'members'
  | 'tokens';

const EVERYONE = (): boolean => true;
const holdsOneOf =
  (...wanted: Role[]) =>
  (roles: readonly Role[]): boolean =>
    roles.some((role) => wanted.includes(role));

/** Each section, in the navigation's order, with who is offered it (the API's readers in the organization). */
export const CONSOLE_SECTIONS: ReadonlyArray<{
  id: ConsoleSection;
  label: string;
  offered(roles: readonly Role[]): boolean;
}> = [
  { id: 'overview', label: 'Overview', offered: EVERYONE },
  { id: 'agreements', label: 'Agreements', offered: EVERYONE },
  { id: 'datasets', label: 'Datasets', offered: EVERYONE },
  { id: 'services', label: 'Services', offered: EVERYONE },
  // A legal reviewer only signs agreements off; the use of services is for those who run them.
  {
    id: 'usage',
    label: 'Use of the exchange',
    offered: (roles) => roles.some((r) => r !== 'legal_reviewer'),
  },
  {
    id: 'consent-services',
    label: 'Consent services',
    offered: holdsOneOf('organization_admin', 'data_steward', 'data_protection_officer'),
  },
  { id: 'systems', label: 'Systems', offered: holdsOneOf('organization_admin') },
  {
    id: 'members',
    label: 'Members',
    offered: holdsOneOf('organization_admin', 'data_steward', 'data_protection_officer'),
  },
  { id: 'tokens', label: 'Access tokens', offered: holdsOneOf('organization_admin') },
];

export function isConsoleSection(value: string): value is ConsoleSection {
  return CONSOLE_SECTIONS.some((section) => section.id === value);
}

/** The address of a section of an organization's console; the overview is the organization's own. */
export function consolePath(org: string, section: ConsoleSection = 'overview'): string {
  const base = `/agency-console/${encodeURIComponent(org)}`;
  return section === 'overview' ? base : `${base}/${section}`;
}

/** The organization as the signed-in person sees it in the console: its name and the roles they hold there. */
export function useConsoleOrganization(org: string) {
  const me = useApi<Me>('/api/v1/me');
  const roles = me.data ? (consoleOrganizations(me.data.roles).get(org) ?? []) : [];
  const name = me.data?.person.memberships.find((m) => m.organization === org)?.organizationName ?? org;
  return { me, roles, name };
}

/**
 * The sections of one organization's console. The section shown is marked as the current page; on a page
 * inside a section (one system, say) the section is marked as the one the page belongs to.
 */
export function ConsoleNav({
  org,
  name,
  roles,
  current,
  inside = false,
}: {
  org: string;
  name: string;
  roles: readonly Role[];
  current: ConsoleSection;
  /** The page is one item of the section, not the section itself. */
  inside?: boolean;
}) {
  return (
    <nav className="console-nav" aria-label={`Agency console of ${name}`}>
      <ul className="console-nav__list">
        {CONSOLE_SECTIONS.filter((section) => section.offered(roles)).map((section) => {
          const here = section.id === current;
          return (
            <li key={section.id}>
              <Link
                to={consolePath(org, section.id)}
                className={here ? 'console-nav__link console-nav__link--current' : 'console-nav__link'}
                aria-current={here ? (inside ? 'true' : 'page') : undefined}
              >
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
