/** The open-data portal: the catalog search, kept to the datasets anyone may download and reuse. */
import { Link } from 'react-router-dom';
import { CatalogSearch } from './catalog-search.tsx';

export function OpenDataPage() {
  return (
    <CatalogSearch
      title="Open data"
      scope={{ fixed: { classification: 'public' }, hidden: ['sensitivity'], noun: 'open datasets' }}
      lead={
        <>
          <p className="lead">
            Data anyone may download and reuse, free of charge. It holds no data about individual people.
          </p>
          <p>
            Each dataset can be downloaded as a spreadsheet (CSV) or for programs (JSON).{' '}
            <Link to="/open-data/quality">See which organizations describe their data best</Link>, or{' '}
            <Link to="/datasets">search all datasets</Link>, including those that are not open.
          </p>
        </>
      }
    />
  );
}
