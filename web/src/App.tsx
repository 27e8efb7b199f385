/** The service's frame (skip link, header, navigation by role, footer) and its routes. */
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { signInUrl } from './api.ts';
import { useUnreadCount } from './notifications.ts';
import { Status } from './page.tsx';
import { AgencyConsolePage } from './pages/agency-console.tsx';
import { AgreementPage } from './pages/agreement.tsx';
import { RegisterAgreementPage, RegisterPage } from './pages/agreement-register.tsx';
import { RequestAgreementPage } from './pages/agreement-request.tsx';
import { OrganizationAgreementsPage } from './pages/agreements.tsx';
import { AuditorOrganizationPage, AuditorPage, AuditorUsagePage } from './pages/auditor.tsx';
import { ConsentServicePage } from './pages/console-consent-services.tsx';
import { SystemPage } from './pages/console-systems.tsx';
import { AskCorrectionPage, CorrectionQueuePage } from './pages/corrections.tsx';
import { EditDatasetPage } from './pages/dataset-edit.tsx';
import { DatasetImportsPage } from './pages/dataset-imports.tsx';
import { DatasetQualityPage } from './pages/dataset-quality.tsx';
import { DatasetPage, DatasetsPage } from './pages/datasets.tsx';
import { EmergenciesPage } from './pages/emergencies.tsx';
import { GovernanceEventsPage } from './pages/governance-events.tsx';
import { HomePage } from './pages/home.tsx';
import { LedgerCheckPage } from './pages/ledger-check.tsx';
import { LedgerSearchPage } from './pages/ledger-search.tsx';
import { MyDataPage } from './pages/my-data.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { NotificationsPage } from './pages/notifications.tsx';
import { OpenDataPage } from './pages/open-data.tsx';
import { OrganizationPage, OrganizationsPage, QualityLeaderboardPage } from './pages/organizations.tsx';
import { ProviderOriginsPage } from './pages/provider-origins.tsx';
import { AccessReceiptPage, ConsentReceiptPage } from './pages/receipts.tsx';
import { ChangeReleasePage, NewReleasePage } from './pages/release-form.tsx';
import { ReleasesPage } from './pages/releases.tsx';
import { ServicePage, ServicesPage } from './pages/services.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { SourcesPage } from './pages/sources.tsx';
import { readsReleases } from './release-labels.tsx';
import { consoleOrganizations, isAuditor, isCitizen, isPlatformAdmin } from './roles.ts';
import { SessionProvider, useSession } from './session.tsx';

// The chart library is loaded only by the page that draws charts: every other page stays light.
const LinkageExplanationsPage = lazy(() =>
  import('./pages/linkage-explanations.tsx').then((page) => ({ default: page.LinkageExplanationsPage })),
);
const SourceReviewPage = lazy(() =>
  import('./pages/source-review.tsx').then((page) => ({ default: page.SourceReviewPage })),
);
const ReleasePage = lazy(() => import('./pages/release.tsx').then((page) => ({ default: page.ReleasePage })));

export function App() {
  return (
    <SessionProvider>
      <Layout />
    </SessionProvider>
  );
}

function Layout() {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(location.pathname);

  // After a navigation inside the app, start reading and tabbing from the new page's content.
  useEffect(() => {
    if (location.pathname !== firstPath.current) {
      firstPath.current = '';
      main.current?.focus();
    }
  }, [location.pathname]);

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <Header />
      <div className="width-container">
        <main id="main" ref={main} tabIndex={-1} className="main">
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/organizations" element={<OrganizationsPage />} />
            <Route path="/organizations/:org" element={<OrganizationPage />} />
            <Route path="/organizations/:org/datasets/:slug" element={<DatasetPage />} />
            <Route path="/organizations/:org/datasets/:slug/edit" element={<EditDatasetPage />} />
            <Route path="/organizations/:org/datasets/:slug/quality" element={<DatasetQualityPage />} />
            <Route path="/organizations/:org/datasets/:slug/imports" element={<DatasetImportsPage />} />
            <Route path="/organizations/:org/services/:slug" element={<ServicePage />} />
            <Route path="/datasets" element={<DatasetsPage />} />
            <Route path="/services" element={<ServicesPage />} />
            <Route path="/open-data" element={<OpenDataPage />} />
            <Route path="/open-data/quality" element={<QualityLeaderboardPage />} />
            <Route path="/notifications" element={<NotificationsPage />} />
            <Route path="/my-data" element={<MyDataPage />} />
            <Route path="/my-details" element={<MyDataPage />} />
            <Route path="/my-data/receipts/:index" element={<AccessReceiptPage />} />
            <Route path="/my-data/consents/:id/receipt" element={<ConsentReceiptPage />} />
            <Route path="/my-data/corrections/new" element={<AskCorrectionPage />} />
            <Route path="/agency-console/:org/corrections" element={<CorrectionQueuePage />} />
            <Route path="/agency-console" element={<AgencyConsolePage />} />
            <Route path="/agency-console/:org" element={<AgencyConsolePage />} />
            <Route path="/agency-console/:org/:section" element={<AgencyConsolePage />} />
            <Route path="/agency-console/:org/systems/:slug" element={<SystemPage />} />
            <Route path="/agency-console/:org/consent-services/:clientId" element={<ConsentServicePage />} />
            <Route path="/agency-console/:org/agreements" element={<OrganizationAgreementsPage />} />
            <Route path="/agency-console/:org/agreements/new" element={<RequestAgreementPage />} />
            <Route path="/agency-console/:org/agreements/:id" element={<AgreementPage />} />
            <Route path="/agreements/register" element={<RegisterPage />} />
            <Route path="/agreements/register/:id" element={<RegisterAgreementPage />} />
            <Route path="/agency-console/:org/sources" element={<SourcesPage />} />
            <Route
              path="/sources/:id/review"
              element={
                <Suspense fallback={<Status loading label="Loading the page…" />}>
                  <SourceReviewPage />
                </Suspense>
              }
            />
            <Route path="/emergencies" element={<EmergenciesPage />} />
            <Route path="/provider-addresses" element={<ProviderOriginsPage />} />
            <Route
              path="/linkage/explanations"
              element={
                <Suspense fallback={<Status loading label="Loading the page…" />}>
                  <LinkageExplanationsPage />
                </Suspense>
              }
            />
            <Route path="/releases" element={<ReleasesPage />} />
            <Route path="/releases/:org/new" element={<NewReleasePage />} />
            <Route
              path="/releases/:org/:id"
              element={
                <Suspense fallback={<Status loading label="Loading the page…" />}>
                  <ReleasePage />
                </Suspense>
              }
            />
            <Route path="/releases/:org/:id/change" element={<ChangeReleasePage />} />
            <Route path="/auditor" element={<AuditorPage />} />
            {/* An organization's slug has no slash: this path never names one. */}
            <Route path="/auditor/ledger/governance-events" element={<GovernanceEventsPage />} />
            <Route path="/auditor/usage" element={<AuditorUsagePage />} />
            <Route path="/auditor/ledger/events" element={<LedgerSearchPage />} />
            <Route path="/auditor/ledger/check" element={<LedgerCheckPage />} />
            <Route path="/auditor/:org" element={<AuditorOrganizationPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </main>
      </div>
      <footer className="footer">
        <div className="width-container">
          <h2 className="visually-hidden">Support links</h2>
          <ul className="footer__links">
            <li>
              <a href="/docs">API documentation</a>
            </li>
            <li>
              <a href="/openapi.json">OpenAPI description</a>
            </li>
            <li>
              <Link to="/open-data">Open data</Link>
            </li>
            <li>
              <Link to="/agreements/register">Register of data-sharing agreements</Link>
            </li>
          </ul>
          <p>govdx is open-source software, licensed under Apache-2.0.</p>
        </div>
      </footer>
    </>
  );
}

/** The navigation item a page belongs to: a dataset's page is under Datasets, though its path names its organization. */
function sectionOf(pathname: string): string {
  if (pathname.startsWith('/agreements/')) return '/agreements/register';
  if (pathname.startsWith('/linkage/')) return '/linkage/explanations';
  const nested = /^\/organizations\/[^/]+\/(datasets|services)\//.exec(pathname);
  if (nested) return `/${nested[1]}`;
  return `/${pathname.split('/')[1] ?? ''}`;
}

/** The way to the inbox, with the unread count in words for screen readers and as a badge for the eye. */
function Bell({ unread, current }: { unread: number | null; current: boolean }) {
  return (
    <Link
      to="/notifications"
      className="header__link header__bell"
      aria-current={current ? 'page' : undefined}
    >
      <svg
        aria-hidden="true"
        focusable="false"
        viewBox="0 0 24 24"
        width="20"
        height="20"
        className="header__bell-icon"
      >
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      Notifications
      {unread !== null && unread > 0 ? (
        <span className="header__badge">
          {unread > 99 ? '99+' : unread}
          <span className="visually-hidden"> unread</span>
        </span>
      ) : null}
    </Link>
  );
}

function Header() {
  const { session, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const roles = session?.signedIn ? session.roles : [];
  const returnTo = `${location.pathname}${location.search}`;
  const unread = useUnreadCount(session?.signedIn === true, location.pathname);

  const links: Array<[string, string]> = [
    ['/organizations', 'Organizations'],
    ['/datasets', 'Datasets'],
    ['/services', 'Services'],
    ['/open-data', 'Open data'],
    ['/agreements/register', 'Agreements'],
  ];
  if (isCitizen(roles)) links.push(['/my-data', 'My data']);
  if (consoleOrganizations(roles).size > 0) links.push(['/agency-console', 'Agency console']);
  if (readsReleases(roles)) links.push(['/releases', 'Releases']);
  // Anyone may open the page (it reads only a file of their own); it is offered to those who link registers.
  if (consoleOrganizations(roles).size > 0 || isAuditor(roles)) {
    links.push(['/linkage/explanations', 'Record linkage']);
  }
  if (isAuditor(roles)) links.push(['/auditor', 'Auditor']);
  if (isPlatformAdmin(roles)) {
    links.push(['/emergencies', 'Emergencies'], ['/provider-addresses', 'Provider addresses']);
  }

  return (
    <>
      <header className="header">
        <div className="width-container header__top">
          <Link to="/" className="header__service">
            govdx
          </Link>
          <div className="header__account">
            {session === undefined ? null : session.signedIn ? (
              <>
                <Bell unread={unread} current={location.pathname === '/notifications'} />
                <span className="header__person">
                  Signed in as <strong>{session.person.name}</strong>
                </span>
                <button
                  type="button"
                  className="header__button"
                  onClick={() => {
                    // Without an identity-provider sign-out to visit, the person lands on the start page.
                    signOut().then(
                      () => navigate('/'),
                      () => window.location.assign('/'),
                    );
                  }}
                >
                  Sign out
                </button>
              </>
            ) : (
              <a className="header__link" href={signInUrl(returnTo === '/sign-in' ? '/' : returnTo)}>
                Sign in
              </a>
            )}
          </div>
        </div>
      </header>
      <nav className="navigation" aria-label="Main">
        <ul className="width-container navigation__list">
          {links.map(([to, label]) => {
            const current = sectionOf(location.pathname) === to;
            return (
              <li key={to}>
                <Link
                  to={to}
                  className={current ? 'navigation__link active' : 'navigation__link'}
                  aria-current={location.pathname === to ? 'page' : current ? 'true' : undefined}
                >
                  {label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </>
  );
}
