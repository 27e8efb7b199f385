/** The one guard for every call govdx makes out: JWKS, providers, webhooks, link checks. */
export {
  guardedConnect,
  isPrivateAddressError,
  isPublicAddress,
  type OutboundResponse,
  outboundFetch,
  PrivateAddressError,
  refusedLiteral,
} from './guard.ts';
