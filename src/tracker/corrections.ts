/**
 * Correction requests (issue 16): from My data a citizen asks the keeper of a register to correct their
 * entry (which field, what is wrong, what it should be); the stewards of the register's organization see
 * a queue and answer: corrected, or declined with a reason. Each request and answer is a governance event
 * on the ledger (`correction.requested`, `correction.answered`: ids and outcome, never the free text), which
 * the notifications job turns into the stewards' and the person's notifications.
 *
 * A person may ask only about an entry the registers hold about them (./facts.ts decides which); anyone
 * else's request, or another organization's, is not found.
 */
import type { Kysely } from 'kysely';
import type { Static } from 'typebox';
import {
  type CorrectionOutcome,
  type CorrectionStatus,
  checkCorrectionAnswer,
  GovdxError,
  notFound,
  type Principal,
} from '../domain/index.ts';
import { governed, type Recorder } from '../governance/index.ts';
import {
  type CorrectionRequestTable,
  type Database,
  keysetPage,
  now,
  type Page,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import { factsAbout } from './facts.ts';
import type { CorrectionRequest, NewCorrectionRequest } from './schemas.ts';

type Db = Kysely<Database>;
export type CorrectionRequestView = Static<typeof CorrectionRequest>;
export interface CorrectionEffects {
  db: Db;
  ledger: Recorder;
}

/** A fact's value as the person saw it on My data. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}

function rows(db: Db) {
  return db
    .selectFrom('correction_requests')
    .innerJoin('organizations', 'organizations.id', 'correction_requests.organization_id')
    .innerJoin('datasets', 'datasets.id', 'correction_requests.dataset_id')
    .leftJoin('fields', (join) =>
      join
        .onRef('fields.dataset_id', '=', 'correction_requests.dataset_id')
        .onRef('fields.name', '=', 'correction_requests.field'),
    )
    .selectAll('correction_requests')
    .select([
      'organizations.slug as organization_slug',
      'organizations.name as organization_name',
      'datasets.slug as dataset_slug',
      'datasets.title as dataset_title',
      'fields.description as field_description',
    ]);
}

type Row = CorrectionRequestTable & {
  organization_slug: string;
  organization_name: string;
  dataset_slug: string;
  dataset_title: string;
  field_description: string | null;
};

function toView(row: Row): CorrectionRequestView {
  return {
    id: row.id,
    status: row.status,
    organization: { slug: row.organization_slug, name: row.organization_name },
    dataset: { slug: row.dataset_slug, title: row.dataset_title },
    key: row.record_key,
    field: row.field,
    fieldDescription: row.field_description ?? '',
    recordedValue: row.recorded_value,
    problem: row.problem,
    proposed: row.proposed,
    answer: row.answer,
    answeredAt: row.answered_at,
    createdAt: row.created_at,
  };
}

async function one(db: Db, id: string): Promise<CorrectionRequestView> {
  const row = await rows(db).where('correction_requests.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('correction request', id);
  return toView(row);
}

/** The citizen `principal` asks the keeper of one of their entries to correct one of its fields. */
export async function askCorrection(
  effects: CorrectionEffects,
  principal: Principal & { nationalId: string },
  input: Static<typeof NewCorrectionRequest>,
): Promise<CorrectionRequestView> {
  const { db } = effects;
  const held = await factsAbout(db, principal.nationalId);
  const record = held.records.find(
    (r) => r.organization === input.organization && r.dataset === input.dataset && r.key === input.key,
  );
  if (!record) throw notFound('entry about you', `${input.organization}/${input.dataset}/${input.key}`);
  const fact = record.facts.find((f) => f.field === input.field);
  if (!fact) {
    throw new GovdxError(
      'VALIDATION_FAILED',
      `Your entry in the ${record.datasetTitle.toLowerCase()} has no detail "${input.field}". Choose one it shows.`,
    );
  }
  const dataset = await db
    .selectFrom('datasets')
    .innerJoin('organizations', 'organizations.id', 'datasets.organization_id')
    .select(['datasets.id', 'datasets.organization_id'])
    .where('organizations.slug', '=', input.organization)
    .where('datasets.slug', '=', input.dataset)
    .executeTakeFirstOrThrow();
  const id = crypto.randomUUID();
  const at = now();
  const { made } = await governed(effects.ledger, {
    apply: async () => {
      await db
        .insertInto('correction_requests')
        .values({
          id,
          person_id: principal.personId,
          subject: principal.nationalId,
          organization_id: dataset.organization_id,
          dataset_id: dataset.id,
          record_key: input.key,
          field: input.field,
          recorded_value: valueText(fact.value),
          problem: input.problem.trim(),
          proposed: input.proposed.trim(),
          status: 'waiting',
          answer: null,
          answered_by: null,
          answered_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      return one(db, id);
    },
    events: (request) => [
      {
        kind: 'correction.requested',
        subject: principal.nationalId,
        organization: request.organization.slug,
        dataset: request.dataset.slug,
        correction: request.id,
        field: request.field,
        by: principal.personId,
      },
    ],
    undo: async () => {
      await db.deleteFrom('correction_requests').where('id', '=', id).execute();
    },
    notMade: 'Your request could not be recorded, so it was not sent. Try again shortly.',
  });
  return made;
}

/** A page of the person's requests, newest first. */
export async function listMyCorrections(
  db: Db,
  personId: string,
  limit: number,
  after: string | null,
): Promise<Page<CorrectionRequestView>> {
  const query = rows(db).where('correction_requests.person_id', '=', personId);
  const found = await keysetPage(
    query,
    { time: 'correction_requests.created_at', id: 'correction_requests.id', direction: 'desc' },
    after,
    limit,
  ).execute();
  return toPage(found, limit, (r) => timeIdKey(r.created_at, r.id), toView);
}

/** A page of the requests to an organization, oldest first (a queue), of one status or all. */
export async function listCorrectionQueue(
  db: Db,
  organizationId: string,
  status: CorrectionStatus | undefined,
  limit: number,
  after: string | null,
): Promise<Page<CorrectionRequestView>> {
  let query = rows(db).where('correction_requests.organization_id', '=', organizationId);
  if (status !== undefined) query = query.where('correction_requests.status', '=', status);
  const found = await keysetPage(
    query,
    { time: 'correction_requests.created_at', id: 'correction_requests.id', direction: 'asc' },
    after,
    limit,
  ).execute();
  return toPage(found, limit, (r) => timeIdKey(r.created_at, r.id), toView);
}

/** A steward of `organization` answers a waiting request to it: corrected, or declined with a reason. */
export async function answerCorrection(
  effects: CorrectionEffects,
  organization: { id: string; slug: string },
  id: string,
  answer: { outcome: CorrectionOutcome; reason?: string | undefined },
  by: string,
): Promise<CorrectionRequestView> {
  const { db } = effects;
  const row = await db
    .selectFrom('correction_requests')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', organization.id)
    .executeTakeFirst();
  if (!row) throw notFound('correction request', id);
  const reason = checkCorrectionAnswer(row.status, answer.outcome, answer.reason);
  const { made } = await governed(effects.ledger, {
    apply: async () => {
      const at = now();
      const updated = await db
        .updateTable('correction_requests')
        .set({ status: answer.outcome, answer: reason, answered_by: by, answered_at: at, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'waiting')
        .executeTakeFirst();
      // Two stewards at once: the second finds it answered.
      if (Number(updated.numUpdatedRows) !== 1) {
        throw new GovdxError('CONFLICT', 'This request was answered by someone else meanwhile.');
      }
      return one(db, id);
    },
    events: (request) => [
      {
        kind: 'correction.answered',
        subject: row.subject,
        organization: organization.slug,
        dataset: request.dataset.slug,
        correction: request.id,
        outcome: answer.outcome,
        reason,
        requestedBy: row.person_id,
        by,
      },
    ],
    undo: async () => {
      await db
        .updateTable('correction_requests')
        .set({
          status: 'waiting',
          answer: null,
          answered_by: null,
          answered_at: null,
          updated_at: row.updated_at,
        })
        .where('id', '=', id)
        .execute();
    },
    notMade: 'Your answer could not be recorded on the ledger, so it was not sent. Try again shortly.',
  });
  return made;
}
