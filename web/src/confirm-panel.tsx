/**
 * The question asked before an action that takes something away: focus moves to its heading, so that a
 * screen reader reads the question at once, and the action is the warning button.
 */
import { type ReactNode, useEffect, useRef } from 'react';

export function ConfirmPanel({
  heading,
  level,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  busy,
  cancelWhileBusy = true,
  onConfirm,
  onCancel,
}: {
  heading: ReactNode;
  /** The heading's level in the page it stands in. */
  level: 2 | 3 | 4;
  /** What happens, in plain words. */
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  busy: boolean;
  /** Whether Cancel stays usable while the action runs. */
  cancelWhileBusy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const Heading = `h${level}` as const;
  return (
    <div className="panel panel--warning">
      <Heading ref={ref} tabIndex={-1}>
        {heading}
      </Heading>
      {children}
      <div className="button-group">
        <button type="button" className="button button--warning" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button
          type="button"
          className="button button--secondary"
          disabled={cancelWhileBusy ? undefined : busy}
          onClick={onCancel}
        >
          {cancelLabel}
        </button>
      </div>
    </div>
  );
}
