/** Placeholder: filled in by the part that owns these routes. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const publicQualityRoutes: FastifyPluginAsyncTypebox = async () => {};
export const catalogQualityRoutes: FastifyPluginAsyncTypebox = async () => {};
