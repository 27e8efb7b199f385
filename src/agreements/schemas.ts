/** API shapes of agreements, their templates, emergencies and the public register. */
import { Type } from 'typebox';
import {
  AGREEMENT_STATUSES,
  APPROVAL_PARTIES,
  FieldName,
  LegalBasis,
  Nullable,
  RETENTION_DAYS,
  Slug,
  SpecialCategoryBasis,
  Timestamp,
} from '../domain/index.ts';

export const AgreementStatus = Type.Enum([...AGREEMENT_STATUSES]);
export const ApprovalParty = Type.Enum(Object.keys(APPROVAL_PARTIES));

const Fields = Type.Array(FieldName, {
  minItems: 1,
  maxItems: 500,
  uniqueItems: true,
  description:
    'The fields the consumer may receive, as paths into the record (`employer.name`); an object keeps all its members',
});
const RetentionDays = Type.Integer({
  minimum: RETENTION_DAYS.min,
  maximum: RETENTION_DAYS.max,
  description: 'How long the consumer may keep what it receives, in days',
});
const Safeguards = Type.String({
  maxLength: 5000,
  description: 'What the consumer commits to do to protect the data (free text)',
});
const RateLimit = Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()], {
  description: "Most calls per minute under this agreement; null: the exchange's default",
});
const Quota = Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), Type.Null()], {
  description: 'Most calls per UTC day under this agreement; null: no quota',
});
const Reason = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Why, in words the other side understands',
});

export const FieldTerm = Type.Object({
  name: Type.String(),
  /** The sensitivity declared in the dataset's schema (open, internal, personal, special). */
  sensitivity: Type.String(),
});

export const Approval = Type.Object({
  party: ApprovalParty,
  label: Type.String(),
  organization: Slug,
  role: Type.String(),
  decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Null()]),
  decidedBy: Nullable(Type.String({ description: 'The name of the person who decided' })),
  decidedAt: Nullable(Timestamp),
  reason: Nullable(Type.String()),
});

export const EmergencyRef = Type.Object({ id: Type.String(), name: Type.String(), endsAt: Timestamp });

export const Agreement = Type.Object({
  id: Type.String(),
  lineageId: Type.String({ description: 'The first version’s id; every amendment shares it' }),
  version: Type.Integer(),
  supersedes: Nullable(Type.String()),
  provider: Slug,
  providerName: Type.String(),
  consumer: Slug,
  consumerName: Type.String(),
  service: Slug,
  serviceTitle: Type.String(),
  purpose: Slug,
  purposeTitle: Type.String(),
  fields: Type.Array(Type.String()),
  fieldTerms: Type.Array(FieldTerm),
  legalBasis: LegalBasis,
  specialCategoryBasis: Type.Union([SpecialCategoryBasis, Type.Null()]),
  validFrom: Timestamp,
  validUntil: Timestamp,
  retentionDays: Type.Integer(),
  onwardSharing: Type.Boolean(),
  safeguards: Type.String(),
  status: AgreementStatus,
  statusReason: Nullable(Type.String()),
  rateLimitPerMinute: Nullable(Type.Integer()),
  quotaPerDay: Nullable(Type.Integer()),
  template: Nullable(Slug),
  templateTitle: Nullable(Type.String({ description: 'The title of the template it was made from' })),
  emergency: Nullable(EmergencyRef),
  approvals: Type.Array(Approval),
  submittedAt: Nullable(Timestamp),
  activatedAt: Nullable(Timestamp),
  endedAt: Nullable(Timestamp),
  timeToShareSeconds: Nullable(Type.Integer({ description: 'From submitted to active' })),
  endsSoon: Type.Boolean({ description: 'In force and ending within 30 days' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const AgreementEvent = Type.Object({
  at: Timestamp,
  action: Type.String(),
  fromStatus: Nullable(AgreementStatus),
  toStatus: AgreementStatus,
  actor: Type.String({ description: 'The name of the person, or "govdx" for what happens by itself' }),
  reason: Nullable(Type.String()),
  ledgerIndex: Nullable(Type.Integer()),
});

export const AgreementDetail = Type.Object({
  agreement: Agreement,
  history: Type.Array(AgreementEvent),
  versions: Type.Array(
    Type.Object({
      id: Type.String(),
      version: Type.Integer(),
      status: AgreementStatus,
      createdAt: Timestamp,
    }),
  ),
});

export const AgreementRequest = Type.Object(
  {
    provider: Slug,
    service: Slug,
    template: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'A template of the provider (its slug); its terms fill whatever is not given here',
      }),
    ),
    purpose: Type.Optional(Slug),
    fields: Type.Optional(Fields),
    legalBasis: Type.Optional(LegalBasis),
    specialCategoryBasis: Type.Optional(Type.Union([SpecialCategoryBasis, Type.Null()])),
    validFrom: Type.Optional(Timestamp),
    validUntil: Type.Optional(Timestamp),
    retentionDays: Type.Optional(RetentionDays),
    onwardSharing: Type.Optional(Type.Boolean()),
    safeguards: Type.Optional(Safeguards),
    rateLimitPerMinute: Type.Optional(RateLimit),
    quotaPerDay: Type.Optional(Quota),
    submit: Type.Optional(
      Type.Boolean({ description: 'Send it for approval at once (default: keep as a draft)' }),
    ),
  },
  { additionalProperties: false },
);

export const AgreementAmendment = Type.Object(
  {
    fields: Type.Optional(Fields),
    validUntil: Type.Optional(Timestamp),
    retentionDays: Type.Optional(RetentionDays),
    onwardSharing: Type.Optional(Type.Boolean()),
    safeguards: Type.Optional(Safeguards),
    rateLimitPerMinute: Type.Optional(RateLimit),
    quotaPerDay: Type.Optional(Quota),
    reason: Reason,
  },
  { additionalProperties: false },
);

export const AgreementChange = Type.Object({ reason: Reason }, { additionalProperties: false });
export const AgreementApproval = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export const AgreementListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (1–200)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
    status: Type.Optional(AgreementStatus),
  },
  { additionalProperties: false },
);

export const ApprovalQueue = Type.Object({
  waiting: Type.Array(Type.Object({ agreement: Agreement, party: ApprovalParty, label: Type.String() }), {
    description: 'Agreements waiting for a sign-off you can give here',
  }),
  endingSoon: Type.Array(Agreement, { description: 'Agreements in force that end within 30 days' }),
});

export const Template = Type.Object(
  {
    id: Type.String(),
    slug: Slug,
    title: Type.String(),
    description: Type.String(),
    provider: Slug,
    providerName: Type.String(),
    service: Slug,
    serviceTitle: Type.String(),
    purpose: Slug,
    purposeTitle: Type.String(),
    fields: Type.Array(Type.String()),
    fieldTerms: Type.Array(FieldTerm),
    legalBasis: LegalBasis,
    specialCategoryBasis: Type.Union([SpecialCategoryBasis, Type.Null()]),
    maxDurationDays: Type.Integer(),
    retentionDays: Type.Integer(),
    onwardSharing: Type.Boolean(),
    safeguards: Type.String(),
    emergency: Type.Boolean({ description: 'Requests activate at once while an emergency is declared' }),
    status: Type.Union([Type.Literal('published'), Type.Literal('retired')]),
    createdAt: Timestamp,
  },
  { $id: 'AgreementTemplate' },
);

export const NewTemplate = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 5000 }),
    service: Slug,
    purpose: Slug,
    fields: Fields,
    legalBasis: Type.Optional(LegalBasis),
    specialCategoryBasis: Type.Optional(Type.Union([SpecialCategoryBasis, Type.Null()])),
    maxDurationDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    retentionDays: RetentionDays,
    onwardSharing: Type.Optional(Type.Boolean()),
    safeguards: Safeguards,
    emergency: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TemplateQuery = Type.Object(
  { provider: Type.Optional(Slug), service: Type.Optional(Slug) },
  { additionalProperties: false },
);

export const Emergency = Type.Object({
  id: Type.String(),
  name: Type.String(),
  reason: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  inForce: Type.Boolean(),
  endedEarly: Type.Boolean(),
});

export const NewEmergency = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    reason: Type.String({ minLength: 1, maxLength: 5000 }),
    endsAt: Timestamp,
  },
  { additionalProperties: false },
);

export const RegisterEntry = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  provider: Slug,
  providerName: Type.String(),
  consumer: Slug,
  consumerName: Type.String(),
  service: Slug,
  serviceTitle: Type.String(),
  purpose: Slug,
  purposeTitle: Type.String(),
  legalBasis: LegalBasis,
  specialCategoryBasis: Type.Union([SpecialCategoryBasis, Type.Null()]),
  fields: Type.Array(Type.String()),
  validFrom: Timestamp,
  validUntil: Timestamp,
  retentionDays: Type.Integer(),
  onwardSharing: Type.Boolean(),
  status: AgreementStatus,
  activatedAt: Nullable(Timestamp),
  endedAt: Nullable(Timestamp),
  emergency: Nullable(EmergencyRef),
});

export const RegisterQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page (1–200)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
    status: Type.Optional(
      Type.Union([
        Type.Literal('active'),
        Type.Literal('suspended'),
        Type.Literal('expired'),
        Type.Literal('revoked'),
        Type.Literal('superseded'),
      ]),
    ),
    organization: Type.Optional(Slug),
    provider: Type.Optional(Slug),
    consumer: Type.Optional(Slug),
    purpose: Type.Optional(Slug),
    legalBasis: Type.Optional(LegalBasis),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Words in the purpose, the service or the names of the parties',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The register's filters without paging: for its CSV. */
export const RegisterExportQuery = Type.Omit(RegisterQuery, ['limit', 'cursor'], {
  additionalProperties: false,
});

/** A sign-off as the public sees it: which party, at which organization, decided what and when; no names. */
export const PublicSignOff = Type.Object({
  party: ApprovalParty,
  label: Type.String(),
  organization: Slug,
  organizationName: Type.String(),
  decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Null()]),
  decidedAt: Nullable(Timestamp),
});

export const PublicAgreement = Type.Object({
  ...RegisterEntry.properties,
  purposeDescription: Type.String(),
  signOffs: Type.Array(PublicSignOff),
});

const ShareTime = Type.Object({
  agreements: Type.Integer(),
  medianSeconds: Nullable(Type.Integer()),
});

export const TimeToShare = Type.Object({
  overall: ShareTime,
  emergencyAgreements: Type.Integer({
    description: 'Agreements made under an emergency, in force on request: not in the medians',
  }),
  organizations: Type.Array(
    Type.Intersect([Type.Object({ organization: Slug, name: Type.String() }), ShareTime]),
  ),
});
