import { Link, useSearchParams } from 'react-router-dom';
import { signInUrl } from '../api.ts';
import { Page } from '../page.tsx';
import { useSession } from '../session.tsx';

export function SignInPage() {
  const [params] = useSearchParams();
  const { session } = useSession();
  const returnTo = params.get('returnTo') ?? '/';
  const problem = params.get('error');

  if (session?.signedIn) {
    return (
      <Page title="You are signed in">
        <p>
          You are signed in as <strong>{session.person.name}</strong>.
        </p>
        <p>
          <Link to={returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/'}>Continue</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title="Sign in">
      {problem ? (
        <div className="error-summary" role="alert">
          <h2 className="error-summary__title">There is a problem</h2>
          <p>{problem}</p>
        </div>
      ) : null}
      <p>Sign in to see your own details, or to work with your organization's data.</p>
      <p>You will go to the sign-in page of the identity service, then come back here.</p>
      <a className="button button--start" href={signInUrl(returnTo)}>
        Continue to sign in
      </a>
      <h2>Browse without signing in</h2>
      <p>
        Anyone can look at <Link to="/organizations">organizations</Link>,{' '}
        <Link to="/datasets">datasets</Link>, <Link to="/services">services</Link> and{' '}
        <Link to="/open-data">open data</Link>.
      </p>
    </Page>
  );
}
