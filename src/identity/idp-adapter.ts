/**
 * Storage for oidc-provider in the govdx database. oidc-provider's own adapter keeps everything in
 * the memory of one process; with several nodes behind a load balancer, the node that shows the
 * login form may not be the one that receives the password. This adapter keeps each artifact as a
 * JSON payload in `oidc_payloads`, with the columns oidc-provider looks artifacts up by.
 */
import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../store/index.ts';
import { now } from '../store/index.ts';

/** Artifacts issued under a grant; revoking the grant deletes them all (as oidc-provider's own adapter does). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const SWEEP_EVERY_MS = 60_000;
let lastSweep = 0;

/** Deletes the artifacts that have expired; returns how many. */
export async function sweepOidcPayloads(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export class KyselyAdapter implements Adapter {
  /** The `model` column: the model's name, after the namespace of its provider when there are several. */
  private readonly model: string;

  /**
   * `namespace` keeps the artifacts of one provider apart from another's (the consent authorization
   * server's are `consent.Session`, …); the embedded identity provider has none.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly name: string,
    namespace = '',
  ) {
    this.model = `${namespace}${name}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: GRANTABLE.has(this.name) ? (payload.grantId ?? null) : null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at:
        typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
      consumed_at: null,
    };
    await this.db
      .insertInto('oidc_payloads')
      .values({ model: this.model, id, ...row })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
      .execute();
    await this.sweep();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findBy('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.db
      .updateTable('oidc_payloads')
      .set({ consumed_at: now() })
      .where('model', '=', this.model)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }

  /** Expired rows are never returned; they stay until a sweep, so reads must not trust their presence. */
  private async findBy(
    column: 'id' | 'uid' | 'user_code',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
      .executeTakeFirst();
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    // oidc-provider expects `consumed` in epoch seconds, and refuses a consumed code a second time.
    if (row.consumed_at) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  }

  /** Deletes expired artifacts, at most once a minute per process, so sign-ins do not each pay for it. */
  private async sweep(): Promise<void> {
    if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = Date.now();
    await sweepOidcPayloads(this.db);
  }
}

/** Registers a relying party in the embedded identity provider, next to govdx itself (e.g. a partner portal). */
export async function registerIdpClient(
  db: Kysely<Database>,
  metadata: AdapterPayload & { client_id: string },
): Promise<void> {
  await new KyselyAdapter(db, 'Client').upsert(metadata.client_id, metadata);
}
