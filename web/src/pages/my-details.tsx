import type { Me } from '../api.ts';
import { Page, Status, SummaryList, SummaryRow } from '../page.tsx';
import { roleLabel } from '../roles.ts';
import { useApi } from '../use-api.ts';
import { Refusal } from './refusal.tsx';

export function MyDetailsPage() {
  const me = useApi<Me>('/api/v1/me');
  const person = me.data?.person;
  return (
    <Page title="My details">
      <Status loading={me.loading} label="Loading your details…" />
      {me.error ? <Refusal error={me.error} /> : null}
      {person ? (
        <>
          <p className="lead">What the government's directory holds about you.</p>
          <SummaryList>
            <SummaryRow term="Name">{person.name}</SummaryRow>
            <SummaryRow term="Email">{person.email ?? 'Not given'}</SummaryRow>
            <SummaryRow term="National ID number">{person.nationalId ?? 'Not given'}</SummaryRow>
          </SummaryList>
          <h2>Your roles</h2>
          {person.memberships.length === 0 && me.data?.roles.every((r) => r.role === 'citizen') ? (
            <p>You use govdx as a citizen. You do not work for any organization here.</p>
          ) : (
            <ul className="list list--bullet">
              {me.data?.roles.map((r) => {
                const where = person.memberships.find((m) => m.organization === r.organization);
                return (
                  <li key={`${r.role}-${r.organization ?? ''}`}>
                    {roleLabel(r.role)}
                    {where ? ` at ${where.organizationName}` : ''}
                  </li>
                );
              })}
            </ul>
          )}
          <h2>Who can see your data</h2>
          <p>
            Organizations can only see your data under an agreement with a written reason, and every time they
            look it is recorded. You can see those records here when the organizations holding your data take
            part in govdx.
          </p>
        </>
      ) : null}
    </Page>
  );
}
