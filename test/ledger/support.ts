/** Helpers for the ledger tests: prepared entries, every storage on every dialect, a signer. */
import {
  canonicalJson,
  commitmentOf,
  generateNoteKey,
  KyselyLedgerStorage,
  type LedgerStorage,
  leafHash,
  MemoryLedgerStorage,
  type NewEntry,
  newSalt,
  parseSignerKey,
  SqliteLedgerStorage,
} from '../../src/ledger/index.ts';
import type { Dialect } from '../../src/store/index.ts';
import { type FreshStore, freshStore } from '../support/stores.ts';

/** A new entry, with the commitment and leaf hash the storage is expected to give it. */
export type Prepared = NewEntry & { commitment: Buffer; leafHash: Buffer };

export function prepared(event: Record<string, unknown>): Prepared {
  const text = canonicalJson(event);
  const salt = newSalt();
  const commitment = commitmentOf(salt, text);
  return {
    kind: String(event.kind),
    subject: (event.subject as string | undefined) ?? null,
    event: text,
    salt,
    commitment,
    leafHash: leafHash(commitment),
  };
}

export function accessEvents(count: number, from = 0): Prepared[] {
  return Array.from({ length: count }, (_, i) =>
    prepared({
      kind: 'access',
      subject: `3800101${String((from + i) % 1000).padStart(4, '0')}`,
      n: from + i,
    }),
  );
}

export const testSigner = () => parseSignerKey(generateNoteKey('ledger.test/log').signerKey);

export interface StorageCase {
  name: string;
  dialect: Dialect | 'memory';
  open(): Promise<{ storage: LedgerStorage; fresh: FreshStore | null; close(): Promise<void> }>;
}

/** Every LedgerStorage implementation, on the dialects it runs on. */
export const STORAGES: StorageCase[] = [
  {
    name: 'memory',
    dialect: 'memory',
    open: async () => ({ storage: new MemoryLedgerStorage(), fresh: null, close: async () => {} }),
  },
  {
    name: 'sqlite (prepared statements, writing in a worker thread)',
    dialect: 'sqlite',
    open: async () => {
      const fresh = await freshStore('sqlite');
      const storage = new SqliteLedgerStorage(fresh.store.sqlite!);
      return {
        storage,
        fresh,
        close: async () => {
          await storage.close();
          await fresh.drop();
        },
      };
    },
  },
  {
    name: 'sqlite (prepared statements, writing on the same connection)',
    dialect: 'sqlite',
    open: async () => {
      const fresh = await freshStore('sqlite');
      const storage = new SqliteLedgerStorage(fresh.store.sqlite!, { thread: false });
      return { storage, fresh, close: () => fresh.drop() };
    },
  },
  {
    name: 'sqlite (kysely)',
    dialect: 'sqlite',
    open: async () => {
      const fresh = await freshStore('sqlite');
      return { storage: new KyselyLedgerStorage(fresh.store.db, 'sqlite'), fresh, close: () => fresh.drop() };
    },
  },
  {
    name: 'postgres (kysely)',
    dialect: 'postgres',
    open: async () => {
      const fresh = await freshStore('postgres');
      return {
        storage: new KyselyLedgerStorage(fresh.store.db, 'postgres'),
        fresh,
        close: () => fresh.drop(),
      };
    },
  },
];
