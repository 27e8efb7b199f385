/**
 * The catalog as DCAT-AP 3.0.1 (https://semiceu.github.io/DCAT-AP/releases/3.0.1/): RDF quads of a
 * dcat:Catalog and its datasets, serialized as Turtle or JSON-LD. Only metadata goes in: a dataset's
 * records never do, whatever its access rights. Large catalogs are paged with a
 * hydra:PartialCollectionView, as DCAT-AP's guidance on paging advises.
 */
import { DataFactory, type Quad, type Quad_Object, type Quad_Subject, Writer } from 'n3';
import type { OrganizationKind } from '../domain/index.ts';
import {
  type AccessRights,
  accessRightsIri,
  type FileType,
  type Frequency,
  fileTypeIri,
  frequencyIri,
  THEME_LABELS,
  type Theme,
  themeIri,
} from './authority-tables.ts';
import type { DatasetView } from './datasets.ts';

const { namedNode, literal, blankNode, quad } = DataFactory;
const AUTHORITY = 'http://publications.europa.eu/resource/authority';

export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
} as const;

const iri = (prefix: keyof typeof PREFIXES, name: string) => namedNode(`${PREFIXES[prefix]}${name}`);
const a = iri('rdf', 'type');
const date = (value: string) => literal(value.slice(0, 10), iri('xsd', 'date'));
const text = (value: string) => literal(value, 'en');

/** ADMS publisher types (http://purl.org/adms/publishertype/), the vocabulary DCAT-AP names for dct:type. */
const PUBLISHER_TYPES: Record<OrganizationKind, [code: string, label: string]> = {
  agency: ['NationalAuthority', 'National authority'],
  ministry: ['NationalAuthority', 'National authority'],
  authority: ['NationalAuthority', 'National authority'],
  municipality: ['LocalAuthority', 'Local authority'],
  company: ['Company', 'Company'],
  'civil-society': ['NonProfitOrganisation', 'Non-profit organisation'],
};

/**
 * A term of a controlled vocabulary, typed with the class DCAT-AP expects of the property's value
 * (range.ttl) and placed in its authority table (mdr-vocabularies.shape.ttl), so that a validator needs
 * no copy of the vocabularies to check them.
 */
function term(
  value: string,
  type: ReturnType<typeof iri>,
  scheme?: string,
  label?: string,
): { node: Quad_Object; quads: Quad[] } {
  const node = namedNode(value);
  const quads = [quad(node, a, type)];
  if (scheme) quads.push(quad(node, iri('skos', 'inScheme'), namedNode(scheme)));
  if (label) quads.push(quad(node, iri('skos', 'prefLabel'), text(label)));
  return { node, quads };
}

export interface Publisher {
  slug: string;
  name: string;
  kind: OrganizationKind;
}

export interface CatalogPage {
  /** The address govdx is reached at; every IRI of the catalog starts with it. */
  publicUrl: string;
  title: string;
  description: string;
  /** Who publishes the catalog as a whole (the organization operating govdx). */
  publisher: Publisher;
  /** Publishers of the datasets, by organization slug. */
  publishers: ReadonlyMap<string, Publisher>;
  datasets: readonly DatasetView[];
  /** Present when the catalog is served in pages. */
  paging?: { page: number; pageSize: number; totalItems: number };
}

const base = (publicUrl: string) => publicUrl.replace(/\/$/, '');
export const catalogIri = (publicUrl: string) => `${base(publicUrl)}/catalog`;
export const datasetIri = (publicUrl: string, organization: string, slug: string) =>
  `${base(publicUrl)}/catalog/datasets/${organization}/${slug}`;
const publisherIri = (publicUrl: string, slug: string) => `${base(publicUrl)}/organizations/${slug}`;
const distributionIri = (publicUrl: string, id: string) => `${base(publicUrl)}/catalog/distributions/${id}`;

function publisherQuads(publicUrl: string, publisher: Publisher): { node: Quad_Object; quads: Quad[] } {
  const node = namedNode(publisherIri(publicUrl, publisher.slug));
  const [code, label] = PUBLISHER_TYPES[publisher.kind];
  const type = term(
    `http://purl.org/adms/publishertype/${code}`,
    iri('skos', 'Concept'),
    'http://purl.org/adms/publishertype/1.0',
    label,
  );
  return {
    node,
    quads: [
      quad(node, a, iri('foaf', 'Agent')),
      quad(node, iri('foaf', 'name'), text(publisher.name)),
      quad(node, iri('dct', 'type'), type.node),
      ...type.quads,
    ],
  };
}

/** One dataset as DCAT-AP: its description, never its records. */
export function datasetQuads(
  publicUrl: string,
  dataset: DatasetView,
  publisher: Publisher | undefined,
): Quad[] {
  const node = namedNode(datasetIri(publicUrl, dataset.organization, dataset.slug));
  const out: Quad[] = [
    quad(node, a, iri('dcat', 'Dataset')),
    quad(node, iri('dct', 'identifier'), literal(`${dataset.organization}/${dataset.slug}`)),
    quad(node, iri('dct', 'title'), text(dataset.title)),
    quad(node, iri('dct', 'description'), text(dataset.description || dataset.title)),
  ];
  const add = (predicate: ReturnType<typeof iri>, object: Quad_Object) =>
    out.push(quad(node, predicate, object));
  const addTerm = (predicate: ReturnType<typeof iri>, value: { node: Quad_Object; quads: Quad[] }) => {
    add(predicate, value.node);
    out.push(...value.quads);
  };
  const license = dataset.license ? term(dataset.license, iri('dct', 'LicenseDocument')) : null;
  for (const keyword of dataset.keywords) add(iri('dcat', 'keyword'), text(keyword));
  for (const theme of dataset.themes as Theme[])
    addTerm(
      iri('dcat', 'theme'),
      term(themeIri(theme), iri('skos', 'Concept'), `${AUTHORITY}/data-theme`, THEME_LABELS[theme]),
    );
  if (publisher) {
    const agent = publisherQuads(publicUrl, publisher);
    add(iri('dct', 'publisher'), agent.node);
    out.push(...agent.quads);
  }
  if (dataset.contactPoint) {
    const contact = blankNode();
    add(iri('dcat', 'contactPoint'), contact);
    out.push(
      quad(contact, a, iri('vcard', 'Kind')),
      quad(contact, iri('vcard', 'fn'), literal(dataset.contactPoint.name)),
      quad(contact, iri('vcard', 'hasEmail'), namedNode(`mailto:${dataset.contactPoint.email}`)),
    );
  }
  if (license) addTerm(iri('dct', 'license'), license);
  if (dataset.accessRights)
    addTerm(
      iri('dct', 'accessRights'),
      term(
        accessRightsIri(dataset.accessRights as AccessRights),
        iri('dct', 'RightsStatement'),
        `${AUTHORITY}/access-right`,
      ),
    );
  if (dataset.updateFrequency)
    addTerm(
      iri('dct', 'accrualPeriodicity'),
      term(
        frequencyIri(dataset.updateFrequency as Frequency),
        iri('dct', 'Frequency'),
        `${AUTHORITY}/frequency`,
      ),
    );
  if (dataset.spatial) {
    if (/^https?:\/\//.test(dataset.spatial)) add(iri('dct', 'spatial'), namedNode(dataset.spatial));
    else {
      const place = blankNode();
      add(iri('dct', 'spatial'), place);
      out.push(
        quad(place, a, iri('dct', 'Location')),
        quad(place, iri('skos', 'prefLabel'), text(dataset.spatial)),
      );
    }
  }
  if (dataset.temporalStart || dataset.temporalEnd) {
    const period = blankNode();
    add(iri('dct', 'temporal'), period);
    out.push(quad(period, a, iri('dct', 'PeriodOfTime')));
    if (dataset.temporalStart) out.push(quad(period, iri('dcat', 'startDate'), date(dataset.temporalStart)));
    if (dataset.temporalEnd) out.push(quad(period, iri('dcat', 'endDate'), date(dataset.temporalEnd)));
  }
  if (dataset.issued) add(iri('dct', 'issued'), date(dataset.issued));
  if (dataset.modified) add(iri('dct', 'modified'), date(dataset.modified));
  for (const distribution of dataset.distributions) {
    const d = namedNode(distributionIri(publicUrl, distribution.id));
    add(iri('dcat', 'distribution'), d);
    out.push(
      quad(d, a, iri('dcat', 'Distribution')),
      quad(d, iri('dct', 'title'), text(distribution.title)),
      quad(d, iri('dcat', 'accessURL'), namedNode(distribution.accessUrl)),
    );
    if (distribution.description)
      out.push(quad(d, iri('dct', 'description'), text(distribution.description)));
    if (distribution.downloadUrl)
      out.push(quad(d, iri('dcat', 'downloadURL'), namedNode(distribution.downloadUrl)));
    if (distribution.format) {
      const format = term(
        fileTypeIri(distribution.format as FileType),
        iri('dct', 'MediaTypeOrExtent'),
        `${AUTHORITY}/file-type`,
      );
      out.push(quad(d, iri('dct', 'format'), format.node), ...format.quads);
    }
    if (distribution.mediaType) {
      const mediaType = term(
        `http://www.iana.org/assignments/media-types/${distribution.mediaType}`,
        iri('dct', 'MediaType'),
      );
      out.push(quad(d, iri('dcat', 'mediaType'), mediaType.node), ...mediaType.quads);
    }
    if (license) out.push(quad(d, iri('dct', 'license'), license.node));
  }
  return out;
}

function pageIri(publicUrl: string, format: string, page: number, pageSize: number): string {
  return `${catalogIri(publicUrl)}/dcat.${format}?page=${page}&pageSize=${pageSize}`;
}

/** The catalog, one page of its datasets, and (when paged) links to the other pages. */
export function catalogQuads(catalog: CatalogPage, format: 'ttl' | 'jsonld'): Quad[] {
  const node = namedNode(catalogIri(catalog.publicUrl));
  const publisher = publisherQuads(catalog.publicUrl, catalog.publisher);
  const out: Quad[] = [
    quad(node, a, iri('dcat', 'Catalog')),
    quad(node, iri('dct', 'title'), text(catalog.title)),
    quad(node, iri('dct', 'description'), text(catalog.description)),
    quad(node, iri('dct', 'publisher'), publisher.node),
    quad(node, iri('dcat', 'themeTaxonomy'), namedNode(`${AUTHORITY}/data-theme`)),
    quad(namedNode(`${AUTHORITY}/data-theme`), a, iri('skos', 'ConceptScheme')),
    quad(namedNode(`${AUTHORITY}/data-theme`), iri('dct', 'title'), text('Data theme')),
    ...publisher.quads,
  ];
  for (const dataset of catalog.datasets) {
    out.push(
      quad(
        node,
        iri('dcat', 'dataset'),
        namedNode(datasetIri(catalog.publicUrl, dataset.organization, dataset.slug)),
      ),
      ...datasetQuads(catalog.publicUrl, dataset, catalog.publishers.get(dataset.organization)),
    );
  }
  if (catalog.paging) {
    const { page, pageSize, totalItems } = catalog.paging;
    const last = Math.max(1, Math.ceil(totalItems / pageSize));
    const view = namedNode(pageIri(catalog.publicUrl, format, page, pageSize));
    const link = (n: number) => namedNode(pageIri(catalog.publicUrl, format, n, pageSize));
    out.push(
      quad(node, iri('hydra', 'totalItems'), literal(String(totalItems), iri('xsd', 'integer'))),
      quad(node, iri('hydra', 'view'), view),
      quad(view, a, iri('hydra', 'PartialCollectionView')),
      quad(view, iri('hydra', 'first'), link(1)),
      quad(view, iri('hydra', 'last'), link(last)),
    );
    if (page > 1) out.push(quad(view, iri('hydra', 'previous'), link(Math.min(page - 1, last))));
    if (page < last) out.push(quad(view, iri('hydra', 'next'), link(page + 1)));
  }
  return dedupe(out);
}

/**
 * A publisher or a vocabulary term used by several datasets is described once; statements about one
 * subject are kept together (in first-seen order), so that Turtle writes each subject once.
 */
function dedupe(quads: Quad[]): Quad[] {
  const seen = new Set<string>();
  const bySubject = new Map<string, Quad[]>();
  for (const q of quads) {
    const key = `${q.subject.termType}:${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
    if (q.subject.termType !== 'BlankNode' && seen.has(key)) continue;
    seen.add(key);
    const subject = `${q.subject.termType}:${q.subject.value}`;
    const list = bySubject.get(subject) ?? [];
    list.push(q);
    bySubject.set(subject, list);
  }
  return [...bySubject.values()].flat();
}

export function toTurtle(quads: Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads(quads);
  return new Promise((resolve, reject) =>
    writer.end((error, result: string) => (error ? reject(error) : resolve(result))),
  );
}

type JsonLdNode = Record<string, unknown>;

/** JSON-LD, compacted with the DCAT-AP prefixes: blank nodes nested in the node that points to them. */
export function toJsonLd(quads: Quad[]): JsonLdNode {
  const nodes = new Map<string, JsonLdNode>();
  const referenced = new Map<string, number>();
  const id = (term: Quad_Subject | Quad_Object) =>
    term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
  const compact = (value: string) => {
    for (const [prefix, ns] of Object.entries(PREFIXES))
      if (value.startsWith(ns) && value.length > ns.length) return `${prefix}:${value.slice(ns.length)}`;
    return value;
  };
  for (const q of quads) {
    const subject = id(q.subject);
    const node = nodes.get(subject) ?? { '@id': subject };
    nodes.set(subject, node);
    const predicate = q.predicate.value === `${PREFIXES.rdf}type` ? '@type' : compact(q.predicate.value);
    let value: unknown;
    if (predicate === '@type') value = compact(q.object.value);
    else if (q.object.termType === 'Literal') {
      const { language, datatype } = q.object;
      value = language
        ? { '@value': q.object.value, '@language': language }
        : datatype.value === `${PREFIXES.xsd}string`
          ? q.object.value
          : { '@value': q.object.value, '@type': compact(datatype.value) };
    } else {
      const target = id(q.object as Quad_Subject);
      if (q.object.termType === 'BlankNode') referenced.set(target, (referenced.get(target) ?? 0) + 1);
      value = { '@id': target };
    }
    const existing = node[predicate];
    node[predicate] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  // Blank nodes referenced once are written in place of their reference, without their label.
  const embed = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(embed);
    if (value && typeof value === 'object' && '@id' in value && Object.keys(value).length === 1) {
      const target = (value as { '@id': string })['@id'];
      if (target.startsWith('_:') && referenced.get(target) === 1 && nodes.has(target)) {
        const { '@id': _, ...inner } = nodes.get(target)!;
        return Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, embed(v)]));
      }
    }
    return value;
  };
  const graph: JsonLdNode[] = [];
  for (const [subject, node] of nodes) {
    if (subject.startsWith('_:') && referenced.get(subject) === 1) continue;
    graph.push(Object.fromEntries(Object.entries(node).map(([k, v]) => [k, embed(v)])));
  }
  return { '@context': { ...PREFIXES }, '@graph': graph };
}
