/**
 * Who records a consent on a person's behalf. Pure rules; the consent part applies them.
 *
 * A person gives their own consent on govdx's consent page. When they give it otherwise (to an official at
 * a desk or on the phone, or on a signed paper form), an official of the organization that receives the
 * data records it, with a reference to the evidence. The platform administrator runs govdx and is nobody's
 * official: they never record a consent, so that nobody can make data flow on a consent that no person gave.
 */
import { GovdxError } from './errors.ts';
import { type Principal, type Role, roleNames } from './roles.ts';

/** How a consent given other than on the consent page was collected. */
export const ON_BEHALF_COLLECTION = ['assisted', 'paper'] as const;
export type OnBehalfCollection = (typeof ON_BEHALF_COLLECTION)[number];

/** The roles, held in the consumer organization, of the officials who may record a consent there. */
export const CONSENT_RECORDER_ROLES: readonly Role[] = [
  'organization_admin',
  'data_steward',
  'data_protection_officer',
];

/**
 * Throws CONSENT_RECORDER_FORBIDDEN unless the principal is an official of the consumer organization
 * (one of CONSENT_RECORDER_ROLES held there) and not a platform administrator (whatever else they hold).
 */
export function checkConsentRecorder(principal: Principal, consumerOrganizationId: string): void {
  if (principal.grants.some((g) => g.role === 'platform_admin')) {
    throw new GovdxError(
      'CONSENT_RECORDER_FORBIDDEN',
      'A platform administrator never records a consent on a person’s behalf. An official of the organization that receives the data records it, with a reference to the evidence.',
    );
  }
  const official = principal.grants.some(
    (g) => g.organizationId === consumerOrganizationId && CONSENT_RECORDER_ROLES.includes(g.role),
  );
  if (!official) {
    throw new GovdxError(
      'CONSENT_RECORDER_FORBIDDEN',
      `Only an official of the organization that receives the data (${roleNames(CONSENT_RECORDER_ROLES)}) records a consent on a person’s behalf.`,
    );
  }
}
