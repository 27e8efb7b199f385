/** API shapes of change feeds: subscriptions and the changes read from them (issue 18). */
import { Type } from 'typebox';
import { CHANGE_KINDS, FieldName, Nullable, Slug, Timestamp } from '../domain/index.ts';

export const ChangeKind = Type.Enum([...CHANGE_KINDS]);

/** A sequence of the register's change log, as text: where a read starts and the next one goes on. */
export const Cursor = Type.String({
  pattern: '^[0-9]{1,15}$',
  description: 'A position in the register’s change log (the `cursor` of the previous read)',
});

export const NewSubscription = Type.Object(
  {
    provider: Slug,
    service: Slug,
    purpose: Slug,
    kinds: Type.Optional(
      Type.Array(ChangeKind, {
        uniqueItems: true,
        maxItems: CHANGE_KINDS.length,
        description:
          'The kinds of change to deliver: created (a birth, a new business), updated (a move, a new name), deleted (a death, a business struck off); omitted or [] = every kind',
      }),
    ),
    fields: Type.Optional(
      Type.Array(FieldName, {
        uniqueItems: true,
        maxItems: 100,
        description:
          'Deliver a created or updated record only when one of these fields changed (each must be released by the agreement); omitted or [] = any agreed field',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Subscription = Type.Object(
  {
    id: Type.String(),
    system: Type.String({ description: 'The subscribed system’s client ID (`<organization>/<system>`)' }),
    provider: Slug,
    service: Slug,
    purpose: Slug,
    kinds: Type.Array(ChangeKind),
    fields: Type.Array(Type.String()),
    startCursor: Type.String({
      description: 'The end of the change log when it was made: nothing before it is delivered',
    }),
    acknowledgedCursor: Type.String({
      description: 'The last cursor the system read after: a read without `after` resumes here',
    }),
    createdBy: Nullable(
      Type.String({ description: 'The person who subscribed it; null when the system did' }),
    ),
    createdAt: Timestamp,
    readAt: Nullable(Timestamp),
  },
  { $id: 'ChangeSubscription' },
);

export const FeedQuery = Type.Object(
  {
    after: Type.Optional(Cursor),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 100,
        description:
          'Most changes of the log to look at (1–1000); fewer are delivered when some are not yours',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Change = Type.Object(
  {
    cursor: Type.String({ description: 'This change’s position in the change log' }),
    kind: ChangeKind,
    key: Type.String({ description: 'The record’s key (for people, their national ID)' }),
    fields: Type.Array(Type.String(), {
      description: 'The fields that changed, of those the agreement releases; [] for a deletion',
    }),
    at: Timestamp,
    record: Nullable(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'The record as the register holds it when the change is read, with only the agreed fields; null when it no longer exists',
        },
      ),
    ),
    receipt: Type.Integer({ description: 'The ledger index of this delivery’s access event' }),
  },
  { $id: 'Change' },
);

export const FeedPage = Type.Object({
  changes: Type.Array(Change),
  cursor: Type.String({
    description: 'Pass as `after` to read on: the last change looked at, delivered or not',
  }),
  more: Type.Boolean({ description: 'Whether the log holds more changes after `cursor` already' }),
});
