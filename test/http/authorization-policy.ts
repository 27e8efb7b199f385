/**
 * Who may call what: one declared table, every operation of /openapi.json × every kind of caller.
 * test/http/authorization.test.ts calls the real server for each cell and compares. An operation that
 * is not in this table fails that test: nothing is allowed because someone forgot to decide.
 *
 * This is written apart from the routes on purpose. The routes state their rules in several places
 * (`config.access` in each route plugin, the agreement workflow's sign-off rules in domain/agreement.ts,
 * the citizen-only and auditor-only checks in handlers); a table that the routes read would only be
 * compared with itself. Here the rules are declared once more, in plain words, by someone reading
 * issue 14 and the docs, and the server must agree with them.
 *
 * The organization in every URL is `home` (the `{org}`); the organization roles below are held there.
 * Agreements are with a second organization, `partner` (see the request table in the test).
 *
 * A new operation: add its rule here (who is allowed; everyone else is refused with the code `only()`
 * gives, or say otherwise cell by cell) and, in the test, a request that the operation accepts.
 */

export const CALLERS = {
  anonymous: 'no credentials',
  citizen: "a citizen's own sign-in session (a person with a national ID, holding no role)",
  dataSteward: 'a data steward of the organization, signed in (no national ID)',
  organizationAdmin: 'an organization admin of the organization, signed in (no national ID)',
  dataProtectionOfficer: 'a data protection officer of the organization, signed in (no national ID)',
  legalReviewer: 'a legal reviewer of the organization, signed in (no national ID)',
  auditor: "an auditor (the data protection authority's), signed in (no national ID)",
  platformAdmin: 'a platform admin, signed in (no national ID)',
  personalAccessToken:
    'a personal access token carrying organization_admin, made by an organization admin of the organization who is also a citizen',
  systemToken: "a system's exchange access token (from /oauth/token), of the partner organization's system",
  outsider: 'an organization admin of another organization, signed in',
} as const;
export type Caller = keyof typeof CALLERS;
export const CALLER_KINDS = Object.keys(CALLERS) as Caller[];

/** A refusal by access control: its stable code (the HTTP status follows from src/http/errors.ts). */
export type Refusal =
  | 'UNAUTHENTICATED'
  | 'TOKEN_INVALID'
  | 'FORBIDDEN'
  /** A platform admin may not record a consent on a person's behalf, whatever roles they hold. */
  | 'CONSENT_RECORDER_FORBIDDEN'
  /** CKAN's Action API refuses in CKAN's envelope (docs/catalog.md): 403 with this error type. */
  | 'Authorization Error';
/**
 * `allowed`: not refused by access control (the request gets its answer). `NOT_FOUND`: someone else's
 * thing, named in a URL of the caller's own, is answered as if it did not exist.
 */
export type Outcome = 'allowed' | Refusal | 'NOT_FOUND';

export interface Rule {
  cells: Record<Caller, Outcome>;
  /** Why, where the rule is not plain from the operation (shown when a cell disagrees). */
  because?: string;
}

/**
 * Allowed for `allowed`; everyone else refused the way the admin API refuses: no credentials
 * UNAUTHENTICATED, a credential that is not a personal access token or session TOKEN_INVALID, a
 * signed-in person or token without the right FORBIDDEN.
 */
function only(allowed: readonly Caller[], because?: string): Rule {
  const cells = {} as Record<Caller, Outcome>;
  for (const caller of CALLER_KINDS) {
    cells[caller] = allowed.includes(caller)
      ? 'allowed'
      : caller === 'anonymous'
        ? 'UNAUTHENTICATED'
        : caller === 'systemToken'
          ? 'TOKEN_INVALID'
          : 'FORBIDDEN';
  }
  return because === undefined ? { cells } : { cells, because };
}

/** Refused like `only([])`, except that `notFound` get past the role check and find nothing. */
function notFoundFor(notFound: readonly Caller[], because: string): Rule {
  const { cells } = only([]);
  for (const caller of notFound) cells[caller] = 'NOT_FOUND';
  return { cells, because };
}

const PEOPLE: readonly Caller[] = [
  'citizen',
  'dataSteward',
  'organizationAdmin',
  'dataProtectionOfficer',
  'legalReviewer',
  'auditor',
  'platformAdmin',
  'personalAccessToken',
  'outsider',
];

/**
 * Anyone, without credentials. A credential that the admin API does not take (a system's exchange
 * token) is refused rather than ignored, so that a script learns it sent the wrong one.
 */
const PUBLIC = only(['anonymous', ...PEOPLE]);
/** CKAN's Action API: open to anyone; a credential it does not take is refused in CKAN's words. */
const CKAN_PUBLIC: Rule = { cells: { ...PUBLIC.cells, systemToken: 'Authorization Error' } };
/** Anyone, and no credential is even looked at (health checks for load balancers). */
const UNGUARDED: Rule = { cells: { ...only(CALLER_KINDS).cells } };
/** Any signed-in person or personal access token. */
const SIGNED_IN = only(PEOPLE);

/** Organization roles, each with the personal access token (it carries organization_admin). */
const ORG_ADMIN = ['organizationAdmin', 'personalAccessToken', 'platformAdmin'] as const;
const STEWARDS = ['dataSteward', ...ORG_ADMIN] as const;
const PURPOSE_OWNERS = ['dataProtectionOfficer', ...ORG_ADMIN] as const;
/** Who in an organization reads its agreements, templates and consent clients. */
const ORG_READERS = ['dataSteward', 'dataProtectionOfficer', 'auditor', ...ORG_ADMIN] as const;

const CITIZEN_ONLY = only(
  ['citizen'],
  "issue 14 #8: a citizen's own data is for their own sign-in session, never a personal access token made for an organization's scripts",
);

/**
 * The exchange takes a system's access token only. A session cookie is not a credential there
 * (UNAUTHENTICATED: none was sent), a personal access token is not one it issued (TOKEN_INVALID).
 */
const SYSTEMS_ONLY: Rule = {
  cells: {
    ...only([]).cells,
    ...Object.fromEntries(PEOPLE.map((caller) => [caller, 'UNAUTHENTICATED'])),
    personalAccessToken: 'TOKEN_INVALID',
    systemToken: 'allowed',
  },
};

/** Agreement moves (domain/agreement.ts AGREEMENT_ACTIONS); the URL's organization is a party. */
const agreementAction = (allowed: readonly Caller[], because: string) => only(allowed, because);

/** Operation (`METHOD /path` as in /openapi.json) → rule. A variant (` · what differs`) tests one operation twice. */
export const POLICY: Record<string, Rule> = {
  // Health and sign-in
  'GET /healthz': UNGUARDED,
  'GET /readyz': UNGUARDED,
  'GET /auth/login': PUBLIC,
  'GET /auth/callback': PUBLIC,
  'POST /auth/logout': PUBLIC,
  'GET /auth/session': PUBLIC,

  // The ledger: public proofs; an event's salt and content for an auditor or the person it is about
  'GET /ledger/checkpoint': PUBLIC,
  'GET /ledger/key': PUBLIC,
  'GET /ledger/tile/entries/{*}': PUBLIC,
  'GET /ledger/tile/{level}/{*}': PUBLIC,
  'GET /ledger/proof/inclusion': PUBLIC,
  'GET /ledger/proof/consistency': PUBLIC,
  'GET /ledger/entries/{index}': only(
    ['citizen', 'auditor'],
    'an event about the citizen: the auditor and that citizen only',
  ),
  'GET /ledger/entries/{index} · an event about the token’s creator': only(
    ['auditor'],
    "issue 14 #8: a citizen's own events are for their own sign-in session, not an organization's token",
  ),
  'GET /ledger/export': only(
    ['auditor'],
    'the platform admin is held to account by the ledger, not its reader',
  ),

  // Systems: tokens and the exchange
  'POST /oauth/token': PUBLIC,
  'GET /exchange/jwks.json': PUBLIC,
  'GET /exchange/v1/{provider}/{service}': SYSTEMS_ONLY,
  'POST /exchange/v1/{provider}/{service}': SYSTEMS_ONLY,
  'GET /exchange/v1/{provider}/{service}/{*}': SYSTEMS_ONLY,
  'POST /exchange/v1/{provider}/{service}/{*}': SYSTEMS_ONLY,
  // Change feeds (issue 18): a system's own subscriptions; its organization's stewards on its behalf
  'POST /exchange/feeds': SYSTEMS_ONLY,
  'GET /exchange/feeds': SYSTEMS_ONLY,
  'DELETE /exchange/feeds/{id}': SYSTEMS_ONLY,
  'GET /exchange/feeds/{id}/changes': SYSTEMS_ONLY,
  'POST /api/v1/organizations/{org}/systems/{slug}/feeds': only(STEWARDS),
  'GET /api/v1/organizations/{org}/systems/{slug}/feeds': only(STEWARDS),
  'DELETE /api/v1/organizations/{org}/systems/{slug}/feeds/{id}': only(STEWARDS),
  // The person API: only an access token of the consent server opens it, which none of these callers holds
  'GET /consent/v1/person': {
    cells: {
      ...only([]).cells,
      ...Object.fromEntries(PEOPLE.map((caller) => [caller, 'UNAUTHENTICATED'])),
      personalAccessToken: 'TOKEN_INVALID',
      systemToken: 'TOKEN_INVALID',
    },
    because: "only the consent server's access tokens open the person API",
  },

  // Public registers and the open catalog
  'GET /agreements/register': PUBLIC,
  'GET /agreements/time-to-share': PUBLIC,
  'GET /agreements/{id}/odrl': PUBLIC,
  'GET /agreements/register.csv': PUBLIC,
  'GET /agreements/register/{id}': PUBLIC,
  'GET /catalog/dcat.{format}': PUBLIC,
  'GET /catalog/datasets/{org}/{file}': PUBLIC,
  'GET /catalog/search': PUBLIC,
  'GET /catalog/datasets/{org}/{slug}/usage': PUBLIC,
  'GET /catalog/datasets/{org}/{slug}/preview': PUBLIC,
  'GET /catalog/quality/datasets/{org}/{slug}': PUBLIC,
  'GET /catalog/quality/organizations': PUBLIC,
  'GET /catalog/quality/organizations/{org}': PUBLIC,
  'GET /api/3': CKAN_PUBLIC,
  'GET /api/3/action/package_search': CKAN_PUBLIC,
  'GET /api/3/action/package_show': CKAN_PUBLIC,
  'GET /api/3/action/package_list': CKAN_PUBLIC,
  'GET /api/3/action/organization_list': CKAN_PUBLIC,
  'GET /api/3/action/organization_show': CKAN_PUBLIC,
  'GET /api/3/action/resource_show': CKAN_PUBLIC,
  'GET /api/3/action/help_show': CKAN_PUBLIC,
  'GET /api/3/action/{name}': CKAN_PUBLIC,

  // Organizations, people, roles and tokens
  'GET /api/v1/organizations': PUBLIC,
  'POST /api/v1/organizations': only(['platformAdmin']),
  'GET /api/v1/organizations/{org}': PUBLIC,
  'PATCH /api/v1/organizations/{org}': only(ORG_ADMIN),
  'GET /api/v1/organizations/{org}/members': only([
    'dataSteward',
    'dataProtectionOfficer',
    'auditor',
    ...ORG_ADMIN,
  ]),
  'PUT /api/v1/organizations/{org}/members/{personId}': only(ORG_ADMIN),
  'PUT /api/v1/organizations/{org}/members/{personId} · granting a global role': only(
    ['platformAdmin'],
    'issue 14 #1: only a platform admin grants platform_admin or auditor',
  ),
  'PUT /api/v1/organizations/{org}/members/{personId} · removing a global role': only(
    ['platformAdmin'],
    'issue 14 #1: only a platform admin removes platform_admin or auditor (oversight cannot be switched off)',
  ),
  'GET /api/v1/organizations/{org}/tokens': only(ORG_ADMIN),
  'POST /api/v1/organizations/{org}/tokens': only(
    ['organizationAdmin', 'personalAccessToken'],
    'issue 14 audit: a token carries only roles its maker holds in the organization; a platform admin holds none there',
  ),
  'DELETE /api/v1/organizations/{org}/tokens/{id}': only(ORG_ADMIN),
  'DELETE /api/v1/organizations/{org}/tokens/{id} · another organization’s token': notFoundFor(
    ['outsider', 'platformAdmin'],
    "home's token, named under the outsider's own organization",
  ),
  'GET /api/v1/me': SIGNED_IN,
  'GET /api/v1/people': only(['auditor', 'platformAdmin']),
  'POST /api/v1/people': only(['platformAdmin']),
  'GET /api/v1/people/{id}': only(['auditor', 'platformAdmin']),
  'PATCH /api/v1/people/{id}': only(['platformAdmin']),
  'PATCH /api/v1/people/{id} · changing a national ID': only(
    [],
    'a national ID decides whose data a person sees as a citizen: nobody moves it from one account to another',
  ),

  // Systems (machine clients) of an organization
  'GET /api/v1/organizations/{org}/systems': only(['auditor', ...ORG_ADMIN]),
  'POST /api/v1/organizations/{org}/systems': only(ORG_ADMIN),
  'GET /api/v1/organizations/{org}/systems/{slug}': only(['auditor', ...ORG_ADMIN]),
  'PATCH /api/v1/organizations/{org}/systems/{slug}': only(ORG_ADMIN),
  'GET /api/v1/organizations/{org}/systems/{slug}/keys': only(['auditor', ...ORG_ADMIN]),

  // The catalog: datasets and services are public to read, stewards change them
  'GET /api/v1/datasets': PUBLIC,
  'GET /api/v1/organizations/{org}/datasets': PUBLIC,
  'POST /api/v1/organizations/{org}/datasets': only(STEWARDS),
  'GET /api/v1/organizations/{org}/datasets/{slug}': PUBLIC,
  'PATCH /api/v1/organizations/{org}/datasets/{slug}': only(STEWARDS),
  'GET /api/v1/organizations/{org}/catalog-changes': only(['dataProtectionOfficer', 'auditor', ...STEWARDS]),
  'GET /api/v1/organizations/{org}/catalog-changes/{id}': only([
    'dataProtectionOfficer',
    'auditor',
    ...STEWARDS,
  ]),
  'POST /api/v1/organizations/{org}/catalog-changes/{id}/approve': only(
    ['dataProtectionOfficer'],
    'issue 14 #5: a change that could hide people waits for a data protection officer of the organization; a platform admin is not one',
  ),
  'POST /api/v1/organizations/{org}/catalog-changes/{id}/reject': only(
    ['dataProtectionOfficer'],
    'issue 14 #5: only a data protection officer of the organization decides a waiting change',
  ),
  'POST /api/v1/organizations/{org}/datasets/{slug}/imports': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: the dataset's steward and the organization's administrators import its records; the platform admin does not act for an organization",
  ),
  'GET /api/v1/organizations/{org}/datasets/{slug}/imports': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: an import's refused rows hold the register's data: only those who may import read them",
  ),
  'GET /api/v1/organizations/{org}/datasets/{slug}/imports/{id}': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: an import's refused rows hold the register's data: only those who may import read them",
  ),
  'POST /api/v1/organizations/{org}/sources': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: a dataset's steward and its organization's administrators register it as a source; the platform admin does not act for an organization",
  ),
  'GET /api/v1/organizations/{org}/sources': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: the organization's stewards and administrators see its sources and those of its registers",
  ),
  'GET /api/v1/sources/{id}': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'issue 18: the stewards and administrators of the source and of its register',
  ),
  'POST /api/v1/sources/{id}/linkage-jobs': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'issue 18: the stewards and administrators of the source and of its register run its linkage',
  ),
  'GET /api/v1/sources/{id}/linkage-jobs': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'issue 18: the stewards and administrators of the source and of its register',
  ),
  'GET /api/v1/sources/{id}/linkage-jobs/{job}': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'issue 18: the stewards and administrators of the source and of its register',
  ),
  'POST /api/v1/sources/{id}/linkage-jobs/{job}/cancel': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'issue 18: the stewards and administrators of the source and of its register',
  ),
  'GET /api/v1/sources/{id}/review': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: the register's steward and administrators review its links",
  ),
  'GET /api/v1/sources/{id}/review/{pair}': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: the register's steward and administrators review its links",
  ),
  'POST /api/v1/sources/{id}/review/{pair}': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: only the register's steward and administrators decide which entity a record is",
  ),
  'GET /api/v1/sources/{id}/links': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'issue 18: the stewards and administrators of the source and of its register',
  ),
  'POST /api/v1/sources/{id}/links/{key}/split': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: only the register's steward and administrators decide which entity a record is",
  ),
  'POST /api/v1/sources/{id}/links/{key}/merge': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 18: only the register's steward and administrators decide which entity a record is",
  ),
  'GET /api/v1/organizations/{org}/releases': only(ORG_READERS),
  'POST /api/v1/organizations/{org}/releases': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 20: the organization's stewards prepare its releases; the platform admin does not act for an organization",
  ),
  'GET /api/v1/organizations/{org}/releases/{id}': only(ORG_READERS),
  'PUT /api/v1/organizations/{org}/releases/{id}': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 20: the organization's stewards change its draft releases",
  ),
  'POST /api/v1/organizations/{org}/releases/{id}/submit': only(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    "issue 20: the organization's stewards submit its releases",
  ),
  'POST /api/v1/organizations/{org}/releases/{id}/approve': only(
    ['dataProtectionOfficer'],
    'issue 20: a data protection officer of the organization signs a release off; a platform admin is not one',
  ),
  'POST /api/v1/organizations/{org}/releases/{id}/reject': only(
    ['dataProtectionOfficer'],
    'issue 20: only a data protection officer of the organization decides a release',
  ),
  'GET /api/v1/organizations/{org}/datasets/{slug}/privacy-budget': only(ORG_READERS),
  'PUT /api/v1/organizations/{org}/datasets/{slug}/privacy-budget': only(
    ['dataProtectionOfficer'],
    "issue 20: a dataset's privacy budget is its data protection officer's to set",
  ),
  'GET /catalog/releases/{file}': PUBLIC,
  'GET /api/v1/organizations/{org}/datasets/{slug}/quality-checks': only(STEWARDS),
  'POST /api/v1/organizations/{org}/datasets/{slug}/quality-checks': only(STEWARDS),
  'GET /api/v1/services': PUBLIC,
  'GET /api/v1/organizations/{org}/services': PUBLIC,
  'POST /api/v1/organizations/{org}/services': only(STEWARDS),
  'GET /api/v1/organizations/{org}/services/{slug}': PUBLIC,
  'PATCH /api/v1/organizations/{org}/services/{slug}': only(STEWARDS),
  // Exchange usage by day (issue 16): a service's for its provider, an organization's own calls, everyone's
  'GET /api/v1/organizations/{org}/services/{slug}/usage': only(ORG_READERS),
  'GET /api/v1/organizations/{org}/usage': only(ORG_READERS),
  'GET /api/v1/usage': only(
    ['auditor', 'platformAdmin'],
    'issue 16: the auditor sees usage across all organizations; a platform admin passes every role check, and usage names no person',
  ),

  // Purposes: public to read, the data protection officer registers them
  'GET /api/v1/purposes': PUBLIC,
  'GET /api/v1/purposes/{slug}': PUBLIC,
  'POST /api/v1/organizations/{org}/purposes': only(PURPOSE_OWNERS),
  'PATCH /api/v1/organizations/{org}/purposes/{slug}': only(PURPOSE_OWNERS),

  // Agreements: the organization's people read them; each move is for the roles the workflow names
  'GET /api/v1/organizations/{org}/agreements': only(['legalReviewer', ...ORG_READERS]),
  'POST /api/v1/organizations/{org}/agreements': only(STEWARDS),
  'GET /api/v1/organizations/{org}/agreements/{id}': only(['legalReviewer', ...ORG_READERS]),
  'GET /api/v1/organizations/{org}/agreements/{id} · an agreement the organization is not party to':
    notFoundFor(
      ['outsider', 'auditor', 'platformAdmin'],
      "an agreement between home and partner, named under the outsider's own organization",
    ),
  'POST /api/v1/organizations/{org}/agreements/{id}/submit': agreementAction(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'the receiving organization (home) sends its own request: its data steward or organization admin',
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/withdraw': agreementAction(
    ['dataSteward', 'organizationAdmin', 'personalAccessToken'],
    'the receiving organization (home) withdraws its own request: its data steward or organization admin',
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/approve': agreementAction(
    ['dataSteward', 'dataProtectionOfficer', 'legalReviewer'],
    'a request for special-category data from home: its steward, DPO and legal reviewer each sign off; no admin signs for them',
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/reject': agreementAction(
    ['dataSteward', 'dataProtectionOfficer', 'legalReviewer'],
    'a request for special-category data from home: whoever may sign it off may refuse it',
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/suspend': agreementAction(
    ['dataSteward', 'dataProtectionOfficer', 'platformAdmin'],
    "the providing organization's steward or DPO, or a platform admin, may stop data flowing",
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/resume': agreementAction(
    ['dataSteward'],
    "only the providing organization's data steward lets data flow again",
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/revoke': agreementAction(
    ['dataSteward', 'dataProtectionOfficer', 'platformAdmin'],
    "the providing organization's steward or DPO, or a platform admin, may end it",
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/revoke · an agreement the organization is not party to':
    notFoundFor(
      ['outsider', 'platformAdmin'],
      "an agreement between home and partner, named under the outsider's own organization",
    ),
  'POST /api/v1/organizations/{org}/agreements/{id}/expire': agreementAction(
    ['dataSteward'],
    "the providing organization's data steward ends it early",
  ),
  'POST /api/v1/organizations/{org}/agreements/{id}/amend': agreementAction(
    ['dataSteward'],
    'on the providing side only the data steward proposes an amendment',
  ),
  'GET /api/v1/organizations/{org}/approvals': only([
    'dataSteward',
    'dataProtectionOfficer',
    'legalReviewer',
    ...ORG_ADMIN,
  ]),
  'GET /api/v1/organizations/{org}/agreement-templates': only(['legalReviewer', ...ORG_READERS]),
  'POST /api/v1/organizations/{org}/agreement-templates': only(['dataSteward', 'platformAdmin']),
  'POST /api/v1/organizations/{org}/agreement-templates/{slug}/retire': only([
    'dataSteward',
    'platformAdmin',
  ]),
  'POST /api/v1/organizations/{org}/agreement-templates/{slug}/retire · another organization’s template':
    notFoundFor(['platformAdmin'], "home's template, named under another organization"),
  'GET /api/v1/agreement-templates': SIGNED_IN,
  // Governance events: what changed who may see or do what, by kind, organization and person
  'GET /api/v1/governance-events': only(
    ['auditor'],
    "issue 14 #9: the data protection authority lists every governance change; a platform admin cannot read the events (they name people), and their own changes are listed like anyone else's",
  ),
  // The auditor's search of the whole ledger (issue 16): access events name people, as the export does
  'GET /api/v1/ledger-events': only(
    ['auditor'],
    'issue 16: the auditor searches the ledger; a platform admin cannot',
  ),
  'GET /api/v1/ledger-events/export': only(
    ['auditor'],
    'issue 16: the auditor exports what the search found; a platform admin cannot',
  ),
  // Provider origins: where proxied services may be (issue 14 #3); the platform admin keeps the list
  'GET /api/v1/provider-origins': only(['auditor', 'platformAdmin']),
  'POST /api/v1/provider-origins': only(['platformAdmin']),
  'DELETE /api/v1/provider-origins/{id}': only(['platformAdmin']),
  'GET /api/v1/emergencies': PUBLIC,
  'POST /api/v1/emergencies': only(['platformAdmin']),
  'POST /api/v1/emergencies/{id}/end': only(['platformAdmin']),

  // Consents recorded by officials, and the consent server's clients
  'GET /api/v1/consents': only(['platformAdmin']),
  'POST /api/v1/organizations/{org}/consents': {
    cells: {
      ...only(['dataSteward', 'organizationAdmin', 'dataProtectionOfficer', 'personalAccessToken']).cells,
      platformAdmin: 'CONSENT_RECORDER_FORBIDDEN',
    },
    because:
      "issue 14 #14: a consent given on a person's behalf is recorded by an official of the receiving organization (home), never by the platform admin",
  },
  'GET /api/v1/consents/{id}': only(['platformAdmin']),
  'POST /api/v1/consents/{id}/revoke': only(['platformAdmin']),
  'GET /api/v1/organizations/{org}/consent-clients': only(ORG_READERS),
  'POST /api/v1/organizations/{org}/consent-clients': only(STEWARDS),
  'GET /api/v1/organizations/{org}/consent-clients/{clientId}': only(ORG_READERS),
  'PATCH /api/v1/organizations/{org}/consent-clients/{clientId}': only(STEWARDS),
  'PATCH /api/v1/organizations/{org}/consent-clients/{clientId} · another organization’s client': notFoundFor(
    ['outsider', 'platformAdmin'],
    "home's consent client, named under the outsider's own organization",
  ),

  // My data: the citizen's own
  'GET /api/v1/me/data': CITIZEN_ONLY,
  'GET /api/v1/me/access-events': CITIZEN_ONLY,
  'GET /api/v1/me/access-events/{index}/receipt': CITIZEN_ONLY,
  'GET /api/v1/me/access-events/{index}/receipt · an event about someone else': {
    cells: { ...CITIZEN_ONLY.cells, citizen: 'FORBIDDEN' },
    because:
      "another person's event is refused (that an entry exists at an index is public, in the ledger's tiles)",
  },
  'GET /api/v1/me/access-events/{index}': CITIZEN_ONLY,
  'GET /api/v1/me/access-events/{index} · an event about someone else': {
    cells: { ...CITIZEN_ONLY.cells, citizen: 'NOT_FOUND' },
    because: "issue 16: another person's readable receipt is not found",
  },
  'GET /api/v1/me/consents': CITIZEN_ONLY,
  'POST /api/v1/me/corrections': CITIZEN_ONLY,
  'GET /api/v1/me/corrections': CITIZEN_ONLY,
  'GET /api/v1/organizations/{org}/corrections': only(
    STEWARDS,
    "issue 16: the stewards of the register's organization answer the requests to correct it",
  ),
  'POST /api/v1/organizations/{org}/corrections/{id}/answer': only(
    STEWARDS,
    "issue 16: the stewards of the register's organization answer the requests to correct it",
  ),
  'GET /api/v1/me/consents/{id}': CITIZEN_ONLY,
  'GET /api/v1/me/consents/{id}/receipt': CITIZEN_ONLY,
  'POST /api/v1/me/consents/{id}/revoke': CITIZEN_ONLY,
  'POST /api/v1/me/consents/{id}/revoke · another person’s consent': {
    cells: { ...CITIZEN_ONLY.cells, citizen: 'NOT_FOUND' },
    because: "another person's consent is not found",
  },
  'GET /api/v1/me/export': CITIZEN_ONLY,

  // Notifications: each person's own
  'GET /api/v1/me/notifications': only(PEOPLE, "issue 16: a person's own inbox, whatever roles they hold"),
  'POST /api/v1/me/notifications/{id}/read': only(PEOPLE, "issue 16: a person's own notification"),
  'POST /api/v1/me/notifications/{id}/read · another person’s notification': notFoundFor(
    PEOPLE,
    "another person's notification is not found, for everyone",
  ),
  'POST /api/v1/me/notifications/read-all': only(PEOPLE, "issue 16: marks only the caller's own read"),

  // Webhooks
  'GET /api/v1/organizations/{org}/webhooks': only(STEWARDS),
  'POST /api/v1/organizations/{org}/webhooks': only(STEWARDS),
  'DELETE /api/v1/organizations/{org}/webhooks/{id}': only(STEWARDS),
  'DELETE /api/v1/organizations/{org}/webhooks/{id} · another organization’s webhook': notFoundFor(
    ['outsider', 'platformAdmin'],
    "home's webhook, named under the outsider's own organization",
  ),
  'GET /api/v1/organizations/{org}/webhooks/{id}/deliveries': only(STEWARDS),
  'GET /api/v1/organizations/{org}/webhooks/{id}/deliveries · another organization’s webhook': notFoundFor(
    ['outsider', 'platformAdmin'],
    "home's webhook, named under the outsider's own organization",
  ),
};

/** The operation a policy key is about (a variant's key names its operation first). */
export const operationOf = (key: string): string => key.split(' · ')[0]!;
