/** Liveness and readiness for load balancers and orchestrators. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { GovdxError } from '../../domain/index.ts';
import { pendingMigrations } from '../../store/index.ts';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const Status = Type.Object({
    status: Type.String(),
    checks: Type.Optional(Type.Record(Type.String(), Type.String())),
  });

  app.get('/healthz', {
    schema: { tags: ['Health'], summary: 'The process is alive', response: { 200: Status } },
    handler: async () => ({ status: 'ok' }),
  });

  app.get('/readyz', {
    schema: {
      tags: ['Health'],
      summary: 'The node can serve: the database answers and its schema is current',
      response: { 200: Status, 503: Type.Ref('Error') },
    },
    handler: async () => {
      try {
        await sql`select 1`.execute(app.store.db);
      } catch {
        throw new GovdxError('SERVICE_UNAVAILABLE', 'The database does not answer.', {
          database: app.store.dialect,
        });
      }
      const pending = await pendingMigrations(app.store);
      if (pending.length > 0) {
        throw new GovdxError('SERVICE_UNAVAILABLE', 'The database schema is behind; run "govdx migrate".', {
          pending,
        });
      }
      return { status: 'ok', checks: { database: app.store.dialect, migrations: 'current' } };
    },
  });
};
