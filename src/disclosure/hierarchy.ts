/**
 * Full-domain generalisation hierarchies, integer-encoded.
 *
 * A hierarchy is a table with one row per original value and one column per level, from the value itself
 * (level 0) up to the most general value (usually `*`), as ARX reads them (`Hierarchy.create(...)` from a
 * `;`-separated file, arx-deidentifier/arx `data/adult_hierarchy_*.csv`). Every label gets an integer id per
 * level, and `up[level][leaf]` maps a level-0 id to its id at that level, so generalising a record is one
 * array lookup per attribute (ARX's `GeneralizationHierarchy.getArray()` is the same table, row-major).
 *
 * A hierarchy must be a tree: two values that agree at level L agree at every level above L. The lattice
 * search relies on it (classes of a specialised transformation roll up into classes of a more general one).
 */
import { DisclosureError } from './errors.ts';

export interface Hierarchy {
  readonly attribute: string;
  /** Number of levels, counting level 0; the lattice offers levels 0 … height − 1. */
  readonly height: number;
  /** Level-0 label → level-0 id. */
  readonly leafIds: ReadonlyMap<string, number>;
  /** labels[level][id]: the label of a generalised value. */
  readonly labels: readonly (readonly string[])[];
  /** up[level][leafId]: the id at `level` of a level-0 value. */
  readonly up: readonly Int32Array[];
  /** leaves[level][id]: how many hierarchy rows (original values) a generalised value covers. */
  readonly leaves: readonly Int32Array[];
  /** Number of rows: the size of the attribute's domain as the hierarchy defines it. */
  readonly domainSize: number;
}

/** Reads a hierarchy from its rows (already split on `;`). Refuses ragged, duplicate or non-tree tables. */
export function parseHierarchy(attribute: string, rows: readonly (readonly string[])[]): Hierarchy {
  const bad = (sentence: string) =>
    new DisclosureError('BAD_HIERARCHY', `The hierarchy for "${attribute}" ${sentence}`);
  const first = rows[0];
  if (!first || first.length === 0) throw bad('has no rows.');
  const height = first.length;
  const ids = Array.from({ length: height }, () => new Map<string, number>());
  const labels: string[][] = Array.from({ length: height }, () => []);
  const up = Array.from({ length: height }, () => new Int32Array(rows.length));
  const parentOf = Array.from({ length: height }, () => new Map<number, number>());
  rows.forEach((row, r) => {
    if (row.length !== height)
      throw bad(
        `has ${row.length} levels in row ${r + 1} but ${height} in row 1; every row needs all levels.`,
      );
    if (ids[0]!.has(row[0]!)) throw bad(`lists the value "${row[0]}" twice (row ${r + 1}).`);
    for (let level = 0; level < height; level += 1) {
      const label = row[level]!;
      let id = ids[level]!.get(label);
      if (id === undefined) {
        id = labels[level]!.length;
        ids[level]!.set(label, id);
        labels[level]!.push(label);
      }
      up[level]![r] = id;
      if (level > 0) {
        const below = up[level - 1]![r]!;
        const parent = parentOf[level - 1]!.get(below);
        if (parent === undefined) parentOf[level - 1]!.set(below, id);
        else if (parent !== id)
          throw bad(
            `is not a tree: "${row[level - 1]}" at level ${level - 1} generalises to both ` +
              `"${labels[level]![parent]}" and "${label}" at level ${level} (row ${r + 1}).`,
          );
      }
    }
  });
  const leaves = labels.map((ofLevel, level) => {
    const count = new Int32Array(ofLevel.length);
    for (const id of up[level]!) count[id]! += 1;
    return count;
  });
  return { attribute, height, leafIds: ids[0]!, labels, up, leaves, domainSize: rows.length };
}

/**
 * Encodes one column of the input as level-0 ids. A value the hierarchy does not list is refused with the
 * data row (1 = first record after the header), the column and the value.
 */
export function encodeColumn(hierarchy: Hierarchy, values: readonly string[]): Int32Array {
  const encoded = new Int32Array(values.length);
  values.forEach((value, i) => {
    const id = hierarchy.leafIds.get(value);
    if (id === undefined)
      throw new DisclosureError(
        'VALUE_NOT_IN_HIERARCHY',
        `Row ${i + 1} (line ${i + 2} counting the header), column "${hierarchy.attribute}": ` +
          `the value "${value}" is not in the hierarchy for "${hierarchy.attribute}".`,
      );
    encoded[i] = id;
  });
  return encoded;
}
