/**
 * Calls to providers' own APIs for proxied services: kept-alive connections per provider (undici), a
 * deadline for the whole answer, and a cap on its size. Whatever goes wrong becomes one of the
 * PROVIDER_* refusals, and nothing of a failed answer is passed on.
 */
import { Pool, errors as undiciErrors } from 'undici';
import { GovdxError } from '../domain/index.ts';

export interface ProviderAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface ProviderClientOptions {
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface ProviderRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | undefined;
}

/** Whose answer failed, for the messages: "The Tax and Customs Board's system …". */
type Provider = { name: string };

export class ProviderClient {
  readonly #options: ProviderClientOptions;
  readonly #pools = new Map<string, Pool>();

  constructor(options: ProviderClientOptions) {
    this.#options = options;
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        connectTimeout: this.#options.timeoutMs,
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async request(url: URL, request: ProviderRequest, provider: Provider): Promise<ProviderAnswer> {
    const { timeoutMs, maxResponseBytes } = this.#options;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      const response = await this.#pool(url.origin).request({
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
      });
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
      if (
        deadline.signal.aborted ||
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
      if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)) {
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
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
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
