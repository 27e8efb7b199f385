/**
 * Who may read ledger events (the event itself and its salt, not just the public commitment):
 * auditors of the data protection authority, and the person an event is about.
 *
 * Platform administrators are deliberately not included, although they pass every other role check:
 * they operate the platform, which is what the ledger holds to account, and reading who looked at whose
 * data is not needed to run it. A platform admin who must audit is given the auditor role, visibly.
 */
import type { Principal } from '../domain/index.ts';

export function isAuditor(principal: Principal): boolean {
  return principal.grants.some((grant) => grant.role === 'auditor');
}

export function mayReadEvent(principal: Principal, subject: string | null): boolean {
  return isAuditor(principal) || (subject !== null && principal.nationalId === subject);
}
