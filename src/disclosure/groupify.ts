/**
 * Equivalence classes of a transformation, computed on integer tuples.
 *
 * ARX's `HashGroupify` hashes each generalised record into its class and, for a transformation more general
 * than one already checked, hashes the classes of that one instead of the records ("roll-up", Kohlmayer et
 * al., "Flash: efficient, stable and optimal k-anonymity", 2012, §5). We do the same: the input to
 * `groupify` is any set of cells whose transformation is at most as general as the target in every
 * attribute. Because hierarchies are trees (see hierarchy.ts), one record of a cell stands for all of it.
 *
 * A cell is a distinct pair (generalised quasi-identifier tuple, sensitive value); without a sensitive
 * attribute cells and classes coincide. The sensitive values per class are what l-diversity and t-closeness
 * read.
 */
import type { Hierarchy } from './hierarchy.ts';

export interface QuasiColumn {
  readonly hierarchy: Hierarchy;
  /** Level-0 id of each record. */
  readonly values: Int32Array;
}

export interface SensitiveColumn {
  readonly name: string;
  /** Id of each record's value, 0 … labels.length − 1. */
  readonly values: Int32Array;
  readonly labels: readonly string[];
}

/** The input, encoded: one column of level-0 ids per quasi-identifier, and the sensitive attribute if any. */
export interface Microdata {
  readonly records: number;
  readonly quasi: readonly QuasiColumn[];
  readonly sensitive: SensitiveColumn | null;
}

export interface Cells {
  readonly length: number;
  /** A record of the cell (an index into the microdata). */
  readonly rep: Int32Array;
  readonly count: Int32Array;
  /** The sensitive value id of the cell, when there is a sensitive attribute. */
  readonly sensitive: Int32Array | null;
}

export interface Groups {
  readonly levels: readonly number[];
  readonly classes: number;
  readonly classSize: Int32Array;
  /** A record of each class. */
  readonly classRep: Int32Array;
  readonly cells: Cells;
  /** The class of each cell. */
  readonly cellClass: Int32Array;
  /** The class of each source cell (of each record, when grouping records). */
  readonly sourceClass: Int32Array;
}

/** Every record as its own cell: the source for the first transformation checked. */
export function recordCells(data: Microdata): Cells {
  const rep = new Int32Array(data.records);
  for (let i = 0; i < rep.length; i += 1) rep[i] = i;
  return {
    length: data.records,
    rep,
    count: new Int32Array(data.records).fill(1),
    sensitive: data.sensitive?.values ?? null,
  };
}

const SAFE = 2 ** 52;
const INT = 2 ** 31 - 1;
/** Keys below this many slots are numbered with a direct lookup array instead of hashing. */
const DIRECT = 1 << 22;

/**
 * Numbers distinct non-negative integer keys densely (0, 1, … in order of first appearance), reusing its
 * buffers between calls: a direct lookup array when the key range is small, else open addressing.
 */
export class KeyTable {
  private direct = new Int32Array(0);
  private slots = new Int32Array(0);
  private intKeys = new Int32Array(0);
  private floatKeys = new Float64Array(0);

  /** Dense ids of `keys[0 … n)`, each key < `range` ≤ 2^31 − 1; returns the ids and how many there are. */
  denseInt(keys: Int32Array, n: number, range: number): { ids: Int32Array; count: number } {
    const ids = new Int32Array(n);
    let count = 0;
    if (range <= DIRECT && range <= 8 * n + 1024) {
      if (this.direct.length < range)
        this.direct = new Int32Array(Math.max(range, this.direct.length * 2)).fill(-1);
      const direct = this.direct;
      for (let i = 0; i < n; i += 1) {
        const key = keys[i]!;
        let id = direct[key]!;
        if (id === -1) {
          id = count;
          direct[key] = id;
          count += 1;
        }
        ids[i] = id;
      }
      for (let i = 0; i < n; i += 1) direct[keys[i]!] = -1;
      return { ids, count };
    }
    const mask = this.prepare(n);
    const slots = this.slots;
    const stored = this.intKeys;
    for (let i = 0; i < n; i += 1) {
      const key = keys[i]!;
      let h = Math.imul(key, 0x9e3779b1);
      h = (h ^ (h >>> 16)) & mask;
      for (;;) {
        const id = slots[h]!;
        if (id === -1) {
          slots[h] = count;
          stored[h] = key;
          ids[i] = count;
          count += 1;
          break;
        }
        if (stored[h] === key) {
          ids[i] = id;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return { ids, count };
  }

  /**
   * Dense ids of `keys[0 … n)`, integers below 2^53. The probe loop is denseInt's, written out again on
   * purpose, for speed: each copy sees keys of one array type (Int32Array or Float64Array) with its hash
   * inlined, where a shared loop would take either array and call a hash function per key.
   */
  denseFloat(keys: Float64Array, n: number): { ids: Int32Array; count: number } {
    const ids = new Int32Array(n);
    let count = 0;
    const mask = this.prepare(n);
    const slots = this.slots;
    const stored = this.floatKeys;
    for (let i = 0; i < n; i += 1) {
      const key = keys[i]!;
      let h = Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) >>> 0, 0x9e3779b1), 0x85ebca6b);
      h = (h ^ (h >>> 16)) & mask;
      for (;;) {
        const id = slots[h]!;
        if (id === -1) {
          slots[h] = count;
          stored[h] = key;
          ids[i] = count;
          count += 1;
          break;
        }
        if (stored[h] === key) {
          ids[i] = id;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return { ids, count };
  }

  private prepare(n: number): number {
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    if (capacity > this.slots.length) {
      this.slots = new Int32Array(capacity);
      this.intKeys = new Int32Array(capacity);
      this.floatKeys = new Float64Array(capacity);
    }
    this.slots.fill(-1, 0, capacity);
    return capacity - 1;
  }
}

const generalisedCache = new WeakMap<Microdata, Int32Array[][]>();

/** generalised[c][level][record]: each record's id at each level, so a key costs one lookup per attribute. */
function generalised(data: Microdata): Int32Array[][] {
  let cached = generalisedCache.get(data);
  if (!cached) {
    cached = data.quasi.map(({ hierarchy, values }) =>
      hierarchy.up.map((up) => Int32Array.from(values, (v) => up[v]!)),
    );
    generalisedCache.set(data, cached);
  }
  return cached;
}

/** Dense class ids of the source cells' generalised tuples. */
function classIds(data: Microdata, levels: readonly number[], source: Cells, table: KeyTable) {
  const n = source.length;
  const rep = source.rep;
  const columns = generalised(data);
  let range = 1;
  for (let c = 0; c < levels.length; c += 1) range *= data.quasi[c]!.hierarchy.labels[levels[c]!]!.length;
  if (range <= INT) {
    const keys = new Int32Array(n);
    let radix = 1;
    for (let c = 0; c < levels.length; c += 1) {
      const card = data.quasi[c]!.hierarchy.labels[levels[c]!]!.length;
      if (card === 1) continue;
      const column = columns[c]![levels[c]!]!;
      for (let i = 0; i < n; i += 1) keys[i] = keys[i]! * card + column[rep[i]!]!;
      radix *= card;
    }
    return table.denseInt(keys, n, radix);
  }
  const keys = new Float64Array(n);
  let radix = 1;
  for (let c = 0; c < levels.length; c += 1) {
    const card = data.quasi[c]!.hierarchy.labels[levels[c]!]!.length;
    const column = columns[c]![levels[c]!]!;
    if (radix * card > SAFE) {
      const { ids, count } = table.denseFloat(keys, n);
      keys.set(ids);
      radix = count;
    }
    for (let i = 0; i < n; i += 1) keys[i] = keys[i]! * card + column[rep[i]!]!;
    radix *= card;
  }
  return table.denseFloat(keys, n);
}

/** The classes (and cells) of the transformation `levels`, from cells of a transformation at most as general. */
export function groupify(data: Microdata, levels: readonly number[], source: Cells, table: KeyTable): Groups {
  const n = source.length;
  const { ids: classOfSource, count: classes } = classIds(data, levels, source, table);
  const classSize = new Int32Array(classes);
  const classRep = new Int32Array(classes).fill(-1);
  for (let i = 0; i < n; i += 1) {
    const id = classOfSource[i]!;
    classSize[id]! += source.count[i]!;
    if (classRep[id] === -1) classRep[id] = source.rep[i]!;
  }
  const sensitive = data.sensitive;
  if (!sensitive || !source.sensitive) {
    const identity = new Int32Array(classes);
    for (let id = 0; id < classes; id += 1) identity[id] = id;
    return {
      levels,
      classes,
      classSize,
      classRep,
      cells: { length: classes, rep: classRep, count: classSize, sensitive: null },
      cellClass: identity,
      sourceClass: classOfSource,
    };
  }
  const domain = sensitive.labels.length;
  const cellKeys = new Int32Array(n);
  for (let i = 0; i < n; i += 1) cellKeys[i] = classOfSource[i]! * domain + source.sensitive[i]!;
  const { ids: cellOfSource, count: cellsLength } =
    classes * domain <= INT
      ? table.denseInt(cellKeys, n, classes * domain)
      : table.denseFloat(
          Float64Array.from(classOfSource, (c, i) => c * domain + source.sensitive![i]!),
          n,
        );
  const rep = new Int32Array(cellsLength).fill(-1);
  const count = new Int32Array(cellsLength);
  const cellSensitive = new Int32Array(cellsLength);
  const cellClass = new Int32Array(cellsLength);
  for (let i = 0; i < n; i += 1) {
    const cell = cellOfSource[i]!;
    count[cell]! += source.count[i]!;
    if (rep[cell] === -1) {
      rep[cell] = source.rep[i]!;
      cellSensitive[cell] = source.sensitive[i]!;
      cellClass[cell] = classOfSource[i]!;
    }
  }
  return {
    levels,
    classes,
    classSize,
    classRep,
    cells: { length: cellsLength, rep, count, sensitive: cellSensitive },
    cellClass,
    sourceClass: classOfSource,
  };
}
