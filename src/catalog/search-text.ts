/**
 * The words of catalog search, the same on SQLite and PostgreSQL: text is folded (lower case, accents
 * removed) and split into words of letters and digits before either engine sees it, so both index and
 * match exactly the same words, and nothing a person types can reach the engines' query syntax.
 */

/** Lower case, without accents, split on everything that is not a letter or a digit. */
export function searchWords(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** Text as the index stores it: its words, separated by single spaces. */
export const searchText = (...parts: string[]): string => parts.flatMap(searchWords).join(' ');

/** Words in this order; the last one also matches longer words that start with it. */
export interface Phrase {
  words: string[];
  prefix: boolean;
}

/**
 * What a person typed, understood: every clause must match (AND), a clause matches when one of its
 * phrases does (OR), and no excluded phrase may match.
 */
export interface TextQuery {
  clauses: Phrase[][];
  excluded: Phrase[];
}

/** The shortest last word that is matched as the start of longer words. */
const PREFIX_MIN = 2;

/**
 * Reads the query syntax of the search box, as web search engines have it: words (all must match),
 * "a quoted phrase", -word or -"a phrase" to leave out, OR between alternatives, word* for any word
 * starting so. The last bare word also matches as a start of words, for search as you type.
 * Anything else (stray quotes, operators, punctuation) is read as spaces, never as an error.
 */
export function parseTextQuery(input: string): TextQuery | null {
  const tokens: Array<{ phrase: Phrase; negated: boolean; quoted: boolean } | 'OR'> = [];
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const match of input.matchAll(pattern)) {
    const [, minus, quoted, bare] = match;
    if (quoted !== undefined) {
      const words = searchWords(quoted);
      if (words.length > 0)
        tokens.push({ phrase: { words, prefix: false }, negated: minus === '-', quoted: true });
      continue;
    }
    if (bare === undefined) continue;
    if (bare === 'OR') {
      tokens.push('OR');
      continue;
    }
    const negated = bare.startsWith('-');
    const words = searchWords(bare);
    if (words.length === 0) continue;
    tokens.push({ phrase: { words, prefix: /[\p{L}\p{N}]\*+$/u.test(bare) }, negated, quoted: false });
  }

  const last = tokens.at(-1);
  if (last && last !== 'OR' && !last.quoted && !last.negated && !last.phrase.prefix) {
    const lastWord = last.phrase.words.at(-1) ?? '';
    if (lastWord.length >= PREFIX_MIN) last.phrase.prefix = true;
  }

  const clauses: Phrase[][] = [];
  const excluded: Phrase[] = [];
  let joinNext = false;
  for (const token of tokens) {
    if (token === 'OR') {
      joinNext = clauses.length > 0;
      continue;
    }
    if (token.negated) {
      excluded.push(token.phrase);
      joinNext = false;
      continue;
    }
    const previous = clauses.at(-1);
    if (joinNext && previous) previous.push(token.phrase);
    else clauses.push([token.phrase]);
    joinNext = false;
  }
  if (clauses.length === 0 && excluded.length === 0) return null;
  return { clauses, excluded };
}

/** SQLite FTS5 query syntax. Words hold only letters and digits, so quoting them is enough. */
export function toFts5(phrases: Phrase[][]): string {
  const phrase = (p: Phrase) => `"${p.words.join(' ')}"${p.prefix ? '*' : ''}`;
  return phrases.map((alternatives) => `(${alternatives.map(phrase).join(' OR ')})`).join(' AND ');
}

/** PostgreSQL tsquery syntax, for to_tsquery('simple', …). Words hold only letters and digits. */
export function toTsquery(phrases: Phrase[][]): string {
  const phrase = (p: Phrase) =>
    p.words.map((w, i) => `'${w}'${p.prefix && i === p.words.length - 1 ? ':*' : ''}`).join(' <-> ');
  return phrases.map((alternatives) => `(${alternatives.map(phrase).join(' | ')})`).join(' & ');
}
