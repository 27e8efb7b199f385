/**
 * Entities from pairwise links: records linked directly or through others are one entity (connected
 * components), and an entity keeps its id from one run to the next when its records stay together, so
 * that registers and other agencies can hold on to it. Pure.
 */
import { createHash } from 'node:crypto';

/** Connected components of `count` records joined by `links` (pairs of record indices). */
export function connectedComponents(count: number, links: Iterable<readonly [number, number]>): Int32Array {
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i += 1) parent[i] = i;
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  for (const [a, b] of links) {
    const ra = find(a);
    const rb = find(b);
    // The smaller index is the root, so a component's label is its first record.
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i += 1) labels[i] = find(i);
  return labels;
}

/** A new entity id, from the entity's first record: the same records make the same id on every machine. */
export function mintEntityId(firstMember: string): string {
  return `ent-${createHash('sha256').update(firstMember).digest('hex').slice(0, 16)}`;
}

/**
 * Entity ids for this run's clusters. A cluster takes the previous id that most of its records had, each
 * previous id going to at most one cluster (the one holding most of its records; ties to the smaller id),
 * so a cluster whose records did not change keeps its id, a cluster that grew keeps it too, and of a
 * cluster that split the larger part keeps it. Other clusters get a new id.
 *
 * `members[i]` are the keys of cluster i's records (e.g. `left:rec-1`), sorted; `previous` maps a record
 * key to the entity id it had.
 */
export function assignEntityIds(
  members: readonly (readonly string[])[],
  previous: ReadonlyMap<string, string>,
): string[] {
  const candidates: Array<{ cluster: number; id: string; overlap: number }> = [];
  for (const [cluster, keys] of members.entries()) {
    const tally = new Map<string, number>();
    for (const key of keys) {
      const id = previous.get(key);
      if (id !== undefined) tally.set(id, (tally.get(id) ?? 0) + 1);
    }
    for (const [id, overlap] of tally) candidates.push({ cluster, id, overlap });
  }
  candidates.sort(
    (a, b) => b.overlap - a.overlap || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.cluster - b.cluster),
  );
  const ids = new Array<string | undefined>(members.length);
  const taken = new Set<string>();
  for (const { cluster, id } of candidates) {
    if (ids[cluster] !== undefined || taken.has(id)) continue;
    ids[cluster] = id;
    taken.add(id);
  }
  // Ids of the previous run that no cluster kept stay retired: an id never comes back for other records.
  for (const id of previous.values()) taken.add(id);
  return members.map((keys, cluster) => {
    const kept = ids[cluster];
    if (kept !== undefined) return kept;
    const base = mintEntityId(keys[0]!);
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
    taken.add(id);
    return id;
  });
}
