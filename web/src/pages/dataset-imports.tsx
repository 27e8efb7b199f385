/**
 * A steward's page for a dataset's imports: upload a CSV, JSON Lines or Parquet file, follow the upload,
 * see what it did and the rows it refused, with the earlier imports below (docs/registers.md).
 */
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  ApiError,
  type Page as ApiPage,
  type Dataset,
  type RecordImport,
  type RecordImportWithErrors,
  request,
} from '../api.ts';
import { ErrorAlert, Page, Status } from '../page.tsx';
import { useApi } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

const MEDIA_TYPES: Record<string, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
  ndjson: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
};

const STATUS_WORDS: Record<RecordImport['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted: send the same file again to go on',
};

function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Sends the file, telling how much of it has gone; resolves with the import (XMLHttpRequest reports upload progress, fetch does not). */
function upload(
  url: string,
  file: File,
  type: string,
  onProgress: (sent: number) => void,
): Promise<RecordImport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', type);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onerror = () =>
      reject(
        new ApiError('NETWORK', 'The service could not be reached. Check your connection and try again.', 0),
      );
    xhr.onload = () => {
      let body: { error?: { code: string; message: string } } | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as unknown as RecordImport);
      else
        reject(
          new ApiError(
            body?.error?.code ?? `HTTP_${xhr.status}`,
            body?.error?.message ?? `The service answered with an error (${xhr.status}).`,
            xhr.status,
          ),
        );
    };
    xhr.send(file);
  });
}

function Outcome({ outcome }: { outcome: RecordImportWithErrors }) {
  return (
    <section aria-labelledby="outcome-heading" className="import-outcome">
      <h2 id="outcome-heading">What the import did</h2>
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt>Status</dt>
          <dd>{STATUS_WORDS[outcome.status]}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Rows read</dt>
          <dd>{outcome.rowsRead}</dd>
        </div>
        <div className="summary-list__row">
          <dt>New records</dt>
          <dd>{outcome.created}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Records changed</dt>
          <dd>{outcome.updated}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Records already as in the file</dt>
          <dd>{outcome.unchanged}</dd>
        </div>
        <div className="summary-list__row">
          <dt>Rows refused</dt>
          <dd>{outcome.refused}</dd>
        </div>
      </dl>
      {outcome.failure ? <p className="notice notice--warning">{outcome.failure}</p> : null}
      {outcome.errors.length > 0 ? (
        <table className="table">
          <caption className="table__caption">
            The rows refused
            {outcome.refused > outcome.errors.length ? ` (the first ${outcome.errors.length})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {outcome.errors.map((e) => (
              <tr key={e.row}>
                <td>{e.row}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function DatasetImportsPage() {
  const { org = '', slug = '' } = useParams();
  const path = `/organizations/${org}/datasets/${slug}`;
  const api = `/api/v1/organizations/${encodeURIComponent(org)}/datasets/${encodeURIComponent(slug)}`;
  const dataset = useApi<Dataset>(api);
  const imports = useApi<ApiPage<RecordImport>>(`${api}/imports?limit=20`);
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<RecordImportWithErrors | null>(null);
  const title = dataset.data ? `Import records into ${dataset.data.title}` : 'Import records';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setOutcome(null);
    const type = file ? MEDIA_TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''] : undefined;
    if (!file || !type) {
      setProblem(new ApiError('VALIDATION_FAILED', 'Choose a file ending in .csv, .jsonl or .parquet.', 0));
      return;
    }
    setBusy(true);
    setSent(0);
    try {
      const made = await upload(`${api}/imports`, file, type, setSent);
      setOutcome(
        await request<RecordImportWithErrors>('GET', `${api}/imports/${encodeURIComponent(made.id)}`),
      );
      imports.reload();
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error
          : new ApiError('UNEXPECTED', 'The file was not imported. Try again.', 0),
      );
    }
    setBusy(false);
  }

  const percent = file && sent !== null && file.size > 0 ? Math.round((sent / file.size) * 100) : 0;
  return (
    <Page title={title} caption={dataset.data?.organizationName}>
      <p>
        <Link to={path}>Back to the dataset</Link>
      </p>
      <Status loading={dataset.loading} label="Loading the dataset…" />
      {dataset.error ? <ErrorAlert error={dataset.error} /> : null}
      <p>
        Each row is checked against the dataset's fields: the key field must be filled in and each value must
        be of its field's type. Rows that pass are kept; each row refused is listed with its number and the
        reason. A row whose record is already as in the file changes nothing, so the same file can be sent
        again.
      </p>
      <form onSubmit={submit} noValidate>
        <div className="form-group">
          <label className="label" htmlFor="import-file">
            File of records
          </label>
          <p className="hint" id="import-file-hint">
            CSV with a header of field names, JSON Lines (one record per line) or Parquet. A column that is
            not a field of the dataset refuses the whole file.
          </p>
          <input
            id="import-file"
            className="file-upload"
            type="file"
            accept=".csv,.jsonl,.ndjson,.parquet"
            aria-describedby="import-file-hint"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
        </div>
        {problem ? <ErrorAlert error={problem} title="The file was not imported" /> : null}
        <button type="submit" className="button" disabled={busy}>
          Import
        </button>
      </form>
      {busy || sent !== null ? (
        <div className="import-progress">
          <label htmlFor="import-progress">{busy ? 'Sending and importing the file' : 'File sent'}</label>
          <progress id="import-progress" max={100} value={percent}>
            {percent}%
          </progress>
          <p role="status">{busy ? `${percent}% sent` : ''}</p>
        </div>
      ) : null}
      {outcome ? <Outcome outcome={outcome} /> : null}

      <h2>Earlier imports</h2>
      <Status loading={imports.loading} label="Loading the earlier imports…" />
      {imports.error ? <Refusal error={imports.error} /> : null}
      {imports.data && imports.data.items.length === 0 ? (
        <p>Nothing has been imported into this dataset yet.</p>
      ) : null}
      {imports.data && imports.data.items.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Earlier imports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col">Rows</th>
              <th scope="col">New, changed, refused</th>
            </tr>
          </thead>
          <tbody>
            {imports.data.items.map((i) => (
              <tr key={i.id}>
                <td>{dateTime(i.startedAt)}</td>
                <td>{STATUS_WORDS[i.status]}</td>
                <td>{i.rowsRead}</td>
                <td>
                  {i.created}, {i.updated}, {i.refused}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
