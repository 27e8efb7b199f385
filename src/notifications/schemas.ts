/** The notifications API's shapes (TypeBox): the one source of their types, validation and OpenAPI. */
import { Type } from 'typebox';
import { NOTIFICATION_KINDS } from '../domain/index.ts';

export const Notification = Type.Object({
  id: Type.String(),
  kind: Type.Enum([...NOTIFICATION_KINDS], {
    description:
      'approval_waiting: an agreement waits for a sign-off you can give; sign_off_waiting: a catalog change or ' +
      'release waits for a data protection officer; request_approved, request_turned_down: what you asked for was ' +
      'decided; emergency_declared, emergency_ended; agreement_ending: an agreement of your organization ends within 30 days; correction_requested: a person asks your ' +
      'organization to correct their entry in a register; correction_made, correction_declined: the answer to your request',
  }),
  title: Type.String({ description: 'One plain sentence (also the email subject)' }),
  body: Type.String(),
  link: Type.String({
    description: 'Path in the web app of the thing concerned, e.g. /agency-console/{org}/agreements/{id}',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const NotificationQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'Items per page (1–200)' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
  },
  { additionalProperties: false },
);

export const NotificationPage = Type.Object({
  items: Type.Array(Notification),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unread: Type.Integer({ minimum: 0, description: 'How many of your notifications are unread (all pages)' }),
});

export const ReadAll = Type.Object({
  marked: Type.Integer({ minimum: 0, description: 'How many were unread and are now read' }),
  unread: Type.Integer({ minimum: 0 }),
});

/** The body of marking read: nothing to say, `{}`. */
export const MarkRead = Type.Object({}, { additionalProperties: false, description: 'Empty: `{}`' });
