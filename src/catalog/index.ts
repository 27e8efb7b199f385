export * from './authority-tables.ts';
export * from './datasets.ts';
export { catalogIri, catalogQuads, datasetIri, toJsonLd, toTurtle } from './dcat.ts';
export * from './publication.ts';
export * as schemas from './schemas.ts';
export * from './services.ts';
