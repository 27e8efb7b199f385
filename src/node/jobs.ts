/**
 * The node's background jobs: webhook deliveries, the agreement and consent expiry sweeps, the
 * catalog's quality checks, notifications and their emails, and the check of the ledger's subject index. They start when the node is ready and stop when it closes, each waiting for
 * a run in progress. http/ builds what they use (app.webhooks, app.agreements); only the node runs them.
 */
import type { FastifyInstance } from 'fastify';
import { runDueQualityChecks } from '../catalog/index.ts';
import { expireDueConsents } from '../consent/index.ts';

/** Runs `task` now and then every `ms`, one run at a time; stop() waits for a run in progress. */
function repeat(ms: number, task: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  const run = () => {
    running ??= task().finally(() => {
      running = null;
    });
  };
  return {
    start() {
      run();
      timer = setInterval(run, ms);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Adds the background jobs to the app built by http/'s buildApp: they run between ready and close. */
export function addBackgroundJobs(app: FastifyInstance): void {
  const { config, store, ledger, exchange, webhooks, agreements: workflow } = app;
  app.addHook('onReady', async () => webhooks.start());
  app.addHook('onClose', () => webhooks.stop());
  // Agreements past their end date expire, and the parties of those ending soon are told, once.
  const agreementSweep = repeat(config.agreementSweepSeconds * 1000, () =>
    workflow
      .sweep()
      .catch((error) => app.log.error({ err: error }, 'agreements: sweeping agreements failed')),
  );
  app.addHook('onReady', async () => agreementSweep.start());
  // Consents past their end date are marked expired and recorded, on the same rhythm.
  const consentSweep = repeat(config.agreementSweepSeconds * 1000, () =>
    expireDueConsents({ db: store.db, ledger, changed: (change) => exchange.changed(change) }).catch(
      (error) => app.log.error({ err: error }, 'consents: expiring consents failed'),
    ),
  );
  app.addHook('onReady', async () => consentSweep.start());
  app.addHook('onClose', () => consentSweep.stop());
  // Hosted datasets' records and distribution links are checked when due, one dataset at a time. Each
  // look (at most hourly: timers cannot wait longer than 24.8 days) checks only what has fallen due.
  if (config.qualityCheckHours > 0) {
    const everyMs = config.qualityCheckHours * 3_600_000;
    const stopping = new AbortController();
    const qualityRun = repeat(Math.min(everyMs, 3_600_000), () =>
      runDueQualityChecks({
        db: store.db,
        dialect: store.dialect,
        publicUrl: config.publicUrl,
        everyMs,
        allowPrivateNetworks: config.outboundPrivateNetworks,
        signal: stopping.signal,
        onError: (error, dataset) => app.log.error({ err: error }, `catalog: checking ${dataset} failed`),
      }).catch((error) => app.log.error({ err: error }, 'catalog: quality checks failed')),
    );
    app.addHook('onReady', async () => qualityRun.start());
    // A node shutting down does not wait for a long check: it stops between two batches.
    app.addHook('onClose', () => {
      stopping.abort();
      return qualityRun.stop();
    });
  }
  app.addHook('onClose', () => agreementSweep.stop());
  // Notifications from the governance events recorded since the last run, then the emails due (src/notifications).
  const notificationRun = repeat(config.notificationSeconds * 1000, () => app.notifications.run());
  app.addHook('onReady', async () => notificationRun.start());
  app.addHook('onClose', () => notificationRun.stop());
  // The ledger's subject index, compared with the committed events at start and then daily (src/tracker).
  const indexCheck = repeat(24 * 3_600_000, () =>
    app.subjectIndexCheck
      .run()
      .catch((error) => app.log.error({ err: error }, 'ledger: checking the subject index failed')),
  );
  app.addHook('onReady', async () => indexCheck.start());
  app.addHook('onClose', () => indexCheck.stop());
}
