export { hashPassword, verifyPassword } from './passwords.ts';
export {
  grantsOf,
  principalForPerson,
  principalForSession,
  principalForToken,
  TOKEN_PREFIX,
} from './principal.ts';
export { newSecret, sha256Hex } from './secrets.ts';
export { endSession, SESSION_COOKIE, startSession } from './sessions.ts';
export { type AccessToken, createToken, listTokens, type NewToken, revokeToken } from './tokens.ts';
