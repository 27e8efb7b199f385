/**
 * The data steward's form for a dataset's description: title, description, keywords, topics, coverage,
 * licence, conditions of access, update frequency, contact point and dates. Saved with PATCH; the
 * API's refusals are shown beside the field they concern.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, type Dataset, type DatasetChanges, request, signInUrl } from '../api.ts';
import {
  ACCESS_RIGHTS,
  ACCESS_RIGHTS_LABELS,
  FREQUENCIES,
  FREQUENCY_LABELS,
  LICENCES,
  THEME_LABELS,
  THEMES,
} from '../catalog-labels.tsx';
import { ErrorMessage, InputField, SelectField, TextareaField } from '../form.tsx';
import { ErrorAlert, Page, Status } from '../page.tsx';
import { canSteward } from '../roles.ts';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';

/** What the dataset page says first after the description is saved. */
export interface SavedNotice {
  notice: string;
}

type FieldId =
  | 'title'
  | 'description'
  | 'keywords'
  | 'themes'
  | 'spatial'
  | 'temporalStart'
  | 'temporalEnd'
  | 'license'
  | 'accessRights'
  | 'updateFrequency'
  | 'contactName'
  | 'contactEmail'
  | 'issued'
  | 'modified';

type Errors = Partial<Record<FieldId, string>>;

/** The order the fields appear in, so the error summary lists problems in the same order. */
const ORDER: FieldId[] = [
  'title',
  'description',
  'keywords',
  'themes',
  'spatial',
  'temporalStart',
  'temporalEnd',
  'license',
  'accessRights',
  'updateFrequency',
  'contactName',
  'contactEmail',
  'issued',
  'modified',
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function EditDatasetPage() {
  const { org = '', slug = '' } = useParams();
  const { session } = useSession();
  const api = `/api/v1/organizations/${encodeURIComponent(org)}/datasets/${encodeURIComponent(slug)}`;
  const dataset = useApi<Dataset>(api);
  const d = dataset.data;
  const path = `/organizations/${org}/datasets/${slug}`;
  const allowed = session?.signedIn === true && canSteward(session.roles, org);
  return (
    <Page
      title={d ? `Edit the description of ${d.title}` : 'Edit the description'}
      caption={d?.organizationName}
    >
      <p>
        <Link to={path}>Back to the dataset</Link>
      </p>
      <Status loading={dataset.loading || session === undefined} label="Loading the dataset…" />
      {dataset.error ? <ErrorAlert error={dataset.error} /> : null}
      {session && !session.signedIn ? (
        <div className="error-summary" role="alert">
          <h2 className="error-summary__title">You need to sign in</h2>
          <p>
            Only the data stewards and administrators of the organization can edit this description.{' '}
            <a href={signInUrl(`${path}/edit`)}>Sign in to edit it</a>
          </p>
        </div>
      ) : null}
      {session?.signedIn && !allowed ? (
        <div className="error-summary" role="alert">
          <h2 className="error-summary__title">You cannot edit this description</h2>
          <p>Only the data stewards and administrators of {d?.organizationName ?? org} can edit it.</p>
        </div>
      ) : null}
      {d && allowed ? <EditForm dataset={d} api={api} path={path} /> : null}
    </Page>
  );
}

function EditForm({ dataset: d, api, path }: { dataset: Dataset; api: string; path: string }) {
  const navigate = useNavigate();
  const form = useRef<HTMLFormElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [themes, setThemes] = useState<Set<string>>(new Set(d.themes));
  const id = useId();
  const ids = Object.fromEntries(ORDER.map((f) => [f, `${id}-${f}`])) as Record<FieldId, string>;
  const knownLicence = d.license === null || LICENCES.some((l) => l.url === d.license);

  function show(found: Errors, refusal: ApiError | null) {
    setErrors(found);
    setProblem(refusal);
    requestAnimationFrame(() => summary.current?.focus());
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const orNull = (key: string) => text(key) || null;
    const found: Errors = {};
    if (!text('title')) found.title = 'Enter a title';
    const contactName = text('contactName');
    const contactEmail = text('contactEmail');
    if (contactEmail && !contactName)
      found.contactName = 'Enter who to contact, or leave both contact boxes empty';
    if (contactName && !contactEmail)
      found.contactEmail = 'Enter an email address, or leave both contact boxes empty';
    if (contactEmail && !EMAIL.test(contactEmail)) {
      found.contactEmail = 'Enter an email address like opendata@agency.example';
    }
    for (const key of ['temporalStart', 'temporalEnd', 'issued', 'modified'] as const) {
      if (text(key) && !DAY.test(text(key))) found[key] = 'Enter a real date';
    }
    if (
      !found.temporalEnd &&
      text('temporalStart') &&
      text('temporalEnd') &&
      text('temporalEnd') < text('temporalStart')
    ) {
      found.temporalEnd = 'The end of the time covered must be on or after its start';
    }
    const keywords = [
      ...new Set(
        text('keywords')
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      ),
    ];
    if (keywords.some((k) => k.length > 100)) found.keywords = 'Keep each keyword to 100 characters or fewer';
    if (keywords.length > 50) found.keywords = 'Give at most 50 keywords';
    if (Object.keys(found).length > 0) {
      show(found, null);
      return;
    }
    const licence = text('license');
    const labelled = d.fields.map((f, i) => ({ ...f, label: text(`label-${i}`) || null }));
    const labelsChanged = labelled.some((f, i) => f.label !== d.fields[i]!.label);
    const changes: DatasetChanges = {
      title: text('title'),
      description: text('description'),
      keywords,
      themes: THEMES.filter((t) => themes.has(t)),
      spatial: orNull('spatial'),
      temporalStart: orNull('temporalStart'),
      temporalEnd: orNull('temporalEnd'),
      accessRights: (orNull('accessRights') as DatasetChanges['accessRights']) ?? null,
      updateFrequency: (orNull('updateFrequency') as DatasetChanges['updateFrequency']) ?? null,
      contactPoint: contactName ? { name: contactName, email: contactEmail } : null,
      issued: orNull('issued'),
      modified: orNull('modified'),
      ...(licence === 'current' ? {} : { license: licence || null }),
      ...(labelsChanged ? { fields: labelled } : {}),
    };
    setBusy(true);
    try {
      await request<Dataset>('PATCH', api, { body: changes });
      navigate(path, {
        state: { notice: 'Your changes to the description are saved.' } satisfies SavedNotice,
      });
    } catch (error) {
      const refusal =
        error instanceof ApiError
          ? error
          : new ApiError('UNEXPECTED', 'The changes were not saved. Try again.', 0);
      show(fieldErrors(refusal), refusal);
      setBusy(false);
    }
  }

  const listed = ORDER.filter((f) => errors[f]);
  return (
    <form ref={form} className="form" onSubmit={submit} noValidate aria-label="Description of the dataset">
      {listed.length > 0 || problem ? (
        <div
          className="error-summary"
          role="alert"
          aria-labelledby={`${id}-summary`}
          tabIndex={-1}
          ref={summary}
        >
          <h2 id={`${id}-summary`} className="error-summary__title">
            {problem ? 'Your changes were not saved' : 'There is a problem'}
          </h2>
          {problem && listed.length === 0 ? <p>{problem.message}</p> : null}
          {listed.length > 0 ? (
            <ul className="list">
              {listed.map((f) => (
                <li key={f}>
                  <a
                    href={`#${ids[f]}`}
                    onClick={(event) => {
                      event.preventDefault();
                      document.getElementById(f === 'themes' ? `${ids.themes}-0` : ids[f])?.focus();
                    }}
                  >
                    {errors[f]}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <InputField
        id={ids.title}
        label="Title"
        name="title"
        defaultValue={d.title}
        maxLength={200}
        error={errors.title}
      />
      <TextareaField
        id={ids.description}
        label="Description"
        hint="What the data is about, where it comes from and what it can be used for, in plain words."
        name="description"
        defaultValue={d.description}
        rows={6}
        maxLength={10000}
        error={errors.description}
      />
      <InputField
        id={ids.keywords}
        label="Keywords"
        hint="Words people may search for, separated by commas, for example: population, residents, municipalities."
        name="keywords"
        defaultValue={d.keywords.join(', ')}
        error={errors.keywords}
      />
      <fieldset
        className={`form-group fieldset${errors.themes ? ' form-group--error' : ''}`}
        aria-describedby={`${ids.themes}-hint`}
      >
        <legend className="label">Topics</legend>
        <p className="hint" id={`${ids.themes}-hint`}>
          The European data topics this dataset belongs to. Choose all that apply.
        </p>
        <ErrorMessage id={ids.themes} error={errors.themes} />
        {THEMES.map((theme, index) => (
          <div className="choice" key={theme}>
            <input
              id={`${ids.themes}-${index}`}
              type="checkbox"
              name="themes"
              value={theme}
              checked={themes.has(theme)}
              onChange={(event) => {
                const next = new Set(themes);
                if (event.currentTarget.checked) next.add(theme);
                else next.delete(theme);
                setThemes(next);
              }}
            />
            <label htmlFor={`${ids.themes}-${index}`}>{THEME_LABELS[theme]}</label>
          </div>
        ))}
      </fieldset>
      <InputField
        id={ids.spatial}
        label="Area covered (optional)"
        hint="The country, region or city the data is about, for example: City of Exampleton."
        name="spatial"
        defaultValue={d.spatial ?? ''}
        maxLength={500}
        error={errors.spatial}
      />
      <fieldset className="form-group fieldset">
        <legend className="label">Time covered (optional)</legend>
        <InputField
          id={ids.temporalStart}
          label="From"
          name="temporalStart"
          type="date"
          className="input input--date"
          defaultValue={d.temporalStart ?? ''}
          error={errors.temporalStart}
        />
        <InputField
          id={ids.temporalEnd}
          label="To"
          hint="Leave it empty if the data is still being added to."
          name="temporalEnd"
          type="date"
          className="input input--date"
          defaultValue={d.temporalEnd ?? ''}
          error={errors.temporalEnd}
        />
      </fieldset>
      <SelectField
        id={ids.license}
        label="Licence"
        hint="What others may do with the data. Open data needs a licence that allows reuse."
        name="license"
        defaultValue={knownLicence ? (d.license ?? '') : 'current'}
        error={errors.license}
      >
        <option value="">No licence stated</option>
        {knownLicence ? null : <option value="current">Keep the current licence: {d.license}</option>}
        {LICENCES.map((l) => (
          <option key={l.url} value={l.url}>
            {l.label}
          </option>
        ))}
      </SelectField>
      <SelectField
        id={ids.accessRights}
        label="Conditions of access"
        hint="Who may get the data."
        name="accessRights"
        defaultValue={d.accessRights ?? ''}
        error={errors.accessRights}
      >
        <option value="">Not stated</option>
        {ACCESS_RIGHTS.map((a) => (
          <option key={a} value={a}>
            {ACCESS_RIGHTS_LABELS[a]}
          </option>
        ))}
      </SelectField>
      <SelectField
        id={ids.updateFrequency}
        label="How often it is updated"
        name="updateFrequency"
        defaultValue={d.updateFrequency ?? ''}
        error={errors.updateFrequency}
      >
        <option value="">Not stated</option>
        {/* The EU table has UPDATE_CONT beside CONT for the same thing: offered only to a dataset that has it. */}
        {FREQUENCIES.filter((f) => f !== 'UPDATE_CONT' || d.updateFrequency === 'UPDATE_CONT').map((f) => (
          <option key={f} value={f}>
            {FREQUENCY_LABELS[f]}
          </option>
        ))}
      </SelectField>
      <fieldset className="form-group fieldset">
        <legend className="label">Who to contact about the data (optional)</legend>
        <InputField
          id={ids.contactName}
          label="Name of the team or person"
          name="contactName"
          defaultValue={d.contactPoint?.name ?? ''}
          maxLength={200}
          error={errors.contactName}
        />
        <InputField
          id={ids.contactEmail}
          label="Email address"
          name="contactEmail"
          type="email"
          autoComplete="off"
          spellCheck={false}
          defaultValue={d.contactPoint?.email ?? ''}
          error={errors.contactEmail}
        />
      </fieldset>
      <InputField
        id={ids.issued}
        label="First published (optional)"
        name="issued"
        type="date"
        className="input input--date"
        defaultValue={d.issued ?? ''}
        error={errors.issued}
      />
      <InputField
        id={ids.modified}
        label="Last updated (optional)"
        hint="The day the data itself last changed."
        name="modified"
        type="date"
        className="input input--date"
        defaultValue={d.modified ?? ''}
        error={errors.modified}
      />
      {d.fields.length > 0 ? (
        <fieldset className="form-group fieldset">
          <legend className="label">Plain words for citizens</legend>
          <p className="hint">
            Citizens see these words for each field, on the consent page and on “My data”, never the field’s
            name. Write them as a person would say them, such as “Date of birth”. A field left empty is shown
            as its name in words.
          </p>
          {d.fields.map((f, i) => (
            <InputField
              key={f.name}
              id={`${id}-label-${i}`}
              label={`Plain words for ${f.name}`}
              hint={f.description || undefined}
              name={`label-${i}`}
              maxLength={200}
              defaultValue={f.label ?? ''}
            />
          ))}
        </fieldset>
      ) : null}
      <div className="button-group">
        <button type="submit" className="button" disabled={busy}>
          Save changes
        </button>
        <Link className="button button--secondary" to={path}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

/** The API's refusal beside the fields it names: validation issues by path, or the fields in its details. */
export function fieldErrors(error: ApiError): Errors {
  const found: Errors = {};
  const issues = error.details?.issues;
  if (Array.isArray(issues)) {
    for (const issue of issues as Array<{ path?: unknown; message?: unknown }>) {
      const field = fieldOfPath(typeof issue.path === 'string' ? issue.path : '');
      if (field && !found[field])
        found[field] = `${LABELS[field]}: ${String(issue.message ?? 'is not valid')}`;
    }
  } else if (error.code === 'VALIDATION_FAILED' && error.details) {
    const named = ORDER.filter((f) => f in (error.details ?? {}));
    const last = named[named.length - 1];
    if (last) found[last] = error.message;
  }
  return found;
}

const LABELS: Record<FieldId, string> = {
  title: 'Title',
  description: 'Description',
  keywords: 'Keywords',
  themes: 'Topics',
  spatial: 'Area covered',
  temporalStart: 'Time covered, from',
  temporalEnd: 'Time covered, to',
  license: 'Licence',
  accessRights: 'Conditions of access',
  updateFrequency: 'How often it is updated',
  contactName: 'Contact name',
  contactEmail: 'Contact email address',
  issued: 'First published',
  modified: 'Last updated',
};

function fieldOfPath(path: string): FieldId | null {
  const [first = '', second = ''] = path.split('/').filter(Boolean);
  if (first === 'contactPoint') return second === 'email' ? 'contactEmail' : 'contactName';
  return (ORDER as string[]).includes(first) ? (first as FieldId) : null;
}
