import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_identity.ts';
import * as m0003 from './0003_ledger.ts';
import * as m0004 from './0004_exchange.ts';
import * as m0005 from './0005_ledger_subjects.ts';
import * as m0006 from './0006_agreement_workflow.ts';
import * as m0007 from './0007_consent_records.ts';
import * as m0008 from './0008_consent_clients.ts';
import * as m0009 from './0009_catalog_metadata.ts';
import * as m0010 from './0010_catalog_search.ts';
import * as m0011 from './0011_catalog_quality.ts';
import * as m0012 from './0012_open_data_downloads.ts';
import * as m0013 from './0013_catalog_sensitivity.ts';
import * as m0014 from './0014_sign_in_throttles.ts';
import * as m0015 from './0015_consent_one_per_service.ts';
import * as m0016 from './0016_provider_origins.ts';
import * as m0017 from './0017_ledger_governance_index.ts';
import * as m0018 from './0018_catalog_sign_off.ts';
import * as m0019 from './0019_releases.ts';
import * as m0020 from './0020_ledger_governance_index_by_event.ts';
import * as m0021 from './0021_record_imports.ts';
import * as m0022 from './0022_usage_daily.ts';
import * as m0024 from './0024_notifications.ts';
import * as m0025 from './0025_field_labels.ts';
import * as m0026 from './0026_correction_requests.ts';
import * as m0029 from './0029_service_request_assertions.ts';
import * as m0030 from './0030_sources.ts';
import * as m0031 from './0031_change_feeds.ts';

/**
 * Every migration, in order. Names sort in the order they run; each runs on SQLite and PostgreSQL.
 * Later parts append theirs here (0002_ledger, 0003_exchange, …).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_identity': m0002,
  '0003_ledger': m0003,
  '0004_exchange': m0004,
  '0005_ledger_subjects': m0005,
  '0006_agreement_workflow': m0006,
  '0007_consent_records': m0007,
  '0008_consent_clients': m0008,
  '0009_catalog_metadata': m0009,
  '0010_catalog_search': m0010,
  '0011_catalog_quality': m0011,
  '0012_open_data_downloads': m0012,
  '0013_catalog_sensitivity': m0013,
  '0014_sign_in_throttles': m0014,
  '0015_consent_one_per_service': m0015,
  '0016_provider_origins': m0016,
  '0017_ledger_governance_index': m0017,
  '0018_catalog_sign_off': m0018,
  '0019_releases': m0019,
  '0020_ledger_governance_index_by_event': m0020,
  '0021_record_imports': m0021,
  '0022_usage_daily': m0022,
  '0024_notifications': m0024,
  '0025_field_labels': m0025,
  '0026_correction_requests': m0026,
  '0029_service_request_assertions': m0029,
  '0030_sources': m0030,
  '0031_change_feeds': m0031,
};
