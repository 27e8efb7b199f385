/** Placeholder: filled in by the part that owns these routes. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const ckanRoutes: FastifyPluginAsyncTypebox = async () => {};
