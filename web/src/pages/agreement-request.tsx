/**
 * "Request data from another organization": from one of the provider's published templates, or from
 * scratch (service, purpose, fields, end date, retention, onward sharing, safeguards); saved as a
 * draft or sent for approval at once.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  APPROVAL_PARTIES,
  daysInWords,
  endDateProblem,
  endOfDay,
  requiredApprovals,
  type Sensitivity,
} from '../../../src/domain/index.ts';
import { FieldTermsTable, legalBasisText } from '../agreement-labels.tsx';
import {
  AgreementTermsFields,
  PurposeSelect,
  readAgreementTerms,
  ServiceSelect,
} from '../agreement-terms.tsx';
import {
  type Agreement,
  type AgreementRequest,
  type AgreementTemplate,
  ApiError,
  type Page as ApiPage,
  type Organization,
  type Purpose,
  request,
  type Service,
  withQuery,
} from '../api.ts';
import { useServiceFields } from '../field-picker.tsx';
import { dateInputValue, focusFirstError, InputField, RadioGroup, SelectField } from '../form.tsx';
import { useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, Page, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi } from '../use-api.ts';
import { agreementPath, agreementsPath } from './agreements.tsx';
import { Refusal } from './refusal.tsx';

const DAY_MS = 86_400_000;

/** What the agreement page says first after a request is saved or sent. */
export interface RequestNotice {
  notice: string;
}

function noticeFor(agreement: Agreement): string {
  switch (agreement.status) {
    case 'draft':
      return 'Your request is saved as a draft. Nobody else sees it until you send it for approval.';
    case 'active':
      return agreement.emergency
        ? `The agreement is in force at once, under the emergency “${agreement.emergency.name}”. The approvals are collected afterwards.`
        : 'The agreement is in force.';
    default:
      return `Your request is sent to ${agreement.providerName}. It is in force once everyone listed under “Who must approve” has approved it.`;
  }
}

export function RequestAgreementPage() {
  const { org = '' } = useParams();
  const navigate = useNavigate();
  const organization = useApi<Organization>(`/api/v1/organizations/${encodeURIComponent(org)}`);
  const organizations = useApi<ApiPage<Organization>>('/api/v1/organizations?limit=200');
  // A link from a dataset's page ("Request access") names the provider and, when it has one, the service.
  const [params] = useSearchParams();
  const prefill = useRef({
    provider: params.get('provider') ?? '',
    service: params.get('service') ?? '',
  });
  const [provider, setProvider] = useState(prefill.current.provider === org ? '' : prefill.current.provider);
  const [start, setStart] = useState('');
  const [scratchService, setScratchService] = useState('');
  const templates = useApi<AgreementTemplate[]>(
    provider ? withQuery('/api/v1/agreement-templates', { provider }) : null,
  );
  // Once the provider's templates are known, a prefilled service starts from its template if it has one.
  useEffect(() => {
    const wanted = prefill.current;
    if (!wanted.service || !templates.data || provider !== wanted.provider) return;
    const match = templates.data.find((t) => t.service === wanted.service && !t.emergency);
    setStart(match ? match.slug : 'scratch');
    if (!match) setScratchService(wanted.service);
    wanted.service = '';
  }, [templates.data, provider]);
  const name = organization.data?.name ?? org;
  const providerName = organizations.data?.items.find((o) => o.slug === provider)?.name ?? provider;
  const template = templates.data?.find((t) => t.slug === start);
  const fromScratch = start === 'scratch' || templates.data?.length === 0;
  const id = useId();

  async function send(body: AgreementRequest): Promise<ApiError | null> {
    try {
      const agreement = await request<Agreement>(
        'POST',
        `/api/v1/organizations/${encodeURIComponent(org)}/agreements`,
        { body },
      );
      navigate(agreementPath(org, agreement.id), {
        state: { notice: noticeFor(agreement) } satisfies RequestNotice,
      });
      return null;
    } catch (error) {
      return error instanceof ApiError
        ? error
        : new ApiError('UNEXPECTED', 'The request was not saved. Try again.', 0);
    }
  }

  return (
    <Page title="Request data from another organization" caption={name}>
      <p className="lead">
        Say whose data you need, which fields, why and for how long. The organization that holds the data
        approves it, and only then can your systems receive it.
      </p>
      <p>
        <Link to={agreementsPath(org)}>Back to the agreements of {name}</Link>
      </p>
      <Status loading={organizations.loading} label="Loading organizations…" />
      {organizations.error ? <Refusal error={organizations.error} /> : null}
      <SelectField
        id={`${id}-provider`}
        label="Which organization holds the data?"
        value={provider}
        onChange={(event) => {
          setProvider(event.currentTarget.value);
          setStart('');
          setScratchService('');
          prefill.current.service = '';
        }}
      >
        <option value="">Choose an organization</option>
        {organizations.data?.items
          .filter((o) => o.slug !== org)
          .map((o) => (
            <option key={o.slug} value={o.slug}>
              {o.name}
            </option>
          ))}
      </SelectField>

      {provider ? (
        <>
          <Status loading={templates.loading} label="Loading the templates…" />
          {templates.error ? <ErrorAlert error={templates.error} /> : null}
          {templates.data && templates.data.length > 0 ? (
            <RadioGroup
              id={`${id}-start`}
              legend="How do you want to start?"
              hint={`${providerName} offers these terms ready-made. Keeping them means only its data steward needs to approve.`}
              name="start"
              value={start}
              onChange={setStart}
              options={[
                ...templates.data.map((t) => ({
                  value: t.slug,
                  label: t.title,
                  hint: `${t.serviceTitle}, for ${t.purposeTitle.toLowerCase()}. Fields: ${t.fields.join(', ')}.${
                    t.emergency ? ' For emergencies: in force at once while an emergency is declared.' : ''
                  }`,
                })),
                {
                  value: 'scratch',
                  label: 'Describe what you need yourself',
                  hint: 'Choose the service, the purpose and the fields. More people must approve it.',
                },
              ]}
            />
          ) : null}
          {templates.data?.length === 0 ? (
            <p>{providerName} offers no ready-made terms. Describe what you need.</p>
          ) : null}
        </>
      ) : null}

      {template ? (
        <TemplateRequest key={template.id} template={template} providerName={providerName} onSend={send} />
      ) : null}
      {provider && fromScratch ? (
        <ScratchRequest
          key={provider}
          org={org}
          initialService={scratchService}
          name={name}
          provider={provider}
          providerName={providerName}
          onSend={send}
        />
      ) : null}
    </Page>
  );
}

/** The "send" and "save as draft" buttons; which one was pressed decides `submit`. */
function SendButtons({ busy }: { busy: boolean }) {
  return (
    <div className="button-group">
      <button type="submit" name="intent" value="send" className="button" disabled={busy}>
        Send for approval
      </button>
      <button type="submit" name="intent" value="draft" className="button button--secondary" disabled={busy}>
        Save as draft
      </button>
    </div>
  );
}

function intentOf(event: FormEvent<HTMLFormElement>): boolean {
  const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
  return submitter?.value !== 'draft';
}

const END_DATE_ERRORS = {
  missing: 'Enter the date the agreement ends',
  'not-a-date': 'Enter a real date',
  past: 'The end date must be in the future',
} as const;

function endDateError(date: string, required: boolean): string | undefined {
  const problem = endDateProblem(date, Date.now());
  if (problem === null || (problem === 'missing' && !required)) return undefined;
  return END_DATE_ERRORS[problem];
}

function TemplateRequest({
  template,
  providerName,
  onSend,
}: {
  template: AgreementTemplate;
  providerName: string;
  onSend(body: AgreementRequest): Promise<ApiError | null>;
}) {
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const latest = dateInputValue(new Date(Date.now() + template.maxDurationDays * DAY_MS));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const date = String(new FormData(element).get('validUntil') ?? '');
    const found = endDateError(date, false);
    setError(found);
    setProblem(null);
    if (found) {
      focusFirstError(element);
      return;
    }
    setBusy(true);
    const refused = await onSend({
      provider: template.provider,
      service: template.service,
      template: template.slug,
      submit: intentOf(event),
      ...(date ? { validUntil: endOfDay(date) } : {}),
    });
    setProblem(refused);
    setBusy(false);
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{template.title}</h2>
      {problem ? <ErrorAlert error={problem} title="Your request was not accepted" /> : null}
      {template.description ? <p>{template.description}</p> : null}
      <SummaryList>
        <SummaryRow term="Data from">{providerName}</SummaryRow>
        <SummaryRow term="Service">{template.serviceTitle}</SummaryRow>
        <SummaryRow term="Purpose">{template.purposeTitle}</SummaryRow>
        <SummaryRow term="Legal basis">
          {legalBasisText(template.legalBasis, template.specialCategoryBasis)}
        </SummaryRow>
        <SummaryRow term="Lasts at most">{daysInWords(template.maxDurationDays)}</SummaryRow>
        <SummaryRow term="You may keep the data for">{daysInWords(template.retentionDays)}</SummaryRow>
        <SummaryRow term="Passing the data on">
          {template.onwardSharing ? 'Allowed, under your own agreements' : 'Not allowed'}
        </SummaryRow>
        <SummaryRow term="Safeguards">{template.safeguards || 'None stated'}</SummaryRow>
        {template.emergency ? (
          <SummaryRow term="In an emergency">
            While an emergency is declared, a request is in force at once and approved afterwards. It ends
            with the emergency.
          </SummaryRow>
        ) : null}
      </SummaryList>
      <FieldTermsTable fields={template.fieldTerms} caption="Fields you will receive" />
      <p>
        Because you keep these terms, only the data steward of {providerName} needs to approve your request.
      </p>
      <InputField
        id={`${id}-until`}
        label="End date (optional)"
        hint={`Leave it empty to use the longest the template allows: ${formatDate(latest)}. A later date changes the terms, and more people must approve it.`}
        name="validUntil"
        type="date"
        className="input input--date"
        error={error}
      />
      <SendButtons busy={busy} />
    </form>
  );
}

type ScratchErrors = Partial<
  Record<'service' | 'purpose' | 'fields' | 'special' | 'validUntil' | 'retentionDays', string>
>;

function ScratchRequest({
  org,
  initialService,
  name,
  provider,
  providerName,
  onSend,
}: {
  org: string;
  /** The service to start with, when the request comes from a dataset's page. */
  initialService: string;
  name: string;
  provider: string;
  providerName: string;
  onSend(body: AgreementRequest): Promise<ApiError | null>;
}) {
  const services = useApi<ApiPage<Service>>(
    `/api/v1/organizations/${encodeURIComponent(provider)}/services?limit=200`,
  );
  const purposes = useApi<ApiPage<Purpose>>(withQuery('/api/v1/purposes', { organization: org, limit: 200 }));
  const [service, setService] = useState(initialService);
  const [purpose, setPurpose] = useState('');
  const [fields, setFields] = useState<Set<string>>(new Set());
  const { errors, problem, busy, submit: sendForm } = useFormSubmit<ScratchErrors>();
  const serviceFields = useServiceFields(provider, service);
  const chosenPurpose = purposes.data?.items.find((p) => p.slug === purpose);
  const sensitivities: Sensitivity[] =
    serviceFields.fields?.filter((f) => fields.has(f.name)).map((f) => f.sensitivity) ?? [];
  const special = sensitivities.includes('special');
  const approvers = requiredApprovals(sensitivities, false).map((party) => APPROVAL_PARTIES[party].label);
  const id = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const found: ScratchErrors = {};
    if (!service) found.service = 'Choose the service';
    if (!purpose) found.purpose = 'Choose the purpose';
    if (fields.size === 0) found.fields = 'Choose at least one field';
    const { terms, errors: termErrors } = readAgreementTerms(data, special);
    if (termErrors.special) found.special = termErrors.special;
    const date = text('validUntil');
    found.validUntil = endDateError(date, true);
    if (termErrors.retentionDays) found.retentionDays = termErrors.retentionDays;
    const { safeguards, specialCategoryBasis } = terms;
    const body: AgreementRequest = {
      provider,
      service,
      purpose,
      fields: [...fields],
      validUntil: endOfDay(date),
      retentionDays: terms.retentionDays!,
      onwardSharing: terms.onwardSharing,
      ...(safeguards ? { safeguards } : {}),
      ...(specialCategoryBasis ? { specialCategoryBasis } : {}),
      submit: intentOf(event),
    };
    await sendForm(element, found, {
      send: async () => {
        const refused = await onSend(body);
        if (refused) throw refused;
      },
      failed: 'Your request was not accepted.',
    });
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>What you need from {providerName}</h2>
      {problem ? <ErrorAlert error={problem} title="Your request was not accepted" /> : null}
      <Status loading={services.loading || purposes.loading} label="Loading services and purposes…" />
      {services.error ? <ErrorAlert error={services.error} /> : null}
      {purposes.error ? <ErrorAlert error={purposes.error} /> : null}
      <ServiceSelect
        id={`${id}-service`}
        services={services.data?.items}
        providerName={providerName}
        value={service}
        onChange={(slug) => {
          setService(slug);
          setFields(new Set());
        }}
        hint="How the data is reached through the exchange."
        error={errors.service}
      />
      {purposes.data?.items.length === 0 ? (
        <p>
          {name} has no registered purposes yet. Your data protection officer or administrator registers them.
        </p>
      ) : null}
      <PurposeSelect
        id={`${id}-purpose`}
        purposes={purposes.data?.items}
        value={purpose}
        onChange={setPurpose}
        hint={`Why ${name} needs the data: one of its registered purposes.`}
        error={errors.purpose}
      />
      <AgreementTermsFields
        id={id}
        serviceFields={serviceFields}
        showFields={service !== ''}
        fields={fields}
        onFieldsChange={setFields}
        special={special ? { defaultValue: chosenPurpose?.specialCategoryBasis ?? '' } : null}
        period={
          <InputField
            id={`${id}-until`}
            label="End date"
            hint="The last day the agreement is in force."
            name="validUntil"
            type="date"
            className="input input--date"
            error={errors.validUntil}
          />
        }
        retention={{
          label: 'How long you may keep the data, in days',
          hint: 'Counted from when you receive it, for example 365 for a year.',
        }}
        onward={{ legend: `May ${name} pass the data on to others?`, defaultValue: 'no' }}
        safeguards={{
          label: 'Safeguards (optional)',
          hint: 'What you will do to protect the data: who may see it, how it is stored, when it is deleted.',
        }}
        errors={errors}
      />
      <h3>Who must approve</h3>
      <ul className="list list--bullet">
        {approvers.map((label) => (
          <li key={label}>{label}</li>
        ))}
      </ul>
      <p className="hint">When you send the request as a data steward, your own approval is given with it.</p>
      <SendButtons busy={busy} />
    </form>
  );
}
