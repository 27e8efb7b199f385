/**
 * Who may do what. Pure rules over a principal's grants; no I/O.
 *
 * Platform admins and auditors (of the data protection authority) act across organizations;
 * every other role is held in one organization. A citizen is a person with a national ID.
 */
export const ROLES = [
  'platform_admin',
  'organization_admin',
  'data_steward',
  'data_protection_officer',
  'legal_reviewer',
  'auditor',
  'citizen',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that are held in an organization (membership roles). */
export const MEMBERSHIP_ROLES = [
  'platform_admin',
  'organization_admin',
  'data_steward',
  'data_protection_officer',
  'legal_reviewer',
  'auditor',
] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

const GLOBAL_ROLES: ReadonlySet<Role> = new Set(['platform_admin', 'auditor']);

export const ROLE_LABELS: Record<Role, string> = {
  platform_admin: 'Platform administrator',
  organization_admin: 'Organization administrator',
  data_steward: 'Data steward',
  data_protection_officer: 'Data protection officer',
  legal_reviewer: 'Legal reviewer',
  auditor: 'Auditor (data protection authority)',
  citizen: 'Citizen',
};

/** Roles by their names, for a sentence: "Data steward, Legal reviewer or Auditor". */
export function roleNames(roles: readonly Role[]): string {
  const names = roles.map((role) => ROLE_LABELS[role]);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export interface Grant {
  role: Role;
  /** The organization the role is held in; null for a citizen. */
  organizationId: string | null;
}

export interface Principal {
  personId: string;
  name: string;
  nationalId: string | null;
  grants: Grant[];
  /** How the request authenticated: a browser session or a personal access token. */
  via: 'session' | 'token';
  tokenId?: string;
}

export function isGlobalRole(role: Role): boolean {
  return GLOBAL_ROLES.has(role);
}

/**
 * True when the principal holds one of `roles` for the organization `organizationId`
 * (or anywhere, when `organizationId` is null). A platform admin passes every check;
 * global roles (auditor) pass for every organization.
 */
export function holdsRole(
  principal: Principal,
  roles: readonly Role[],
  organizationId: string | null,
): boolean {
  return principal.grants.some(
    (grant) =>
      grant.role === 'platform_admin' ||
      (roles.includes(grant.role) &&
        (organizationId === null || isGlobalRole(grant.role) || grant.organizationId === organizationId)),
  );
}

/**
 * What a personal access token stands on: the roles it was made with, each as long as its creator could
 * still put it on a token for that organization (see grantableRoles). `lost` are those they no longer
 * could: a token with any lost role stops working, at once, since the role it was made under is gone.
 */
export function tokenGrants(
  tokenRoles: readonly Role[],
  tokenOrganizationId: string,
  creatorGrants: readonly Grant[],
): { grants: Grant[]; lost: Role[] } {
  const grantable: readonly Role[] = grantableRoles(creatorGrants, tokenOrganizationId);
  return {
    grants: tokenRoles
      .filter((role) => grantable.includes(role))
      .map((role) => ({ role, organizationId: tokenOrganizationId })),
    lost: tokenRoles.filter((role) => !grantable.includes(role)),
  };
}

/**
 * The roles a person may put on a token for an organization: those they hold there (and the global roles
 * they hold). Being platform admin is not holding an organization's roles: a platform admin's token never
 * acts as a data steward or a data protection officer of an organization they are not one of, since those
 * roles pass checks a platform admin must not (recording a consent on a person's behalf, signing a change off).
 */
export function grantableRoles(creatorGrants: readonly Grant[], organizationId: string): MembershipRole[] {
  return MEMBERSHIP_ROLES.filter((role) =>
    creatorGrants.some((g) => g.role === role && (isGlobalRole(role) || g.organizationId === organizationId)),
  );
}

/**
 * The global roles (platform admin, auditor) that a change of a person's roles in an organization grants
 * or removes. Only a platform admin may make such a change: oversight is not for an organization to
 * switch off.
 */
export function globalRolesChanged(before: readonly Role[], after: readonly Role[]): Role[] {
  return [...GLOBAL_ROLES].filter((role) => before.includes(role) !== after.includes(role));
}

/** The roles nobody may be left without: someone must run the platform, and someone must audit it. */
export const ROLES_NEVER_VACANT = ['platform_admin', 'auditor'] as const satisfies readonly MembershipRole[];

/**
 * True when the principal holds `role` in the organization itself. Unlike holdsRole, a platform admin does
 * not pass by being one: sign-offs that stand for a person's judgement in an organization (its data
 * protection officer's) are never made by the people who run the platform.
 */
export function holdsOwnRole(principal: Principal, role: MembershipRole, organizationId: string): boolean {
  return principal.grants.some((grant) => grant.role === role && grant.organizationId === organizationId);
}
