/**
 * Public keys (a JSON Web Key Set, RFC 7517) as a person handles them in the console: pasted or read from
 * a file, checked before they leave the browser (a private key is never sent), described in words, listed
 * with a way to revoke each.
 */
import { type ChangeEvent, type ReactNode, useId, useState } from 'react';
import { ApiError, request, type System } from './api.ts';
import { ErrorMessage } from './form.tsx';

export type Jwks = NonNullable<System['jwks']>;
export type Jwk = Jwks['keys'][number];

/** Members of a JWK that only a private or symmetric key has (the API refuses them too). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const KEY_TYPES = ['EC', 'RSA', 'OKP'];

/** The keys in pasted text: a key set `{"keys": […]}` or one key; or what is wrong, in words. */
export function parseKeys(text: string): { keys: Jwk[] } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { error: 'Paste the public keys, or choose the file that holds them' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return {
      error:
        'This is not a key set: it is not valid JSON. Paste the whole file, from the first { to the last }',
    };
  }
  const object = (value ?? {}) as Record<string, unknown>;
  const list = Array.isArray(object.keys) ? object.keys : typeof object.kty === 'string' ? [object] : null;
  if (!list || list.length === 0) {
    return { error: 'This has no keys in it: a key set looks like {"keys": [{"kty": …, "kid": …}]}' };
  }
  for (const [index, item] of list.entries()) {
    const key = (item ?? {}) as Record<string, unknown>;
    const which = list.length === 1 ? 'The key' : `Key ${index + 1}`;
    if (!KEY_TYPES.includes(String(key.kty))) {
      return {
        error: `${which} is not an elliptic-curve, RSA or Ed25519 key (its "kty" is missing or unknown)`,
      };
    }
    if (typeof key.kid !== 'string' || key.kid === '') {
      return { error: `${which} has no name: give it a key id ("kid")` };
    }
    if (PRIVATE_MEMBERS.some((member) => member in key)) {
      return {
        error: `${which} (“${key.kid}”) is a private key. Paste only the public key: the private key never leaves your system`,
      };
    }
  }
  return { keys: list as Jwk[] };
}

/** What kind of key it is, in words: "Elliptic curve P-256", "RSA, 2048 bits", "Ed25519". */
export function describeKey(key: Jwk): string {
  const jwk = key as Jwk & { crv?: string; n?: string; alg?: string };
  let kind: string;
  if (key.kty === 'EC') kind = `Elliptic curve ${jwk.crv ?? ''}`.trim();
  else if (key.kty === 'OKP') kind = jwk.crv ?? 'Edwards curve';
  else kind = jwk.n ? `RSA, ${Math.floor((jwk.n.length * 6) / 8) * 8} bits` : 'RSA';
  return jwk.alg ? `${kind} (${jwk.alg})` : kind;
}

/** What a key is used for, in words: signing in (signatures) or receiving data encrypted to it. */
export function keyUse(key: Jwk): string {
  return (key as Jwk & { use?: string }).use === 'enc' ? 'Receiving data encrypted to it' : 'Signing in';
}

/**
 * Where a person pastes a key set, or chooses the file that holds it: the file's text lands in the box,
 * where it can be read before it is sent.
 */
export function KeysField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
}: {
  id: string;
  label: ReactNode;
  hint: ReactNode;
  error: string | undefined;
  value: string;
  onChange(text: string): void;
}) {
  const [read, setRead] = useState('');
  const fileId = useId();

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    try {
      onChange(await file.text());
      setRead(`The keys from ${file.name} are in the box above. Check them, then send the form.`);
    } catch {
      setRead(`${file.name} could not be read. Paste its contents instead.`);
    }
  }

  return (
    <div className={`form-group${error ? ' form-group--error' : ''}`}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <ErrorMessage id={id} error={error} />
      <textarea
        className="input textarea input--code"
        id={id}
        name="keys"
        rows={8}
        spellCheck={false}
        autoComplete="off"
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
      />
      <div className="keys-file">
        <label className="label" htmlFor={fileId}>
          Or choose the file with the public keys
        </label>
        <input
          className="file-input"
          id={fileId}
          type="file"
          accept=".json,.jwk,.jwks,application/json,application/jwk-set+json"
          onChange={(event) => void choose(event)}
        />
        <p role="status" className="hint">
          {read}
        </p>
      </div>
    </div>
  );
}

/**
 * The keys of a system or a consent service, each with what it is and, when it may go, a button to revoke
 * it. The last key cannot go: something that signs in needs a key.
 */
export function KeysTable({
  keys,
  caption,
  onRevoke,
}: {
  keys: Jwk[];
  caption: string;
  onRevoke?: (key: Jwk) => void;
}) {
  return (
    <table className="table">
      <caption className="table__caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Key id</th>
          <th scope="col">Kind of key</th>
          <th scope="col">Used for</th>
          {onRevoke ? (
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key.kid}>
            <th scope="row">
              <code>{key.kid}</code>
            </th>
            <td>{describeKey(key)}</td>
            <td>{keyUse(key)}</td>
            {onRevoke ? (
              <td>
                {keys.length > 1 ? (
                  <button
                    type="button"
                    className="button button--warning button--small"
                    onClick={() => onRevoke(key)}
                  >
                    Revoke<span className="visually-hidden"> key {key.kid}</span>
                  </button>
                ) : (
                  <span className="hint">The only key: add another before revoking it</span>
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The keys of a set with those added, or what is wrong: a key id used twice. */
export function withKeysAdded(current: Jwk[], added: Jwk[]): { keys: Jwk[] } | { error: string } {
  const taken = new Set(current.map((key) => key.kid));
  for (const key of added) {
    if (taken.has(key.kid)) {
      return { error: `There is already a key “${key.kid}”. Give the new key another key id ("kid")` };
    }
    taken.add(key.kid);
  }
  return { keys: [...current, ...added] };
}

/**
 * Changes the key set of the system or consent service at `path`: the API takes the whole set, so it is
 * read afresh just before, and a key another person added or revoked since the page was loaded is kept
 * added or revoked. What `change` finds wrong is refused as INVALID_JWKS, beside the keys.
 */
export async function changeKeys(
  path: string,
  change: (keys: Jwk[]) => { keys: Jwk[] } | { error: string },
): Promise<unknown> {
  const current = await request<{ jwks: Jwks | null }>('GET', path);
  const changed = change(current.jwks?.keys ?? []);
  if ('error' in changed) throw new ApiError('INVALID_JWKS', changed.error, 0);
  return request('PATCH', path, { body: { jwks: { keys: changed.keys } } });
}

/** The key set without the key `kid`; a set cannot be left empty. */
export function withKeyRevoked(keys: Jwk[], kid: string): { keys: Jwk[] } | { error: string } {
  const left = keys.filter((key) => key.kid !== kid);
  if (left.length === keys.length) return { keys };
  if (left.length === 0) return { error: `“${kid}” is the only key left: add another before revoking it.` };
  return { keys: left };
}
