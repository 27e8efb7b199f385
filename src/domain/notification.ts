/**
 * Notifications: which governance events concern which people, in plain words. Pure rules; the
 * notifications part (src/notifications/) reads the events from the ledger, finds the people and
 * writes the inbox and the email outbox.
 */

export const NOTIFICATION_KINDS = [
  'approval_waiting',
  'sign_off_waiting',
  'request_approved',
  'request_turned_down',
  'emergency_declared',
  'emergency_ended',
  'agreement_ending',
  'correction_requested',
  'correction_made',
  'correction_declined',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Who a notification is for; src/notifications/ turns each into people (and the organization they act for). */
export type Audience =
  /** Members holding the role of a pending sign-off of the agreement, except its authors and those who signed. */
  | { signatoriesOf: string }
  /** Who requested, sent or amended the agreement. */
  | { authorsOf: string }
  /** The data protection officers of an organization (by slug), except these people. */
  | { officersOf: string; except: string[] }
  /** These people (those who proposed, prepared or sent something), acting for the organization. */
  | { people: string[]; organization: string }
  /** The organization admins and data stewards of an organization (by slug). */
  | { stewardsAndAdminsOf: string }
  /** Every organization admin and data steward, of every organization: emergencies are platform-wide. */
  | { everyStewardAndAdmin: true };

/** What a notification is about, by the ids the events carry; the job reads names and builds links. */
export type Subject =
  | { agreement: string }
  | { catalogChange: string; target: 'dataset' | 'service'; organization: string }
  | { release: string; organization: string }
  | { emergency: string; name: string; endsAt: string | null; reason: string | null }
  /** A citizen's correction request: `forSteward` links to the organization's queue, else to My data. */
  | { correction: string; organization: string; forSteward: boolean };

export interface NoticePlan {
  kind: NotificationKind;
  audience: Audience;
  subject: Subject;
  /**
   * Makes the notification once per person: a waiting sign-off is told once per agreement version,
   * however many events find it still waiting; anything else once per ledger entry.
   */
  key: string;
  reason: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const strings = (...values: unknown[]): string[] => values.map(text).filter((s) => s !== null);

/** Agreement events after which a sign-off may be waiting (a new request, an amendment, one sign-off of several). */
const MAY_WAIT = new Set([
  'agreement.requested',
  'agreement.submitted',
  'agreement.amended',
  'agreement.approved',
  'agreement.activated',
]);

/**
 * The notifications a governance event (committed at ledger entry `index`) makes. An event names the
 * organizations concerned by slug and the person who acted (`by`), so the plan needs nothing else.
 */
export function planNotices(index: number, event: Record<string, unknown>): NoticePlan[] {
  const kind = text(event.kind) ?? '';
  const reason = text(event.reason);
  const once = `ledger:${index}`;
  const plans: NoticePlan[] = [];
  const agreement = text(event.agreement);
  if (kind.startsWith('agreement.') && agreement !== null) {
    if (MAY_WAIT.has(kind)) {
      plans.push({
        kind: 'approval_waiting',
        audience: { signatoriesOf: agreement },
        subject: { agreement },
        key: `approval_waiting:${agreement}`,
        reason: null,
      });
    }
    if (kind === 'agreement.activated' || kind === 'agreement.rejected') {
      plans.push({
        kind: kind === 'agreement.activated' ? 'request_approved' : 'request_turned_down',
        audience: { authorsOf: agreement },
        subject: { agreement },
        key: once,
        reason,
      });
    }
    return plans;
  }
  const organization = text(event.organization);
  const change = /^(dataset|service)\.change_(proposed|approved|rejected)$/.exec(kind);
  const changeId = text(event.changeId);
  if (change && organization !== null && changeId !== null) {
    const subject = { catalogChange: changeId, target: change[1] as 'dataset' | 'service', organization };
    if (change[2] === 'proposed') {
      plans.push({
        kind: 'sign_off_waiting',
        audience: { officersOf: organization, except: strings(event.by) },
        subject,
        key: once,
        reason: null,
      });
    } else {
      plans.push({
        kind: change[2] === 'approved' ? 'request_approved' : 'request_turned_down',
        audience: { people: strings(event.proposedBy), organization },
        subject,
        key: once,
        reason,
      });
    }
    return plans;
  }
  const release = text(event.releaseId);
  if (kind.startsWith('release.') && organization !== null && release !== null) {
    const subject = { release, organization };
    if (kind === 'release.submitted') {
      plans.push({
        kind: 'sign_off_waiting',
        audience: { officersOf: organization, except: strings(event.by) },
        subject,
        key: once,
        reason: null,
      });
    } else if (kind === 'release.approved' || kind === 'release.rejected') {
      plans.push({
        kind: kind === 'release.approved' ? 'request_approved' : 'request_turned_down',
        audience: {
          people: [...new Set(strings(event.preparedBy, event.submittedBy))],
          organization,
        },
        subject,
        key: once,
        reason,
      });
    }
    return plans;
  }
  const correction = text(event.correction);
  if (kind.startsWith('correction.') && correction !== null && organization !== null) {
    if (kind === 'correction.requested') {
      plans.push({
        kind: 'correction_requested',
        audience: { stewardsAndAdminsOf: organization },
        subject: { correction, organization, forSteward: true },
        key: once,
        reason: null,
      });
    } else if (kind === 'correction.answered') {
      plans.push({
        kind: event.outcome === 'corrected' ? 'correction_made' : 'correction_declined',
        audience: { people: strings(event.requestedBy), organization },
        subject: { correction, organization, forSteward: false },
        key: once,
        reason,
      });
    }
    return plans;
  }
  const emergency = text(event.emergency);
  if ((kind === 'emergency.declared' || kind === 'emergency.ended') && emergency !== null) {
    plans.push({
      kind: kind === 'emergency.declared' ? 'emergency_declared' : 'emergency_ended',
      audience: { everyStewardAndAdmin: true },
      subject: { emergency, name: text(event.name) ?? 'An emergency', endsAt: text(event.endsAt), reason },
      key: once,
      reason,
    });
  }
  return plans;
}

/** The names a notification's words use, read by the job. */
export interface NoticeWords {
  /** The agreement's service, provider and consumer; the catalog change's dataset or service; the release's title. */
  thing: string;
  /** For an agreement's sign-off: which one the person gives (APPROVAL_PARTIES' label). */
  role?: string | undefined;
  reason: string | null;
}

const withReason = (sentence: string, reason: string | null): string =>
  reason === null ? sentence : `${sentence} Reason given: ${reason}`;

/** The notification's title: one plain sentence, which is also the email's subject. */
export function noticeTitle(kind: NotificationKind, subject: Subject, words: NoticeWords): string {
  const what =
    'agreement' in subject
      ? `the agreement for ${words.thing}`
      : 'catalogChange' in subject
        ? `the change to ${words.thing}`
        : 'release' in subject
          ? `the release "${words.thing}"`
          : 'correction' in subject
            ? `your entry in the ${words.thing}`
            : words.thing;
  switch (kind) {
    case 'approval_waiting':
      return `Your approval is needed: ${what}${words.role ? ` (as ${words.role.toLowerCase()})` : ''}`;
    case 'sign_off_waiting':
      return `Your sign-off is needed as data protection officer: ${what}`;
    case 'request_approved':
      return `Approved: ${what}`;
    case 'request_turned_down':
      return `Turned down: ${what}`;
    case 'emergency_declared':
      return `Emergency declared: ${words.thing}`;
    case 'emergency_ended':
      return `Emergency ended: ${words.thing}`;
    case 'agreement_ending':
      return `Ending within 30 days: ${what}`;
    case 'correction_requested':
      return `A correction is asked for: the ${words.thing}`;
    case 'correction_made':
      return `Corrected: ${what}`;
    case 'correction_declined':
      return `Not corrected: ${what}`;
  }
}

/** The notification's longer text, for the inbox and the email's body. */
export function noticeBody(kind: NotificationKind, words: NoticeWords, endsAt: string | null): string {
  const day = endsAt === null ? null : endsAt.slice(0, 10);
  switch (kind) {
    case 'approval_waiting':
      return 'A request is waiting for a sign-off you can give. Open it to approve it or turn it down.';
    case 'sign_off_waiting':
      return 'It waits for a data protection officer of your organization to approve it or turn it down.';
    case 'request_approved':
      return withReason('Your request was approved.', words.reason);
    case 'request_turned_down':
      return withReason('Your request was turned down.', words.reason);
    case 'emergency_declared':
      return withReason(
        `Requests from emergency templates take effect at once until ${day ?? 'it ends'}; their sign-offs are collected afterwards.`,
        words.reason,
      );
    case 'emergency_ended':
      return withReason('Agreements made under it have ended.', words.reason);
    case 'agreement_ending':
      return `It ends on ${day ?? 'its end date'}. Ask for an amendment or a new agreement if the data is still needed.`;
    case 'correction_requested':
      return 'A person asks your organization to correct their entry in this register. Open the queue to answer: corrected, or declined with a reason.';
    case 'correction_made':
      return withReason('The register’s keeper has corrected your entry, as you asked.', words.reason);
    case 'correction_declined':
      return withReason('The register’s keeper did not correct your entry.', words.reason);
  }
}

/** Most attempts to email one notification; then it is given up (the inbox still holds it). */
export const EMAIL_MOST_ATTEMPTS = 8;

/**
 * How long to wait after the `attempts`-th failed attempt to email a notification: one minute, doubled
 * each time, at most six hours (eight attempts span about four hours).
 */
export function emailRetryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
}
