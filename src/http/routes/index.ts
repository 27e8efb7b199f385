/** Registers every part's routes. Admin API under /api/v1; each part its own plugin. */
import type { FastifyPluginAsync } from 'fastify';
import { authRoutes } from './auth.ts';
import { healthRoutes } from './health.ts';
import { idpRoutes } from './idp.ts';
import { organizationRoutes, peopleRoutes } from './organizations.ts';
import { datasetRoutes, purposeRoutes, serviceRoutes, systemRoutes } from './resources.ts';

export const routes: FastifyPluginAsync = async (app) => {
  await app.register(healthRoutes);
  await app.register(idpRoutes);
  await app.register(authRoutes);
  await app.register(
    async (api) => {
      await api.register(organizationRoutes);
      await api.register(peopleRoutes);
      await api.register(systemRoutes);
      await api.register(datasetRoutes);
      await api.register(serviceRoutes);
      await api.register(purposeRoutes);
    },
    { prefix: '/api/v1' },
  );
};
