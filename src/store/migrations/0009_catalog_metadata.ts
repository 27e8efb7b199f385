import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

/**
 * The catalog's description of a dataset, as DCAT-AP 3.0.1 needs it: keywords and EU data themes,
 * spatial and temporal coverage, licence, access rights, update frequency, contact point, dates of
 * issue and modification; and its distributions (downloads and services). Keywords and themes are
 * JSON arrays of strings; the other codes are EU Publications Office authority-table codes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one column at a time.
  const columns: Array<[string, (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder]> = [
    ['keywords', (c) => c.notNull().defaultTo('[]')],
    ['themes', (c) => c.notNull().defaultTo('[]')],
    ['spatial', (c) => c],
    ['temporal_start', (c) => c],
    ['temporal_end', (c) => c],
    ['license', (c) => c],
    ['access_rights', (c) => c],
    ['update_frequency', (c) => c],
    ['contact_point_name', (c) => c],
    ['contact_point_email', (c) => c],
    ['issued', (c) => c],
    ['modified', (c) => c],
  ];
  for (const [name, build] of columns) {
    await db.schema.alterTable('datasets').addColumn(name, 'text', build).execute();
  }

  await db.schema
    .createTable('distributions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('media_type', 'text')
    .addColumn('access_url', 'text', (c) => c.notNull())
    .addColumn('download_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('distributions_by_dataset')
    .on('distributions')
    .columns(['dataset_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('distributions').execute();
  for (const name of [
    'modified',
    'issued',
    'contact_point_email',
    'contact_point_name',
    'update_frequency',
    'access_rights',
    'license',
    'temporal_end',
    'temporal_start',
    'spatial',
    'themes',
    'keywords',
  ]) {
    await db.schema.alterTable('datasets').dropColumn(name).execute();
  }
}
