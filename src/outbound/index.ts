/** The one guard for every call govdx makes out: JWKS, providers, webhooks, link checks. */
export { isPublicAddress, type OutboundResponse, outboundFetch, PrivateAddressError } from './guard.ts';
