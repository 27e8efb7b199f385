/**
 * The release workflow (issue 20): a data steward prepares a release of open data from one of the
 * organization's registers, as k-anonymous microdata or as noisy statistics, and sees its utility and
 * risk; submits it; a data protection officer of the organization, who neither prepared nor submitted it,
 * approves it (it is published in the catalog as an open dataset, with its method, parameters and error
 * bounds) or rejects it with a reason. Every step is a governance event, recorded by the rule of
 * src/governance/: made, then recorded, or undone.
 *
 * Noise for statistics is drawn once, when the release is published, after sign-off: the steward never
 * sees noisy counts to choose among, and a statistics release spends its ε of the dataset's privacy budget
 * only then. Microdata are computed when prepared, and exactly what the officer saw is published.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Static } from 'typebox';
import { createDataset, removeNewDataset } from '../../catalog/index.ts';
import { GovdxError, holdsOwnRole, notFound, type Principal } from '../../domain/index.ts';
import { recordChange } from '../../governance/index.ts';
import type { JsonValue, Ledger, LedgerEvent } from '../../ledger/index.ts';
import { deleteRecords, putRecords } from '../../registry/index.ts';
import {
  type Database,
  keysetPage,
  now,
  type Page,
  type ReleaseTable,
  timeIdKey,
  toPage,
} from '../../store/index.ts';
import type { SeededTestRandom, Table } from '../index.ts';
import { add, compare, epsilonOf, formatAmount, subtract, ZERO } from './budget.ts';
import {
  designStatistics,
  drawStatistics,
  type MicrodataInput,
  microdataColumns,
  prepareMicrodata,
  SAMPLE_ROWS,
  type StatisticsInput,
  sampleRows,
  statisticsColumns,
} from './prepare.ts';
import type { NewRelease, PrivacyBudget, Release, ReleaseRevision, ReleaseSummary } from './schemas.ts';
import { type Lookup, openSource, readTable } from './source.ts';

export type ReleaseView = Static<typeof Release>;
export type ReleaseSummaryView = Static<typeof ReleaseSummary>;
export type PrivacyBudgetView = Static<typeof PrivacyBudget>;
type Owner = { id: string; slug: string };
type Row = Selectable<ReleaseTable>;

export interface ReleaseContext {
  db: Kysely<Database>;
  ledger: Ledger;
  /** The node's public address, for the published dataset's download links. */
  publicUrl: string;
  /** Tests only: deterministic noise, marked as such in the published report. */
  seededTestRandom?: SeededTestRandom;
}

const LICENSE = 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0';
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonValue;

/** What a steward gives: the method's parameters and the lookups into other datasets. */
type Input = Static<typeof ReleaseRevision>;

function parametersOf(input: Input): Record<string, unknown> {
  const parameters: Record<string, unknown> = { lookups: input.lookups ?? [] };
  if (input.method === 'microdata') {
    if (!input.microdata)
      throw new GovdxError('VALIDATION_FAILED', 'A microdata release needs its "microdata" parameters.');
    parameters.microdata = input.microdata;
  } else {
    if (!input.statistics)
      throw new GovdxError('VALIDATION_FAILED', 'A statistics release needs its "statistics" parameters.');
    parameters.statistics = input.statistics;
  }
  return parameters;
}

/** Computes what the release would publish and its report (statistics: the design; no noise yet). */
async function compute(
  db: Kysely<Database>,
  owner: Owner,
  datasetSlug: string,
  input: Input,
): Promise<{ datasetId: string; report: object; output: Table | null; epsilon: string | null }> {
  const source = await openSource(db, owner, datasetSlug, (input.lookups ?? []) as Lookup[]);
  if (input.method === 'microdata') {
    const params = input.microdata!;
    const table = await readTable(db, source, microdataColumns(params, source.columns));
    if (table.rows.length === 0)
      throw new GovdxError(
        'NO_SAFE_RELEASE',
        `${datasetSlug} holds no records, so there is nothing to release.`,
      );
    const share = params.sampleFraction ?? 1;
    const { report, output } =
      share < 1 ? prepareMicrodata(sampleRows(table, share), params, table) : prepareMicrodata(table, params);
    return { datasetId: source.dataset.id, report, output, epsilon: null };
  }
  const params = input.statistics!;
  const table = await readTable(db, source, statisticsColumns(params, source.columns));
  return {
    datasetId: source.dataset.id,
    report: designStatistics(params, table),
    output: null,
    epsilon: formatAmount(epsilonOf(params.epsilon)),
  };
}

function requireSteward(principal: Principal, owner: Owner): void {
  if (
    !holdsOwnRole(principal, 'data_steward', owner.id) &&
    !holdsOwnRole(principal, 'organization_admin', owner.id)
  )
    throw new GovdxError(
      'FORBIDDEN',
      `Only a data steward or administrator of ${owner.slug} prepares its releases.`,
      {
        requiredRoles: ['data_steward', 'organization_admin'],
      },
    );
}

async function rowOf(db: Kysely<Database>, owner: Owner, id: string): Promise<Row> {
  const row = await db
    .selectFrom('releases')
    .selectAll()
    .where('organization_id', '=', owner.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('release', id);
  return row;
}

async function record(
  ctx: ReleaseContext,
  events: LedgerEvent[],
  undo: () => Promise<void>,
  notMade: string,
): Promise<void> {
  await recordChange(ctx.ledger, events, {
    undo: async () => {
      await undo();
      return true;
    },
    notMade,
  });
}

/** Prepares a release as a draft: computed, shown to the steward, not yet published. */
export async function prepareRelease(
  ctx: ReleaseContext,
  owner: Owner,
  input: Static<typeof NewRelease>,
  principal: Principal,
): Promise<ReleaseView> {
  requireSteward(principal, owner);
  const parameters = parametersOf(input);
  const computed = await compute(ctx.db, owner, input.dataset, input);
  const at = now();
  const row: ReleaseTable = {
    id: crypto.randomUUID(),
    organization_id: owner.id,
    dataset_id: computed.datasetId,
    slug: input.slug,
    title: input.title,
    description: input.description ?? '',
    method: input.method,
    parameters: JSON.stringify(parameters),
    report: JSON.stringify(computed.report),
    output: computed.output ? JSON.stringify(computed.output) : null,
    epsilon: computed.epsilon,
    status: 'draft',
    prepared_by: principal.personId,
    prepared_at: at,
    submitted_by: null,
    submitted_at: null,
    decided_by: null,
    decided_at: null,
    decision_reason: null,
    published_dataset_id: null,
    published_at: null,
    updated_at: at,
  };
  await ctx.db.insertInto('releases').values(row).execute();
  await record(
    ctx,
    [
      {
        kind: 'release.prepared',
        organization: owner.slug,
        releaseId: row.id,
        datasetId: row.dataset_id,
        dataset: input.dataset,
        method: row.method,
        parameters: json(parameters),
        by: principal.personId,
      },
    ],
    async () => {
      await ctx.db.deleteFrom('releases').where('id', '=', row.id).execute();
    },
    'The release could not be recorded on the ledger, so it was not prepared. Try again shortly.',
  );
  return getRelease(ctx.db, owner, row.id);
}

/** Changes a draft or rejected release's parameters; it is computed again and becomes a draft. */
export async function reviseRelease(
  ctx: ReleaseContext,
  owner: Owner,
  id: string,
  input: Input,
  principal: Principal,
): Promise<ReleaseView> {
  requireSteward(principal, owner);
  const before = await rowOf(ctx.db, owner, id);
  if (before.status !== 'draft' && before.status !== 'rejected')
    throw new GovdxError(
      'CONFLICT',
      `This release is ${before.status}; only a draft or a rejected release can be changed.`,
      {
        status: before.status,
      },
    );
  const dataset = await ctx.db
    .selectFrom('datasets')
    .select('slug')
    .where('id', '=', before.dataset_id)
    .executeTakeFirstOrThrow();
  const parameters = parametersOf(input);
  const computed = await compute(ctx.db, owner, dataset.slug, input);
  const changed = await ctx.db
    .updateTable('releases')
    .set({
      title: input.title,
      description: input.description ?? '',
      method: input.method,
      parameters: JSON.stringify(parameters),
      report: JSON.stringify(computed.report),
      output: computed.output ? JSON.stringify(computed.output) : null,
      epsilon: computed.epsilon,
      status: 'draft',
      prepared_by: principal.personId,
      prepared_at: now(),
      submitted_by: null,
      submitted_at: null,
      updated_at: now(),
    })
    .where('id', '=', id)
    .where('updated_at', '=', before.updated_at)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) !== 1)
    throw new GovdxError(
      'CONFLICT',
      'This release was changed a moment ago by someone else. Reload it and try again.',
    );
  await record(
    ctx,
    [
      {
        kind: 'release.revised',
        organization: owner.slug,
        releaseId: id,
        datasetId: before.dataset_id,
        method: input.method,
        parameters: json(parameters),
        by: principal.personId,
      },
    ],
    async () => {
      await ctx.db.updateTable('releases').set(before).where('id', '=', id).execute();
    },
    'The change could not be recorded on the ledger, so it was not made. Try again shortly.',
  );
  return getRelease(ctx.db, owner, id);
}

/** The dataset's privacy budget: its total, what published releases spent, and what is left. */
export async function privacyBudget(
  db: Kysely<Database>,
  owner: Owner,
  datasetSlug: string,
): Promise<PrivacyBudgetView> {
  const dataset = await db
    .selectFrom('datasets')
    .select(['id', 'slug', 'privacy_budget'])
    .where('organization_id', '=', owner.id)
    .where('slug', '=', datasetSlug)
    .executeTakeFirst();
  if (!dataset) throw notFound('dataset', datasetSlug);
  return budgetOf(db, dataset);
}

async function budgetOf(
  db: Kysely<Database>,
  dataset: { id: string; slug: string; privacy_budget: string | null },
): Promise<PrivacyBudgetView> {
  const spentBy = await db
    .selectFrom('releases')
    .select(['id', 'title', 'epsilon', 'published_at'])
    .where('dataset_id', '=', dataset.id)
    .where('status', '=', 'published')
    .where('epsilon', 'is not', null)
    .orderBy('published_at')
    .execute();
  const spent = spentBy.reduce((sum, r) => add(sum, epsilonOf(r.epsilon!)), ZERO);
  const total = dataset.privacy_budget === null ? null : epsilonOf(dataset.privacy_budget);
  return {
    dataset: dataset.slug,
    total: total ? formatAmount(total) : null,
    spent: formatAmount(spent),
    left: total ? formatAmount(subtract(total, spent)) : null,
    releases: spentBy.map((r) => ({
      id: r.id,
      title: r.title,
      epsilon: r.epsilon!,
      publishedAt: r.published_at!,
    })),
  };
}

function checkBudget(budget: PrivacyBudgetView, epsilon: string): void {
  if (budget.total === null)
    throw new GovdxError(
      'PRIVACY_BUDGET_EXCEEDED',
      `${budget.dataset} has no privacy budget yet: its data protection officer sets one before any statistics are released.`,
      { total: null, spent: budget.spent },
    );
  if (compare(epsilonOf(budget.left!), epsilonOf(epsilon)) < 0)
    throw new GovdxError(
      'PRIVACY_BUDGET_EXCEEDED',
      `This release would spend ε = ${epsilon}, but only ${budget.left} of ${budget.dataset}'s budget of ${budget.total} is left.`,
      { total: budget.total, spent: budget.spent, left: budget.left, epsilon },
    );
}

/** Sets the total ε a dataset's releases may spend: its data protection officer only, never below what is spent. */
export async function setPrivacyBudget(
  ctx: ReleaseContext,
  owner: Owner,
  datasetSlug: string,
  change: { total: string; reason: string },
  principal: Principal,
): Promise<PrivacyBudgetView> {
  requireOfficer(principal, owner);
  const dataset = await ctx.db
    .selectFrom('datasets')
    .select(['id', 'slug', 'privacy_budget'])
    .where('organization_id', '=', owner.id)
    .where('slug', '=', datasetSlug)
    .executeTakeFirst();
  if (!dataset) throw notFound('dataset', datasetSlug);
  let total: ReturnType<typeof epsilonOf>;
  try {
    total = epsilonOf(change.total);
  } catch {
    throw new GovdxError(
      'VALIDATION_FAILED',
      `The budget must be a positive number or fraction, not "${change.total}".`,
    );
  }
  const before = await budgetOf(ctx.db, dataset);
  if (compare(total, epsilonOf(before.spent)) < 0)
    throw new GovdxError(
      'CONFLICT',
      `Releases of ${datasetSlug} have already spent ε = ${before.spent}; the budget cannot be less.`,
      { spent: before.spent },
    );
  const text = formatAmount(total);
  await ctx.db.updateTable('datasets').set({ privacy_budget: text }).where('id', '=', dataset.id).execute();
  await record(
    ctx,
    [
      {
        kind: 'dataset.privacy_budget_set',
        organization: owner.slug,
        dataset: datasetSlug,
        datasetId: dataset.id,
        before: before.total,
        total: text,
        spent: before.spent,
        reason: change.reason,
        by: principal.personId,
      },
    ],
    async () => {
      await ctx.db
        .updateTable('datasets')
        .set({ privacy_budget: dataset.privacy_budget })
        .where('id', '=', dataset.id)
        .execute();
    },
    'The budget could not be recorded on the ledger, so it was not changed. Try again shortly.',
  );
  return budgetOf(ctx.db, { ...dataset, privacy_budget: text });
}

/** Asks the data protection officer to sign the release off. */
export async function submitRelease(
  ctx: ReleaseContext,
  owner: Owner,
  id: string,
  note: string | null,
  principal: Principal,
): Promise<ReleaseView> {
  requireSteward(principal, owner);
  const release = await rowOf(ctx.db, owner, id);
  if (release.status !== 'draft')
    throw new GovdxError('CONFLICT', `This release is ${release.status}; only a draft can be submitted.`, {
      status: release.status,
    });
  if (release.epsilon !== null)
    checkBudget(await budgetOfDatasetId(ctx.db, release.dataset_id), release.epsilon);
  await transition(ctx.db, release, 'draft', {
    status: 'submitted',
    submitted_by: principal.personId,
    submitted_at: now(),
  });
  await record(
    ctx,
    [
      {
        kind: 'release.submitted',
        organization: owner.slug,
        releaseId: id,
        datasetId: release.dataset_id,
        note,
        by: principal.personId,
      },
    ],
    async () => {
      await transition(ctx.db, { ...release, status: 'submitted' }, 'submitted', {
        status: 'draft',
        submitted_by: null,
        submitted_at: null,
      });
    },
    'The submission could not be recorded on the ledger, so the release is still a draft. Try again shortly.',
  );
  return getRelease(ctx.db, owner, id);
}

async function budgetOfDatasetId(db: Kysely<Database>, datasetId: string): Promise<PrivacyBudgetView> {
  const dataset = await db
    .selectFrom('datasets')
    .select(['id', 'slug', 'privacy_budget'])
    .where('id', '=', datasetId)
    .executeTakeFirstOrThrow();
  return budgetOf(db, dataset);
}

async function transition(
  db: Kysely<Database>,
  release: Row,
  from: Row['status'],
  set: Partial<ReleaseTable>,
): Promise<void> {
  const result = await db
    .updateTable('releases')
    .set({ ...set, updated_at: now() })
    .where('id', '=', release.id)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1)
    throw new GovdxError('CONFLICT', 'This release changed a moment ago. Reload it and try again.');
}

function requireOfficer(principal: Principal, owner: Owner): void {
  if (!holdsOwnRole(principal, 'data_protection_officer', owner.id))
    throw new GovdxError(
      'FORBIDDEN',
      `Only a data protection officer of ${owner.slug} signs its releases off.`,
      {
        requiredRoles: ['data_protection_officer'],
      },
    );
}

/** The data protection officer's decision: approved releases are published at once; rejected ones go back to the steward. */
export async function decideRelease(
  ctx: ReleaseContext,
  owner: Owner,
  id: string,
  decision: 'approved' | 'rejected',
  reason: string,
  principal: Principal,
): Promise<ReleaseView> {
  requireOfficer(principal, owner);
  const release = await rowOf(ctx.db, owner, id);
  if (release.prepared_by === principal.personId || release.submitted_by === principal.personId)
    throw new GovdxError(
      'SELF_APPROVAL',
      'You prepared or submitted this release, so another data protection officer must sign it off.',
    );
  if (release.status !== 'submitted')
    throw new GovdxError(
      'CONFLICT',
      `This release is ${release.status}; only a submitted release can be signed off.`,
      {
        status: release.status,
      },
    );
  const decided = { decided_by: principal.personId, decided_at: now(), decision_reason: reason };
  const decisionEvent: LedgerEvent = {
    kind: `release.${decision}`,
    organization: owner.slug,
    releaseId: id,
    datasetId: release.dataset_id,
    preparedBy: release.prepared_by,
    submittedBy: release.submitted_by,
    reason,
    by: principal.personId,
  };
  const backToSubmitted = async (status: Row['status']) => {
    await transition(ctx.db, { ...release, status }, status, {
      status: 'submitted',
      decided_by: null,
      decided_at: null,
      decision_reason: null,
    });
  };
  if (decision === 'rejected') {
    await transition(ctx.db, release, 'submitted', { status: 'rejected', ...decided });
    await record(
      ctx,
      [decisionEvent],
      () => backToSubmitted('rejected'),
      'The rejection could not be recorded on the ledger, so the release still waits. Try again shortly.',
    );
    return getRelease(ctx.db, owner, id);
  }
  await publish(ctx, owner, release, decided, decisionEvent);
  return getRelease(ctx.db, owner, id);
}

/**
 * Publishes an approved release: claims it (so a second approval cannot publish it twice), checks the
 * budget with the claim counted (two releases claimed at once cannot both overspend: each sees the other),
 * draws the statistics, creates the open dataset and its records, and records it all; any failure undoes it all.
 */
async function publish(
  ctx: ReleaseContext,
  owner: Owner,
  release: Row,
  decided: { decided_by: string; decided_at: string; decision_reason: string },
  decisionEvent: LedgerEvent,
): Promise<void> {
  const at = now();
  await transition(ctx.db, release, 'submitted', { status: 'published', published_at: at, ...decided });
  let datasetId: string | null = null;
  const undo = async () => {
    if (datasetId) {
      await deleteRecords(ctx.db, datasetId);
      await removeNewDataset(ctx.db, datasetId);
    }
    await ctx.db
      .updateTable('releases')
      .set({
        status: 'submitted',
        published_at: null,
        published_dataset_id: null,
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        report: release.report,
        output: release.output,
        updated_at: now(),
      })
      .where('id', '=', release.id)
      .execute();
  };
  try {
    const source = await ctx.db
      .selectFrom('datasets')
      .selectAll()
      .where('id', '=', release.dataset_id)
      .executeTakeFirstOrThrow();
    const parameters = JSON.parse(release.parameters) as {
      lookups: Lookup[];
      microdata?: unknown;
      statistics?: unknown;
    };
    let output: Table;
    let report: object;
    if (release.method === 'statistics') {
      // The claim above counts this release as spent: a budget left below 0 means it does not fit.
      const budget = await budgetOf(ctx.db, source);
      if (budget.total === null || compare(epsilonOf(budget.left!), ZERO) < 0) {
        const spent = subtract(epsilonOf(budget.spent), epsilonOf(release.epsilon!));
        checkBudget(
          {
            ...budget,
            spent: formatAmount(spent),
            left: budget.total === null ? null : formatAmount(subtract(epsilonOf(budget.total), spent)),
          },
          release.epsilon!,
        );
      }
      const params = parameters.statistics as StatisticsInput;
      const src = await openSource(ctx.db, owner, source.slug, parameters.lookups);
      const table = await readTable(ctx.db, src, statisticsColumns(params, src.columns));
      const drawn = drawStatistics(table, params, ctx.seededTestRandom);
      output = drawn.output;
      const { recordsOutside: _o, records: _r, ...published } = drawn.report;
      report = published;
    } else {
      output = JSON.parse(release.output!) as Table;
      report = JSON.parse(release.report) as object;
    }
    const dataset = await createDataset(ctx.db, owner, {
      slug: release.slug,
      title: release.title,
      description: publishedDescription(release, source.title, report),
      classification: 'public',
      keyField: null,
      aboutPeople: false,
      fields: output.header.map((name) => ({
        name,
        type: name === 'count' || name === 'margin_of_error_95' ? 'integer' : 'string',
        sensitivity: 'open',
        description: fieldDescription(release, name, parameters),
      })),
      keywords: [
        'open data',
        release.method === 'statistics' ? 'statistics' : 'microdata',
        'disclosure control',
      ],
      themes: JSON.parse(source.themes) as never,
      ...(source.spatial ? { spatial: source.spatial } : {}),
      license: LICENSE,
      accessRights: 'PUBLIC',
      ...(source.contact_point_name && source.contact_point_email
        ? { contactPoint: { name: source.contact_point_name, email: source.contact_point_email } }
        : {}),
      issued: at.slice(0, 10),
      distributions: distributions(ctx.publicUrl, owner.slug, release),
    });
    datasetId = dataset.id;
    const width = String(output.rows.length).length;
    await putRecords(
      ctx.db,
      dataset.id,
      output.rows.map((row, i) => ({
        key: String(i + 1).padStart(width, '0'),
        data: nested(output.header, row),
      })),
    );
    await ctx.db
      .updateTable('releases')
      .set({
        published_dataset_id: dataset.id,
        report: JSON.stringify(report),
        output: JSON.stringify(output),
        updated_at: now(),
      })
      .where('id', '=', release.id)
      .execute();
    const budget = release.epsilon === null ? null : await budgetOf(ctx.db, source);
    await recordChange(
      ctx.ledger,
      [
        decisionEvent,
        {
          kind: 'release.published',
          organization: owner.slug,
          releaseId: release.id,
          datasetId: release.dataset_id,
          published: dataset.slug,
          publishedDatasetId: dataset.id,
          method: release.method,
          epsilon: release.epsilon,
          privacyBudget: budget
            ? json({ total: budget.total, spent: budget.spent, left: budget.left })
            : null,
          records: output.rows.length,
          by: decided.decided_by,
        },
      ],
      {
        undo: async () => {
          await undo();
          return true;
        },
        notMade:
          'The approval could not be recorded on the ledger, so nothing was published. Try again shortly.',
      },
    );
  } catch (error) {
    if (!(error instanceof GovdxError && error.code === 'LEDGER_UNAVAILABLE')) await undo();
    throw error;
  }
}

/** A record of the published table: a name with dots is a member of a member (`birth_place.country`). */
function nested(header: readonly string[], row: readonly string[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const parts = name.split('.');
    let at = data;
    for (const part of parts.slice(0, -1)) {
      if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
      at = at[part] as Record<string, unknown>;
    }
    const value = row[i]!;
    at[parts.at(-1)!] = name === 'count' || name === 'margin_of_error_95' ? Number(value) : value;
  });
  return data;
}

function publishedDescription(release: Row, sourceTitle: string, report: object): string {
  const r = report as Record<string, unknown>;
  const method =
    release.method === 'statistics'
      ? `Counts from the ${sourceTitle} with differential privacy: discrete Laplace noise, ε = ${release.epsilon}. ` +
        `Every count lies within its margin of error of the true count with probability at least 95 % ` +
        `(± ${String(r.errorBound95)}). Negative counts are shown as 0.`
      : `Records of the ${sourceTitle}, generalised so that every combination of the quasi-identifiers ` +
        `is shared by at least ${String(r.k)} records (k-anonymity); ${String(r.suppressedRecords)} of ` +
        `${String(r.records)} records were left out.`;
  return [
    release.description,
    method,
    'The method, its parameters and the risk report are in the distribution "Method and risk report".',
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}

function fieldDescription(release: Row, name: string, parameters: { microdata?: unknown }): string {
  if (name === 'count') return 'The number of people, with noise added (differential privacy)';
  if (name === 'margin_of_error_95')
    return 'The true count lies within ± this of the published count with probability ≥ 95 %';
  if (release.method === 'statistics') return `Category of ${name}`;
  const m = parameters.microdata as MicrodataInput;
  if (m.quasiIdentifiers.some((q) => q.field === name)) return `${name}, generalised (quasi-identifier)`;
  if (m.sensitive?.field === name) return `${name} (sensitive attribute)`;
  return name;
}

function distributions(publicUrl: string, organization: string, release: Row) {
  const base = publicUrl.replace(/\/$/, '');
  const file = `${base}/catalog/datasets/${organization}/${release.slug}`;
  return [
    {
      title: 'CSV download',
      kind: 'download' as const,
      format: 'CSV' as const,
      mediaType: 'text/csv',
      accessUrl: `${file}.csv`,
      downloadUrl: `${file}.csv`,
    },
    {
      title: 'JSON download',
      kind: 'download' as const,
      format: 'JSON' as const,
      mediaType: 'application/json',
      accessUrl: `${file}.json`,
      downloadUrl: `${file}.json`,
    },
    {
      title: 'Method and risk report',
      description:
        'How this release was made: the disclosure method, its parameters, information loss, re-identification risk or error bounds',
      kind: 'download' as const,
      format: 'JSON' as const,
      mediaType: 'application/json',
      accessUrl: `${base}/catalog/releases/${release.id}.json`,
      downloadUrl: `${base}/catalog/releases/${release.id}.json`,
    },
  ];
}

async function names(db: Kysely<Database>, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('people').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function getRelease(db: Kysely<Database>, owner: Owner, id: string): Promise<ReleaseView> {
  const row = await rowOf(db, owner, id);
  const dataset = await db
    .selectFrom('datasets')
    .select(['slug', 'title'])
    .where('id', '=', row.dataset_id)
    .executeTakeFirstOrThrow();
  const published = row.published_dataset_id
    ? await db
        .selectFrom('datasets')
        .select('slug')
        .where('id', '=', row.published_dataset_id)
        .executeTakeFirst()
    : undefined;
  const people = await names(db, [row.prepared_by, row.submitted_by, row.decided_by]);
  const person = (id: string | null) => (id ? { id, name: people.get(id) ?? 'Unknown' } : null);
  const output = row.output ? (JSON.parse(row.output) as Table) : null;
  return {
    id: row.id,
    organization: owner.slug,
    dataset: dataset.slug,
    datasetTitle: dataset.title,
    slug: row.slug,
    title: row.title,
    description: row.description,
    method: row.method,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    report: JSON.parse(row.report) as Record<string, unknown>,
    epsilon: row.epsilon,
    status: row.status,
    preparedBy: person(row.prepared_by),
    preparedAt: row.prepared_at,
    submittedBy: person(row.submitted_by),
    submittedAt: row.submitted_at,
    decidedBy: person(row.decided_by),
    decidedAt: row.decided_at,
    reason: row.decision_reason,
    published:
      published && row.published_at
        ? { organization: owner.slug, dataset: published.slug, at: row.published_at }
        : null,
    ...(output
      ? { header: [...output.header], sample: output.rows.slice(0, SAMPLE_ROWS).map((r) => [...r]) }
      : {}),
  };
}

export async function listReleases(
  db: Kysely<Database>,
  owner: Owner,
  status: Row['status'] | undefined,
  limit: number,
  after: string | null,
): Promise<Page<ReleaseSummaryView>> {
  let query = db
    .selectFrom('releases')
    .innerJoin('datasets', 'datasets.id', 'releases.dataset_id')
    .select([
      'releases.id',
      'releases.slug',
      'releases.title',
      'releases.method',
      'releases.status',
      'releases.epsilon',
      'releases.prepared_at',
      'datasets.slug as dataset',
    ])
    .where('releases.organization_id', '=', owner.id);
  if (status) query = query.where('releases.status', '=', status);
  const rows = await keysetPage(
    query,
    { time: 'releases.prepared_at', id: 'releases.id', direction: 'desc' },
    after,
    limit,
  ).execute();
  return toPage(
    rows,
    limit,
    (r) => timeIdKey(r.prepared_at, r.id),
    (r) => ({
      id: r.id,
      organization: owner.slug,
      dataset: r.dataset,
      slug: r.slug,
      title: r.title,
      method: r.method,
      status: r.status,
      epsilon: r.epsilon,
      preparedAt: r.prepared_at,
    }),
  );
}

/** A published release as anyone may read it: method, parameters and report; never the preparation's sample. */
export async function publishedRelease(db: Kysely<Database>, id: string): Promise<Record<string, unknown>> {
  const row = await db
    .selectFrom('releases')
    .innerJoin('organizations', 'organizations.id', 'releases.organization_id')
    .leftJoin('datasets as published', 'published.id', 'releases.published_dataset_id')
    .select([
      'releases.id',
      'releases.title',
      'releases.method',
      'releases.parameters',
      'releases.report',
      'releases.epsilon',
      'releases.published_at',
      'releases.status',
      'organizations.slug as organization',
      'published.slug as dataset',
    ])
    .where('releases.id', '=', id)
    .executeTakeFirst();
  if (row?.status !== 'published' || !row.dataset) throw notFound('published release', id);
  return {
    id: row.id,
    title: row.title,
    organization: row.organization,
    dataset: row.dataset,
    method: row.method,
    parameters: JSON.parse(row.parameters) as unknown,
    epsilon: row.epsilon,
    report: JSON.parse(row.report) as unknown,
    publishedAt: row.published_at,
  };
}
