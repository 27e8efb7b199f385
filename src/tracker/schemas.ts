/** API shapes of the citizen's tracker ("My data"). */
import { Type } from 'typebox';
import { schemas as consent } from '../consent/index.ts';
import {
  CORRECTION_OUTCOMES,
  CORRECTION_STATUSES,
  Nullable,
  SENSITIVITIES,
  Slug,
  Timestamp,
} from '../domain/index.ts';

const Named = Type.Object({ slug: Slug, name: Type.String() });

export const Fact = Type.Object({
  field: Type.String(),
  label: Type.String({ description: "The field in plain words: the steward's label, or its name in words" }),
  description: Type.String(),
  sensitivity: Nullable(Type.Enum([...SENSITIVITIES])),
  value: Type.Unknown(),
  text: Type.String({
    description: 'The value in words: a country by name, an address written out, a day as "3 December 2027"',
  }),
});

/** One record a hosted register holds about the person (or that their record points to). */
export const RegisterRecord = Type.Object({
  organization: Slug,
  organizationName: Type.String(),
  dataset: Slug,
  datasetTitle: Type.String(),
  key: Type.String({ description: 'The record’s key in its register' }),
  updatedAt: Timestamp,
  linkedBy: Nullable(
    Type.Object(
      { dataset: Slug, field: Type.String() },
      { description: 'Set when this record is yours through a field of another (your address)' },
    ),
  ),
  facts: Type.Array(Fact),
});

/** A register that is asked about people by their identifier, but answered by its keeper's own system. */
export const RegisterElsewhere = Type.Object({
  organization: Slug,
  organizationName: Type.String(),
  dataset: Slug,
  datasetTitle: Type.String(),
  description: Type.String(),
});

export const MyData = Type.Object({
  subject: Type.String({ description: 'Your national ID' }),
  records: Type.Array(RegisterRecord),
  elsewhere: Type.Array(RegisterElsewhere, {
    description:
      'Registers about people that govdx does not hold a copy of: their keepers answer from their own systems',
  }),
});

/** One ledger event about the person, in plain parts. */
export const AccessEvent = Type.Object({
  index: Type.Integer({ description: 'The ledger entry; its receipt proves it is in the signed ledger' }),
  kind: Type.String({ description: '`access`, `consent.given`, `consent.revoked`, …' }),
  at: Nullable(Timestamp),
  outcome: Nullable(Type.Enum(['allowed', 'denied', 'failed'])),
  code: Nullable(Type.String({ description: 'Why it was refused or failed' })),
  consumer: Nullable(Named),
  system: Nullable(Named),
  official: Nullable(Type.String({ description: 'The official acting (On-Behalf-Of)' })),
  automatic: Nullable(
    Type.Object(
      { slug: Type.String(), name: Type.String() },
      { description: 'Set when no official acted: the system or consent service that asked by itself' },
    ),
  ),
  provider: Nullable(Named),
  service: Nullable(Named),
  fields: Type.Array(Type.String()),
  fieldLabels: Type.Array(Type.String(), { description: 'The fields in plain words, in the same order' }),
  purpose: Nullable(Named),
  agreement: Nullable(Type.String()),
  consent: Nullable(Type.String()),
  event: Type.Record(Type.String(), Type.Unknown(), { description: 'The event exactly as committed' }),
  indexProblem: Nullable(
    Type.String({
      description:
        "Set when the ledger's index of whom entries are about disagrees with this entry: what is wrong, in plain words. " +
        'An entry filed under you but about someone else is shown only as this notice.',
    }),
  ),
});

const Basis = Type.Object({ code: Type.String(), text: Type.String({ description: 'In words' }) });

/** A readable receipt of one event about the person (GET /me/access-events/{index}). */
export const AccessReceipt = Type.Object({
  event: AccessEvent,
  purposeDescription: Nullable(Type.String()),
  /** GDPR Art. 6(1): the agreement's when there is one, else the purpose's. */
  legalBasis: Nullable(Basis),
  /** GDPR Art. 9(2), when special data is involved. */
  specialCategoryBasis: Nullable(Basis),
  agreement: Nullable(
    Type.Object({
      id: Type.String(),
      validFrom: Timestamp,
      validUntil: Timestamp,
      retentionDays: Type.Integer({ description: 'How long the receiver may keep what it received' }),
    }),
  ),
});

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const EntryReceipt = Type.Object({
  index: Type.Integer(),
  event: Type.Record(Type.String(), Type.Unknown()),
  salt: Type.String({ description: '32 random bytes, base64: commitment = SHA-256(salt ‖ JCS(event))' }),
  commitment: Type.String(),
  leafHash: Type.String(),
  inclusionProof: Type.Object({ treeSize: Type.Integer(), hashes: Type.Array(Type.String()) }),
  checkpoint: Type.String({ description: 'The signed checkpoint the proof leads to' }),
});

export const MyExport = Type.Object({
  exportedAt: Timestamp,
  person: Type.Object({ name: Type.String(), nationalId: Type.String() }),
  data: MyData,
  accessEvents: Type.Array(AccessEvent),
  receipts: Type.Array(EntryReceipt, {
    description: 'Each event’s receipt, to check against the ledger without govdx',
  }),
  consents: Type.Array(consent.Consent),
  ledger: Type.Object({
    verifierKey: Type.String({ description: 'The key that signs the ledger’s checkpoints' }),
    checkpoint: Type.String(),
  }),
});

/** A citizen's request to correct their entry in a register (issue 16). */
export const CorrectionRequest = Type.Object({
  id: Type.String(),
  status: Type.Enum([...CORRECTION_STATUSES], {
    description:
      '`waiting` for the register’s stewards; `corrected`; `declined` (with the reason in `answer`)',
  }),
  organization: Named,
  dataset: Type.Object({ slug: Slug, title: Type.String() }),
  key: Type.String({ description: 'The entry’s key in its register' }),
  field: Type.String(),
  fieldDescription: Type.String({ description: 'What the field holds, as its register describes it' }),
  recordedValue: Type.String({ description: 'What the register held when the request was made' }),
  problem: Type.String(),
  proposed: Type.String(),
  answer: Nullable(Type.String()),
  answeredAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

const Text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });

export const NewCorrectionRequest = Type.Object(
  {
    organization: Slug,
    dataset: Slug,
    key: Type.String({ minLength: 1, maxLength: 200, description: 'The entry’s key (from GET /me/data)' }),
    field: Type.String({ minLength: 1, maxLength: 200, description: 'One of the entry’s fields' }),
    problem: Text(2000, 'What is wrong'),
    proposed: Text(2000, 'What it should be'),
  },
  { additionalProperties: false },
);

export const CorrectionAnswer = Type.Object(
  {
    outcome: Type.Enum([...CORRECTION_OUTCOMES]),
    reason: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'Required when declined: the person is told it. When corrected, what was changed.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CorrectionQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum([...CORRECTION_STATUSES])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
