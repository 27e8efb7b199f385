/**
 * The demo's agreements and templates. Templates go through the same function as the API. The
 * agreements are history: they were requested, signed off, suspended or ended on earlier days, so
 * they are written as the workflow would have left them, each with its sign-offs by the demo's own
 * stewards and officers and the trail of what happened when. Nothing here is on the ledger (the
 * demo's ledger starts empty); everything done after seeding is.
 */
import { createTemplate, declaredFields } from '../agreements/index.ts';
import {
  type AgreementStatus,
  APPROVAL_PARTIES,
  type ApprovalParty,
  requiredApprovals,
  sensitivityOf,
} from '../domain/index.ts';
import type { AgreementApprovalTable, AgreementTable } from '../store/index.ts';
import { now } from '../store/index.ts';
import { AGREEMENT_STORIES, AGREEMENTS, type DemoAgreement, ORGANIZATIONS, TEMPLATES } from './government.ts';
import type { Db, Owner, Tally } from './seed.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WAS_ACTIVE: readonly AgreementStatus[] = ['active', 'suspended', 'revoked', 'expired', 'superseded'];

export async function seedTemplates(
  db: Db,
  owners: Map<string, Owner>,
  people: Map<string, string>,
  tally: Tally,
) {
  for (const { provider, ...input } of TEMPLATES) {
    const owner = owners.get(provider)!;
    const existing = await db
      .selectFrom('agreement_templates')
      .select('id')
      .where('organization_id', '=', owner.id)
      .where('slug', '=', input.slug)
      .executeTakeFirst();
    if (existing) continue;
    const short = ORGANIZATIONS.find((o) => o.slug === provider)!.short;
    await createTemplate(db, { id: owner.id, name: provider }, input, people.get(`steward.${short}`)!);
    tally.templates++;
  }
}

/** The agreements in force (AGREEMENTS) and one in every other state (AGREEMENT_STORIES). */
export async function seedAgreements(
  db: Db,
  owners: Map<string, Owner>,
  people: Map<string, string>,
  tally: Tally,
) {
  const stories = [
    ...AGREEMENTS.map((a, i) => ({ ...a, status: 'active' as const, reason: null, daysAgo: 30 + 11 * i })),
    ...AGREEMENT_STORIES,
  ];
  for (const story of stories) {
    const consumer = owners.get(story.consumer)!;
    const service = await db
      .selectFrom('services')
      .select(['id', 'dataset_id', 'organization_id'])
      .where('organization_id', '=', owners.get(story.provider)!.id)
      .where('slug', '=', story.service)
      .executeTakeFirstOrThrow();
    const purpose = await db
      .selectFrom('purposes')
      .select(['id', 'legal_basis', 'special_category_basis'])
      .where('slug', '=', story.purpose)
      .executeTakeFirstOrThrow();
    const existing = await db
      .selectFrom('agreements')
      .select('id')
      .where('consumer_organization_id', '=', consumer.id)
      .where('service_id', '=', service.id)
      .where('purpose_id', '=', purpose.id)
      .executeTakeFirst();
    if (existing) continue;
    await db.transaction().execute(async (trx) => {
      const ids = { service, purpose, consumer, provider: service.organization_id };
      if (story.status === 'superseded') {
        const first = await writeStory(trx, people, ids, story, 'superseded', null, 1);
        await writeStory(
          trx,
          people,
          ids,
          { ...story, fields: [...story.fields, 'municipality'], daysAgo: story.daysAgo / 2 },
          'active',
          first,
          2,
        );
      } else {
        await writeStory(trx, people, ids, story, story.status, null, 1);
      }
    });
    tally.agreements++;
  }
}

/** Whose sign-off a party is in the demo: `steward.<short>`, `dpo.<short>` or `legal.<short>`. */
function signer(party: ApprovalParty, provider: string, consumer: string): string {
  const { side, role } = APPROVAL_PARTIES[party];
  const short = ORGANIZATIONS.find((o) => o.slug === (side === 'provider' ? provider : consumer))!.short;
  const prefix = role === 'data_steward' ? 'steward' : role === 'legal_reviewer' ? 'legal' : 'dpo';
  return `${prefix}.${short}`;
}

async function writeStory(
  db: Db,
  people: Map<string, string>,
  ids: {
    service: { id: string; dataset_id: string; organization_id: string };
    purpose: { id: string; legal_basis: string; special_category_basis: string | null };
    consumer: Owner;
    provider: string;
  },
  story: DemoAgreement & { reason: string | null; daysAgo: number },
  status: AgreementStatus,
  supersedes: AgreementTable | null,
  version: number,
): Promise<AgreementTable> {
  const providerSlug = (
    await db
      .selectFrom('organizations')
      .select('slug')
      .where('id', '=', ids.provider)
      .executeTakeFirstOrThrow()
  ).slug;
  const declared = await declaredFields(db, ids.service.dataset_id);
  const parties = requiredApprovals(
    story.fields.map((f) => sensitivityOf(f, declared) ?? 'internal'),
    false,
  );
  const present = Date.now();
  const requested = present - story.daysAgo * DAY_MS;
  const submitted = requested + 2 * HOUR_MS;
  // A few hours to a few days from request to active: the demo's time to share.
  const activated = submitted + (3 + ((story.daysAgo * 7) % 70)) * HOUR_MS;
  const wasActive = WAS_ACTIVE.includes(status);
  const validUntil =
    status === 'expired' ? activated + 365 * DAY_MS : Math.max(present, activated) + 2 * 365 * DAY_MS;
  const ended =
    status === 'superseded' || status === 'revoked'
      ? present - Math.floor(story.daysAgo / 3) * DAY_MS
      : status === 'expired'
        ? validUntil
        : status === 'rejected' || status === 'withdrawn'
          ? submitted + 2 * DAY_MS
          : null;
  const iso = (ms: number) => new Date(ms).toISOString();
  const id = crypto.randomUUID();
  const row: AgreementTable = {
    id,
    provider_organization_id: ids.provider,
    consumer_organization_id: ids.consumer.id,
    service_id: ids.service.id,
    purpose_id: ids.purpose.id,
    fields: JSON.stringify(story.fields),
    legal_basis: ids.purpose.legal_basis,
    special_category_basis: ids.purpose.special_category_basis,
    valid_from: iso(wasActive ? activated : requested),
    valid_until: iso(validUntil),
    retention_days: story.retentionDays,
    status,
    status_reason: story.reason,
    rate_limit_per_minute: null,
    quota_per_day: null,
    created_by: people.get(signer('consumer_steward', providerSlug, story.consumer)) ?? null,
    created_at: iso(requested),
    updated_at: now(),
    lineage_id: supersedes?.lineage_id ?? id,
    version,
    supersedes_id: supersedes?.id ?? null,
    onward_sharing: 0,
    safeguards: 'Only the caseworkers handling the case see the data.',
    template_id: null,
    emergency_id: null,
    submitted_at: status === 'draft' ? null : iso(submitted),
    activated_at: wasActive ? iso(activated) : null,
    ended_at: ended === null ? null : iso(ended),
    expiry_notified_at: null,
  };
  await db.insertInto('agreements').values(row).execute();

  const approvals: AgreementApprovalTable[] = parties.map((party, i) => {
    const person = people.get(signer(party, providerSlug, story.consumer)) ?? null;
    const signed =
      wasActive ||
      (party === 'consumer_steward' && status !== 'draft') ||
      (status === 'rejected' && party !== 'provider_steward' && APPROVAL_PARTIES[party].side === 'consumer');
    const rejects = status === 'rejected' && party === 'provider_steward';
    return {
      agreement_id: id,
      party,
      organization_id: APPROVAL_PARTIES[party].side === 'provider' ? ids.provider : ids.consumer.id,
      role: APPROVAL_PARTIES[party].role,
      decision: rejects ? 'rejected' : signed ? 'approved' : null,
      decided_by: rejects || signed ? person : null,
      decided_at:
        rejects || signed
          ? iso(party === 'consumer_steward' ? submitted : submitted + (i + 1) * HOUR_MS)
          : null,
      reason: rejects ? story.reason : party === 'consumer_steward' && signed ? 'Sent the request' : null,
    };
  });
  if (approvals.length > 0) await db.insertInto('agreement_approvals').values(approvals).execute();

  const requester = signer('consumer_steward', providerSlug, story.consumer);
  const trail: {
    at: number;
    action: string;
    from: AgreementStatus | null;
    to: AgreementStatus;
    who: string | null;
    reason: string | null;
  }[] = [
    {
      at: requested,
      action: version > 1 ? 'amend' : 'request',
      from: null,
      to: 'draft',
      who: requester,
      reason: null,
    },
  ];
  if (status !== 'draft')
    trail.push({
      at: submitted,
      action: 'submit',
      from: 'draft',
      to: 'submitted',
      who: requester,
      reason: null,
    });
  if (wasActive)
    trail.push({
      at: activated,
      action: 'approve',
      from: 'submitted',
      to: 'active',
      who: signer('provider_steward', providerSlug, story.consumer),
      reason: null,
    });
  const last = trail.at(-1)!.to;
  if (status === 'rejected')
    trail.push({
      at: ended!,
      action: 'reject',
      from: last,
      to: status,
      who: signer('provider_steward', providerSlug, story.consumer),
      reason: story.reason,
    });
  if (status === 'withdrawn')
    trail.push({
      at: ended!,
      action: 'withdraw',
      from: last,
      to: status,
      who: requester,
      reason: story.reason,
    });
  if (status === 'suspended')
    trail.push({
      at: present - DAY_MS,
      action: 'suspend',
      from: last,
      to: status,
      who: signer('provider_steward', providerSlug, story.consumer),
      reason: story.reason,
    });
  if (status === 'revoked')
    trail.push({
      at: ended!,
      action: 'revoke',
      from: last,
      to: status,
      who: signer('provider_dpo', providerSlug, story.consumer),
      reason: story.reason,
    });
  if (status === 'expired')
    trail.push({ at: ended!, action: 'expire', from: last, to: status, who: null, reason: story.reason });
  if (status === 'superseded')
    trail.push({ at: ended!, action: 'supersede', from: last, to: status, who: null, reason: story.reason });
  const names = new Map(
    (await db.selectFrom('people').select(['id', 'name']).execute()).map((p) => [p.id, p.name]),
  );
  await db
    .insertInto('agreement_events')
    .values(
      trail.map((t) => {
        const personId = t.who ? (people.get(t.who) ?? null) : null;
        return {
          id: crypto.randomUUID(),
          agreement_id: id,
          at: iso(t.at),
          action: t.action,
          from_status: t.from,
          to_status: t.to,
          actor_id: personId,
          actor_name: personId ? (names.get(personId) ?? 'govdx') : 'govdx',
          reason: t.reason,
          ledger_index: null,
        };
      }),
    )
    .execute();
  return row;
}
