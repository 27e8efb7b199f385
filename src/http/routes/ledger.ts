/**
 * The ledger over HTTP. The tree is public and read-only, in the formats transparency tools already
 * verify: the checkpoint (C2SP tlog-checkpoint, a signed note), tiles and entry bundles (C2SP tlog-tiles),
 * and RFC 9162 proofs as JSON. Events themselves are not public: an auditor exports them with their
 * salts, and the person an event is about reads it with its proof.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GovdxError } from '../../domain/index.ts';
import { isAuditor, parseTileIndexPath, parseTileLevel, TILE_WIDTH } from '../../ledger/index.ts';
import { requirePrincipal } from '../access.ts';
import { errorResponses } from '../schemas.ts';

const tags = ['Ledger'];
const PUBLIC = { access: { public: true } } as const;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Partial tiles never change either, but may be deleted once full (tlog-tiles): keep them briefly. */
const PARTIAL = 'public, max-age=60';

const Position = (description: string) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const Hash = Type.String({ description: 'SHA-256 hash, standard base64 (as in checkpoints)' });
const TileIndexPath = Type.String({
  pattern: '^(x\\d{3}/)*\\d{3}(\\.p/[1-9]\\d{0,2})?$',
  description:
    'Tile index in 3-digit groups, all but the last prefixed with x (1234067 is x001/x234/067), optionally .p/<width> for a partial tile',
});
const Binary = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
});
const Text = (description: string) => ({ description, content: { 'text/plain': { schema: Type.String() } } });

const InclusionProof = Type.Object({
  index: Type.Integer(),
  treeSize: Type.Integer(),
  leafHash: Hash,
  hashes: Type.Array(Hash, { description: 'RFC 9162 §2.1.3 inclusion path, leaf to root' }),
  rootHash: Hash,
});
const ConsistencyProof = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  hashes: Type.Array(Hash, { description: 'RFC 9162 §2.1.4 consistency proof' }),
  fromRootHash: Hash,
  toRootHash: Hash,
});
const Receipt = Type.Object({
  index: Type.Integer(),
  event: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The event; its RFC 8785 canonical JSON is committed',
  }),
  salt: Type.String({ description: '32 random bytes, base64: commitment = SHA-256(salt ‖ JCS(event))' }),
  commitment: Hash,
  leafHash: Hash,
  inclusionProof: Type.Object({ treeSize: Type.Integer(), hashes: Type.Array(Hash) }),
  checkpoint: Type.String({ description: 'The signed checkpoint the proof leads to' }),
});

const b64 = (b: Buffer) => b.toString('base64');

function tileCoordinates(path: string): { index: number; width: number } {
  const parsed = parseTileIndexPath(path);
  if (!parsed) throw new GovdxError('NOT_FOUND', `"${path}" is not a tile path.`, { kind: 'tile', id: path });
  return parsed;
}

export const ledgerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ledger = app.ledger;

  app.get('/checkpoint', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'The latest checkpoint: a C2SP signed note of the tree size and root hash',
      response: {
        200: Text('C2SP tlog-checkpoint, signed with Ed25519 (C2SP signed-note)'),
        ...errorResponses,
      },
    },
    handler: async (_request, reply) => {
      const checkpoint = await ledger.checkpoint();
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(checkpoint.note);
    },
  });

  app.get('/key', {
    config: PUBLIC,
    schema: {
      tags,
      summary: "The log's signed-note verifier key (check it against one published out of band)",
      response: { 200: Text('<name>+<key ID hex>+<base64 of 0x01 and the Ed25519 public key>') },
    },
    handler: async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send(`${ledger.verifierKey}\n`),
  });

  app.get('/tile/entries/*', {
    config: PUBLIC,
    schema: {
      tags,
      summary:
        'An entry bundle (C2SP tlog-tiles): the commitments of 256 entries, each behind a uint16 length',
      params: Type.Object({ '*': TileIndexPath }),
      response: { 200: Binary('Entry bundle'), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { index, width } = tileCoordinates(request.params['*']);
      const bundle = await ledger.entryBundle(index, width);
      return reply
        .type('application/octet-stream')
        .header('cache-control', width === TILE_WIDTH ? IMMUTABLE : PARTIAL)
        .send(bundle);
    },
  });

  app.get('/tile/:level/*', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'A hash tile (C2SP tlog-tiles): 256 consecutive hashes of tree level 8·L',
      params: Type.Object({
        level: Type.String({ pattern: '^(0|[1-9]\\d?)$', description: 'Tile level, 0 to 63' }),
        '*': TileIndexPath,
      }),
      response: { 200: Binary('Concatenated 32-byte hashes'), ...errorResponses },
    },
    handler: async (request, reply) => {
      const level = parseTileLevel(request.params.level);
      if (level === null) throw new GovdxError('NOT_FOUND', 'Tile levels go from 0 to 63.');
      const { index, width } = tileCoordinates(request.params['*']);
      const tile = await ledger.tile(level, index, width);
      return reply
        .type('application/octet-stream')
        .header('cache-control', width === TILE_WIDTH ? IMMUTABLE : PARTIAL)
        .send(tile);
    },
  });

  app.get('/proof/inclusion', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `size` entries',
      querystring: Type.Object(
        { index: Position('Entry index'), size: Position('Tree size, as in a checkpoint') },
        { additionalProperties: false },
      ),
      response: { 200: InclusionProof, ...errorResponses },
    },
    handler: async (request) => {
      const proof = await ledger.inclusionProof(request.query.index, request.query.size);
      return {
        index: proof.index,
        treeSize: proof.treeSize,
        leafHash: b64(proof.leafHash),
        hashes: proof.hashes.map(b64),
        rootHash: b64(proof.rootHash),
      };
    },
  });

  app.get('/proof/consistency', {
    config: PUBLIC,
    schema: {
      tags,
      summary: 'RFC 9162 consistency proof that the tree of `to` entries extends the tree of `from`',
      querystring: Type.Object(
        { from: Position('Older tree size'), to: Position('Newer tree size') },
        { additionalProperties: false },
      ),
      response: { 200: ConsistencyProof, ...errorResponses },
    },
    handler: async (request) => {
      const proof = await ledger.consistencyProof(request.query.from, request.query.to);
      return {
        from: proof.from,
        to: proof.to,
        hashes: proof.hashes.map(b64),
        fromRootHash: b64(proof.fromRootHash),
        toRootHash: b64(proof.toRootHash),
      };
    },
  });

  app.get('/entries/:index', {
    config: { access: { authenticated: true } },
    schema: {
      tags,
      summary:
        'One event with its salt, inclusion proof and checkpoint, for an auditor or the person it is about',
      params: Type.Object({ index: Position('Entry index') }),
      response: { 200: Receipt, ...errorResponses },
    },
    handler: async (request) => ledger.receipt(request.params.index, requirePrincipal(request)),
  });

  app.get('/export', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags,
      summary: 'Every event with its salt, up to the latest checkpoint, as JSON lines (auditors only)',
      description:
        'The first line is `{"checkpoint": <signed note>, "treeSize": n}`; then one `{"index", "event", "salt", "indexed"}` ' +
        "per entry, in order, where `indexed` is what the ledger's own index says of the entry (`kind`, `subject`, and " +
        'the `subjects` the tracker files it under once its run is complete, null before). `govdx ledger audit --export ' +
        '<file>` checks the events against the tree and the index against the events. Platform administrators are refused: ' +
        'they run the platform the ledger holds to account.',
      response: {
        200: {
          description: 'JSON lines',
          content: { 'application/x-ndjson': { schema: Type.String() } },
        },
        ...errorResponses,
      },
    },
    handler: async (request, reply) => {
      if (!isAuditor(requirePrincipal(request))) {
        throw new GovdxError(
          'FORBIDDEN',
          'Only auditors may export ledger events, platform administrators included.',
          {
            requiredRoles: ['auditor'],
          },
        );
      }
      const checkpoint = await ledger.checkpoint();
      async function* lines() {
        yield `${JSON.stringify({ checkpoint: checkpoint.note, treeSize: checkpoint.size })}\n`;
        for await (const entry of ledger.indexedEntries(0, checkpoint.size)) {
          const indexed = JSON.stringify({
            kind: entry.kind,
            subject: entry.subject,
            subjects: entry.subjects,
          });
          yield `{"index":${entry.index},"event":${entry.event},"salt":"${b64(entry.salt)}","indexed":${indexed}}\n`;
        }
      }
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="ledger-${checkpoint.size}.ndjson"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines()));
    },
  });
};
