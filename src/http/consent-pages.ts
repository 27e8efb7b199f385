/**
 * The pages of the consent authorization server: the consent page (who asks, why, on what legal basis,
 * which details from which register, how long they keep them), the preview of the values, and its
 * problems. Plain words, one question per page, WCAG 2.1 AA as html.ts.
 */
import type { ErrorOut } from 'oidc-provider';
import { ATTRIBUTES, type ConsentRequestDescription, type PersonAttribute } from '../consent/index.ts';
import { addressInWords, daysInWords, fieldLabel, valueInWords } from '../domain/index.ts';
import { escapeHtml, htmlPage, problemPage } from './html.ts';

const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** "30 days", "1 year", "10 years": the one way every page writes a retention period. */
export function retentionWords(days: number | null): string {
  if (days === null) return 'As long as the law allows; the agreement does not say';
  return daysInWords(days);
}

function attributeItem(attribute: ConsentRequestDescription['attributes'][number]): string {
  const { source } = attribute;
  const updated = source.lastUpdated
    ? day(source.lastUpdated)
    : source.hosted
      ? 'The register holds no entry for you'
      : `Asked from the ${source.organizationName} when it is sent`;
  return `<li>
<h3>${escapeHtml(attribute.label)}</h3>
<dl class="facts">
<dt>From</dt><dd>${escapeHtml(source.register)}, kept by the ${escapeHtml(source.organizationName)}</dd>
<dt>Last updated</dt><dd>${escapeHtml(updated)}</dd>
<dt>They may keep it for</dt><dd>${escapeHtml(retentionWords(attribute.retentionDays))}</dd>
</dl>
</li>`;
}

export function consentPage(
  action: string,
  request: ConsentRequestDescription,
  options: { preview: boolean; publicUrl: string },
): string {
  const myData = `${options.publicUrl}/my-data`;
  const { organization, purpose } = request;
  const basis = purpose.specialCategoryBasisText
    ? `${purpose.legalBasisText}, and ${purpose.specialCategoryBasisText}`
    : purpose.legalBasisText;
  return htmlPage(
    `Share your details with the ${organization.name}?`,
    `<p><strong>${escapeHtml(request.clientName)}</strong>, a service of the ${escapeHtml(organization.name)}, asks govdx for some of your details from the government registers, so that you do not have to type them.</p>
<h2>Why they ask</h2>
<p><strong>${escapeHtml(purpose.title)}.</strong> ${escapeHtml(purpose.description)}</p>
<p>Legal basis: ${escapeHtml(basis)}.</p>
<h2>What they will get</h2>
<ul class="attributes">
${request.attributes.map(attributeItem).join('\n')}
</ul>
<p class="note">Nothing else is shared. Each time govdx sends your details it is recorded, and you can see it on your <a href="${escapeHtml(myData)}" target="_blank" rel="noopener">“My data” page (opens in a new tab)</a>. You can withdraw your consent there at any time.</p>
${options.preview ? '<p class="note">Before anything is sent, you will see the details and can still cancel.</p>' : ''}
<form method="post" action="${escapeHtml(action)}">
<button class="primary" type="submit" name="decision" value="approve">${options.preview ? 'Yes, show me what will be sent' : 'Yes, share my details'}</button>
<button class="secondary" type="submit" name="decision" value="decline">No, do not share</button>
</form>`,
    { wide: true },
  );
}

const money = (amount: number, currency: string) =>
  `${amount.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

/** An attribute's value in words, for the preview and the demo service. */
export function valueWords(scope: string, attribute: PersonAttribute): string {
  if (attribute.unavailable) return 'Not in the register';
  const value = attribute.value as Record<string, unknown> | string | number;
  const single = ATTRIBUTES.get(scope)?.single;
  if (typeof value !== 'object' || value === null)
    return single
      ? valueInWords({ name: single, type: single === 'date_of_birth' ? 'date' : 'string' }, value)
      : String(value);
  const text = (key: string) => (value[key] === null || value[key] === undefined ? '' : String(value[key]));
  switch (scope) {
    case 'name':
      return `${text('given_name')} ${text('family_name')}`.trim();
    case 'address':
      return addressInWords(value) ?? 'Not in the register';
    case 'income':
      return `${money(Number(value.taxable_income), text('currency'))} in ${text('year')}`;
    case 'employment': {
      const employer = (value.employer as { name?: string } | null | undefined)?.name;
      return employer ? `${text('employment_status')}, at ${employer}` : text('employment_status');
    }
    default:
      return Object.entries(value)
        .map(([k, v]) => `${fieldLabel({ name: k })}: ${valueInWords({ name: k }, v)}`)
        .join(', ');
  }
}

export function previewPage(
  action: string,
  grantId: string,
  clientName: string,
  attributes: Array<{ scope: string; label: string; attribute: PersonAttribute }>,
): string {
  const items = attributes
    .map(
      ({ scope, label, attribute }) =>
        `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(valueWords(scope, attribute))}</dd>`,
    )
    .join('\n');
  return htmlPage(
    'Check your details before they are sent',
    `<p>This is what govdx will send to <strong>${escapeHtml(clientName)}</strong>:</p>
<dl class="facts">
${items}
</dl>
<p class="note">If something is wrong, cancel, and ask the register that keeps it to correct it.</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="grant" value="${escapeHtml(grantId)}">
<button class="primary" type="submit" name="decision" value="send">Send my details</button>
<button class="secondary" type="submit" name="decision" value="cancel">Cancel, do not send</button>
</form>`,
    { wide: true },
  );
}

/** For a person signed in to govdx without a national ID: the registers hold nothing about them. */
export function notACitizenPage(action: string, clientName: string): string {
  return htmlPage(
    'Your details cannot be shared',
    `<p>You are signed in to govdx with an account that has no national ID, so the government registers hold no details of yours to share with ${escapeHtml(clientName)}.</p>
<form method="post" action="${escapeHtml(action)}">
<button class="primary" type="submit" name="decision" value="decline">Go back to ${escapeHtml(clientName)}</button>
</form>`,
  );
}

export function consentExpiredPage(publicUrl: string): string {
  return problemPage(
    'This request has expired',
    'The page was open too long, or was already used. Go back to the service and start again.',
    { href: `${publicUrl}/`, text: 'Go to govdx' },
  );
}

/** Errors oidc-provider renders itself: a request govdx cannot send back (unknown client, wrong address). */
export function consentErrorPage(publicUrl: string, out: ErrorOut): string {
  return htmlPage(
    'The service’s request cannot be completed',
    `<p>The service that sent you here made a request govdx cannot answer, so none of your details were shared.</p>
<p>Details for its administrators: ${escapeHtml(String(out.error_description ?? out.error))}</p>
<p><a class="button primary" href="${escapeHtml(`${publicUrl}/`)}">Go to govdx</a></p>`,
  );
}
