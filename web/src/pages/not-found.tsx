import { Link } from 'react-router-dom';
import { Page } from '../page.tsx';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>If you typed the web address, check it is correct.</p>
      <p>
        You can <Link to="/">go to the start</Link>, or browse <Link to="/organizations">organizations</Link>{' '}
        and <Link to="/datasets">datasets</Link>.
      </p>
    </Page>
  );
}
