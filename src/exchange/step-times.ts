/**
 * Where a governed call's time goes, step by step, for `npm run bench -- exchange`: off unless a benchmark
 * turns it on, and then one clock reading at each step's start and end. A synchronous step's time is CPU time
 * of the event loop; an awaited one's (the provider round trip, the ledger) is time the call waited, most of
 * it spent elsewhere.
 */
export const STEPS = ['token', 'decision', 'assertion', 'provider', 'minimize', 'ledger', 'metrics'] as const;
export type Step = (typeof STEPS)[number];

export class StepTimes {
  #on = false;
  readonly #ms = new Map<Step, number>();
  readonly #count = new Map<Step, number>();

  /** Starts counting from zero. */
  start(): void {
    this.#ms.clear();
    this.#count.clear();
    this.#on = true;
  }

  stop(): void {
    this.#on = false;
  }

  /** A reading to pass to `add` at the step's end; 0 when off. */
  now(): number {
    return this.#on ? performance.now() : 0;
  }

  /** Adds the time since `since` (a reading of `now`) to `step`. */
  add(step: Step, since: number): void {
    if (!this.#on) return;
    this.#ms.set(step, (this.#ms.get(step) ?? 0) + performance.now() - since);
    this.#count.set(step, (this.#count.get(step) ?? 0) + 1);
  }

  /** Milliseconds spent in each step since `start`, and how many times it ran. */
  totals(): Record<Step, { ms: number; count: number }> {
    return Object.fromEntries(
      STEPS.map((s) => [s, { ms: this.#ms.get(s) ?? 0, count: this.#count.get(s) ?? 0 }]),
    ) as Record<Step, { ms: number; count: number }>;
  }
}
