/** Registers every part's routes. Admin API under /api/v1; each part its own plugin. */
import type { FastifyPluginAsync } from 'fastify';
import { agreementRoutes, publicAgreementRoutes } from './agreements.ts';
import { authRoutes } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { catalogChangeRoutes } from './catalog-changes.ts';
import { catalogDownloadRoutes } from './catalog-downloads.ts';
import { catalogQualityRoutes, publicQualityRoutes } from './catalog-quality.ts';
import { catalogSearchRoutes } from './catalog-search.ts';
import { ckanRoutes } from './ckan.ts';
import { consentClientRoutes } from './consent-clients.ts';
import { consentServerRoutes } from './consent-server.ts';
import { consentRoutes } from './consents.ts';
import { correctionRoutes } from './corrections.ts';
import { exchangeFreshness, exchangeRoutes } from './exchange.ts';
import { systemFeedRoutes } from './feeds.ts';
import { governanceRoutes } from './governance.ts';
import { healthRoutes } from './health.ts';
import { idpRoutes } from './idp.ts';
import { importRoutes } from './imports.ts';
import { ledgerRoutes } from './ledger.ts';
import { notificationRoutes } from './notifications.ts';
import { oauthRoutes } from './oauth.ts';
import { organizationRoutes, peopleRoutes } from './organizations.ts';
import { providerOriginRoutes } from './provider-origins.ts';
import { publicReleaseRoutes, releaseRoutes } from './releases.ts';
import { datasetRoutes, purposeRoutes, serviceRoutes, systemRoutes } from './resources.ts';
import { sourceRoutes } from './sources.ts';
import { trackerRoutes } from './tracker.ts';
import { usageRoutes } from './usage.ts';
import { webhookRoutes } from './webhooks.ts';

export const routes: FastifyPluginAsync = async (app) => {
  await app.register(exchangeFreshness);
  await app.register(healthRoutes);
  await app.register(idpRoutes);
  await app.register(authRoutes);
  await app.register(consentServerRoutes);
  await app.register(ledgerRoutes, { prefix: '/ledger' });
  await app.register(oauthRoutes);
  await app.register(exchangeRoutes, { prefix: '/exchange' });
  await app.register(publicAgreementRoutes, { prefix: '/agreements' });
  await app.register(catalogRoutes, { prefix: '/catalog' });
  await app.register(catalogSearchRoutes, { prefix: '/catalog' });
  await app.register(catalogDownloadRoutes, { prefix: '/catalog' });
  await app.register(publicQualityRoutes, { prefix: '/catalog' });
  await app.register(publicReleaseRoutes, { prefix: '/catalog' });
  await app.register(ckanRoutes, { prefix: '/api/3' });
  await app.register(
    async (api) => {
      await api.register(organizationRoutes);
      await api.register(peopleRoutes);
      await api.register(systemRoutes);
      await api.register(datasetRoutes);
      await api.register(serviceRoutes);
      await api.register(catalogChangeRoutes);
      await api.register(releaseRoutes);
      await api.register(importRoutes);
      await api.register(sourceRoutes);
      await api.register(purposeRoutes);
      await api.register(agreementRoutes);
      await api.register(consentRoutes);
      await api.register(consentClientRoutes);
      await api.register(trackerRoutes);
      await api.register(correctionRoutes);
      await api.register(usageRoutes);
      await api.register(webhookRoutes);
      await api.register(systemFeedRoutes);
      await api.register(catalogQualityRoutes);
      await api.register(providerOriginRoutes);
      await api.register(governanceRoutes);
      await api.register(notificationRoutes);
    },
    { prefix: '/api/v1' },
  );
};
