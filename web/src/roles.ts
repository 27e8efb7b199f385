/** Roles in plain words, and which parts of the app each audience is offered. */
import { ROLE_LABELS, type Role } from '../../src/domain/index.ts';
import type { RoleGrant } from './api.ts';

export { ROLE_LABELS };

/** Roles that work in an organization's own data: they get the agency console. */
export const CONSOLE_ROLES: readonly Role[] = [
  'organization_admin',
  'data_steward',
  'data_protection_officer',
  'legal_reviewer',
];
/** Roles that look across every organization. */
export const AUDIT_ROLES: readonly Role[] = ['auditor', 'platform_admin'];

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role] ?? role;
}

export function isCitizen(roles: readonly RoleGrant[]): boolean {
  return roles.some((r) => r.role === 'citizen');
}

export function isPlatformAdmin(roles: readonly RoleGrant[]): boolean {
  return roles.some((r) => r.role === 'platform_admin');
}

export function isAuditor(roles: readonly RoleGrant[]): boolean {
  return roles.some((r) => AUDIT_ROLES.includes(r.role));
}

/** The organizations (slugs) where the person holds a console role, each with the roles held there. */
export function consoleOrganizations(roles: readonly RoleGrant[]): Map<string, Role[]> {
  const organizations = new Map<string, Role[]>();
  for (const { role, organization } of roles) {
    if (organization === null || !CONSOLE_ROLES.includes(role)) continue;
    organizations.set(organization, [...(organizations.get(organization) ?? []), role]);
  }
  return organizations;
}

/** The roles that may describe a dataset and request data: an organization's stewards and administrators. */
export const STEWARD_ROLES: readonly Role[] = ['data_steward', 'organization_admin'];

/** Whether the person may edit the descriptions of `org`'s datasets and run their checks. */
export function canSteward(roles: readonly RoleGrant[], org: string): boolean {
  return roles.some((r) => r.organization === org && STEWARD_ROLES.includes(r.role));
}
