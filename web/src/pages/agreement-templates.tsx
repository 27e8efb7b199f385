/**
 * An organization's agreement templates: terms it offers ready-made for one of its services. A
 * request that keeps them needs only its data steward's approval. Data stewards publish and retire them.
 */
import { type FormEvent, useId, useState } from 'react';
import { daysInWords, type Role, SLUG_PATTERN } from '../../../src/domain/index.ts';
import { legalBasisText } from '../agreement-labels.tsx';
import {
  AgreementTermsFields,
  PurposeSelect,
  readAgreementTerms,
  ServiceSelect,
  wholeNumber,
} from '../agreement-terms.tsx';
import {
  type AgreementTemplate,
  type Page as ApiPage,
  type NewTemplate,
  type Purpose,
  request,
  type Service,
} from '../api.ts';
import { ConfirmPanel } from '../confirm-panel.tsx';
import { useServiceFields } from '../field-picker.tsx';
import { InputField, TextareaField } from '../form.tsx';
import { useConfirmedAction, useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, Status } from '../page.tsx';
import { useApi } from '../use-api.ts';

export function AgreementTemplates({ org, name, roles }: { org: string; name: string; roles: Role[] }) {
  const base = `/api/v1/organizations/${encodeURIComponent(org)}/agreement-templates`;
  const templates = useApi<AgreementTemplate[]>(base);
  const services = useApi<ApiPage<Service>>(
    `/api/v1/organizations/${encodeURIComponent(org)}/services?limit=200`,
  );
  // Only an organization that offers services has terms to offer for them.
  const provides = (services.data?.items.length ?? 0) > 0;
  const steward = roles.includes('data_steward');
  const { confirming, setConfirming, notice, setNotice, problem, busy, act } =
    useConfirmedAction<AgreementTemplate>();

  async function retire(template: AgreementTemplate) {
    await act(
      () =>
        request('POST', `${base}/${encodeURIComponent(template.slug)}/retire`, {
          body: { reason: 'Retired by a data steward in the agency console.' },
        }),
      {
        done: `The template “${template.title}” is retired. Agreements made from it stay as they are.`,
        failed: 'The template was not retired.',
        refresh: templates.reload,
      },
    );
  }

  return (
    <>
      <h2>Templates</h2>
      <p>
        Terms {name} offers ready-made for its services. A request that keeps a template's terms needs only
        the approval of {name}'s data steward.
      </p>
      <p role="status" className="notice">
        {notice}
      </p>
      {problem ? <ErrorAlert error={problem} /> : null}
      {confirming ? (
        <ConfirmRetire
          key={confirming.id}
          template={confirming}
          busy={busy}
          onConfirm={retire}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
      <Status loading={templates.loading} label="Loading templates…" />
      {templates.error ? <ErrorAlert error={templates.error} /> : null}
      {templates.data ? (
        templates.data.length === 0 ? (
          <p>
            {name} has published no templates
            {services.data && !provides ? ': it offers no services through the exchange' : ''}.
          </p>
        ) : (
          <table className="table">
            <caption className="table__caption">Templates of {name}</caption>
            <thead>
              <tr>
                <th scope="col">Template</th>
                <th scope="col">Service and purpose</th>
                <th scope="col">Fields</th>
                <th scope="col">Longest agreement</th>
                <th scope="col">Status</th>
                {steward ? (
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {templates.data.map((template) => (
                <tr key={template.id}>
                  <th scope="row">
                    {template.title}
                    <span className="hint">
                      <code>{template.slug}</code>
                    </span>
                  </th>
                  <td>
                    {template.serviceTitle}, for {template.purposeTitle}
                    <span className="hint">
                      {legalBasisText(template.legalBasis, template.specialCategoryBasis)}
                    </span>
                  </td>
                  <td>{template.fields.join(', ')}</td>
                  <td>
                    {daysInWords(template.maxDurationDays)}
                    <span className="hint">Data kept at most {daysInWords(template.retentionDays)}</span>
                  </td>
                  <td>
                    <strong className={template.status === 'published' ? 'tag tag--open' : 'tag tag--grey'}>
                      {template.status === 'published' ? 'Published' : 'Retired'}
                    </strong>
                    {template.emergency ? (
                      <span className="hint">For emergencies: in force at once while one is declared</span>
                    ) : null}
                  </td>
                  {steward ? (
                    <td>
                      {template.status === 'published' ? (
                        <button
                          type="button"
                          className="button button--warning button--small"
                          onClick={() => setConfirming(template)}
                        >
                          Retire<span className="visually-hidden"> template {template.title}</span>
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {steward && provides ? (
        <PublishTemplate
          org={org}
          name={name}
          services={services.data?.items ?? []}
          onPublished={(template) => {
            setNotice(
              `The template “${template.title}” is published. Other organizations can request data with it.`,
            );
            templates.reload();
          }}
        />
      ) : null}
    </>
  );
}

function ConfirmRetire({
  template,
  busy,
  onConfirm,
  onCancel,
}: {
  template: AgreementTemplate;
  busy: boolean;
  onConfirm(template: AgreementTemplate): void;
  onCancel(): void;
}) {
  return (
    <ConfirmPanel
      heading={<>Retire the template “{template.title}”?</>}
      level={3}
      confirmLabel="Yes, retire it"
      busy={busy}
      onConfirm={() => onConfirm(template)}
      onCancel={onCancel}
    >
      <p>Nobody can request data with it any more. Agreements already made from it stay in force.</p>
    </ConfirmPanel>
  );
}

type TemplateErrors = Partial<
  Record<
    'slug' | 'title' | 'service' | 'purpose' | 'fields' | 'special' | 'maxDurationDays' | 'retentionDays',
    string
  >
>;

const SLUG = new RegExp(SLUG_PATTERN);

function PublishTemplate({
  org,
  name,
  services,
  onPublished,
}: {
  org: string;
  name: string;
  services: Service[];
  onPublished(template: AgreementTemplate): void;
}) {
  const purposes = useApi<ApiPage<Purpose>>('/api/v1/purposes?limit=200');
  const [service, setService] = useState('');
  const [purpose, setPurpose] = useState('');
  const [fields, setFields] = useState<Set<string>>(new Set());
  const { errors, problem, busy, submit } = useFormSubmit<TemplateErrors>();
  const serviceFields = useServiceFields(org, service);
  const chosenPurpose = purposes.data?.items.find((p) => p.slug === purpose);
  const special =
    serviceFields.fields?.some((f) => fields.has(f.name) && f.sensitivity === 'special') ?? false;
  const id = useId();
  const ids = {
    slug: `${id}-slug`,
    title: `${id}-title`,
    description: `${id}-description`,
    service: `${id}-service`,
    purpose: `${id}-purpose`,
    maxDurationDays: `${id}-duration`,
    emergency: `${id}-emergency`,
  };

  async function publish(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const found: TemplateErrors = {};
    const slug = text('slug');
    if (!SLUG.test(slug))
      found.slug = 'Enter a short name of lower-case letters, digits and dashes, like person-for-housing';
    if (!text('title')) found.title = 'Enter a title';
    if (!service) found.service = 'Choose the service';
    if (!purpose) found.purpose = 'Choose the purpose';
    if (fields.size === 0) found.fields = 'Choose at least one field';
    const { terms, errors: termErrors } = readAgreementTerms(data, special);
    if (termErrors.special) found.special = termErrors.special;
    const maxDurationDays = wholeNumber(data.get('maxDurationDays'), 1, 3650);
    if (maxDurationDays === null) found.maxDurationDays = 'Enter a whole number of days from 1 to 3650';
    if (termErrors.retentionDays) found.retentionDays = termErrors.retentionDays;
    const body: NewTemplate = {
      slug,
      title: text('title'),
      description: text('description'),
      service,
      purpose,
      fields: [...fields],
      maxDurationDays: maxDurationDays!,
      retentionDays: terms.retentionDays!,
      onwardSharing: terms.onwardSharing,
      safeguards: terms.safeguards,
      emergency: data.get('emergency') === 'on',
      ...(terms.specialCategoryBasis ? { specialCategoryBasis: terms.specialCategoryBasis } : {}),
    };
    await submit(element, found, {
      send: () =>
        request<AgreementTemplate>(
          'POST',
          `/api/v1/organizations/${encodeURIComponent(org)}/agreement-templates`,
          { body },
        ),
      reset: true,
      done: (template) => {
        setService('');
        setPurpose('');
        setFields(new Set());
        onPublished(template);
      },
      failed: 'The template was not published.',
    });
  }

  return (
    <form className="form" onSubmit={publish} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Publish a template</h3>
      {problem ? <ErrorAlert error={problem} title="The template was not published" /> : null}
      <InputField
        id={ids.title}
        label="Title"
        hint="What it offers, for example “Residents for the social housing register”."
        name="title"
        type="text"
        maxLength={200}
        autoComplete="off"
        error={errors.title}
      />
      <InputField
        id={ids.slug}
        label="Short name"
        hint="Used in links and by systems: lower-case letters, digits and dashes."
        name="slug"
        type="text"
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        error={errors.slug}
      />
      <TextareaField
        id={ids.description}
        label="Description"
        hint="Who it is for and why."
        name="description"
        maxLength={5000}
      />
      <ServiceSelect
        id={ids.service}
        services={services}
        providerName={name}
        value={service}
        onChange={(slug) => {
          setService(slug);
          setFields(new Set());
        }}
        error={errors.service}
      />
      <PurposeSelect
        id={ids.purpose}
        purposes={purposes.data?.items}
        value={purpose}
        onChange={setPurpose}
        hint="The registered reason the receiving organization needs the data for."
        error={errors.purpose}
      />
      <AgreementTermsFields
        id={id}
        serviceFields={serviceFields}
        showFields={service !== ''}
        fields={fields}
        onFieldsChange={setFields}
        fieldsHint="The fields every request from this template may receive, and no more."
        special={special ? { defaultValue: chosenPurpose?.specialCategoryBasis ?? '' } : null}
        period={
          <InputField
            id={ids.maxDurationDays}
            label="Longest agreement, in days"
            hint="An agreement from this template ends at the latest this many days after it starts."
            name="maxDurationDays"
            type="text"
            inputMode="numeric"
            className="input input--short"
            defaultValue="365"
            error={errors.maxDurationDays}
          />
        }
        retention={{ label: 'How long the data may be kept, in days', defaultValue: '365' }}
        onward={{ legend: 'May the receiving organization pass the data on to others?', defaultValue: 'no' }}
        safeguards={{
          label: 'Safeguards',
          hint: 'What the receiving organization must do to protect the data.',
        }}
        errors={errors}
      />
      <div className="form-group">
        <div className="choice">
          <input
            id={ids.emergency}
            type="checkbox"
            name="emergency"
            aria-describedby={`${ids.emergency}-hint`}
          />
          <label htmlFor={ids.emergency}>For emergencies</label>
          <span className="choice__hint" id={`${ids.emergency}-hint`}>
            While a platform administrator has declared an emergency, a request from this template is in force
            at once and approved afterwards; it ends with the emergency.
          </span>
        </div>
      </div>
      <button type="submit" className="button" disabled={busy}>
        Publish template
      </button>
    </form>
  );
}
