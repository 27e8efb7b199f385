import { type Kysely, sql } from 'kysely';

/**
 * A sixth search facet, sensitivity: the sensitivity of a dataset's most sensitive field (open, internal,
 * personal, special), so that those who look after personal data find every dataset that holds it. Existing
 * datasets get their value here; new and changed ones get it from the search index (src/catalog/search-index.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into catalog_facets (dataset_id, facet, value)
    select dataset_id, 'sensitivity',
      case max(case sensitivity when 'special' then 3 when 'personal' then 2 when 'internal' then 1 else 0 end)
        when 3 then 'special' when 2 then 'personal' when 1 then 'internal' else 'open' end
    from fields group by dataset_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from catalog_facets where facet = 'sensitivity'`.execute(db);
}
