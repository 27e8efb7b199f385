import { useLocation } from 'react-router-dom';
import { type ApiError, signInUrl } from '../api.ts';
import { ErrorAlert } from '../page.tsx';

const TITLES: Record<number, string> = { 401: 'You need to sign in', 403: 'You cannot see this page' };

/** The API's refusal, and for someone not signed in, the way to sign in and come back here. */
export function Refusal({ error }: { error: ApiError }) {
  const location = useLocation();
  const needsSignIn = error.status === 401;
  return (
    <ErrorAlert error={error} title={TITLES[error.status] ?? 'There is a problem'}>
      {needsSignIn ? (
        <p>
          <a href={signInUrl(`${location.pathname}${location.search}`)}>Sign in to see this page</a>
        </p>
      ) : null}
    </ErrorAlert>
  );
}
