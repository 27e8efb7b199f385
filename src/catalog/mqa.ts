/**
 * The metadata quality score of data.europa.eu's Metadata Quality Assessment (MQA,
 * https://data.europa.eu/mqa/methodology): 405 points over five dimensions derived from FAIR
 * (Findability 100, Accessibility 100, Interoperability 110, Reusability 75, Contextuality 20), rated
 * Excellent (351–405), Good (221–350), Sufficient (121–220) or Bad (0–120).
 *
 * Pure: what the link checker saw is passed in. Aggregation over distributions follows the
 * methodology's assumption that a dataset's distributions carry identical content: the
 * interoperability points are those of the distribution that earns the most of them ("only the
 * distribution with the highest number of points is used"), and an accessibility indicator is met when
 * at least one distribution meets it.
 */
import type { DatasetView } from './datasets.ts';

const AUTHORITY = 'http://publications.europa.eu/resource/authority';

/**
 * File types that MQA counts as non-proprietary: edp-non-proprietary-format.rdf of
 * https://gitlab.com/european-data-portal/edp-vocabularies (EU file-type codes).
 */
export const NON_PROPRIETARY_FORMATS: ReadonlySet<string> = new Set([
  'BMP',
  'CSV',
  'DBF',
  'GEOJSON',
  'GZIP',
  'HTML',
  'ICS',
  'JPEG2000',
  'JSON',
  'JSON_LD',
  'KML',
  'KMZ',
  'NETCDF',
  'ODS',
  'PNG',
  'RDF_N_QUADS',
  'RDF_N_TRIPLES',
  'RDF_TRIG',
  'RDF_TURTLE',
  'RDF_XML',
  'RSS',
  'RTF',
  'TAR',
  'TIFF',
  'TSV',
  'TXT',
  'WMS_SRVC',
  'XML',
  'ZIP',
]);

/**
 * File types that MQA counts as machine-readable: edp-machine-readable-format.rdf of
 * https://gitlab.com/european-data-portal/edp-vocabularies (EU file-type codes).
 */
export const MACHINE_READABLE_FORMATS: ReadonlySet<string> = new Set([
  'CSV',
  'GEOJSON',
  'ICS',
  'JSON',
  'JSON_LD',
  'KML',
  'KMZ',
  'NETCDF',
  'ODS',
  'RDFA',
  'RDF_N_QUADS',
  'RDF_N_TRIPLES',
  'RDF_TRIG',
  'RDF_TURTLE',
  'RDF_XML',
  'RSS',
  'SHP',
  'XLS',
  'XLSX',
  'XML',
]);

/**
 * Media types registered with IANA (https://www.iana.org/assignments/media-types/) for the data
 * formats catalogs publish. MQA checks dcat:mediaType against the whole IANA registry; govdx carries
 * this subset, so a registered type outside it is not recognised (see docs/catalog.md).
 */
export const IANA_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/geo+json',
  'application/gzip',
  'application/json',
  'application/ld+json',
  'application/n-quads',
  'application/n-triples',
  'application/octet-stream',
  'application/pdf',
  'application/rdf+xml',
  'application/rss+xml',
  'application/rtf',
  'application/sparql-results+json',
  'application/trig',
  'application/vnd.google-earth.kml+xml',
  'application/vnd.google-earth.kmz',
  'application/vnd.ms-excel',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/xml',
  'application/zip',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'text/calendar',
  'text/csv',
  'text/html',
  'text/plain',
  'text/tab-separated-values',
  'text/turtle',
  'text/xml',
]);

/** What the link checker knows of one address. */
export type LinkState =
  | { state: 'accessible'; status: number | null }
  | { state: 'inaccessible'; status: number | null; problem: string }
  | { state: 'unchecked' };

export interface MqaInput {
  dataset: DatasetView;
  /** Access and download addresses of the distributions, by URL; a missing one counts as unchecked. */
  links: ReadonlyMap<string, LinkState>;
}

export type Rating = 'Excellent' | 'Good' | 'Sufficient' | 'Bad';

export interface Indicator {
  id: string;
  label: string;
  points: number;
  max: number;
  met: boolean;
  /**
   * False when the dataset's access rights rule the points out (no download of a register that is not
   * open): its max is then 0, and it is neither done nor to do.
   */
  applies: boolean;
  /** In plain words: why the points were given, or what to do to earn them. */
  reason: string;
}

export interface Dimension {
  id: 'findability' | 'accessibility' | 'interoperability' | 'reusability' | 'contextuality';
  label: string;
  score: number;
  max: number;
  indicators: Indicator[];
}

export interface MqaScore {
  score: number;
  /** What can be earned for the dataset's access rights: 405 less the indicators that do not apply. */
  max: number;
  /** The score out of 405 as if every point could be earned (score × 405 / max, to one decimal): ranks compare it. */
  comparableScore: number;
  /** The rating of the comparable score. */
  rating: Rating;
  dimensions: Dimension[];
}

export const MQA_MAX = 405;

/** The MQA rating bands; a mean score between two bands (e.g. 350.5) takes the lower one. */
export function ratingOf(score: number): Rating {
  if (score >= 351) return 'Excellent';
  if (score >= 221) return 'Good';
  if (score >= 121) return 'Sufficient';
  return 'Bad';
}

function indicator(id: string, label: string, max: number, met: boolean, reason: string): Indicator {
  return { id, label, points: met ? max : 0, max, met, applies: true, reason };
}

/** An indicator the dataset's access rights rule out, unless it earned its points all the same. */
function unlessEarned(earned: Indicator, reason: string): Indicator {
  return earned.met ? earned : { ...earned, max: 0, applies: false, reason };
}

/** The period of time covered, in words: "from 1 January 1995 onwards". */
function periodText(start: string | null, end: string | null): string {
  const words = (iso: string) =>
    isDate(iso)
      ? new Date(`${iso.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-GB', {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'UTC',
        })
      : iso;
  if (start && end) return `from ${words(start)} to ${words(end)}`;
  if (start) return `from ${words(start)} onwards`;
  return `until ${words(end ?? '')}`;
}

function dimension(id: Dimension['id'], label: string, indicators: Indicator[]): Dimension {
  return {
    id,
    label,
    score: indicators.reduce((sum, i) => sum + i.points, 0),
    max: indicators.reduce((sum, i) => sum + i.max, 0),
    indicators,
  };
}

type Distribution = DatasetView['distributions'][number];

/** Whether some distribution's address (access or download) answered, and why not otherwise. */
function reachability(
  distributions: Distribution[],
  address: (d: Distribution) => string | null,
  links: ReadonlyMap<string, LinkState>,
  what: string,
): { met: boolean; reason: string } {
  const urls = distributions.map(address).filter((u): u is string => u !== null);
  const article = /^[aeiou]/.test(what) ? 'an' : 'a';
  if (urls.length === 0) return { met: false, reason: `Add a distribution with ${article} ${what}.` };
  const states = urls.map((url) => ({ url, link: links.get(url) ?? ({ state: 'unchecked' } as const) }));
  const reached = states.find((s) => s.link.state === 'accessible');
  if (reached) return { met: true, reason: `The ${what} ${reached.url} answers.` };
  const failed = states.find((s) => s.link.state === 'inaccessible');
  if (failed && failed.link.state === 'inaccessible')
    return {
      met: false,
      reason: `The ${what} ${failed.url} does not answer (${failed.link.problem}). Fix the address or the server behind it.`,
    };
  return {
    met: false,
    reason: `The ${what} has not been checked yet. The points are given once a check finds that it answers.`,
  };
}

/** Interoperability indicators of one distribution. */
function interoperabilityOf(distribution: Distribution): Indicator[] {
  const { format, mediaType } = distribution;
  const vocabularyMet = format !== null && mediaType !== null && IANA_MEDIA_TYPES.has(mediaType);
  return [
    indicator(
      'format',
      'Format',
      20,
      format !== null,
      format ? `The format is ${format}.` : 'Give the distribution a format (dct:format).',
    ),
    indicator(
      'media-type',
      'Media type',
      10,
      mediaType !== null,
      mediaType ? `The media type is ${mediaType}.` : 'Give the distribution a media type, such as text/csv.',
    ),
    indicator(
      'format-media-type-vocabulary',
      'Format and media type from the EU and IANA vocabularies',
      10,
      vocabularyMet,
      vocabularyMet
        ? 'The format is an EU file type and the media type is registered with IANA.'
        : format === null
          ? 'Give the distribution a format from the EU file types.'
          : mediaType === null
            ? 'Give the distribution a media type registered with IANA, such as text/csv.'
            : `The media type ${mediaType} is not one govdx recognises as registered with IANA; use the registered type of the format.`,
    ),
    indicator(
      'non-proprietary',
      'Non-proprietary format',
      20,
      format !== null && NON_PROPRIETARY_FORMATS.has(format),
      format === null
        ? 'Give the distribution a format; an open one such as CSV or JSON earns these points.'
        : NON_PROPRIETARY_FORMATS.has(format)
          ? `${format} is an open, non-proprietary format.`
          : `${format} is a proprietary format. Also offer the data in an open one, such as CSV or JSON.`,
    ),
    indicator(
      'machine-readable',
      'Machine-readable format',
      20,
      format !== null && MACHINE_READABLE_FORMATS.has(format),
      format === null
        ? 'Give the distribution a format; a machine-readable one such as CSV or JSON earns these points.'
        : MACHINE_READABLE_FORMATS.has(format)
          ? `${format} can be read by programs.`
          : `${format} cannot easily be read by programs. Also offer the data as CSV, JSON or XML.`,
    ),
  ];
}

const isDate = (value: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/**
 * What in the dataset's own DCAT-AP document would break the mandatory DCAT-AP 3.0.1 shapes
 * (shapes.ttl: sh:minCount 1 and the value constraints). govdx writes that document from this very
 * record (dcat.ts), so the shapes are checked on the record; test/catalog/mqa.test.ts runs the official
 * validator on the published document to show both agree.
 */
export function dcatApProblems(dataset: DatasetView): string[] {
  const problems: string[] = [];
  if (!dataset.title.trim()) problems.push('The dataset has no title (dct:title).');
  if (!dataset.organizationName.trim()) problems.push('The publisher has no name (foaf:name).');
  for (const distribution of dataset.distributions) {
    if (!/^https?:\/\/\S+$/.test(distribution.accessUrl))
      problems.push(
        `The distribution "${distribution.title}" has no web address to reach it (dcat:accessURL).`,
      );
    if (!distribution.title.trim()) problems.push('A distribution has no title.');
  }
  for (const [name, value] of [
    ['date of issue', dataset.issued],
    ['modification date', dataset.modified],
    ['start of the time covered', dataset.temporalStart],
    ['end of the time covered', dataset.temporalEnd],
  ] as const) {
    if (value !== null && !isDate(value)) problems.push(`The ${name} "${value}" is not a calendar date.`);
  }
  if (dataset.contactPoint && !dataset.contactPoint.email.includes('@'))
    problems.push('The contact point has no e-mail address.');
  return problems;
}

/** The MQA score of one dataset, with a plain-language reason for every indicator. */
export function scoreDataset(input: MqaInput): MqaScore {
  const { dataset, links } = input;
  const distributions = dataset.distributions;

  const findability = dimension('findability', 'Findability', [
    indicator(
      'keywords',
      'Keywords',
      30,
      dataset.keywords.length > 0,
      dataset.keywords.length > 0
        ? `${dataset.keywords.length} keyword(s) help people find the dataset.`
        : 'Add keywords that people would search for.',
    ),
    indicator(
      'themes',
      'Categories (EU data themes)',
      30,
      dataset.themes.length > 0,
      dataset.themes.length > 0
        ? `Filed under ${dataset.themes.join(', ')}.`
        : 'Choose at least one EU data theme, such as GOVE or SOCI.',
    ),
    indicator(
      'spatial',
      'Place covered',
      20,
      dataset.spatial !== null,
      dataset.spatial !== null ? `Covers ${dataset.spatial}.` : 'Say which place the data covers.',
    ),
    indicator(
      'temporal',
      'Time covered',
      20,
      dataset.temporalStart !== null || dataset.temporalEnd !== null,
      dataset.temporalStart !== null || dataset.temporalEnd !== null
        ? `Covers the time ${periodText(dataset.temporalStart, dataset.temporalEnd)}.`
        : 'Say which period of time the data covers.',
    ),
  ]);

  const access = reachability(distributions, (d) => d.accessUrl, links, 'access address');
  const withDownload = distributions.filter((d) => d.downloadUrl !== null);
  const download = reachability(distributions, (d) => d.downloadUrl, links, 'download address');
  // Only open data is downloaded: a register that is not open never gets a download address.
  const downloadable = dataset.classification === 'public' && dataset.accessRights !== 'NON_PUBLIC';
  const notDownloaded = (earned: Indicator) =>
    downloadable
      ? earned
      : unlessEarned(
          earned,
          'Its records are shared only under agreements, never downloaded, so these points do not count for it.',
        );
  const accessibility = dimension('accessibility', 'Accessibility', [
    indicator('access-url-accessible', 'Access address answers', 50, access.met, access.reason),
    notDownloaded(
      indicator(
        'download-url',
        'Download address given',
        20,
        withDownload.length > 0,
        withDownload.length > 0
          ? `${withDownload.length} distribution(s) give a direct download address.`
          : 'Give a distribution a direct download address (dcat:downloadURL).',
      ),
    ),
    notDownloaded(
      indicator('download-url-accessible', 'Download address answers', 30, download.met, download.reason),
    ),
  ]);

  // The distribution that earns the most interoperability points stands for the dataset.
  const perDistribution = distributions.map(interoperabilityOf);
  const best = perDistribution.reduce<Indicator[] | null>((top, candidate) => {
    const points = (list: Indicator[]) => list.reduce((sum, i) => sum + i.points, 0);
    return top === null || points(candidate) > points(top) ? candidate : top;
  }, null);
  const noDistribution = (id: string, label: string, max: number) =>
    indicator(id, label, max, false, 'Add a distribution so that people can get the data.');
  const problems = dcatApProblems(dataset);
  const interoperability = dimension('interoperability', 'Interoperability', [
    ...(best ?? [
      noDistribution('format', 'Format', 20),
      noDistribution('media-type', 'Media type', 10),
      noDistribution(
        'format-media-type-vocabulary',
        'Format and media type from the EU and IANA vocabularies',
        10,
      ),
      noDistribution('non-proprietary', 'Non-proprietary format', 20),
      noDistribution('machine-readable', 'Machine-readable format', 20),
    ]),
    indicator(
      'dcat-ap-compliance',
      'DCAT-AP compliance',
      30,
      problems.length === 0,
      problems.length === 0
        ? "The dataset's DCAT-AP document has every property DCAT-AP 3.0.1 requires."
        : problems.join(' '),
    ),
  ]);

  const license = dataset.license;
  const licenceFromVocabulary = license?.startsWith(`${AUTHORITY}/licence/`) === true;
  const reusability = dimension('reusability', 'Reusability', [
    indicator(
      'license',
      'Licence',
      20,
      license !== null,
      license !== null ? `Licensed under ${license}.` : 'Say under which licence people may reuse the data.',
    ),
    indicator(
      'license-vocabulary',
      'Licence from the EU licence list',
      10,
      licenceFromVocabulary,
      licenceFromVocabulary
        ? 'The licence is one of the EU licence list.'
        : license === null
          ? 'Choose a licence from the EU licence list, such as CC_BY_4_0.'
          : `Name the licence by its address in the EU licence list (${AUTHORITY}/licence/…) instead of ${license}.`,
    ),
    indicator(
      'access-rights',
      'Access rights',
      10,
      dataset.accessRights !== null,
      dataset.accessRights !== null
        ? `Access rights: ${dataset.accessRights}.`
        : 'Say who may access the data: public, restricted or non-public.',
    ),
    indicator(
      'access-rights-vocabulary',
      'Access rights from the EU vocabulary',
      5,
      dataset.accessRights !== null,
      dataset.accessRights !== null
        ? 'The access rights are a code of the EU access-right table.'
        : 'Choose the access rights from the EU access-right table.',
    ),
    indicator(
      'contact-point',
      'Contact point',
      20,
      dataset.contactPoint !== null,
      dataset.contactPoint !== null
        ? `Questions go to ${dataset.contactPoint.name}.`
        : 'Name a contact point with an e-mail address for questions about the data.',
    ),
    indicator(
      'publisher',
      'Publisher',
      10,
      dataset.organizationName.trim() !== '',
      `Published by ${dataset.organizationName}.`,
    ),
  ]);

  const contextuality = dimension('contextuality', 'Contextuality', [
    indicator(
      'rights',
      'Rights statement',
      5,
      false,
      'govdx does not record a rights statement (dct:rights) for distributions yet, so these points cannot be earned.',
    ),
    indicator(
      'byte-size',
      'File size',
      5,
      false,
      'govdx does not record the size of downloads (dcat:byteSize) yet, so these points cannot be earned.',
    ),
    indicator(
      'issued',
      'Date of issue',
      5,
      dataset.issued !== null,
      dataset.issued !== null
        ? `First published on ${dataset.issued}.`
        : 'Give the date the data was first published.',
    ),
    indicator(
      'modified',
      'Modification date',
      5,
      dataset.modified !== null,
      dataset.modified !== null
        ? `Last changed on ${dataset.modified}.`
        : 'Give the date the data last changed.',
    ),
  ]);

  const dimensions = [findability, accessibility, interoperability, reusability, contextuality];
  const score = dimensions.reduce((sum, d) => sum + d.score, 0);
  const max = dimensions.reduce((sum, d) => sum + d.max, 0);
  const comparableScore = Math.round(((score * MQA_MAX) / max) * 10) / 10;
  return { score, max, comparableScore, rating: ratingOf(comparableScore), dimensions };
}

/** The catalog-level score: the mean of the datasets' scores, to one decimal, as MQA averages a catalogue. */
export function meanScore(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return Math.round((scores.reduce((sum, s) => sum + s, 0) / scores.length) * 10) / 10;
}
