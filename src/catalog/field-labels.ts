/**
 * The plain labels of the fields services give, for citizens' pages: the access events and consents they
 * read name a service and its fields, never the dataset, so labels are found through the service.
 */
import type { Kysely } from 'kysely';
import { fieldLabel } from '../domain/index.ts';
import type { Database } from '../store/index.ts';

/** A field of a service in plain words; fields the dataset does not declare read as their names in words. */
export type FieldLabeller = (organization: string | null, service: string | null, field: string) => string;

export async function fieldLabelsOf(
  db: Kysely<Database>,
  services: Iterable<{ organization: string | null; service: string | null }>,
): Promise<FieldLabeller> {
  const organizations = new Set<string>();
  const slugs = new Set<string>();
  for (const s of services) {
    if (s.organization && s.service) {
      organizations.add(s.organization);
      slugs.add(s.service);
    }
  }
  const rows =
    organizations.size === 0
      ? []
      : await db
          .selectFrom('services')
          .innerJoin('organizations', 'organizations.id', 'services.organization_id')
          .innerJoin('fields', 'fields.dataset_id', 'services.dataset_id')
          .select([
            'organizations.slug as organization',
            'services.slug as service',
            'fields.name',
            'fields.label',
          ])
          .where('organizations.slug', 'in', [...organizations])
          .where('services.slug', 'in', [...slugs])
          .execute();
  const labels = new Map(rows.map((r) => [`${r.organization}/${r.service}/${r.name}`, r.label]));
  return (organization, service, field) =>
    fieldLabel({ name: field, label: labels.get(`${organization}/${service}/${field}`) ?? null });
}
