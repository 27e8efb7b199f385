/**
 * The auditor checks the whole ledger here, in their own browser: every event against the tree, the tree
 * against the signed checkpoint, the checkpoint against the latest public one (web/src/ledger-audit.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { type AuditProgress, auditLedger, type LedgerAudit } from '../ledger-audit.ts';
import { Page } from '../page.tsx';

type State =
  | { phase: 'idle' }
  | { phase: 'running'; progress: AuditProgress | null }
  | { phase: 'done'; audit: LedgerAudit }
  | { phase: 'failed'; message: string };

/** The reason a check could not run, in words: refusals of the events say who may read them. */
function inWords(message: string): string {
  if (/answered 401/.test(message)) return 'Sign in as an auditor to check the ledger.';
  if (/answered 403/.test(message)) {
    return 'Only auditors may check the whole ledger, platform administrators included: it reads every event, and events name people.';
  }
  return message;
}

export function LedgerCheckPage() {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  async function check() {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setState({ phase: 'running', progress: null });
    try {
      const audit = await auditLedger({
        signal: abort.signal,
        onProgress: (progress) => {
          if (!abort.signal.aborted) setState({ phase: 'running', progress });
        },
      });
      if (!abort.signal.aborted) setState({ phase: 'done', audit });
    } catch (error) {
      if (!abort.signal.aborted) setState({ phase: 'failed', message: inWords((error as Error).message) });
    }
  }

  function stop() {
    controller.current?.abort();
    setState({ phase: 'idle' });
  }

  const progress = state.phase === 'running' ? state.progress : null;
  return (
    <Page title="Check the whole ledger" caption="Auditor">
      <p className="lead">
        Your browser reads every entry of the ledger and checks it against the checkpoint the ledger signed.
        Nothing is taken on trust from the server: the hashes are computed here.
      </p>
      <ul className="list list--bullet">
        <li>the checkpoint is signed by the ledger's key;</li>
        <li>each event is the one recorded: it hashes to what the public tree holds;</li>
        <li>all entries together lead to the signed root;</li>
        <li>the ledger's index files each entry under its own kind;</li>
        <li>the latest public checkpoint still contains all of it.</li>
      </ul>
      <p>
        <Link to="/auditor">Back to the auditor's workbench</Link>
      </p>
      <div className="button-group">
        <button type="button" className="button" onClick={check} disabled={state.phase === 'running'}>
          {state.phase === 'done' || state.phase === 'failed' ? 'Check again' : 'Check the whole ledger'}
        </button>
        {state.phase === 'running' ? (
          <button type="button" className="button button--secondary" onClick={stop}>
            Stop
          </button>
        ) : null}
      </div>
      <div role="status" className="ledger-check__progress">
        {state.phase === 'running' ? (
          progress ? (
            <>
              <label htmlFor="ledger-check-progress">
                Checked {progress.checked.toLocaleString('en-GB')} of {progress.total.toLocaleString('en-GB')}{' '}
                entries
              </label>
              <progress
                id="ledger-check-progress"
                max={Math.max(progress.total, 1)}
                value={progress.checked}
              />
            </>
          ) : (
            <p>Reading the checkpoint…</p>
          )
        ) : null}
        {state.phase === 'done' ? (
          <p className={state.audit.ok ? 'ledger-check__verdict' : 'ledger-check__verdict error-message'}>
            <strong>
              {state.audit.ok
                ? `The ledger holds: all ${state.audit.checked.toLocaleString('en-GB')} entries match the signed checkpoint.`
                : 'The ledger does not match its signed checkpoint.'}
            </strong>
          </p>
        ) : null}
      </div>
      {state.phase === 'failed' ? (
        <div className="error-summary" role="alert">
          <h2 className="error-summary__title">The check could not be finished</h2>
          <p>{state.message}</p>
        </div>
      ) : null}
      {state.phase === 'done' ? <AuditResult audit={state.audit} /> : null}
    </Page>
  );
}

function AuditResult({ audit }: { audit: LedgerAudit }) {
  return (
    <>
      <h2>What was checked</h2>
      <ol className="list">
        {audit.steps.map((step) => (
          <li key={step.step}>
            {step.ok ? '✓ Holds' : '✗ Fails'}: {step.step}.{' '}
            <span className="hint ledger-check__detail">{step.detail}</span>
          </li>
        ))}
      </ol>
      {audit.problemCount > 0 ? (
        <>
          <h2>Entries that do not match</h2>
          <p>
            {audit.problemCount} {audit.problemCount === 1 ? 'problem' : 'problems'}
            {audit.problemCount > audit.problems.length
              ? `; the first ${audit.problems.length} are listed`
              : ''}
            .
          </p>
          <ul className="list list--bullet">
            {audit.problems.map((p) => (
              <li key={`${p.index}-${p.problem}`}>
                Entry {p.index}: {p.problem}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {audit.checkpoint ? (
        <>
          <h2>The checkpoint</h2>
          <p>
            {audit.checkpoint.origin}, {audit.checkpoint.size.toLocaleString('en-GB')} entries. Compare the
            key below with the one the ledger publishes elsewhere:
          </p>
          <p>
            <code className="ledger-check__key">{audit.key}</code>
          </p>
        </>
      ) : null}
    </>
  );
}
