/**
 * Calls to providers' own APIs for proxied services: kept-alive connections per provider (undici), a
 * deadline for the whole answer, and a cap on its size. Whatever goes wrong becomes one of the
 * PROVIDER_* refusals, and nothing of a failed answer is passed on.
 *
 * The deadline: a provider that does not connect, or does not send its answer's headers, is cut off by
 * undici's connect and headers timeouts (each the deadline, checked by undici about every half second);
 * once the answer has begun, one timer for all
 * calls looks every SWEEP_MS for answers still being read past their deadline and cuts them off, so that
 * a provider that starts answering and then trickles is stopped too. (An AbortSignal per call would bound
 * the whole call at once, at about 15 µs of CPU per call, measured: a third of the request itself.)
 *
 * Every connection goes through the outbound guard (src/outbound/): a provider's origin is called at
 * public addresses only, unless the platform admin marked it as inside the platform's network (or the
 * platform allows private networks). What went wrong (a status, a host, a DNS error) goes to the log;
 * the consumer is told only which kind of failure it was.
 */
import type { Readable } from 'node:stream';
import { Pool, errors as undiciErrors } from 'undici';
import { GovdxError } from '../domain/index.ts';
import { guardedConnect, isPrivateAddressError, refusedLiteral } from '../outbound/index.ts';

export interface ProviderAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface ProviderClientOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  /** Where the reason a call failed goes (the log). */
  onError?: ((error: unknown, what: string) => void) | undefined;
}

export interface ProviderRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
}

/** Whose answer failed, for the messages: "The Tax and Customs Board's system …". */
type Provider = { name: string };

/** Where the provider's API is, and whether it may be at a private address. */
export interface ProviderTarget {
  origin: string;
  path: string;
  allowPrivateNetworks: boolean;
}

interface Reading {
  deadline: number;
  body: Readable;
  late: boolean;
}

const SWEEP_MS = 50;

export class ProviderClient {
  readonly #options: ProviderClientOptions;
  readonly #pools = new Map<string, Pool>();
  readonly #reading = new Set<Reading>();
  #sweeper: NodeJS.Timeout | null = null;

  constructor(options: ProviderClientOptions) {
    this.#options = options;
  }

  #pool(origin: string, allowPrivateNetworks: boolean): Pool {
    const key = `${allowPrivateNetworks ? 'private' : 'public'} ${origin}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        connectTimeout: this.#options.timeoutMs,
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
        connect: guardedConnect(allowPrivateNetworks),
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #watch(reading: Reading): void {
    this.#reading.add(reading);
    this.#sweeper ??= setInterval(() => {
      const now = Date.now();
      for (const r of this.#reading) {
        if (now < r.deadline) continue;
        r.late = true;
        this.#reading.delete(r);
        r.body.destroy(new Error('deadline passed'));
      }
    }, SWEEP_MS).unref();
  }

  /** `request` at the target's path (with its query) of the API at its origin. */
  async request(
    target: ProviderTarget,
    request: ProviderRequest,
    provider: Provider,
  ): Promise<ProviderAnswer> {
    const { timeoutMs, maxResponseBytes } = this.#options;
    const { origin, path, allowPrivateNetworks } = target;
    const deadline = Date.now() + timeoutMs;
    let reading: Reading | undefined;
    try {
      // A literal address is connected to without a lookup, so the guard checks it here.
      const refused = refusedLiteral(new URL(origin), allowPrivateNetworks);
      if (refused) throw refused;
      const response = await this.#pool(origin, allowPrivateNetworks).request({
        path,
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      reading = { deadline, body: response.body, late: false };
      this.#watch(reading);
      const declared = response.headers['content-length'];
      let body: Buffer;
      if (declared !== undefined) {
        // The length is declared and HTTP framing holds the body to it: check it, then read it in one go.
        if (Number(declared) > maxResponseBytes) {
          response.body.destroy();
          throw tooLarge(provider, maxResponseBytes);
        }
        body = Buffer.from(await response.body.arrayBuffer());
      } else {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body) {
          size += (chunk as Buffer).length;
          if (size > maxResponseBytes) {
            response.body.destroy();
            throw tooLarge(provider, maxResponseBytes);
          }
          chunks.push(chunk as Buffer);
        }
        body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      }
      const type = response.headers['content-type'];
      return {
        status: response.statusCode,
        contentType: Array.isArray(type) ? (type[0] ?? '') : (type ?? ''),
        body,
      };
    } catch (error) {
      if (error instanceof GovdxError) throw error;
      this.#options.onError?.(error, `calling ${provider.name}'s system at ${origin}`);
      if (
        reading?.late ||
        error instanceof undiciErrors.HeadersTimeoutError ||
        error instanceof undiciErrors.BodyTimeoutError ||
        error instanceof undiciErrors.ConnectTimeoutError
      ) {
        throw new GovdxError(
          'PROVIDER_TIMEOUT',
          `${provider.name}'s system did not answer within ${timeoutMs / 1000} s. Try again later.`,
          { timeoutMs },
        );
      }
      const code = (error as { code?: string }).code ?? '';
      if (
        isPrivateAddressError(error) ||
        ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)
      ) {
        throw new GovdxError(
          'PROVIDER_UNREACHABLE',
          `${provider.name}'s system cannot be reached. Try again later.`,
        );
      }
      throw new GovdxError(
        'PROVIDER_ERROR',
        `${provider.name}'s system broke off its answer. Try again later.`,
      );
    } finally {
      if (reading) this.#reading.delete(reading);
    }
  }

  async close(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = null;
    await Promise.all([...this.#pools.values()].map((pool) => pool.destroy()));
    this.#pools.clear();
  }
}

function tooLarge(provider: Provider, limit: number): GovdxError {
  return new GovdxError(
    'PROVIDER_RESPONSE_TOO_LARGE',
    `${provider.name}'s system answered with more than ${limit} bytes, more than the exchange accepts. Nothing was passed on.`,
    { limitBytes: limit },
  );
}
