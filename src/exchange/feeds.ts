/**
 * Change feeds (issue 18): a system whose agreement covers a hosted register subscribes to its changes, and
 * reads them after a cursor. Each read decides like an exchange call (domain/decide.ts over the in-memory
 * agreements and consents), so a revoked, suspended or ended agreement stops the feed on the very next read;
 * each change is minimized to the agreed fields, and each change delivered is an access event, appended to
 * the ledger before the read is answered (nothing is released that the ledger does not hold).
 *
 * The changes come from the register's change log (registry: record_changes), written in the same
 * transaction as the records, in the order they become visible: a system that reads on from the cursor of
 * its last read gets every change once, whatever happened to the node in between.
 */
import { type Kysely, sql } from 'kysely';
import type { Static } from 'typebox';
import {
  type ChangeKind,
  type Decision,
  decide,
  type FeedFilter,
  type FieldTree,
  feedWants,
  fieldTree,
  GovdxError,
  minimize,
  notFound,
  releasedChanges,
  SUBJECT_PATTERN,
  sensitivityOf,
  unreleasedFields,
} from '../domain/index.ts';
import { governed } from '../governance/index.ts';
import { EVENT_KINDS, type Ledger, type LedgerEvent } from '../ledger/index.ts';
import { listRecordChanges } from '../registry/index.ts';
import {
  type ChangeSubscriptionTable,
  type Database,
  isUniqueViolation,
  keysetPage,
  now,
  type Page,
  timeIdKey,
  toPage,
} from '../store/index.ts';
import { digest } from './access-event.ts';
import type { ChangeFollower } from './changes.ts';
import type { DecisionIndex, IndexedService, IndexedSystem } from './decision-index.ts';
import type { Change, FeedPage, NewSubscription, Subscription } from './feed-schemas.ts';

export type SubscriptionView = Static<typeof Subscription>;
export type NewSubscriptionInput = Static<typeof NewSubscription>;
export type ChangeView = Static<typeof Change>;
export type FeedPageView = Static<typeof FeedPage>;

export interface ChangeFeedParts {
  db: Kysely<Database>;
  index: DecisionIndex;
  follower: ChangeFollower;
  ledger: Pick<Ledger, 'append'>;
}

type SubscriptionRow = ChangeSubscriptionTable & {
  service_slug: string;
  provider_slug: string;
  purpose_slug: string;
  dataset_id: string;
  key_field: string | null;
};

const TREE_CACHE_LIMIT = 1000;

export class ChangeFeeds {
  readonly #parts: ChangeFeedParts;
  readonly #trees = new Map<string, FieldTree>();

  constructor(parts: ChangeFeedParts) {
    this.#parts = parts;
  }

  /**
   * Subscribes the system to the changes of a hosted register under its organization's agreement for the
   * purpose, from now on. Recorded on the ledger (`feed.subscribed`), or not made.
   */
  async subscribe(system: IndexedSystem, input: NewSubscriptionInput, by: string | null) {
    await this.#fresh();
    const { db, index } = this.#parts;
    const service = index.service(input.provider, input.service);
    if (!service) throw notFound('service', `${input.provider}/${input.service}`);
    if (service.kind !== 'hosted') {
      throw new GovdxError(
        'VALIDATION_FAILED',
        `${service.title} is answered by ${service.provider.name}'s own system, so govdx does not see its changes. Only registers govdx hosts have change feeds.`,
      );
    }
    const dataset = await db
      .selectFrom('datasets')
      .select('key_field')
      .where('id', '=', service.datasetId)
      .executeTakeFirstOrThrow();
    const released = this.#released(service, this.#standing(system, service, input.purpose, null));
    const key = dataset.key_field;
    if (key === null || unreleasedFields([key], released).length > 0) {
      throw new GovdxError(
        'FIELD_NOT_AGREED',
        `A change says whose record changed by its key, "${key ?? 'none'}", and the agreement does not release it. The agreement must include it before ${system.organization.name} can follow ${service.title}.`,
        { field: key },
      );
    }
    const unreleased = unreleasedFields(input.fields ?? [], released);
    if (unreleased.length > 0) {
      throw new GovdxError(
        'FIELD_NOT_AGREED',
        `The agreement does not release ${unreleased.map((f) => `"${f}"`).join(', ')}, so changes to ${unreleased.length === 1 ? 'it' : 'them'} cannot be followed.`,
        { fields: unreleased },
      );
    }
    const end = await db
      .selectFrom('record_changes')
      .select((eb) => eb.fn.max('seq').as('last'))
      .where('dataset_id', '=', service.datasetId)
      .executeTakeFirst();
    const start = Number(end?.last ?? 0);
    const purpose = index.purpose(input.purpose)!;
    const row: ChangeSubscriptionTable = {
      id: crypto.randomUUID(),
      system_id: system.id,
      service_id: service.id,
      purpose_id: purpose.id,
      kinds: JSON.stringify(input.kinds ?? []),
      fields: JSON.stringify(input.fields ?? []),
      start_seq: start,
      acknowledged_seq: start,
      created_by: by,
      created_at: now(),
      read_at: null,
    };
    const view = toView(system.clientId, {
      ...row,
      service_slug: service.slug,
      provider_slug: service.provider.slug,
      purpose_slug: purpose.slug,
      dataset_id: service.datasetId,
      key_field: key,
    });
    const { made } = await governed(this.#parts.ledger, {
      apply: async () => {
        try {
          await db.insertInto('change_subscriptions').values(row).execute();
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          throw new GovdxError(
            'ALREADY_EXISTS',
            `${system.clientId} already follows ${service.title} for "${purpose.title}".`,
          );
        }
        return view;
      },
      events: () => [feedEvent(EVENT_KINDS.feedSubscribed, system, view, by)],
      undo: async () => {
        await db.deleteFrom('change_subscriptions').where('id', '=', row.id).execute();
      },
      notMade: 'The subscription could not be recorded on the ledger, so it was not made. Try again shortly.',
    });
    return made;
  }

  /** The system's subscriptions, newest first. */
  async list(system: IndexedSystem, limit: number, after: string | null): Promise<Page<SubscriptionView>> {
    const query = this.#subscriptions().where('change_subscriptions.system_id', '=', system.id);
    const order = {
      time: 'change_subscriptions.created_at',
      id: 'change_subscriptions.id',
      direction: 'desc',
    } as const;
    const rows = await keysetPage(query, order, after, limit).execute();
    return toPage(
      rows,
      limit,
      (r) => timeIdKey(r.created_at, r.id),
      (r) => toView(system.clientId, r),
    );
  }

  /** Ends a subscription; it only takes away, so it stands even when the ledger cannot record it. */
  async cancel(system: IndexedSystem, id: string, by: string | null): Promise<void> {
    const row = await this.#find(system, id);
    const view = toView(system.clientId, row);
    await governed(this.#parts.ledger, {
      apply: async () => {
        await this.#parts.db.deleteFrom('change_subscriptions').where('id', '=', id).execute();
      },
      events: () => [feedEvent(EVENT_KINDS.feedCancelled, system, view, by)],
      takesAway: () => true,
      undo: async () => {},
      stands:
        'The subscription is ended, but this could not be recorded on the ledger. Tell the platform operators.',
    });
  }

  /**
   * The changes after `after` (the subscription's acknowledged cursor when absent) that the system may be
   * told of, each minimized and recorded as an access event before the answer. Reading after a cursor
   * acknowledges every change up to it.
   */
  async read(
    system: IndexedSystem,
    id: string,
    after: string | undefined,
    limit: number,
  ): Promise<FeedPageView> {
    await this.#fresh();
    const { db, index } = this.#parts;
    const row = await this.#find(system, id);
    const service = index.service(row.provider_slug, row.service_slug);
    if (!service) throw notFound('service', `${row.provider_slug}/${row.service_slug}`);
    // Fail closed: the agreement is decided again at every read, from the index a revocation updates.
    this.#released(service, this.#standing(system, service, row.purpose_slug, null));

    const acknowledged = Number(row.acknowledged_seq);
    const from = Math.max(after === undefined ? acknowledged : Number(after), Number(row.start_seq));
    // Reading after a cursor says the system holds every change up to it: a read without one resumes there.
    const acknowledge = after === undefined ? acknowledged : Math.max(acknowledged, from);
    await db
      .updateTable('change_subscriptions')
      .set({
        read_at: now(),
        acknowledged_seq: sql<number>`case when acknowledged_seq < ${acknowledge} then ${acknowledge} else acknowledged_seq end`,
      })
      .where('id', '=', id)
      .execute();
    const changes = await listRecordChanges(db, row.dataset_id, from, limit);
    const keys = [...new Set(changes.filter((c) => c.kind !== 'deleted').map((c) => c.key))];
    const records = await this.#records(row.dataset_id, keys);

    const filter: FeedFilter = {
      kinds: JSON.parse(row.kinds) as ChangeKind[],
      fields: JSON.parse(row.fields) as string[],
    };
    const requestId = crypto.randomUUID();
    const path = `/feeds/${id}/changes?after=${from}`;
    const delivered: Array<{ change: Omit<ChangeView, 'receipt'>; event: LedgerEvent }> = [];
    for (const change of changes) {
      const subject = service.personal && SUBJECT_PATTERN.test(change.key) ? change.key : null;
      if (service.personal && subject === null) continue;
      const decision = this.#standing(system, service, row.purpose_slug, subject);
      if (!decision.allowed) continue;
      const released = decision.fields;
      if (row.key_field === null || unreleasedFields([row.key_field], released).length > 0) continue;
      const told = releasedChanges(change.fields, released);
      if (!feedWants(filter, change.kind, told)) continue;
      const stored = change.kind === 'deleted' ? undefined : records.get(change.key);
      const minimized = stored === undefined ? null : minimize(JSON.parse(stored), this.#tree(released));
      const item = {
        cursor: String(change.seq),
        kind: change.kind,
        key: change.key,
        fields: told,
        at: change.at,
        record: (minimized ?? null) as Record<string, unknown> | null,
      };
      delivered.push({
        change: item,
        event: {
          kind: 'access',
          subject,
          outcome: 'allowed',
          code: null,
          request: requestId,
          consumer: system.organization.slug,
          system: system.slug,
          official: null,
          provider: service.provider.slug,
          service: service.slug,
          purpose: row.purpose_slug,
          agreement: decision.agreement.id,
          consent: decision.consent?.id ?? null,
          fields: released,
          method: 'GET',
          path,
          requestDigest: digest(`GET ${path}\n`),
          status: 200,
          responseDigest: digest(JSON.stringify(item)),
          feed: id,
          change: change.seq,
        },
      });
    }
    let receipts: number[];
    try {
      receipts = (await Promise.all(delivered.map((d) => this.#parts.ledger.append(d.event)))).map(
        (a) => a.index,
      );
    } catch (cause) {
      const error = new GovdxError(
        'LEDGER_UNAVAILABLE',
        'The exchange could not record these changes in the ledger, so it released none. Read again from the same cursor shortly.',
      );
      error.cause = cause;
      throw error;
    }
    const last = changes.at(-1);
    return {
      changes: delivered.map((d, i) => ({ ...d.change, receipt: receipts[i]! })),
      cursor: String(last ? last.seq : from),
      more: changes.length === limit,
    };
  }

  /** Waits for changes of agreements announced so far; refuses while the index may be stale. */
  async #fresh(): Promise<void> {
    const { follower } = this.#parts;
    if (follower.pending) await follower.pending;
    if (!follower.live) {
      throw new GovdxError(
        'SERVICE_UNAVAILABLE',
        'The exchange is re-reading agreements and consents after losing its connection to the database. Try again in a moment.',
      );
    }
  }

  /**
   * The decision for the system's organization, the service and the purpose: about one person (`subject`)
   * for a change, or about nobody, for the agreement itself. A feed has no official acting: the system
   * follows the register under the subscription, which its organization's steward or the system made and
   * the ledger holds, so the service is decided on as one that needs no Data-Subject or On-Behalf-Of.
   */
  #standing(
    system: IndexedSystem,
    service: IndexedService,
    purposeSlug: string,
    subject: string | null,
  ): Decision {
    const { index } = this.#parts;
    const consumer = system.organization;
    const purpose = index.purpose(purposeSlug);
    return decide({
      at: Date.now(),
      consumer: { name: consumer.name },
      service: {
        title: service.title,
        providerName: service.provider.name,
        personal: false,
        fields: service.fields,
      },
      purposeSlug,
      purpose: purpose ?? null,
      subject,
      recordSubject: null,
      official: null,
      agreements: index.agreements(consumer.id, service.id),
      consents: subject && purpose ? index.consents(subject, consumer.id, purpose.id) : [],
    });
  }

  /**
   * The fields the agreement releases, or its refusal thrown. An agreement that rests on each person's
   * consent (SUBJECT_REQUIRED without a person) stands: its feed carries the changes of those who consent.
   */
  #released(service: IndexedService, decision: Decision): string[] {
    if (decision.allowed) return decision.fields;
    if (decision.code === 'SUBJECT_REQUIRED' && decision.agreement) {
      return decision.agreement.fields.filter((f) => sensitivityOf(f, service.fields) !== undefined);
    }
    throw new GovdxError(decision.code, decision.message);
  }

  async #records(datasetId: string, keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let start = 0; start < keys.length; start += 500) {
      const rows = await this.#parts.db
        .selectFrom('records')
        .select(['key', 'data'])
        .where('dataset_id', '=', datasetId)
        .where('key', 'in', keys.slice(start, start + 500))
        .execute();
      for (const r of rows) found.set(r.key, r.data);
    }
    return found;
  }

  #subscriptions() {
    return this.#parts.db
      .selectFrom('change_subscriptions')
      .innerJoin('services', 'services.id', 'change_subscriptions.service_id')
      .innerJoin('organizations as provider', 'provider.id', 'services.organization_id')
      .innerJoin('datasets', 'datasets.id', 'services.dataset_id')
      .innerJoin('purposes', 'purposes.id', 'change_subscriptions.purpose_id')
      .selectAll('change_subscriptions')
      .select([
        'services.slug as service_slug',
        'provider.slug as provider_slug',
        'purposes.slug as purpose_slug',
        'datasets.id as dataset_id',
        'datasets.key_field as key_field',
      ]);
  }

  async #find(system: IndexedSystem, id: string): Promise<SubscriptionRow> {
    const row = await this.#subscriptions()
      .where('change_subscriptions.id', '=', id)
      .where('change_subscriptions.system_id', '=', system.id)
      .executeTakeFirst();
    if (!row) throw notFound('change subscription', id);
    return row;
  }

  #tree(fields: readonly string[]): FieldTree {
    const key = fields.join('\n');
    let tree = this.#trees.get(key);
    if (!tree) {
      if (this.#trees.size >= TREE_CACHE_LIMIT) this.#trees.clear();
      tree = fieldTree(fields);
      this.#trees.set(key, tree);
    }
    return tree;
  }
}

function toView(clientId: string, row: SubscriptionRow): SubscriptionView {
  return {
    id: row.id,
    system: clientId,
    provider: row.provider_slug,
    service: row.service_slug,
    purpose: row.purpose_slug,
    kinds: JSON.parse(row.kinds) as ChangeKind[],
    fields: JSON.parse(row.fields) as string[],
    startCursor: String(row.start_seq),
    acknowledgedCursor: String(row.acknowledged_seq),
    createdBy: row.created_by,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

function feedEvent(
  kind: string,
  system: IndexedSystem,
  view: SubscriptionView,
  by: string | null,
): LedgerEvent {
  return {
    kind,
    organization: system.organization.slug,
    system: system.slug,
    provider: view.provider,
    service: view.service,
    purpose: view.purpose,
    subscription: view.id,
    kinds: view.kinds,
    fields: view.fields,
    /** Null when the system subscribed itself (it is named in `system`). */
    by,
  };
}
