export { createIdentityProvider, type IdpOptions, type IdpPages, idpClientSecret, idpIssuer } from './idp.ts';
export { checkIdpPassword, createIdpAccount, idpClaims } from './idp-accounts.ts';
export { KyselyAdapter, registerIdpClient, sweepOidcPayloads } from './idp-adapter.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export {
  grantsOf,
  principalForPerson,
  principalForSession,
  principalForToken,
  TOKEN_PREFIX,
} from './principal.ts';
export {
  LOGIN_COOKIE,
  LOGIN_COOKIE_MAX_AGE,
  RelyingParty,
  type RelyingPartyOptions,
  SignInError,
  type SignInErrorCode,
  safeReturnTo,
} from './relying-party.ts';
export { newSecret, sha256Hex } from './secrets.ts';
export { endSession, SESSION_COOKIE, startSession } from './sessions.ts';
export {
  ACCOUNT_THROTTLE,
  ADDRESS_THROTTLE,
  type Attempt,
  pauseSeconds,
  SignInThrottle,
  type ThrottlePolicy,
} from './sign-in-throttle.ts';
export {
  type AccessToken,
  createRecordedToken,
  createToken,
  listTokens,
  type NewToken,
  revokeRecordedToken,
  revokeToken,
} from './tokens.ts';
