import { Link } from 'react-router-dom';
import { signInUrl } from '../api.ts';
import { Page } from '../page.tsx';
import { useSession } from '../session.tsx';

export function HomePage() {
  const { session } = useSession();
  // Signed out, a citizen's own data is reached through sign-in, which comes back there.
  const myData = session?.signedIn === false ? signInUrl('/my-data') : null;
  return (
    <Page title="Share government data safely, and see who uses it">
      <p className="lead">
        govdx is how government organizations share people's data with each other, through one secure
        exchange.
      </p>
      <p>
        Every time data is shared there must be a written reason and an agreement, and each look at someone's
        data is recorded in a log that nobody can change.
      </p>
      <p>You can see what data the government holds, who looks after it and who can see it.</p>

      <div className="audiences">
        <section className="audience" aria-labelledby="for-citizens">
          <h2 id="for-citizens">If you live here</h2>
          <ul className="list">
            <li>
              {myData ? (
                <a href={myData}>See the data the government holds about you, and who looked at it</a>
              ) : (
                <Link to="/my-data">See the data the government holds about you, and who looked at it</Link>
              )}
            </li>
            <li>
              <Link to="/open-data">Browse open data</Link>
            </li>
            <li>
              <Link to="/agreements/register">See which organizations share people's data, and why</Link>
            </li>
          </ul>
        </section>
        <section className="audience" aria-labelledby="for-staff">
          <h2 id="for-staff">If you work in government</h2>
          <ul className="list">
            <li>
              <Link to="/agency-console">
                Manage your organization's data and its data-sharing agreements in the agency console
              </Link>
            </li>
            <li>
              <Link to="/datasets">Find a dataset and its fields</Link>
            </li>
            <li>
              <Link to="/services">Find a service to reach the data you need</Link>
            </li>
            <li>
              <Link to="/linkage/explanations">See why record linkage linked two records</Link>
            </li>
          </ul>
        </section>
        <section className="audience" aria-labelledby="for-auditors">
          <h2 id="for-auditors">If you check how data is used</h2>
          <ul className="list">
            <li>
              <Link to="/auditor">Review every organization, its systems and its people</Link>
            </li>
            <li>
              <Link to="/organizations">Browse all organizations</Link>
            </li>
          </ul>
        </section>
      </div>
    </Page>
  );
}
