import type { Dataset } from '../api.ts';
import { ErrorAlert, Page, Pager, Status } from '../page.tsx';
import { usePaged } from '../use-api.ts';
import { DatasetList } from './datasets.tsx';

export function OpenDataPage() {
  const datasets = usePaged<Dataset>('/api/v1/datasets?classification=public');
  return (
    <Page title="Open data">
      <p className="lead">Datasets anyone may see and reuse. They hold no data about individual people.</p>
      <Status loading={datasets.loading} label="Loading open datasets…" />
      {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
      {datasets.data ? <DatasetList datasets={datasets.data.items} /> : null}
      <Pager paged={datasets} label="open datasets" />
    </Page>
  );
}
