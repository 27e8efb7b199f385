/**
 * The agreement workflow: a consumer requests (from a template or from scratch) and submits; every
 * required party signs off; the version is active; it may be suspended, resumed, amended (a new
 * version that replaces it once approved), revoked, or it expires by itself. The rules are pure, in
 * domain/agreement.ts; request.ts (requests and amendments), transitions.ts (the moves, recorded on
 * the ledger) and expiry.ts (the sweep) apply them to the store. This is the one object the node
 * and the routes use.
 */
import type { Static } from 'typebox';
import type { AgreementAction, Principal } from '../domain/index.ts';
import type { AgreementView } from './agreements.ts';
import { sweep } from './expiry.ts';
import { amend, type Owner, request } from './request.ts';
import type { AgreementAmendment, AgreementRequest } from './schemas.ts';
import { act, type WorkflowDeps } from './transitions.ts';

export { checkFields, serviceOf } from './request.ts';
export { GOVDX_ACTOR, standingOf, type WorkflowDeps } from './transitions.ts';

export class AgreementWorkflow {
  readonly #deps: WorkflowDeps;

  constructor(deps: WorkflowDeps) {
    this.#deps = deps;
  }

  /** A consumer organization asks for an agreement: a draft, or submitted at once with `submit`. */
  request(
    consumer: Owner,
    input: Static<typeof AgreementRequest>,
    principal: Principal,
  ): Promise<AgreementView> {
    return request(this.#deps, consumer, input, principal);
  }

  /**
   * Takes `action` on agreement `id` as the principal, for the organization `organizationId` that is
   * party to it. Approvals and rejections fill the sign-off the person may give (approvalSlotFor).
   */
  act(
    organizationId: string | null,
    id: string,
    action: Exclude<AgreementAction, 'amend'>,
    principal: Principal,
    reason: string | null,
  ): Promise<AgreementView> {
    return act(this.#deps, organizationId, id, action, principal, reason);
  }

  /** A new version of an active or suspended agreement, submitted for approval; it replaces the old once active. */
  amend(
    organizationId: string,
    id: string,
    principal: Principal,
    input: Static<typeof AgreementAmendment>,
  ): Promise<AgreementView> {
    return amend(this.#deps, organizationId, id, principal, input);
  }

  /**
   * Ends what is past its end date, and tells the parties of agreements ending soon, once
   * (expiry.ts). node/jobs.ts runs it now and then; ending an emergency runs it at once.
   */
  sweep(at: Date = new Date()): Promise<{ expired: number; flagged: number }> {
    return sweep(this.#deps, at);
  }
}
