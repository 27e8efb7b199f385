/**
 * A small browser for sign-in tests: a cookie jar over fetch that follows redirects itself
 * (redirect: 'manual'), so each hop can be seen. Cookies are matched by name and path only, as a
 * browser does on localhost, where ports do not separate cookies.
 */
export interface Step {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
  text: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
  attributes: string;
}

export class Browser {
  private jar = new Map<string, Cookie>();

  /** The value of a cookie this browser would send to `path`. */
  cookie(name: string, path = '/'): string | undefined {
    return this.matching(path).find((c) => c.name === name)?.value;
  }

  /** The Set-Cookie attributes last received for the cookie (e.g. to check HttpOnly). */
  cookieAttributes(name: string): string | undefined {
    return [...this.jar.values()].find((c) => c.name === name)?.attributes;
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(`${name};${path}`, { name, value, path, attributes: '' });
  }

  private matching(path: string): Cookie[] {
    return [...this.jar.values()].filter(
      (c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
    );
  }

  private store(header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((p) => p.trim());
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    const path = /^path=(.*)$/i.exec(attributes.find((a) => /^path=/i.test(a)) ?? '')?.[1] ?? '/';
    const maxAge = /^max-age=(-?\d+)$/i.exec(attributes.find((a) => /^max-age=/i.test(a)) ?? '')?.[1];
    const expires = /^expires=(.*)$/i.exec(attributes.find((a) => /^expires=/i.test(a)) ?? '')?.[1];
    const gone =
      (maxAge !== undefined && Number(maxAge) <= 0) || (expires && Date.parse(expires) <= Date.now());
    if (gone || value === '') this.jar.delete(`${name};${path}`);
    else this.jar.set(`${name};${path}`, { name, value, path, attributes: attributes.join('; ') });
  }

  /** One request, sending matching cookies and keeping those set. */
  async request(
    url: string | URL,
    options: {
      method?: string;
      form?: Record<string, string>;
      json?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Step> {
    const target = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html,application/json', ...options.headers };
    const cookies = this.matching(target.pathname);
    if (cookies.length) headers.cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(target, {
      method: options.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.store(header);
    const location = response.headers.get('location');
    return {
      url: target.href,
      status: response.status,
      location: location === null ? null : new URL(location, target).href,
      setCookies,
      text: await response.text(),
    };
  }

  /**
   * Makes the request and follows redirects with GET, stopping before any address for which `stop`
   * says so (by default: anything that is neither sign-in nor the identity provider).
   */
  async follow(
    url: string | URL,
    options: { method?: string; form?: Record<string, string> } = {},
    stop: (url: URL) => boolean = (u) => !/^\/(auth|idp)(\/|$)/.test(u.pathname),
  ): Promise<{ last: Step; steps: Step[]; next: string | null }> {
    const steps: Step[] = [await this.request(url, options)];
    for (;;) {
      const last = steps.at(-1)!;
      if (last.status < 300 || last.status >= 400 || !last.location) return { last, steps, next: null };
      if (stop(new URL(last.location))) return { last, steps, next: last.location };
      if (steps.length > 20) throw new Error(`Too many redirects: ${steps.map((s) => s.url).join(' → ')}`);
      steps.push(await this.request(last.location));
    }
  }
}

/** The action of the first form on a page whose action contains `contains`. */
export function formAction(page: Step, contains = ''): string {
  for (const match of page.text.matchAll(/<form\b[^>]*\baction="([^"]+)"/g)) {
    const action = match[1]!.replaceAll('&amp;', '&');
    if (action.includes(contains)) return new URL(action, page.url).href;
  }
  throw new Error(`No form with action containing "${contains}" on ${page.url}:\n${page.text}`);
}

/** The hidden inputs of a page's forms, as a record (for the provider's own logout form). */
export function hiddenInputs(page: Step): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.text.matchAll(/<input\b[^>]*>/g)) {
    const tag = match[0];
    if (!/type="hidden"/.test(tag)) continue;
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (name) fields[name] = value;
  }
  return fields;
}

/**
 * Signs in at govdx (`base`) the way a person does: /auth/login, the provider's login form (unless the
 * provider remembers them), consent when asked, back to /auth/callback. Stops before the page govdx
 * returns to; `next` is that page, or null when sign-in ended on a page of its own (e.g. an error).
 */
export async function signIn(
  browser: Browser,
  base: string,
  credentials: { username: string; password: string },
  options: { returnTo?: string; consent?: 'allow' | 'deny' } = {},
): Promise<{ last: Step; steps: Step[]; next: string | null }> {
  const query = options.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(options.returnTo)}`;
  let result = await browser.follow(`${base}/auth/login${query}`);
  const steps = [...result.steps];
  if (result.last.status === 200 && result.last.text.includes('/login"')) {
    result = await browser.follow(formAction(result.last, '/login'), { form: credentials });
    steps.push(...result.steps);
  }
  if (result.last.status === 200 && result.last.text.includes('/consent"')) {
    const decision = options.consent ?? 'allow';
    result = await browser.follow(formAction(result.last, '/consent'), { form: { decision } });
    steps.push(...result.steps);
  }
  return { ...result, steps };
}
