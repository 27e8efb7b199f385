/**
 * Preparing a release of open data, or changing a draft or rejected one: which register, what it is called,
 * and how people are protected in it, as generalised records (each field that could identify someone, and
 * how far it may be generalised) or as counts with noise (the table's dimensions and ε). The server
 * computes the release at once; what it refuses is shown beside the form, in its own words.
 */
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, type Page as ApiPage, type Dataset, type Release, request } from '../api.ts';
import {
  dateInputValue,
  focusFirstError,
  InputField,
  RadioGroup,
  SelectField,
  TextareaField,
} from '../form.tsx';
import { ErrorAlert, Page, Status } from '../page.tsx';
import {
  type AnswerErrors,
  answersOf,
  blankAnswers,
  blankDimension,
  blankLookup,
  blankQuasi,
  DATE_LEVELS,
  type DateLevel,
  type DimensionAnswer,
  type GeneralisationKind,
  type LookupAnswer,
  type QuasiAnswer,
  type ReleaseAnswers,
  releaseBody,
  slugOf,
} from '../release-form-state.ts';
import { EPSILON_SENTENCE, K_SENTENCE, releasePath, releasesPath } from '../release-labels.tsx';
import { useApi } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

const GENERALISATIONS: Array<{ value: GeneralisationKind; label: string }> = [
  { value: 'age', label: 'Age bands, from a date of birth' },
  { value: 'dates', label: 'Shorter dates (month, year or decade)' },
  { value: 'intervals', label: 'Number bands' },
  { value: 'mask', label: 'Hide characters from the right' },
  { value: 'suppress', label: 'Publish as recorded, or remove entirely' },
];

const DATE_LEVEL_LABELS: Record<DateLevel, string> = {
  month: 'Month and year (2024-03)',
  year: 'Year (2024)',
  decade: 'Decade (2020-2029)',
};

const DIMENSION_KINDS: Array<{ value: DimensionAnswer['kind']; label: string }> = [
  { value: 'categories', label: 'Categories you list' },
  { value: 'age-bands', label: 'Age bands, from a date of birth' },
  { value: 'bands', label: 'Number bands' },
];

export function NewReleasePage() {
  const { org = '' } = useParams();
  const [today] = useState(() => dateInputValue(new Date()));
  return (
    <Page title="Prepare a release" caption="Releases of open data">
      <ReleaseForm org={org} initial={blankAnswers(today)} release={null} />
    </Page>
  );
}

export function ChangeReleasePage() {
  const { org = '', id = '' } = useParams();
  const [today] = useState(() => dateInputValue(new Date()));
  const release = useApi<Release>(
    `/api/v1/organizations/${encodeURIComponent(org)}/releases/${encodeURIComponent(id)}`,
  );
  return (
    <Page
      title={release.data ? `Change “${release.data.title}”` : 'Change a release'}
      caption="Releases of open data"
    >
      <Status loading={release.loading} label="Loading the release…" />
      {release.error ? <Refusal error={release.error} /> : null}
      {release.data && !['draft', 'rejected'].includes(release.data.status) ? (
        <p>
          Only a draft or a rejected release can be changed.{' '}
          <Link to={releasePath(org, id)}>Back to the release</Link>
        </p>
      ) : null}
      {release.data && ['draft', 'rejected'].includes(release.data.status) ? (
        <ReleaseForm
          key={release.data.id}
          org={org}
          initial={answersOf(release.data, today)}
          release={release.data}
        />
      ) : null}
    </Page>
  );
}

function ReleaseForm({
  org,
  initial,
  release,
}: {
  org: string;
  initial: ReleaseAnswers;
  /** The release being changed; null to prepare a new one. */
  release: Release | null;
}) {
  const id = useId();
  const navigate = useNavigate();
  const [today] = useState(() => dateInputValue(new Date()));
  const [answers, setAnswers] = useState(initial);
  const [slugTouched, setSlugTouched] = useState(release !== null);
  const [errors, setErrors] = useState<AnswerErrors>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const problemRef = useRef<HTMLDivElement>(null);
  const base = `/api/v1/organizations/${encodeURIComponent(org)}`;
  const datasets = useApi<ApiPage<Dataset>>(`${base}/datasets?limit=200`);
  const dataset = datasets.data?.items.find((d) => d.slug === answers.dataset);
  const fields = [
    ...(dataset?.fields.filter((f) => f.name !== dataset.keyField).map((f) => f.name) ?? []),
    ...answers.lookups.flatMap((l) => l.take.split(/[\s,;]+/).filter(Boolean)),
  ];
  const allFields = [...new Set(dataset?.fields.map((f) => f.name) ?? [])];

  useEffect(() => {
    if (problem) problemRef.current?.focus();
  }, [problem]);

  const set = (change: Partial<ReleaseAnswers>) => setAnswers((a) => ({ ...a, ...change }));
  const controlId = (key: string) => `${id}-${key}`;
  const errorOf = (key: string) => errors[key];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setProblem(null);
    const made = releaseBody(answers, release === null);
    if (made.errors) {
      setErrors(made.errors);
      focusFirstError(form);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = release
        ? await request<Release>('PUT', `${base}/releases/${encodeURIComponent(release.id)}`, {
            body: made.body,
          })
        : await request<Release>('POST', `${base}/releases`, { body: made.body });
      navigate(releasePath(org, saved.id), {
        state: {
          notice: release
            ? 'The release was computed again. It is a draft.'
            : 'The release is prepared as a draft.',
        },
      });
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error
          : new ApiError('UNEXPECTED', 'The release was not prepared. Try again.', 0),
      );
    } finally {
      setBusy(false);
    }
  }

  const fieldOptions = (chosen: string, list: readonly string[]) => (
    <>
      <option value="">Choose a field</option>
      {[...new Set([...list, ...(chosen ? [chosen] : [])])].map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </>
  );

  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-label={release ? 'Change the release' : 'Prepare a release'}
    >
      <p className="lead">
        The release is computed when you save it: you then see how much it protects people and how much
        information it keeps, before you send it to the data protection officer.
      </p>
      {problem ? (
        <div ref={problemRef} tabIndex={-1}>
          <ErrorAlert
            error={problem}
            title={release ? 'The release was not changed' : 'The release was not prepared'}
          />
        </div>
      ) : null}

      {release ? (
        <p>
          Made from <strong>{release.datasetTitle}</strong>, published as <code>{release.slug}</code>.
        </p>
      ) : (
        <>
          <SelectField
            id={controlId('dataset')}
            label="Register"
            hint="The dataset of your organization the release is made from."
            name="dataset"
            value={answers.dataset}
            onChange={(event) => set({ dataset: event.target.value })}
            error={errorOf('dataset')}
          >
            <option value="">Choose a register</option>
            {datasets.data?.items.map((d) => (
              <option key={d.slug} value={d.slug}>
                {d.title}
              </option>
            ))}
          </SelectField>
          <Status loading={datasets.loading} label="Loading your registers…" />
          {datasets.error ? <ErrorAlert error={datasets.error} /> : null}
        </>
      )}
      <InputField
        id={controlId('title')}
        label="Title"
        hint="What the open dataset is called in the catalog, for example “Residents by age and sex”."
        name="title"
        type="text"
        maxLength={200}
        autoComplete="off"
        value={answers.title}
        onChange={(event) =>
          set({
            title: event.target.value,
            ...(slugTouched ? {} : { slug: slugOf(event.target.value) }),
          })
        }
        error={errorOf('title')}
      />
      {release ? null : (
        <InputField
          id={controlId('slug')}
          label="Address name"
          hint="The last part of the open dataset’s web address: small letters, digits and hyphens."
          name="slug"
          type="text"
          maxLength={60}
          autoComplete="off"
          spellCheck={false}
          value={answers.slug}
          onChange={(event) => {
            setSlugTouched(true);
            set({ slug: event.target.value });
          }}
          error={errorOf('slug')}
        />
      )}
      <TextareaField
        id={controlId('description')}
        label="Description (optional)"
        hint="What the data shows and how it was protected, for the people who will use it."
        name="description"
        maxLength={5000}
        value={answers.description}
        onChange={(event) => set({ description: event.target.value })}
      />

      <RadioGroup
        id={controlId('method')}
        legend="How are people protected?"
        name="method"
        value={answers.method}
        onChange={(value) => set({ method: value as ReleaseAnswers['method'] })}
        options={[
          {
            value: 'microdata',
            label: 'Publish records, generalised',
            hint: 'One row per person, with ages in bands, dates shortened or values removed until every person looks like at least k others.',
          },
          {
            value: 'statistics',
            label: 'Publish counts with random noise',
            hint: 'A table of how many people fall in each combination of categories, each count with a little random noise.',
          },
        ]}
      />

      <Lookups
        id={controlId('lookup')}
        lookups={answers.lookups}
        fields={allFields}
        errors={errors}
        fieldOptions={fieldOptions}
        onChange={(lookups) => set({ lookups })}
      />

      {answers.method === 'microdata' ? (
        <Microdata
          id={id}
          answers={answers}
          fields={fields}
          errors={errors}
          today={today}
          fieldOptions={fieldOptions}
          set={set}
        />
      ) : (
        <Statistics
          id={id}
          answers={answers}
          fields={fields}
          errors={errors}
          today={today}
          fieldOptions={fieldOptions}
          set={set}
        />
      )}

      <div className="button-group">
        <button type="submit" className="button" disabled={busy}>
          {release ? 'Save and compute again' : 'Prepare the release'}
        </button>
        <Link
          className="button button--secondary"
          to={release ? releasePath(org, release.id) : releasesPath(org)}
        >
          Cancel
        </Link>
      </div>
      <Status loading={busy} label="Computing the release…" />
    </form>
  );
}

type FieldOptions = (chosen: string, list: readonly string[]) => ReactNode;

interface SectionProps {
  id: string;
  answers: ReleaseAnswers;
  fields: string[];
  errors: AnswerErrors;
  today: string;
  fieldOptions: FieldOptions;
  set(change: Partial<ReleaseAnswers>): void;
}

function Microdata({ id, answers, fields, errors, today, fieldOptions, set }: SectionProps) {
  const replace = (key: number, change: Partial<QuasiAnswer>) =>
    set({ quasi: answers.quasi.map((q) => (q.key === key ? { ...q, ...change } : q)) });
  return (
    <>
      <h2>Fields that could identify someone</h2>
      <p>
        Fields that are harmless alone but could pick a person out when combined, such as date of birth, sex
        and citizenship. Each is generalised step by step, and removed if needed, until every combination is
        shared by at least k people. Fields you do not list are not published.
      </p>
      {errors.quasi ? <p className="error-message">{errors.quasi}</p> : null}
      {answers.quasi.map((q, index) => {
        const qid = `${id}-quasi-${q.key}`;
        const err = (name: string) => errors[`quasi-${q.key}-${name}`];
        return (
          <fieldset className="form-group fieldset release-part" key={q.key}>
            <legend className="label">Field {index + 1} that could identify someone</legend>
            <SelectField
              id={`${qid}-field`}
              label="Field"
              value={q.field}
              onChange={(event) => replace(q.key, { field: event.target.value })}
              error={err('field')}
            >
              {fieldOptions(q.field, fields)}
            </SelectField>
            <SelectField
              id={`${qid}-kind`}
              label="How it is generalised"
              value={q.kind}
              onChange={(event) => replace(q.key, { kind: event.target.value as GeneralisationKind })}
            >
              {GENERALISATIONS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
              {q.rows ? <option value="table">As in the table given when it was prepared</option> : null}
            </SelectField>
            {q.kind === 'age' ? (
              <InputField
                id={`${qid}-at`}
                label="Ages on"
                hint="The date on which each person’s age is counted."
                type="date"
                className="input input--date"
                value={q.at}
                onChange={(event) => replace(q.key, { at: event.target.value })}
                error={err('at')}
              />
            ) : null}
            {q.kind === 'age' || q.kind === 'intervals' ? (
              <InputField
                id={`${qid}-widths`}
                label={q.kind === 'age' ? 'Age band widths, in years' : 'Band widths'}
                hint="From narrow to wide, each a multiple of the one before, for example 5, 10, 20."
                type="text"
                inputMode="numeric"
                autoComplete="off"
                value={q.widths}
                onChange={(event) => replace(q.key, { widths: event.target.value })}
                error={err('widths')}
              />
            ) : null}
            {q.kind === 'dates' ? (
              <fieldset
                className={`form-group fieldset${err('levels') ? ' form-group--error' : ''}`}
                aria-describedby={err('levels') ? `${qid}-levels-error` : undefined}
              >
                <legend className="label">Shorten the date to</legend>
                {err('levels') ? (
                  <p className="error-message" id={`${qid}-levels-error`}>
                    <span className="visually-hidden">Error:</span> {err('levels')}
                  </p>
                ) : null}
                {DATE_LEVELS.map((level) => (
                  <div className="checkbox" key={level}>
                    <input
                      id={`${qid}-levels-${level}`}
                      type="checkbox"
                      checked={q.levels.includes(level)}
                      onChange={(event) =>
                        replace(q.key, {
                          levels: event.target.checked
                            ? [...q.levels, level]
                            : q.levels.filter((l) => l !== level),
                        })
                      }
                    />
                    <label htmlFor={`${qid}-levels-${level}`}>{DATE_LEVEL_LABELS[level]}</label>
                  </div>
                ))}
              </fieldset>
            ) : null}
            {q.kind === 'mask' ? (
              <InputField
                id={`${qid}-length`}
                label="Most characters hidden (optional)"
                hint="For a postcode, 3 hides at most the last three characters before removing it."
                type="text"
                inputMode="numeric"
                className="input input--short"
                autoComplete="off"
                value={q.length}
                onChange={(event) => replace(q.key, { length: event.target.value })}
                error={err('length')}
              />
            ) : null}
            {answers.quasi.length > 1 ? (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => set({ quasi: answers.quasi.filter((x) => x.key !== q.key) })}
              >
                Remove<span className="visually-hidden"> field {index + 1}</span>
              </button>
            ) : null}
          </fieldset>
        );
      })}
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => set({ quasi: [...answers.quasi, blankQuasi(today)] })}
        >
          Add another field
        </button>
      </p>

      <h2>A sensitive field (optional)</h2>
      <SelectField
        id={`${id}-sensitive`}
        label="Sensitive field"
        hint="A field published as it is, such as a diagnosis. Nobody should learn it by finding a person’s group."
        value={answers.sensitive}
        onChange={(event) => set({ sensitive: event.target.value })}
      >
        <option value="">None</option>
        {fields.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </SelectField>
      {answers.sensitive ? (
        <InputField
          id={`${id}-l`}
          label="Different values in each group, at least (l, optional)"
          hint="l-diversity: every group of people who look alike shows at least this many different values of the sensitive field, so belonging to a group does not give it away."
          type="text"
          inputMode="numeric"
          className="input input--short"
          autoComplete="off"
          value={answers.l}
          onChange={(event) => set({ l: event.target.value })}
          error={errors.l}
        />
      ) : null}

      <h2>How much protection</h2>
      <InputField
        id={`${id}-k`}
        label="k: people who must share every combination"
        hint={`${K_SENTENCE} 5 is common; a higher k protects more and keeps less detail.`}
        type="text"
        inputMode="numeric"
        className="input input--short"
        autoComplete="off"
        value={answers.k}
        onChange={(event) => set({ k: event.target.value })}
        error={errors.k}
      />
      <InputField
        id={`${id}-suppression`}
        label="People who may be left out, in per cent"
        hint="People whose combination is too rare are left out of the release rather than make every other row less detailed. At most 50."
        type="text"
        inputMode="decimal"
        className="input input--short"
        autoComplete="off"
        value={answers.suppression}
        onChange={(event) => set({ suppression: event.target.value })}
        error={errors.suppression}
      />
    </>
  );
}

function Statistics({ id, answers, fields, errors, today, fieldOptions, set }: SectionProps) {
  const replace = (key: number, change: Partial<DimensionAnswer>) =>
    set({ dimensions: answers.dimensions.map((d) => (d.key === key ? { ...d, ...change } : d)) });
  return (
    <>
      <h2>What the table counts people by</h2>
      <p>
        One to four dimensions. The table has a count for every combination of their categories, empty ones
        included, so that a missing row gives nothing away.
      </p>
      {errors.dimensions ? <p className="error-message">{errors.dimensions}</p> : null}
      {answers.dimensions.map((d, index) => {
        const did = `${id}-dimension-${d.key}`;
        const err = (name: string) => errors[`dimension-${d.key}-${name}`];
        return (
          <fieldset className="form-group fieldset release-part" key={d.key}>
            <legend className="label">Dimension {index + 1}</legend>
            <SelectField
              id={`${did}-field`}
              label="Field"
              value={d.field}
              onChange={(event) => replace(d.key, { field: event.target.value })}
              error={err('field')}
            >
              {fieldOptions(d.field, fields)}
            </SelectField>
            <SelectField
              id={`${did}-kind`}
              label="Categories"
              value={d.kind}
              onChange={(event) => replace(d.key, { kind: event.target.value as DimensionAnswer['kind'] })}
            >
              {DIMENSION_KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </SelectField>
            {d.kind === 'categories' ? (
              <>
                <TextareaField
                  id={`${did}-categories`}
                  label="Categories, one on each line"
                  hint="Exactly as the register records them, for example female and male."
                  value={d.categories}
                  onChange={(event) => replace(d.key, { categories: event.target.value })}
                  error={err('categories')}
                />
                <InputField
                  id={`${did}-other`}
                  label="Category for every other value (optional)"
                  hint="For example “other”. Without it, people with another value are not counted."
                  type="text"
                  autoComplete="off"
                  value={d.other}
                  onChange={(event) => replace(d.key, { other: event.target.value })}
                />
              </>
            ) : null}
            {d.kind === 'age-bands' ? (
              <InputField
                id={`${did}-at`}
                label="Ages on"
                hint="The date on which each person’s age is counted."
                type="date"
                className="input input--date"
                value={d.at}
                onChange={(event) => replace(d.key, { at: event.target.value })}
                error={err('at')}
              />
            ) : null}
            {d.kind === 'bands' ? (
              <InputField
                id={`${did}-min`}
                label="First band starts at"
                hint="Smaller values are counted together, as “under” it."
                type="text"
                inputMode="numeric"
                className="input input--short"
                autoComplete="off"
                value={d.min}
                onChange={(event) => replace(d.key, { min: event.target.value })}
                error={err('min')}
              />
            ) : null}
            {d.kind !== 'categories' ? (
              <>
                <InputField
                  id={`${did}-width`}
                  label={d.kind === 'age-bands' ? 'Width of each band, in years' : 'Width of each band'}
                  type="text"
                  inputMode="numeric"
                  className="input input--short"
                  autoComplete="off"
                  value={d.width}
                  onChange={(event) => replace(d.key, { width: event.target.value })}
                  error={err('width')}
                />
                <InputField
                  id={`${did}-max`}
                  label={d.kind === 'age-bands' ? 'Last band: this age and over' : 'Last band: this and over'}
                  type="text"
                  inputMode="numeric"
                  className="input input--short"
                  autoComplete="off"
                  value={d.max}
                  onChange={(event) => replace(d.key, { max: event.target.value })}
                  error={err('max')}
                />
              </>
            ) : null}
            {answers.dimensions.length > 1 ? (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => set({ dimensions: answers.dimensions.filter((x) => x.key !== d.key) })}
              >
                Remove<span className="visually-hidden"> dimension {index + 1}</span>
              </button>
            ) : null}
          </fieldset>
        );
      })}
      {answers.dimensions.length < 4 ? (
        <p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => set({ dimensions: [...answers.dimensions, blankDimension(today)] })}
          >
            Add another dimension
          </button>
        </p>
      ) : null}

      <h2>How much noise</h2>
      <InputField
        id={`${id}-epsilon`}
        label="ε (epsilon)"
        hint={`${EPSILON_SENTENCE} It is spent from the register’s privacy budget, which its data protection officer sets. For example 1, 0.5 or 1/3.`}
        type="text"
        inputMode="decimal"
        className="input input--short"
        autoComplete="off"
        value={answers.epsilon}
        onChange={(event) => set({ epsilon: event.target.value })}
        error={errors.epsilon}
      />
    </>
  );
}

function Lookups({
  id,
  lookups,
  fields,
  errors,
  fieldOptions,
  onChange,
}: {
  id: string;
  lookups: LookupAnswer[];
  fields: string[];
  errors: AnswerErrors;
  fieldOptions: FieldOptions;
  onChange(lookups: LookupAnswer[]): void;
}) {
  const replace = (key: number, change: Partial<LookupAnswer>) =>
    onChange(lookups.map((l) => (l.key === key ? { ...l, ...change } : l)));
  return (
    <>
      <h2>Fields from another dataset (optional)</h2>
      <p>
        Add a field of another dataset through an identifier both share: a resident’s address identifier gives
        the municipality of the address register, for example. The other dataset must be open data or your
        organization’s own. The fields you take can then be used below.
      </p>
      {lookups.map((l, index) => {
        const lid = `${id}-${l.key}`;
        const err = (name: string) => errors[`lookup-${l.key}-${name}`];
        return (
          <fieldset className="form-group fieldset release-part" key={l.key}>
            <legend className="label">Other dataset {index + 1}</legend>
            <SelectField
              id={`${lid}-field`}
              label="Common identifier in this register"
              value={l.field}
              onChange={(event) => replace(l.key, { field: event.target.value })}
              error={err('field')}
            >
              {fieldOptions(l.field, fields)}
            </SelectField>
            <InputField
              id={`${lid}-dataset`}
              label="Other dataset"
              hint="As organization/dataset, for example address-register/addresses."
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={l.dataset}
              onChange={(event) => replace(l.key, { dataset: event.target.value })}
              error={err('dataset')}
            />
            <InputField
              id={`${lid}-take`}
              label="Its fields to add"
              hint="Separated by commas, for example municipality."
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={l.take}
              onChange={(event) => replace(l.key, { take: event.target.value })}
              error={err('take')}
            />
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => onChange(lookups.filter((x) => x.key !== l.key))}
            >
              Remove<span className="visually-hidden"> other dataset {index + 1}</span>
            </button>
          </fieldset>
        );
      })}
      {lookups.length < 5 ? (
        <p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => onChange([...lookups, blankLookup()])}
          >
            Add a field from another dataset
          </button>
        </p>
      ) : null}
    </>
  );
}
