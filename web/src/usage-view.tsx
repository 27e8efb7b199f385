/** Where pages show exchange usage: the chart library loads only when usage is shown, so other pages stay light. */
import { lazy, Suspense } from 'react';
import { Status } from './page.tsx';
import type { UsageViewProps } from './usage-report.tsx';

const LazyUsageView = lazy(() => import('./usage-report.tsx').then((m) => ({ default: m.UsageView })));

export function UsageView(props: UsageViewProps) {
  return (
    <Suspense fallback={<Status loading label={`Loading ${props.title.toLowerCase()}…`} />}>
      <LazyUsageView {...props} />
    </Suspense>
  );
}
