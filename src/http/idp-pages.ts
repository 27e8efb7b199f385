/** The pages of the embedded identity provider: sign in, consent, sign out, and its problems. */

import { secondsInWords } from '../domain/index.ts';
import type { IdpPages } from '../identity/index.ts';
import { errorMessage, escapeHtml, htmlPage, inputField, problemPage } from './html.ts';

const LOGIN_ERROR = 'The username or password is wrong.';

/** Plain words for what each scope lets a service see. */
const SCOPE_WORDS: Record<string, string> = {
  profile: 'Your name',
  email: 'Your email address',
  national_id: 'Your national identification number',
};

/** "in 30 seconds", "in 4 minutes": how long until `until`, rounded up. */
function waitWords(until: Date, now: Date): string {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return secondsInWords(seconds < 90 ? seconds : Math.ceil(seconds / 60) * 60);
}

/** What the sign-in page says when signing in is paused after too many failed attempts. */
export function pausedMessage(until: Date, now = new Date()): string {
  const clock = until.toISOString().slice(11, 16);
  return `Too many failed attempts to sign in, so signing in is paused for a while to keep accounts safe. Try again in ${waitWords(until, now)} (after ${clock} UTC).`;
}

/**
 * The sign-in form; after a failed attempt, with the username kept and what went wrong: a wrong username or
 * password (never which), and when signing in is paused, until when.
 */
export function loginPage(uid: string, failed?: { username: string; pausedUntil?: Date | null }): string {
  const errorId = failed ? 'login-error' : undefined;
  const problem = failed?.pausedUntil ? pausedMessage(failed.pausedUntil) : failed ? LOGIN_ERROR : null;
  return htmlPage(
    'Sign in to govdx',
    `${problem ? errorMessage('login-error', problem) : '<p>Use the username and password you were given.</p>'}
<form method="post" action="/idp/interaction/${escapeHtml(uid)}/login">
${inputField({ id: 'username', name: 'username', label: 'Username', type: 'text', autocomplete: 'username', value: failed?.username ?? '', errorId })}
${inputField({ id: 'password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errorId })}
<button class="primary" type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(uid: string, clientName: string, scopes: string[]): string {
  const items = scopes.flatMap((scope) => (SCOPE_WORDS[scope] ? [`<li>${SCOPE_WORDS[scope]}</li>`] : []));
  return htmlPage(
    `Allow ${clientName} to use your details?`,
    `<p>${escapeHtml(clientName)} asks to know that you signed in${items.length ? ', and to see:' : '.'}</p>
${items.length ? `<ul>${items.join('')}</ul>` : ''}
<form method="post" action="/idp/interaction/${escapeHtml(uid)}/consent">
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button class="secondary" type="submit" name="decision" value="deny">Do not allow</button>
</form>`,
  );
}

/** For an interaction that is unknown, expired or already finished. */
export function interactionExpiredPage(publicUrl: string): string {
  return problemPage('This sign-in has expired', 'The sign-in page was open too long, or was already used.', {
    href: `${publicUrl}/auth/login`,
    text: 'Try again',
  });
}

/** The pages oidc-provider renders itself, in the same look. */
export function idpPages(publicUrl: string): IdpPages {
  const home = `${publicUrl}/`;
  return {
    logout: (form) =>
      htmlPage(
        'Sign out of govdx?',
        `${form}
<button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`,
      ),
    loggedOut: () =>
      problemPage('You are signed out', 'You have signed out of govdx.', { href: home, text: 'Go to govdx' }),
    error: (out) =>
      htmlPage(
        'Sign-in could not continue',
        `<p>The service that sent you here made a request that cannot be completed.</p>
<p>Details for its administrators: ${escapeHtml(String(out.error_description ?? out.error))}</p>
<p><a class="button primary" href="${escapeHtml(home)}">Go to govdx</a></p>`,
      ),
  };
}
