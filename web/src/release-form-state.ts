/**
 * The release form's answers as the steward types them, and the request body they make: widths typed as
 * "5, 10, 20", categories one per line, a share left out in per cent. Pure, so the page only renders.
 */
import type { HierarchyBuilder, NewRelease, Release, ReleaseRevision, StatisticsDimension } from './api.ts';

export type GeneralisationKind = 'age' | 'dates' | 'intervals' | 'mask' | 'suppress' | 'table';
export type DateLevel = 'month' | 'year' | 'decade';
export const DATE_LEVELS: readonly DateLevel[] = ['month', 'year', 'decade'];

export interface QuasiAnswer {
  key: number;
  field: string;
  kind: GeneralisationKind;
  at: string;
  widths: string;
  levels: DateLevel[];
  length: string;
  /** A hierarchy given as a table (through the API): the form keeps it as it is. */
  rows?: string[][];
}

export interface DimensionAnswer {
  key: number;
  field: string;
  kind: StatisticsDimension['kind'];
  categories: string;
  other: string;
  width: string;
  min: string;
  max: string;
  at: string;
}

export interface LookupAnswer {
  key: number;
  field: string;
  dataset: string;
  take: string;
}

export interface ReleaseAnswers {
  dataset: string;
  title: string;
  slug: string;
  description: string;
  method: Release['method'];
  quasi: QuasiAnswer[];
  sensitive: string;
  l: string;
  k: string;
  /** Per cent. */
  suppression: string;
  /** Fields an earlier version kept as they are: the form does not offer them, but does not drop them. */
  keep: string[];
  /**
   * Settings given through the API that the form does not offer (other kinds of l-diversity, t-closeness, a
   * sample): kept as they are while the sensitive field stays the same, never silently dropped.
   */
  carried: {
    sensitive?: NonNullable<NonNullable<NewRelease['microdata']>['sensitive']>;
    sampleFraction?: number;
  };
  dimensions: DimensionAnswer[];
  epsilon: string;
  lookups: LookupAnswer[];
}

/** An answer's error, by the id suffix of the control it belongs to ("title", "quasi-3-widths"). */
export type AnswerErrors = Record<string, string>;

let nextKey = 1;
const key = () => nextKey++;

export function blankQuasi(today: string): QuasiAnswer {
  return { key: key(), field: '', kind: 'suppress', at: today, widths: '', levels: ['year'], length: '' };
}

export function blankDimension(today: string): DimensionAnswer {
  return {
    key: key(),
    field: '',
    kind: 'categories',
    categories: '',
    other: '',
    width: '',
    min: '',
    max: '',
    at: today,
  };
}

export function blankLookup(): LookupAnswer {
  return { key: key(), field: '', dataset: '', take: '' };
}

export function blankAnswers(today: string): ReleaseAnswers {
  return {
    dataset: '',
    title: '',
    slug: '',
    description: '',
    method: 'microdata',
    quasi: [blankQuasi(today)],
    sensitive: '',
    l: '',
    k: '5',
    suppression: '5',
    keep: [],
    carried: {},
    dimensions: [blankDimension(today)],
    epsilon: '1',
    lookups: [],
  };
}

/** The form filled in with a release's own parameters, to change it. */
export function answersOf(release: Release, today: string): ReleaseAnswers {
  const answers = { ...blankAnswers(today), dataset: release.dataset, slug: release.slug };
  answers.title = release.title;
  answers.description = release.description;
  answers.method = release.method;
  const p = release.parameters as Partial<NewRelease>;
  answers.lookups = (p.lookups ?? []).map((l) => ({ ...l, key: key(), take: l.take.join(', ') }));
  if (p.microdata) {
    const m = p.microdata;
    answers.quasi = m.quasiIdentifiers.map(({ field, hierarchy: h }) => ({
      ...blankQuasi(today),
      field,
      kind: h.kind,
      ...(h.kind === 'table' ? { rows: h.rows.map((row) => [...row]) } : {}),
      at: h.kind === 'age' ? h.at : today,
      widths: h.kind === 'age' || h.kind === 'intervals' ? h.widths.join(', ') : '',
      levels: h.kind === 'dates' ? [...h.levels] : ['year'],
      length: h.kind === 'mask' && h.length ? String(h.length) : '',
    }));
    answers.sensitive = m.sensitive?.field ?? '';
    answers.l = m.sensitive?.lDiversity ? String(m.sensitive.lDiversity.l) : '';
    answers.k = String(m.k);
    answers.suppression = String(Math.round(m.suppressionLimit * 1000) / 10);
    answers.keep = [...(m.keep ?? [])];
    answers.carried = {
      ...(m.sensitive ? { sensitive: m.sensitive } : {}),
      ...(m.sampleFraction !== undefined ? { sampleFraction: m.sampleFraction } : {}),
    };
  }
  if (p.statistics) {
    answers.epsilon = p.statistics.epsilon;
    answers.dimensions = p.statistics.dimensions.map((d) => ({
      ...blankDimension(today),
      field: d.field,
      kind: d.kind,
      categories: d.kind === 'categories' ? d.categories.join('\n') : '',
      other: d.kind === 'categories' ? (d.other ?? '') : '',
      width: d.kind === 'categories' ? '' : String(d.width),
      min: d.kind === 'bands' ? String(d.min) : '',
      max: d.kind === 'categories' ? '' : String(d.max),
      at: d.kind === 'age-bands' ? d.at : today,
    }));
  }
  return answers;
}

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const EPSILON = /^(?:\d+(?:\.\d+)?|\d+\/\d+)$/;

/** A title as an address name: "Residents by age" → "residents-by-age". */
export function slugOf(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

function widthsOf(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 10) return null;
  const widths = parts.map(Number);
  return widths.every((w) => Number.isInteger(w) && w >= 1) ? widths : null;
}

function wholeNumber(text: string): number | null {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) ? n : null;
}

function hierarchyOf(q: QuasiAnswer, errors: AnswerErrors): HierarchyBuilder | null {
  const id = `quasi-${q.key}`;
  switch (q.kind) {
    case 'suppress':
      return { kind: 'suppress' };
    case 'table':
      if (!q.rows || q.rows.length === 0) {
        errors[`${id}-kind`] = 'Choose how this field is generalised';
        return null;
      }
      return { kind: 'table', rows: q.rows };
    case 'mask': {
      if (q.length.trim() === '') return { kind: 'mask' };
      const length = wholeNumber(q.length);
      if (length === null || length < 1 || length > 100) {
        errors[`${id}-length`] = 'Enter how many characters may be hidden, a whole number from 1 to 100';
        return null;
      }
      return { kind: 'mask', length };
    }
    case 'dates':
      if (q.levels.length === 0) {
        errors[`${id}-levels`] = 'Choose at least one way to shorten the date';
        return null;
      }
      return { kind: 'dates', levels: DATE_LEVELS.filter((l) => q.levels.includes(l)) };
    case 'intervals':
    case 'age': {
      const widths = widthsOf(q.widths);
      if (!widths) {
        errors[`${id}-widths`] = 'Enter the band widths as whole numbers, for example 5, 10, 20';
        return null;
      }
      if (q.kind === 'intervals') return { kind: 'intervals', widths };
      if (!DAY.test(q.at)) {
        errors[`${id}-at`] = 'Enter the date on which ages are counted';
        return null;
      }
      return { kind: 'age', at: q.at, widths };
    }
  }
}

function dimensionOf(d: DimensionAnswer, errors: AnswerErrors): StatisticsDimension | null {
  const id = `dimension-${d.key}`;
  if (!d.field) {
    errors[`${id}-field`] = 'Choose the field this dimension counts by';
    return null;
  }
  if (d.kind === 'categories') {
    const categories = [
      ...new Set(
        d.categories
          .split('\n')
          .map((c) => c.trim())
          .filter(Boolean),
      ),
    ];
    if (categories.length === 0) {
      errors[`${id}-categories`] = 'Enter the categories, one on each line';
      return null;
    }
    const other = d.other.trim();
    return { field: d.field, kind: 'categories', categories, ...(other ? { other } : {}) };
  }
  const width = wholeNumber(d.width);
  const max = wholeNumber(d.max);
  if (width === null || width < 1) errors[`${id}-width`] = 'Enter the width of each band, a whole number';
  if (max === null) errors[`${id}-max`] = 'Enter where the last band starts, a whole number';
  if (d.kind === 'age-bands') {
    if (!DAY.test(d.at)) errors[`${id}-at`] = 'Enter the date on which ages are counted';
    if (width === null || max === null || !DAY.test(d.at)) return null;
    return { field: d.field, kind: 'age-bands', at: d.at, width, max };
  }
  const min = wholeNumber(d.min);
  if (min === null) errors[`${id}-min`] = 'Enter where the first band starts, a whole number';
  if (width === null || max === null || min === null) return null;
  if (max <= min) {
    errors[`${id}-max`] = 'The last band must start above the first';
    return null;
  }
  return { field: d.field, kind: 'bands', width, min, max };
}

/**
 * The request body, or what to fix first. The server checks everything again; these checks only spare the
 * steward a round trip for what the form itself can see.
 */
export function releaseBody(
  answers: ReleaseAnswers,
  creating: boolean,
): { body: NewRelease | ReleaseRevision; errors: null } | { body: null; errors: AnswerErrors } {
  const errors: AnswerErrors = {};
  if (creating && !answers.dataset) errors.dataset = 'Choose the register to publish from';
  if (!answers.title.trim()) errors.title = 'Enter a title';
  if (creating && !SLUG.test(answers.slug))
    errors.slug = 'Enter an address name of small letters, digits and single hyphens, like residents-by-age';

  const lookups = answers.lookups.map((l) => {
    const take = l.take
      .split(/[\s,;]+/)
      .map((t) => t.trim())
      .filter(Boolean);
    if (!l.field)
      errors[`lookup-${l.key}-field`] = 'Choose the field that holds the other dataset’s identifier';
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(l.dataset.trim()))
      errors[`lookup-${l.key}-dataset`] =
        'Enter the dataset as organization/dataset, like address-register/addresses';
    if (take.length === 0) errors[`lookup-${l.key}-take`] = 'Enter at least one field to take';
    return { field: l.field, dataset: l.dataset.trim(), take };
  });

  const common = {
    title: answers.title.trim(),
    description: answers.description.trim(),
    ...(lookups.length > 0 ? { lookups } : {}),
  };
  let parameters: Pick<NewRelease, 'microdata' | 'statistics'>;
  if (answers.method === 'microdata') {
    const quasiIdentifiers = answers.quasi.flatMap((q) => {
      if (!q.field) {
        errors[`quasi-${q.key}-field`] = 'Choose a field';
        return [];
      }
      const hierarchy = hierarchyOf(q, errors);
      return hierarchy ? [{ field: q.field, hierarchy }] : [];
    });
    if (answers.quasi.length === 0) errors.quasi = 'Add at least one field that could identify someone';
    const k = wholeNumber(answers.k);
    if (k === null || k < 2 || k > 1000) errors.k = 'Enter k, a whole number from 2 to 1000';
    const suppression = Number(answers.suppression.trim().replace(',', '.'));
    if (answers.suppression.trim() === '' || !(suppression >= 0 && suppression <= 50))
      errors.suppression = 'Enter a share from 0 to 50 per cent';
    let sensitive: NonNullable<NewRelease['microdata']>['sensitive'];
    if (answers.sensitive) {
      const l = answers.l.trim() === '' ? null : Number(answers.l);
      if (l !== null && !(Number.isInteger(l) && l >= 2 && l <= 100))
        errors.l = 'Enter how many different values each group must show, a whole number from 2 to 100';
      const carried =
        answers.carried.sensitive?.field === answers.sensitive ? answers.carried.sensitive : undefined;
      // A kind of l-diversity the form does not offer stays as it was while its l is unchanged.
      const lDiversity =
        l === null
          ? undefined
          : carried?.lDiversity && carried.lDiversity.l === l
            ? carried.lDiversity
            : { variant: 'distinct' as const, l };
      sensitive = {
        field: answers.sensitive,
        ...(lDiversity ? { lDiversity } : {}),
        ...(carried?.tCloseness ? { tCloseness: carried.tCloseness } : {}),
      };
    }
    parameters = {
      microdata: {
        quasiIdentifiers,
        ...(sensitive ? { sensitive } : {}),
        ...(answers.keep.length > 0 ? { keep: answers.keep } : {}),
        k: k ?? 0,
        suppressionLimit: Math.round(suppression * 10) / 1000,
        ...(answers.carried.sampleFraction !== undefined
          ? { sampleFraction: answers.carried.sampleFraction }
          : {}),
      },
    };
  } else {
    const dimensions = answers.dimensions.flatMap((d) => {
      const dimension = dimensionOf(d, errors);
      return dimension ? [dimension] : [];
    });
    if (answers.dimensions.length === 0) errors.dimensions = 'Add at least one dimension';
    const epsilon = answers.epsilon.trim();
    if (!EPSILON.test(epsilon) || Number(epsilonValue(epsilon)) <= 0)
      errors.epsilon = 'Enter ε as a number above 0 like 0.5, or a fraction like 1/3';
    parameters = { statistics: { dimensions, epsilon } };
  }
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const body = creating
    ? { dataset: answers.dataset, slug: answers.slug, method: answers.method, ...common, ...parameters }
    : { method: answers.method, ...common, ...parameters };
  return { body, errors: null };
}

/** The value of "0.5" or "1/3", only to see whether it is above 0. */
function epsilonValue(text: string): number {
  const [num, den] = text.split('/');
  return den === undefined ? Number(num) : Number(num) / Number(den);
}
