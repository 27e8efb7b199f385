/**
 * One agreement, as its parties see it in the agency console: the terms, the fields with their
 * sensitivity, who must approve and who has, what happened (who, when, what, why), its versions,
 * and the actions the person's roles allow now.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import {
  AGREEMENT_ACTION_REASONS,
  type AgreementAction,
  agreementActionApplies,
  daysInWords,
  endDateProblem,
  endOfDay,
  mayTakeAgreementAction,
  secondsInWords,
} from '../../../src/domain/index.ts';
import {
  AGREEMENT_STATUS_LABELS,
  AgreementStatusTag,
  EmergencyBanner,
  FieldTermsTable,
  legalBasisText,
} from '../agreement-labels.tsx';
import { AgreementTermsFields, readAgreementTerms } from '../agreement-terms.tsx';
import {
  type Agreement,
  type AgreementAmendment,
  type AgreementDetail,
  type AgreementEvent,
  type ApiError,
  type ApprovalQueue,
  asApiError,
  type RoleGrant,
  request,
} from '../api.ts';
import { useServiceFields } from '../field-picker.tsx';
import { dateInputValue, focusFirstError, InputField, TextareaField } from '../form.tsx';
import { useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, formatDateTime, Page, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useSession } from '../session.tsx';
import { useApi } from '../use-api.ts';
import type { RequestNotice } from './agreement-request.tsx';
import { agreementPath, agreementsPath } from './agreements.tsx';
import { Refusal } from './refusal.tsx';

type Move = Exclude<AgreementAction, 'amend'>;

interface MoveCopy {
  button: string;
  heading: string;
  explain: string;
  confirm: string;
  done: string;
  failed: string;
  warning?: boolean;
}

const MOVES: Record<Move, MoveCopy> = {
  approve: {
    button: 'Approve',
    heading: 'Approve this agreement?',
    explain:
      'Approve it only if the purpose, the fields, the dates and the safeguards are right. It is in force once everyone listed has approved it.',
    confirm: 'Approve the agreement',
    done: 'Your approval is recorded.',
    failed: 'Your approval was not recorded',
  },
  reject: {
    button: 'Turn down',
    heading: 'Turn this agreement down?',
    explain: 'No data flows under it. The requester sees your reason.',
    confirm: 'Turn it down',
    done: 'The agreement is turned down.',
    failed: 'The agreement was not turned down',
    warning: true,
  },
  submit: {
    button: 'Send for approval',
    heading: 'Send this request for approval?',
    explain: 'The people listed under “Who must approve” are asked to approve it.',
    confirm: 'Send for approval',
    done: 'The request is sent for approval.',
    failed: 'The request was not sent',
  },
  withdraw: {
    button: 'Withdraw',
    heading: 'Withdraw this request?',
    explain: 'Nobody can approve it any more. To ask again, make a new request.',
    confirm: 'Withdraw the request',
    done: 'The request is withdrawn.',
    failed: 'The request was not withdrawn',
    warning: true,
  },
  suspend: {
    button: 'Pause',
    heading: 'Pause this agreement?',
    explain: 'No data flows under it from the next call until it is resumed.',
    confirm: 'Pause the agreement',
    done: 'The agreement is paused. No data flows under it from the next call.',
    failed: 'The agreement was not paused',
    warning: true,
  },
  resume: {
    button: 'Resume',
    heading: 'Resume this agreement?',
    explain: 'Data flows again under its terms from the next call.',
    confirm: 'Resume the agreement',
    done: 'The agreement is in force again.',
    failed: 'The agreement was not resumed',
  },
  expire: {
    button: 'End today',
    heading: 'End this agreement today?',
    explain: 'It ends now, as if its end date had come. No data flows under it from the next call.',
    confirm: 'End the agreement',
    done: 'The agreement has ended.',
    failed: 'The agreement was not ended',
    warning: true,
  },
  revoke: {
    button: 'Revoke',
    heading: 'Revoke this agreement?',
    explain: 'It ends now: no data flows under it from the next call. This cannot be undone.',
    confirm: 'Revoke the agreement',
    done: 'The agreement is revoked. No data flows under it from the next call.',
    failed: 'The agreement was not revoked',
    warning: true,
  },
};

const ACTION_ORDER: AgreementAction[] = [
  'approve',
  'reject',
  'submit',
  'withdraw',
  'amend',
  'suspend',
  'resume',
  'expire',
  'revoke',
];

/**
 * The actions to offer: those the agreement's status allows and the person's roles on either side
 * permit (domain/agreement.ts); approving and turning down only when the API lists the agreement
 * as waiting for this person.
 */
export function offeredActions(
  agreement: Agreement,
  grants: readonly RoleGrant[],
  waiting: boolean,
): AgreementAction[] {
  const rolesAt = (slug: string) => grants.filter((g) => g.organization === slug).map((g) => g.role);
  const provider = rolesAt(agreement.provider);
  const consumer = rolesAt(agreement.consumer);
  const admin = grants.some((g) => g.role === 'platform_admin');
  return ACTION_ORDER.filter((action) => {
    if (!agreementActionApplies(agreement.status, action)) return false;
    if (action === 'approve' || action === 'reject') return waiting;
    return mayTakeAgreementAction(action, { provider, consumer, platformAdmin: admin });
  });
}

const HISTORY_LABELS: Record<string, string> = {
  request: 'Requested',
  submit: 'Sent for approval',
  approve: 'Approved',
  reject: 'Turned down',
  withdraw: 'Withdrawn',
  suspend: 'Paused',
  resume: 'Resumed',
  revoke: 'Revoked',
  expire: 'Ended',
  amend: 'New terms proposed',
  supersede: 'Replaced by a newer version',
};

/** "approve (version 2)" → "Approved (version 2)". */
function historyLabel(action: string): string {
  const [, verb = action, version] = /^(\w+)(?: \(version (\d+)\))?$/.exec(action) ?? [];
  const label = HISTORY_LABELS[verb] ?? verb;
  return version ? `${label} (version ${version})` : label;
}

export function AgreementPage() {
  const { id = '' } = useParams();
  // A new version is a new page: its form state and notices start afresh.
  return <AgreementOfVersion key={id} />;
}

function AgreementOfVersion() {
  const { org = '', id = '' } = useParams();
  const location = useLocation();
  const { session } = useSession();
  const base = `/api/v1/organizations/${encodeURIComponent(org)}`;
  const endpoint = `${base}/agreements/${encodeURIComponent(id)}`;
  const detail = useApi<AgreementDetail>(endpoint);
  const queue = useApi<ApprovalQueue>(`${base}/approvals`);
  const [notice, setNotice] = useState((location.state as RequestNotice | null)?.notice ?? '');
  const [chosen, setChosen] = useState<AgreementAction | null>(null);
  const noticeElement = useRef<HTMLParagraphElement>(null);
  const a = detail.data?.agreement;
  const grants = session?.signedIn ? session.roles : [];
  const waiting = queue.data?.waiting.some((w) => w.agreement.id === id) ?? false;
  const actions = a && !queue.loading ? offeredActions(a, grants, waiting) : [];

  function done(message: string) {
    setChosen(null);
    setNotice(message);
    detail.reload();
    queue.reload();
    noticeElement.current?.focus();
  }

  return (
    <Page
      title={a ? a.purposeTitle : 'Agreement'}
      caption={a ? `Data-sharing agreement, version ${a.version}` : undefined}
    >
      <p>
        <Link to={agreementsPath(org)}>Back to all agreements</Link>
      </p>
      <Status loading={detail.loading} label="Loading the agreement…" />
      {detail.error ? <Refusal error={detail.error} /> : null}
      <p role="status" className="notice" ref={noticeElement} tabIndex={-1}>
        {notice}
      </p>
      {a && detail.data ? (
        <>
          <p className="lead">
            {a.providerName} gives {a.consumerName} data from its service “{a.serviceTitle}”.
          </p>
          <SummaryList>
            <SummaryRow term="Status">
              <AgreementStatusTag status={a.status} />
              {a.statusReason ? <span className="hint">Why: {a.statusReason}</span> : null}
            </SummaryRow>
          </SummaryList>
          {a.emergency ? <EmergencyBanner emergency={a.emergency} /> : null}

          {actions.length > 0 ? (
            <>
              <h2>What you can do</h2>
              <div className="button-group">
                {actions.map((action) => (
                  <button
                    key={action}
                    type="button"
                    className={
                      action === 'approve' || action === 'submit'
                        ? 'button'
                        : MOVES[action as Move]?.warning
                          ? 'button button--warning'
                          : 'button button--secondary'
                    }
                    aria-expanded={chosen === action}
                    onClick={() => setChosen(chosen === action ? null : action)}
                  >
                    {action === 'amend' ? 'Propose new terms' : MOVES[action].button}
                  </button>
                ))}
              </div>
              {chosen === 'amend' ? (
                <AmendPanel org={org} agreement={a} endpoint={endpoint} onCancel={() => setChosen(null)} />
              ) : chosen ? (
                <MovePanel
                  key={chosen}
                  move={chosen}
                  endpoint={endpoint}
                  onDone={done}
                  onCancel={() => setChosen(null)}
                />
              ) : null}
            </>
          ) : null}

          <Terms agreement={a} />
          <h2>Fields</h2>
          <FieldTermsTable fields={a.fieldTerms} caption={`Fields ${a.consumerName} receives`} />
          <Approvals agreement={a} />
          <History events={detail.data.history} />
          <Versions org={org} current={a} versions={detail.data.versions} />
        </>
      ) : null}
    </Page>
  );
}

function Terms({ agreement: a }: { agreement: Agreement }) {
  return (
    <>
      <h2>Terms</h2>
      <SummaryList>
        <SummaryRow term="Data from">{a.providerName}</SummaryRow>
        <SummaryRow term="Data to">{a.consumerName}</SummaryRow>
        <SummaryRow term="Service">{a.serviceTitle}</SummaryRow>
        <SummaryRow term="Purpose">{a.purposeTitle}</SummaryRow>
        <SummaryRow term="Legal basis">{legalBasisText(a.legalBasis, a.specialCategoryBasis)}</SummaryRow>
        <SummaryRow term="In force">
          {a.activatedAt
            ? `From ${formatDate(a.activatedAt)}`
            : `Not yet; from ${formatDate(a.validFrom)} at the earliest`}
          {a.endedAt ? `, until it ended on ${formatDate(a.endedAt)}` : ` until ${formatDate(a.validUntil)}`}
        </SummaryRow>
        <SummaryRow term="Data may be kept for">{daysInWords(a.retentionDays)}</SummaryRow>
        <SummaryRow term="Passing the data on">
          {a.onwardSharing ? 'Allowed, under its own agreements' : 'Not allowed'}
        </SummaryRow>
        <SummaryRow term="Safeguards">{a.safeguards || 'None stated'}</SummaryRow>
        <SummaryRow term="Most calls">
          {a.rateLimitPerMinute ? `${a.rateLimitPerMinute} a minute` : "The exchange's usual limit"}
          {a.quotaPerDay ? `, ${a.quotaPerDay} a day` : ''}
        </SummaryRow>
        <SummaryRow term="Made from">
          {a.template ? (
            <>
              The template “{a.templateTitle ?? a.template}” of {a.providerName}
            </>
          ) : (
            'Terms of its own, not a template'
          )}
        </SummaryRow>
        {a.timeToShareSeconds !== null ? (
          <SummaryRow term="From request to in force">{secondsInWords(a.timeToShareSeconds)}</SummaryRow>
        ) : null}
      </SummaryList>
    </>
  );
}

function Approvals({ agreement: a }: { agreement: Agreement }) {
  const nameOf = (slug: string) =>
    slug === a.provider ? a.providerName : slug === a.consumer ? a.consumerName : slug;
  return (
    <>
      <h2>Who must approve</h2>
      {a.approvals.length === 0 ? (
        <p>No approvals are needed.</p>
      ) : (
        <table className="table">
          <caption className="table__caption">Approvals of this agreement</caption>
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col">Decision</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col">Comment</th>
            </tr>
          </thead>
          <tbody>
            {a.approvals.map((approval) => (
              <tr key={approval.party}>
                <th scope="row">
                  {approval.label}
                  <span className="hint">{nameOf(approval.organization)}</span>
                </th>
                <td>
                  {approval.decision === 'approved' ? (
                    <strong className="tag tag--open">Approved</strong>
                  ) : approval.decision === 'rejected' ? (
                    <strong className="tag tag--personal">Turned down</strong>
                  ) : (
                    <strong className="tag tag--grey">Not yet</strong>
                  )}
                </td>
                <td>{approval.decidedBy ?? '—'}</td>
                <td>{formatDateTime(approval.decidedAt)}</td>
                <td>{approval.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function History({ events }: { events: AgreementEvent[] }) {
  return (
    <>
      <h2>History</h2>
      <table className="table">
        <caption className="table__caption">What happened to this agreement, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">Why</th>
            <th scope="col">Ledger entry</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the history is append-only
            <tr key={index}>
              <td>{formatDateTime(event.at)}</td>
              <th scope="row">
                {historyLabel(event.action)}
                <span className="hint">Now: {AGREEMENT_STATUS_LABELS[event.toStatus].toLowerCase()}</span>
              </th>
              <td>{event.actor === 'govdx' ? 'govdx, by itself' : event.actor}</td>
              <td>{event.reason ?? '—'}</td>
              <td>{event.ledgerIndex === null ? '—' : `No. ${event.ledgerIndex}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Versions({
  org,
  current,
  versions,
}: {
  org: string;
  current: Agreement;
  versions: AgreementDetail['versions'];
}) {
  if (versions.length < 2) return null;
  return (
    <>
      <h2>Versions</h2>
      <ul className="list">
        {versions.map((v) => (
          <li key={v.id}>
            {v.id === current.id ? (
              <strong aria-current="page">Version {v.version} (this page)</strong>
            ) : (
              <Link to={agreementPath(org, v.id)}>Version {v.version}</Link>
            )}{' '}
            — {AGREEMENT_STATUS_LABELS[v.status]}, made {formatDate(v.createdAt)}
          </li>
        ))}
      </ul>
    </>
  );
}

function MovePanel({
  move,
  endpoint,
  onDone,
  onCancel,
}: {
  move: Move;
  endpoint: string;
  onDone(message: string): void;
  onCancel(): void;
}) {
  const copy = MOVES[move];
  // Which moves ask for a reason is the domain's rule, the same the API enforces.
  const reasonAsked = AGREEMENT_ACTION_REASONS[move];
  const heading = useRef<HTMLHeadingElement>(null);
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  useEffect(() => heading.current?.focus(), []);

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const reason = String(new FormData(element).get('reason') ?? '').trim();
    const missing =
      reasonAsked === 'required' && !reason
        ? 'Say why, in words the other organization understands'
        : undefined;
    setError(missing);
    setProblem(null);
    if (missing) {
      focusFirstError(element);
      return;
    }
    setBusy(true);
    try {
      await request('POST', `${endpoint}/${move}`, { body: reason ? { reason } : {} });
      onDone(copy.done);
    } catch (failure) {
      setProblem(asApiError(failure, `${copy.failed}.`));
      setBusy(false);
    }
  }

  return (
    <form
      className={`panel${copy.warning ? ' panel--warning' : ''}`}
      onSubmit={confirm}
      noValidate
      aria-labelledby={`${id}-heading`}
    >
      <h3 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        {copy.heading}
      </h3>
      {problem ? <ErrorAlert error={problem} title={copy.failed} /> : null}
      <p>{copy.explain}</p>
      {reasonAsked !== 'none' ? (
        <TextareaField
          id={`${id}-reason`}
          label={reasonAsked === 'required' ? 'Reason' : 'Comment (optional)'}
          hint="Both organizations see it, and it stays in the agreement's history."
          name="reason"
          maxLength={2000}
          error={error}
        />
      ) : null}
      <div className="button-group">
        <button type="submit" className={copy.warning ? 'button button--warning' : 'button'} disabled={busy}>
          {copy.confirm}
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type AmendErrors = Partial<Record<'fields' | 'validUntil' | 'retentionDays' | 'reason' | 'form', string>>;

/** New terms for an agreement in force: a new version, which replaces this one once approved. */
function AmendPanel({
  org,
  agreement: a,
  endpoint,
  onCancel,
}: {
  org: string;
  agreement: Agreement;
  endpoint: string;
  onCancel(): void;
}) {
  const navigate = useNavigate();
  const heading = useRef<HTMLHeadingElement>(null);
  const serviceFields = useServiceFields(a.provider, a.service);
  const [fields, setFields] = useState<Set<string>>(new Set(a.fields));
  const { errors, problem, busy, submit } = useFormSubmit<AmendErrors>();
  const id = useId();
  const until = dateInputValue(new Date(a.validUntil));
  useEffect(() => heading.current?.focus(), []);

  async function propose(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const text = (key: string) => String(data.get(key) ?? '').trim();
    const found: AmendErrors = {};
    const changes: Omit<AgreementAmendment, 'reason'> = {};
    if (fields.size === 0) found.fields = 'Choose at least one field';
    else if (fields.size !== a.fields.length || a.fields.some((f) => !fields.has(f)))
      changes.fields = [...fields];
    const date = text('validUntil');
    const dateProblem = endDateProblem(date, Date.now());
    if (dateProblem === 'missing' || dateProblem === 'not-a-date')
      found.validUntil = 'Enter the date the agreement ends';
    else if (dateProblem === 'past') found.validUntil = 'The end date must be in the future';
    else if (date !== until) changes.validUntil = endOfDay(date);
    const { terms, errors: termErrors } = readAgreementTerms(data, false);
    if (termErrors.retentionDays) found.retentionDays = termErrors.retentionDays;
    else if (terms.retentionDays !== a.retentionDays) changes.retentionDays = terms.retentionDays!;
    if (terms.onwardSharing !== a.onwardSharing) changes.onwardSharing = terms.onwardSharing;
    if (terms.safeguards !== a.safeguards.trim()) changes.safeguards = terms.safeguards;
    const reason = text('reason');
    if (!reason) found.reason = 'Say why the terms should change';
    if (Object.keys(found).length === 0 && Object.keys(changes).length === 0) {
      found.form = 'Change at least one term: these are the terms already agreed.';
    }
    await submit(element, found, {
      send: () => request<Agreement>('POST', `${endpoint}/amend`, { body: { ...changes, reason } }),
      done: (version) =>
        navigate(agreementPath(org, version.id), {
          state: {
            notice: `The new terms are version ${version.version}, sent for approval. Version ${a.version} stays in force until they are approved.`,
          } satisfies RequestNotice,
        }),
      leaves: true,
      failed: 'The new terms were not proposed.',
    });
  }

  return (
    <form className="panel" onSubmit={propose} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} ref={heading} tabIndex={-1}>
        Propose new terms
      </h3>
      {problem ? <ErrorAlert error={problem} title="The new terms were not proposed" /> : null}
      {errors.form ? (
        <div className="error-summary" role="alert">
          <p>{errors.form}</p>
        </div>
      ) : null}
      <p>
        The new terms become version {a.version + 1}. It needs every approval again; until then version{' '}
        {a.version} stays in force as it is.
      </p>
      <AgreementTermsFields
        id={id}
        serviceFields={serviceFields}
        showFields
        fields={fields}
        onFieldsChange={setFields}
        special={null}
        period={
          <InputField
            id={`${id}-until`}
            label="End date"
            name="validUntil"
            type="date"
            className="input input--date"
            defaultValue={until}
            error={errors.validUntil}
          />
        }
        retention={{ label: 'How long the data may be kept, in days', defaultValue: String(a.retentionDays) }}
        onward={{
          legend: `May ${a.consumerName} pass the data on to others?`,
          defaultValue: a.onwardSharing ? 'yes' : 'no',
        }}
        safeguards={{ label: 'Safeguards', defaultValue: a.safeguards }}
        errors={errors}
      />
      <TextareaField
        id={`${id}-reason`}
        label="Why the terms should change"
        hint="Both organizations see it, and it stays in the agreement's history."
        name="reason"
        maxLength={2000}
        error={errors.reason}
      />
      <div className="button-group">
        <button type="submit" className="button" disabled={busy}>
          Propose the new terms
        </button>
        <button type="button" className="button button--secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
