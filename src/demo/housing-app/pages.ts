/**
 * The pages of the demo housing benefit application: the form (empty, or filled in from govdx), and
 * what happens when govdx says no. Its own look, so that it is plainly another site than govdx; written
 * for WCAG 2.1 AA like govdx's own pages (a language, landmarks, one h1, labels, contrast above 4.5:1).
 */
import type { PersonAttribute, PersonData } from './govdx-client.ts';

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font:1.0625rem/1.5 Georgia,"Times New Roman",serif;color:#1b1b1b;background:#fbf7ef}
  header{background:#1e5631;color:#fff;padding:.75rem 1.5rem}
  header p{margin:0;font-weight:700;font-size:1.25rem}
  main{max-width:40rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #6b6b6b}
  h1{font-size:1.8rem;line-height:1.2;margin:0 0 1rem}
  h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
  fieldset{border:1px solid #6b6b6b;margin:1rem 0;padding:.5rem 1rem 1rem}
  legend{font-weight:700;padding:0 .25rem}
  label{display:block;font-weight:600;margin:.75rem 0 .25rem}
  input{width:100%;padding:.45rem;font:inherit;color:#1b1b1b;border:2px solid #4d4d4d;border-radius:2px}
  button,.button{display:inline-block;margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font:inherit;font-weight:700;border:2px solid #1e5631;border-radius:4px;cursor:pointer;text-decoration:none}
  .primary{background:#1e5631;color:#fff}
  .secondary{background:#fff;color:#1e5631}
  a{color:#1e5631}
  :focus-visible{outline:3px solid #b35c00;outline-offset:2px}
  .source{font-size:.95rem;color:#404040;margin:.25rem 0 0}
  .notice{border-left:4px solid #1e5631;background:#eef5ef;padding:.75rem 1rem}
  .problem{border-left:4px solid #a4161a;background:#fbeaea;padding:.75rem 1rem}
  .field-error{color:#a4161a;font-weight:700;margin:.25rem 0}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Housing Agency</title>
<style>${STYLE}</style>
</head>
<body>
<header><p>Housing Agency</p></header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** The values the form is filled in with, and where each came from. */
export interface Prefill {
  person: PersonData;
}

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** The fields an application needs, with what to say when one is left empty; the apartment is optional. */
export const REQUIRED_FIELDS: Record<string, string> = {
  given_name: 'Enter your given name',
  family_name: 'Enter your family name',
  street: 'Enter your street',
  house_number: 'Enter your house number',
  postcode: 'Enter your postcode',
  municipality: 'Enter your town or municipality',
  income_year: 'Enter the tax year',
  taxable_income: 'Enter your taxable income',
};

/** An application sent back: what was typed, and what is missing. */
export interface Refused {
  values: Record<string, string>;
  errors: Record<string, string>;
}

function field(
  id: string,
  label: string,
  value: string,
  autocomplete: string,
  refused: Refused | undefined,
): string {
  const error = refused?.errors[id];
  const shown = refused ? (refused.values[id] ?? '') : value;
  return `<label for="${id}">${escapeHtml(label)}</label>
${error ? `<p class="field-error" id="${id}-error">${escapeHtml(error)}</p>` : ''}<input id="${id}" name="${id}" type="text" autocomplete="${autocomplete}" value="${escapeHtml(shown)}"${error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''}>`;
}

function sourceNote(attribute: PersonAttribute | undefined): string {
  if (!attribute) return '';
  if (attribute.unavailable) {
    return `<p class="source">${escapeHtml(attribute.source.register)} (${escapeHtml(attribute.source.organizationName)}) holds nothing for you: please fill this in.</p>`;
  }
  const updated = attribute.lastUpdated
    ? `, last updated ${new Date(attribute.lastUpdated).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`
    : '';
  return `<p class="source">Filled in through govdx from: ${escapeHtml(attribute.source.register)} (${escapeHtml(attribute.source.organizationName)})${escapeHtml(updated)}.</p>`;
}

export function formPage(options: {
  prefill: Prefill | null;
  problem: string | null;
  refused?: Refused;
}): string {
  const attributes = options.prefill?.person.attributes ?? {};
  const value = (scope: string) => {
    const a = attributes[scope];
    return a && !a.unavailable ? (a.value as Record<string, unknown>) : {};
  };
  const name = value('name');
  const address = value('address');
  const income = value('income');
  const intro = options.prefill
    ? `<p class="notice" role="status">Your details were filled in from the government registers through govdx. Check them, and correct anything that is wrong.</p>
<form method="post" action="/refresh"><button class="secondary" type="submit">Check my details with govdx again</button></form>`
    : `<h2>Save typing</h2>
<p>We can fill in your name, address and last year’s income from the government registers. govdx will ask you to sign in and to agree first.</p>
<p><a class="button primary" href="/start">Fill in with govdx</a></p>`;
  return page(
    'Apply for housing benefit',
    `${options.problem ? `<div class="problem" role="alert"><p>${escapeHtml(options.problem)}</p></div>` : ''}
${
  options.refused
    ? `<div class="problem" role="alert"><p>Your application is not complete:</p><ul>${Object.entries(
        options.refused.errors,
      )
        .map(([id, error]) => `<li><a href="#${id}">${escapeHtml(error)}</a></li>`)
        .join('')}</ul></div>`
    : ''
}
${intro}
<h2>Your application</h2>
<form method="post" action="/apply">
<fieldset>
<legend>Your name</legend>
${field('given_name', 'Given name(s)', text(name.given_name), 'given-name', options.refused)}
${field('family_name', 'Family name', text(name.family_name), 'family-name', options.refused)}
${sourceNote(attributes.name)}
</fieldset>
<fieldset>
<legend>Your address</legend>
${field('street', 'Street', text(address.street), 'address-line1', options.refused)}
${field('house_number', 'House number', text(address.house_number), 'address-line2', options.refused)}
${field('apartment', 'Apartment (if any)', text(address.apartment), 'address-line3', options.refused)}
${field('postcode', 'Postcode', text(address.postcode), 'postal-code', options.refused)}
${field('municipality', 'Town or municipality', text(address.municipality), 'address-level2', options.refused)}
${sourceNote(attributes.address)}
</fieldset>
<fieldset>
<legend>Your income</legend>
${field('income_year', 'Tax year', text(income.year), 'off', options.refused)}
${field('taxable_income', 'Taxable income (EUR)', text(income.taxable_income), 'off', options.refused)}
${sourceNote(attributes.income)}
</fieldset>
<button class="primary" type="submit">Send application</button>
</form>`,
  );
}

export function sentPage(reference: string): string {
  return page(
    'Application received',
    `<p>Thank you. Your reference is <strong>${escapeHtml(reference)}</strong>. We will write to you within 30 days.</p>
<p><a href="/">Back to the application</a></p>`,
  );
}
