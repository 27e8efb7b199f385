/**
 * Releases of open data in plain words: their statuses, how a field is generalised, the chance of being
 * recognised, and where each page of them lives. k and ε are explained in one sentence each, here, so every
 * page says them the same way.
 */
import type { Role } from '../../src/domain/index.ts';
import type { HierarchyBuilder, Organization, Page, Release, RoleGrant } from './api.ts';
import { useApi } from './use-api.ts';

export const RELEASE_STATUS_LABELS: Record<Release['status'], string> = {
  draft: 'Draft',
  submitted: 'Waiting for the data protection officer',
  rejected: 'Rejected',
  published: 'Published',
  withdrawn: 'Withdrawn',
};

const STATUS_TONES: Record<Release['status'], string> = {
  draft: 'grey',
  submitted: 'internal',
  rejected: 'personal',
  published: 'open',
  withdrawn: 'grey',
};

export function ReleaseStatusTag({ status }: { status: Release['status'] }) {
  return (
    <strong className={`tag tag--wraps tag--${STATUS_TONES[status]}`}>{RELEASE_STATUS_LABELS[status]}</strong>
  );
}

export const METHOD_LABELS: Record<Release['method'], string> = {
  microdata: 'Records about people, generalised (k-anonymous microdata)',
  statistics: 'Counts with random noise (differentially private statistics)',
};

export const K_SENTENCE =
  'k is the smallest number of people who share every combination of the fields that could identify someone: nobody can be told apart from at least k − 1 others.';
export const EPSILON_SENTENCE =
  'ε (epsilon) is how much a table may reveal about any one person: the smaller it is, the more random noise is added to every count.';

/** Who reads an organization's releases (the API's readers); an auditor reads every organization's. */
const RELEASE_ROLES: readonly Role[] = ['organization_admin', 'data_steward', 'data_protection_officer'];
const STEWARD_ROLES: readonly Role[] = ['organization_admin', 'data_steward'];

export function readsAllReleases(roles: readonly RoleGrant[]): boolean {
  return roles.some((r) => r.role === 'auditor' || r.role === 'platform_admin');
}

export function readsReleases(roles: readonly RoleGrant[]): boolean {
  return (
    readsAllReleases(roles) || roles.some((r) => r.organization !== null && RELEASE_ROLES.includes(r.role))
  );
}

export function preparesReleases(roles: readonly Role[]): boolean {
  return roles.some((r) => STEWARD_ROLES.includes(r));
}

/** The organizations whose releases the person reads, by slug and name: their own, or all for an auditor. */
export function useReleaseOrganizations(
  roles: readonly RoleGrant[] | undefined,
  memberships: ReadonlyArray<{ organization: string; organizationName: string }>,
): Array<{ slug: string; name: string }> | undefined {
  const all = useApi<Page<Organization>>(
    roles && readsAllReleases(roles) ? '/api/v1/organizations?limit=200' : null,
  );
  if (!roles) return undefined;
  if (readsAllReleases(roles)) return all.data?.items.map((o) => ({ slug: o.slug, name: o.name }));
  const slugs = [
    ...new Set(
      roles
        .filter((r) => r.organization !== null && RELEASE_ROLES.includes(r.role))
        .map((r) => r.organization!),
    ),
  ];
  return slugs.map((slug) => ({
    slug,
    name: memberships.find((m) => m.organization === slug)?.organizationName ?? slug,
  }));
}

export function releasesPath(org?: string): string {
  return org ? `/releases?organization=${encodeURIComponent(org)}` : '/releases';
}
export function releasePath(org: string, id: string): string {
  return `/releases/${encodeURIComponent(org)}/${encodeURIComponent(id)}`;
}
export function newReleasePath(org: string): string {
  return `/releases/${encodeURIComponent(org)}/new`;
}
export function changeReleasePath(org: string, id: string): string {
  return `${releasePath(org, id)}/change`;
}

/** A field's name as words: `date_of_birth` → "date of birth". */
export function fieldWords(name: string): string {
  return name.replace(/[_.]+/g, ' ');
}

/** A list in words: "a, b and c". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const DATE_LEVEL_WORDS = { month: 'month and year', year: 'year', decade: 'decade' } as const;

/** How a field is generalised, as the steward chose it: every level up to leaving it out. */
export function generalisationWords(builder: HierarchyBuilder): string {
  switch (builder.kind) {
    case 'suppress':
      return 'Removed entirely if needed';
    case 'mask':
      return builder.length
        ? `Up to ${builder.length} characters hidden from the right, then removed`
        : 'Characters hidden from the right, one at a time, then removed';
    case 'intervals':
      return `Number bands ${listWords(builder.widths.map(String))} wide, then removed`;
    case 'dates':
      return `Date shortened to its ${listWords(builder.levels.map((l) => DATE_LEVEL_WORDS[l]))}, then removed`;
    case 'age':
      return `Age on ${builder.at} in bands of ${listWords(builder.widths.map(String))} years, then removed`;
    case 'table':
      return 'Groups from a table, then removed';
  }
}

/** What one level of a field's generalisation publishes: 0 is the value as recorded, the top is nothing. */
export function levelWords(builder: HierarchyBuilder | undefined, level: number, levels: number): string {
  if (level === 0) return 'As recorded';
  if (level >= levels - 1) return 'Removed (shown as *)';
  if (!builder) return `Generalised ${level} of ${levels - 1} steps`;
  switch (builder.kind) {
    case 'mask':
      return `Last ${level} ${level === 1 ? 'character' : 'characters'} hidden (shown as *)`;
    case 'intervals':
      return `In bands ${builder.widths[level - 1]} wide`;
    case 'dates': {
      const chosen = builder.levels[level - 1];
      return chosen ? `Only the ${DATE_LEVEL_WORDS[chosen]}` : `Generalised ${level} steps`;
    }
    case 'age':
      return `Age on ${builder.at}, in bands of ${builder.widths[level - 1]} years`;
    default:
      return `Generalised ${level} of ${levels - 1} steps`;
  }
}

const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
const COUNT = new Intl.NumberFormat('en-GB');

export function percentWords(share: number): string {
  return PERCENT.format(share);
}
export function countWords(n: number): string {
  return COUNT.format(n);
}

/** A chance as "1 in 5 (20 %)". */
export function chanceWords(chance: number): string {
  if (chance <= 0) return 'none';
  const oneIn = 1 / chance;
  return `1 in ${Number.isInteger(oneIn) ? oneIn : oneIn.toFixed(1)} (${percentWords(chance)})`;
}

export function peopleWords(n: number): string {
  return `${countWords(n)} ${n === 1 ? 'person' : 'people'}`;
}
