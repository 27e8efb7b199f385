/**
 * "Did you mean": when the words someone typed find nothing, each word the catalog does not hold is replaced
 * by the closest word it does (Damerau–Levenshtein distance: one edit for words of 4 or 5 letters, two for
 * longer; shorter words are left alone), so that "brths" still finds "births". The same on SQLite and
 * PostgreSQL: the words come from the search index's folded text (search-text.ts), compared here.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/index.ts';
import { searchWords } from './search-text.ts';

/** Most edits allowed for a word of this length. */
export function editsAllowed(length: number): number {
  if (length < 4) return 0;
  return length < 6 ? 1 : 2;
}

/** The optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions), or most+1. */
export function editDistance(a: string, b: string, most: number): number {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return Math.min(rows[a.length]![b.length]!, most + 1);
}

/**
 * The closest word of `vocabulary` (word → how many datasets use it) to `word`, or null when none is
 * within the edits allowed. Ties go to the more used word, then to the first in alphabetical order.
 */
export function closestWord(word: string, vocabulary: ReadonlyMap<string, number>): string | null {
  if (vocabulary.has(word)) return word;
  const most = editsAllowed(word.length);
  if (most === 0) return null;
  let best: { word: string; distance: number; uses: number } | null = null;
  for (const [candidate, uses] of vocabulary) {
    const distance = editDistance(word, candidate, most);
    if (distance > most) continue;
    if (
      best === null ||
      distance < best.distance ||
      (distance === best.distance && (uses > best.uses || (uses === best.uses && candidate < best.word)))
    ) {
      best = { word: candidate, distance, uses };
    }
  }
  return best?.word ?? null;
}

/**
 * The text with each unknown word replaced by its closest known one; null when nothing changes or the text
 * uses the search syntax (quotes, -word, OR, word*), which is taken as meant.
 */
export function correctedText(text: string, vocabulary: ReadonlyMap<string, number>): string | null {
  if (/["*]|(^|\s)-|\bOR\b/.test(text)) return null;
  const words = searchWords(text);
  if (words.length === 0) return null;
  const corrected = words.map((w) => closestWord(w, vocabulary) ?? w);
  return corrected.some((w, i) => w !== words[i]) ? corrected.join(' ') : null;
}

/** Every word of the search index (titles, keywords, descriptions, fields, publishers), with how many datasets use it. */
export async function searchVocabulary(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await sql<{ title: string; keywords: string; body: string }>`
    select title, keywords, body from catalog_search`.execute(db);
  const vocabulary = new Map<string, number>();
  for (const row of rows.rows) {
    for (const word of new Set(searchWords(`${row.title} ${row.keywords} ${row.body}`))) {
      vocabulary.set(word, (vocabulary.get(word) ?? 0) + 1);
    }
  }
  return vocabulary;
}
