/**
 * The signed-in person's notifications (issue 16): what waits for them, what was decided about what they
 * asked for, emergencies, agreements ending soon. Always the caller's own: another person's notification is
 * not found. Made by the node's notifications job from the governance events (src/notifications).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import * as notifications from '../../notifications/index.ts';
import { requirePrincipal } from '../access.ts';
import { pageArgs } from '../page.ts';
import { errorResponses } from '../schemas.ts';

const n = notifications.schemas;
const tags = ['Notifications'];
const SIGNED_IN = { access: { authenticated: true } } as const;
const Id = Type.Object({ id: Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) });

export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.store.db;

  app.get('/me/notifications', {
    config: SIGNED_IN,
    schema: {
      tags,
      summary: 'My notifications, newest first, and how many are unread',
      description:
        'A request waiting for a sign-off you can give, what you asked for approved or turned down, emergencies ' +
        'declared or ended (organization admins and data stewards), agreements of your organization ending ' +
        'within 30 days. Each links to the thing concerned in the web app.',
      querystring: n.NotificationQuery,
      response: { 200: n.NotificationPage, ...errorResponses },
    },
    handler: async (request) => {
      const { limit, after } = pageArgs({ ...request.query, limit: request.query.limit ?? 20 });
      return notifications.listNotifications(db, requirePrincipal(request).personId, {
        limit,
        after,
        unreadOnly: request.query.unread === true,
      });
    },
  });

  app.post('/me/notifications/:id/read', {
    config: SIGNED_IN,
    schema: {
      tags,
      summary: 'Mark one of my notifications read',
      description: 'Marking it again changes nothing. Another person’s notification is not found.',
      params: Id,
      body: n.MarkRead,
      response: { 200: n.Notification, ...errorResponses },
    },
    handler: async (request) =>
      notifications.markRead(db, requirePrincipal(request).personId, request.params.id),
  });

  app.post('/me/notifications/read-all', {
    config: SIGNED_IN,
    schema: {
      tags,
      summary: 'Mark all my notifications read',
      body: n.MarkRead,
      response: { 200: n.ReadAll, ...errorResponses },
    },
    handler: async (request) => {
      const personId = requirePrincipal(request).personId;
      const marked = await notifications.markAllRead(db, personId);
      return { marked, unread: await notifications.unreadCount(db, personId) };
    },
  });
};
