/**
 * The node's own check of the completed runs of the subject index (ledger_subject_entries) against the
 * committed events. While an entry's run is open the tracker finds it by its committed event; once the run
 * is complete it trusts the pairs, which a database operator could rewrite or delete to take an entry out of
 * a person's *My data*. Reading the whole ledger for every page of *My data* would cost too much, so each node
 * reads it in the background (at start and then daily, src/node/jobs.ts), keeps what it finds in its own
 * memory (not in the database the operator controls), logs each finding at error for the platform's
 * operators, and the tracker shows the entries to the person they are about, flagged. The auditor's
 * `govdx ledger audit` remains the complete check.
 */
import type { LedgerEvent, StoredEntry } from '../ledger/index.ts';
import { openSubjectRun } from '../ledger/index.ts';

/** What the check needs of the ledger (src/ledger/ledger.ts). */
export interface IndexedLedger {
  storage: { treeSize(): Promise<number> };
  indexedEntries(from: number, to: number): AsyncIterable<StoredEntry & { subjects: string[] | null }>;
}

export interface Misfiled {
  index: number;
  /** The person the committed event is about. */
  subject: string;
  /** Whom the index files it under instead (none when its pair was deleted). */
  filedUnder: string[];
}

export class SubjectIndexCheck {
  readonly #ledger: IndexedLedger;
  readonly #onMisfiled: (found: Misfiled) => void;
  /** The entries of completed runs that the index leaves out of their person's list, by that person. */
  #missing = new Map<string, number[]>();

  constructor(ledger: IndexedLedger, onMisfiled: (found: Misfiled) => void = () => {}) {
    this.#ledger = ledger;
    this.#onMisfiled = onMisfiled;
  }

  /** Reads every completed run; resolves with what the index leaves out, which then replaces what was known. */
  async run(): Promise<Misfiled[]> {
    const open = openSubjectRun(await this.#ledger.storage.treeSize());
    const found: Misfiled[] = [];
    for await (const entry of this.#ledger.indexedEntries(0, open)) {
      if (entry.subjects === null) continue;
      const subject = (JSON.parse(entry.event) as LedgerEvent).subject;
      if (typeof subject !== 'string' || entry.subjects.includes(subject)) continue;
      const misfiled = { index: entry.index, subject, filedUnder: entry.subjects };
      found.push(misfiled);
      this.#onMisfiled(misfiled);
    }
    const missing = new Map<string, number[]>();
    for (const { index, subject } of found) missing.set(subject, [...(missing.get(subject) ?? []), index]);
    this.#missing = missing;
    return found;
  }

  /** The entries about `subject` that the index leaves out of their list, as of the last run. */
  missingFor(subject: string): readonly number[] {
    return this.#missing.get(subject) ?? [];
  }
}
