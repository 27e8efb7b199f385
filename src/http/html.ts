/**
 * Server-rendered pages for the few screens that live outside the web app: sign-in at the embedded
 * identity provider, and sign-in errors. Written for WCAG 2.1 AA: a language, one h1 in a main
 * landmark, a label for every input, errors tied to their inputs and announced, contrast above 4.5:1.
 */

import { hash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** Sends a server-rendered page, never cached: each holds one person's step of a sign-in or consent. */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** Escapes text for HTML content and quoted attribute values. */
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
  body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f0f0f0}
  header{background:#1a4480;color:#fff;padding:.75rem 1.5rem}
  header p{margin:0;font-weight:700;font-size:1.25rem}
  main{max-width:28rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #757575;border-radius:4px}
  h1{font-size:1.75rem;line-height:1.2;margin:0 0 1rem}
  label{display:block;font-weight:600;margin:1rem 0 .25rem}
  input[type=text],input[type=password]{width:100%;padding:.5rem;font:inherit;color:#1b1b1b;border:2px solid #565c65;border-radius:2px}
  input[aria-invalid=true]{border-color:#b50909}
  button,.button{display:inline-block;margin:1.25rem .5rem 0 0;padding:.6rem 1.25rem;font:inherit;font-weight:600;border:2px solid #005ea2;border-radius:4px;cursor:pointer;text-decoration:none}
  button.primary,.button.primary{background:#005ea2;color:#fff}
  button.secondary{background:#fff;color:#005ea2}
  a{color:#005ea2}
  :focus-visible{outline:3px solid #e66f0e;outline-offset:2px}
  .error{color:#b50909;font-weight:600;border-left:4px solid #b50909;padding-left:.75rem}
  ul{padding-left:1.25rem}
  main.wide{max-width:44rem}
  h2{font-size:1.3rem;margin:1.75rem 0 .5rem}
  h3{font-size:1.1rem;margin:0 0 .25rem}
  .attributes{list-style:none;padding:0;margin:0}
  .attributes>li{border-top:1px solid #a9aeb1;padding:.75rem 0}
  dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.25rem 0 0}
  dl.facts dt{font-weight:600}
  dl.facts dd{margin:0}
  .note{color:#3d4551}
`;

/** The CSP source that allows the pages' one inline style sheet, and no other (security-headers.ts). */
export const PAGE_STYLE_SOURCE = `'sha256-${hash('sha256', STYLE, 'base64')}'`;

/**
 * A whole page. `body` is trusted HTML; escape anything that came from a request before passing it.
 * `wide` pages (the consent page) have room for a list of facts.
 */
export function htmlPage(title: string, body: string, options: { wide?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – govdx</title>
<style>${STYLE}</style>
</head>
<body>
<header><p>govdx</p></header>
<main${options.wide ? ' class="wide"' : ''}>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

/** A labelled input. When `errorId` is given the input is marked invalid and described by that error. */
export function inputField(field: {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  value?: string;
  errorId?: string | undefined;
}): string {
  const invalid = field.errorId ? ` aria-invalid="true" aria-describedby="${escapeHtml(field.errorId)}"` : '';
  const value = field.value ? ` value="${escapeHtml(field.value)}"` : '';
  return `<label for="${field.id}">${escapeHtml(field.label)}</label>
<input id="${field.id}" name="${field.name}" type="${field.type}" autocomplete="${field.autocomplete}" required${value}${invalid}>`;
}

/** An error message that screen readers announce as soon as the page shows it. */
export function errorMessage(id: string, text: string): string {
  return `<p id="${escapeHtml(id)}" class="error" role="alert">${escapeHtml(text)}</p>`;
}

/** A page that explains a problem in plain words and offers one way forward. */
export function problemPage(
  title: string,
  explanation: string,
  link: { href: string; text: string },
): string {
  return htmlPage(
    title,
    `<p>${escapeHtml(explanation)}</p>
<p><a class="button primary" href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`,
  );
}
