import { useLocation } from 'react-router-dom';
import { ApiError, signInUrl } from '../api.ts';
import { ErrorAlert } from '../page.tsx';

const TITLES: Record<number, string> = { 401: 'You need to sign in', 403: 'You cannot see this page' };

/** The API's refusal, and for someone not signed in, the way to sign in and come back here. */
export function Refusal({ error }: { error: ApiError }) {
  const location = useLocation();
  const needsSignIn = error.status === 401;
  // The API's words for a missing sign-in speak to scripts (tokens, headers); a person is told to sign in.
  const shown = needsSignIn
    ? new ApiError(error.code, 'You are not signed in, or your session has ended.', error.status)
    : error;
  return (
    <ErrorAlert error={shown} title={TITLES[error.status] ?? 'There is a problem'}>
      {needsSignIn ? (
        <p>
          <a href={signInUrl(`${location.pathname}${location.search}`)}>Sign in to see this page</a>
        </p>
      ) : null}
    </ErrorAlert>
  );
}
