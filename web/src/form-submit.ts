/**
 * The routine every form of the web app follows when it is sent: check it, show what is wrong beside each
 * field and take the person to the first, or send it while the form is busy; on success clear it, on a
 * refusal show it (beside the field it concerns, when it concerns one).
 */
import { useState } from 'react';
import { type ApiError, asApiError } from './api.ts';
import { focusFirstError } from './form.tsx';

type Errors = Record<string, string | undefined>;

export interface Sending<E extends Errors, T> {
  /** Sends the form; what it resolves with goes to `done`. */
  send(): Promise<T>;
  /** After a success (and the form cleared, with `reset`). */
  done?(sent: T): void;
  /** What the person is told of a failure that is no refusal of the API. */
  failed: string;
  /** Clears the form after a success. */
  reset?: boolean;
  /** A success takes the person to another page: the form stays busy until it goes. */
  leaves?: boolean;
  /** A refusal that concerns fields, as errors beside them; null when it concerns none. */
  fieldErrors?(refusal: ApiError): E | null;
}

export function useFormSubmit<E extends Errors>() {
  const [errors, setErrors] = useState<E>({} as E);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  /** Shows `found` (what the form's own check found wrong), or, when nothing is, sends the form. */
  async function submit<T>(form: HTMLFormElement, found: E, sending: Sending<E, T>): Promise<void> {
    setErrors(found);
    setProblem(null);
    if (Object.values(found).some((error) => error !== undefined)) {
      focusFirstError(form);
      return;
    }
    setBusy(true);
    try {
      const sent = await sending.send();
      if (sending.reset) form.reset();
      sending.done?.(sent);
      if (!sending.leaves) setBusy(false);
    } catch (error) {
      const refusal = asApiError(error, sending.failed);
      const named = sending.fieldErrors?.(refusal) ?? null;
      if (named) {
        setErrors(named);
        focusFirstError(form);
      } else {
        setProblem(refusal);
      }
      setBusy(false);
    }
  }

  return { errors, problem, busy, submit };
}

/**
 * An action on one item of a list that the person confirms first (end an emergency, remove an address,
 * retire a template): the item being confirmed, the notice once done, the refusal, and the busy state.
 */
export function useConfirmedAction<T>() {
  const [confirming, setConfirming] = useState<T | null>(null);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  /** Takes the confirmed action: on success the confirmation closes and `done` is said. */
  async function act(
    send: () => Promise<unknown>,
    outcome: { done: string; failed: string; refresh(): void; refreshAfterFailure?(): void },
  ): Promise<void> {
    setBusy(true);
    setProblem(null);
    try {
      await send();
      setConfirming(null);
      setNotice(outcome.done);
      outcome.refresh();
    } catch (error) {
      setProblem(asApiError(error, outcome.failed));
      outcome.refreshAfterFailure?.();
    } finally {
      setBusy(false);
    }
  }

  return { confirming, setConfirming, notice, setNotice, problem, setProblem, busy, act };
}
