/**
 * Correction requests (issue 16). A citizen asks the keeper of a register to correct their entry, from My
 * data, and follows the request there; the register's stewards answer the requests in the agency console:
 * corrected, or declined with a reason the person is told.
 */

import { type FormEvent, useId, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { fieldLabel } from '../../../src/domain/index.ts';
import { type CorrectionRequest, type MyData, request } from '../api.ts';
import { RadioGroup, SelectField, TextareaField } from '../form.tsx';
import { useFormSubmit } from '../form-submit.ts';
import { ErrorAlert, formatDate, Page, Pager, Status, SummaryList, SummaryRow } from '../page.tsx';
import { useApi, usePaged } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

const STATUS: Record<CorrectionRequest['status'], { label: string; tone: string }> = {
  waiting: { label: 'Waiting for an answer', tone: 'grey' },
  corrected: { label: 'Corrected', tone: 'open' },
  declined: { label: 'Not corrected', tone: 'special' },
};

const detailOf = (r: { field: string; fieldDescription: string }) =>
  r.fieldDescription || fieldLabel({ name: r.field });

function CorrectionSummary({ correction }: { correction: CorrectionRequest }) {
  return (
    <SummaryList>
      <SummaryRow term="Detail">{detailOf(correction)}</SummaryRow>
      <SummaryRow term="The register held">{correction.recordedValue || 'Nothing'}</SummaryRow>
      <SummaryRow term="What is wrong">{correction.problem}</SummaryRow>
      <SummaryRow term="What it should be">{correction.proposed}</SummaryRow>
      <SummaryRow term="Asked on">{formatDate(correction.createdAt)}</SummaryRow>
      {correction.answeredAt ? (
        <SummaryRow term="Answered on">{formatDate(correction.answeredAt)}</SummaryRow>
      ) : null}
      {correction.answer ? (
        <SummaryRow term={correction.status === 'declined' ? 'Why not' : 'Their answer'}>
          {correction.answer}
        </SummaryRow>
      ) : null}
    </SummaryList>
  );
}

/** On My data: the person's requests and what became of them. */
export function MyCorrections() {
  const corrections = usePaged<CorrectionRequest>('/api/v1/me/corrections', 20);
  return (
    <section aria-labelledby="corrections-heading">
      <h2 id="corrections-heading">Your requests to correct your data</h2>
      <p>
        If something a register holds about you is wrong, use “Ask for a correction” beside it. The
        organization that keeps the register answers here, and you are told when it does.
      </p>
      <Status loading={corrections.loading} label="Loading your requests…" />
      {corrections.error ? <Refusal error={corrections.error} /> : null}
      {corrections.data?.items.length === 0 ? <p>You have not asked for any correction.</p> : null}
      {corrections.data?.items.map((correction) => (
        <div className="panel" key={correction.id}>
          <h3>
            {correction.dataset.title}, kept by {correction.organization.name}
          </h3>
          <p>
            <strong className={`tag tag--wraps tag--${STATUS[correction.status].tone}`}>
              {STATUS[correction.status].label}
            </strong>
          </p>
          <CorrectionSummary correction={correction} />
        </div>
      ))}
      <Pager paged={corrections} label="your requests to correct your data" />
    </section>
  );
}

type AskErrors = Partial<Record<'field' | 'problem' | 'proposed', string>>;

/** /my-data/corrections/new?organization=…&dataset=…&key=…: the form for one entry of the person's. */
export function AskCorrectionPage() {
  const [params] = useSearchParams();
  const data = useApi<MyData>('/api/v1/me/data');
  const record = data.data?.records.find(
    (r) =>
      r.organization === params.get('organization') &&
      r.dataset === params.get('dataset') &&
      r.key === params.get('key'),
  );
  const { errors, problem, busy, submit } = useFormSubmit<AskErrors>();
  const [sent, setSent] = useState<CorrectionRequest | null>(null);
  const id = useId();

  async function ask(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!record) return;
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    const found: AskErrors = {};
    if (!text('field')) found.field = 'Choose the detail that is wrong';
    if (!text('problem')) found.problem = 'Say what is wrong';
    if (!text('proposed')) found.proposed = 'Say what it should be';
    await submit(event.currentTarget, found, {
      send: () =>
        request<CorrectionRequest>('POST', '/api/v1/me/corrections', {
          body: {
            organization: record.organization,
            dataset: record.dataset,
            key: record.key,
            field: text('field'),
            problem: text('problem'),
            proposed: text('proposed'),
          },
        }),
      done: setSent,
      failed: 'Your request was not sent.',
    });
  }

  return (
    <Page title="Ask for a correction" caption="My data">
      <Status loading={data.loading} label="Loading your entry…" />
      {data.error ? <Refusal error={data.error} /> : null}
      {data.data && !record ? (
        <p>
          There is no such entry about you. <Link to="/my-data">Go back to My data</Link> and choose “Ask for
          a correction” beside the entry.
        </p>
      ) : null}
      {sent ? (
        <div className="panel" role="status">
          <h2>Your request was sent</h2>
          <p>
            {sent.organization.name} will look at it and answer. You will be told when they do, and you can
            follow it on <Link to="/my-data#corrections-heading">My data</Link>.
          </p>
        </div>
      ) : record ? (
        <form className="form" onSubmit={ask} noValidate aria-labelledby={`${id}-heading`}>
          <h2 id={`${id}-heading`}>
            Your entry in the {record.datasetTitle.toLowerCase()}, kept by {record.organizationName}
          </h2>
          <p>
            Tell them what is wrong and what it should be. They may ask you for proof. Your request is
            recorded, and you are told their answer.
          </p>
          {problem ? <ErrorAlert error={problem} title="Your request was not sent" /> : null}
          <SelectField
            id={`${id}-field`}
            label="Which detail is wrong?"
            name="field"
            defaultValue=""
            error={errors.field}
          >
            <option value="">Choose a detail</option>
            {record.facts.map((fact) => (
              <option key={fact.field} value={fact.field}>
                {fact.label}
              </option>
            ))}
          </SelectField>
          <TextareaField
            id={`${id}-problem`}
            label="What is wrong?"
            hint="For example “My family name is misspelt”."
            name="problem"
            maxLength={2000}
            error={errors.problem}
          />
          <TextareaField
            id={`${id}-proposed`}
            label="What should it be?"
            name="proposed"
            rows={2}
            maxLength={2000}
            error={errors.proposed}
          />
          <button type="submit" className="button" disabled={busy}>
            Send the request
          </button>
        </form>
      ) : null}
    </Page>
  );
}

/** /agency-console/:org/corrections: the requests to the organization's registers, and answering them. */
export function CorrectionQueuePage() {
  const { org = '' } = useParams();
  const [status, setStatus] = useState<'waiting' | ''>('waiting');
  const path = `/api/v1/organizations/${encodeURIComponent(org)}/corrections${status ? `?status=${status}` : ''}`;
  const queue = usePaged<CorrectionRequest>(path, 20);
  const [done, setDone] = useState('');
  return (
    <Page title="Requests to correct your registers" caption="Agency console">
      <p className="lead">
        People ask your organization to correct what its registers hold about them. Correct the entry in the
        register (an import, or your own system), then answer: the person is told, and your answer is recorded
        on the ledger.
      </p>
      <RadioGroup
        id="queue-status"
        legend="Show"
        name="status"
        value={status}
        onChange={(value) => setStatus(value as 'waiting' | '')}
        options={[
          { value: 'waiting', label: 'Waiting for an answer' },
          { value: '', label: 'All requests' },
        ]}
      />
      <p role="status" className="notice">
        {done}
      </p>
      <Status loading={queue.loading} label="Loading the requests…" />
      {queue.error ? <Refusal error={queue.error} /> : null}
      {queue.data?.items.length === 0 ? (
        <p>{status === 'waiting' ? 'No request is waiting for an answer.' : 'Nobody has asked yet.'}</p>
      ) : null}
      {queue.data?.items.map((correction) => (
        <div className="panel" key={correction.id}>
          <h2>
            {correction.dataset.title}: entry {correction.key}
          </h2>
          <p>
            <strong className={`tag tag--wraps tag--${STATUS[correction.status].tone}`}>
              {STATUS[correction.status].label}
            </strong>
          </p>
          <CorrectionSummary correction={correction} />
          {correction.status === 'waiting' ? (
            <AnswerForm
              org={org}
              correction={correction}
              onAnswered={(answered) => {
                setDone(
                  `Answered: the request about entry ${answered.key} is ${answered.status === 'corrected' ? 'marked corrected' : 'declined'}. The person is told.`,
                );
                queue.reload();
              }}
            />
          ) : null}
        </div>
      ))}
      <Pager paged={queue} label="correction requests" />
    </Page>
  );
}

type AnswerErrors = Partial<Record<'outcome' | 'reason', string>>;

function AnswerForm({
  org,
  correction,
  onAnswered,
}: {
  org: string;
  correction: CorrectionRequest;
  onAnswered(answered: CorrectionRequest): void;
}) {
  const { errors, problem, busy, submit } = useFormSubmit<AnswerErrors>();
  const id = useId();
  async function answer(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const outcome = String(form.get('outcome') ?? '');
    const reason = String(form.get('reason') ?? '').trim();
    const found: AnswerErrors = {};
    if (outcome !== 'corrected' && outcome !== 'declined') found.outcome = 'Choose your answer';
    if (outcome === 'declined' && !reason) found.reason = 'Say why you do not correct it: the person is told';
    await submit(event.currentTarget, found, {
      send: () =>
        request<CorrectionRequest>(
          'POST',
          `/api/v1/organizations/${encodeURIComponent(org)}/corrections/${encodeURIComponent(correction.id)}/answer`,
          { body: reason ? { outcome, reason } : { outcome } },
        ),
      done: onAnswered,
      failed: 'Your answer was not sent.',
    });
  }
  return (
    <form className="form" onSubmit={answer} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>
        Answer the request about entry {correction.key} ({detailOf(correction)})
      </h3>
      {problem ? <ErrorAlert error={problem} title="Your answer was not sent" /> : null}
      {errors.outcome ? (
        <p className="error-message">
          <span className="visually-hidden">Error:</span> {errors.outcome}
        </p>
      ) : null}
      <RadioGroup
        id={`${id}-outcome`}
        legend="Your answer"
        name="outcome"
        options={[
          { value: 'corrected', label: 'Corrected: the register now holds the right value' },
          { value: 'declined', label: 'Not corrected' },
        ]}
      />
      <TextareaField
        id={`${id}-reason`}
        label="What you did, or why not"
        hint="Required when you do not correct it. The person reads it."
        name="reason"
        rows={3}
        maxLength={2000}
        error={errors.reason}
      />
      <button type="submit" className="button" disabled={busy}>
        Send the answer
      </button>
    </form>
  );
}
