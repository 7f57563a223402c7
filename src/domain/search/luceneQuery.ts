import { badUserInput } from '../../errors.js';

/**
 * Turns a researcher's search text into a Lucene query for the `claimgraph_text` full-text index, treating
 * the text as plain words, never as query syntax: `Kupyansk OR *`, `name:foo` or a stray quote can neither
 * break the query nor widen it.
 *
 * Matching semantics (documented on Query.search):
 * - The text is cut into words as the index's analyzer cuts it (Unicode word boundaries), lowercased.
 *   English stop words are dropped, as the 'standard-folding' analyzer drops them when indexing.
 * - Every word must match (AND). A word matches as the whole word (boosted, scored by the index), as a word
 *   it begins when it has at least 3 letters (`Kupian` finds Kupiansk), or as a word one edit away when it
 *   has at least 5 (`Kharkiv` finds Kharkov, `Zelenski` finds Zelensky).
 * - Case and diacritics never matter: whole words go through the analyzer (ASCII folding); prefixes and
 *   fuzzy words skip the analyzer in Lucene, so they are folded here the same way first.
 * - Apostrophes: the analyzer folds ' ’ ‘ to ' but keeps ʼ (U+02BC, a letter), and some spellings drop
 *   the apostrophe. A word with any apostrophe variant is looked up with ', with ʼ and without it.
 */

export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_TERMS = 32;
export const MIN_PREFIX_LENGTH = 3;
export const MIN_FUZZY_LENGTH = 5;

/** The stop words of Neo4j's 'standard-folding' analyzer (db.index.fulltext.listAvailableAnalyzers). */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
]);

/** Characters that stand for an apostrophe in names: ' ’ ‘ ʼ ʹ ′ ´ ` ＇ ‛. */
const APOSTROPHES = /['\u2019\u2018\u02BC\u02B9\u2032\u00B4\u0060\uFF07\u201B]/g;
const MODIFIER_APOSTROPHE = '\u02BC';
/** Lucene query syntax characters, escaped with a backslash outside quotes. */
const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/\s]/g;

/** Latin letters the analyzer's ASCII folding maps but Unicode decomposition does not. */
const LATIN_SPECIALS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŀ: 'l', ĸ: 'q',
};

/**
 * Folds diacritics off Latin letters (Kupiánsk → kupiansk, Łódź → lodz) as the analyzer's ASCII folding does,
 * leaving other scripts alone (Cyrillic й stays й). Input is lowercase.
 */
export function foldLatin(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/([a-z])\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(/[ßæœøłđðþıħŧŀĸ]/g, (c) => LATIN_SPECIALS[c]);
}

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/**
 * The search words of a query, lowercased, apostrophes unified, stop words and repeats dropped.
 * Empty, whitespace-only, too long or too wordy queries are BAD_USER_INPUT naming `query`.
 */
export function searchTerms(query: string, argument = 'query'): string[] {
  if (query.trim().length === 0) throw badUserInput('query must contain something to search for.', argument);
  if (query.length > MAX_QUERY_LENGTH) {
    throw badUserInput(`query must be at most ${MAX_QUERY_LENGTH} characters; got ${query.length}.`, argument);
  }
  const text = query.normalize('NFC').replace(APOSTROPHES, "'").toLowerCase();
  const terms: string[] = [];
  for (const segment of segmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    const word = segment.segment.replace(/^'+|'+$/g, '');
    if (word.length === 0 || STOP_WORDS.has(word) || terms.includes(word)) continue;
    terms.push(word);
  }
  if (terms.length > MAX_QUERY_TERMS) {
    throw badUserInput(`query must have at most ${MAX_QUERY_TERMS} words; got ${terms.length}.`, argument);
  }
  return terms;
}

const escapeTerm = (s: string) => s.replace(LUCENE_SPECIAL, (c) => `\\${c}`);
const escapePhrase = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The spellings of one word to look up: itself, and for words with an apostrophe, ʼ and none. */
export function apostropheVariants(term: string): string[] {
  if (!term.includes("'")) return [term];
  return [...new Set([term, term.replace(/'/g, MODIFIER_APOSTROPHE), term.replace(/'/g, '')])].filter((t) => t.length > 0);
}

/** The Lucene clause of one word: whole word (boosted), prefix, fuzzy, for each of its spellings. */
function termClause(term: string): string {
  const clauses: string[] = [];
  for (const variant of apostropheVariants(term)) {
    clauses.push(`${escapePhrase(variant)}^4`);
    const folded = foldLatin(variant);
    const letters = [...folded].length;
    if (letters >= MIN_PREFIX_LENGTH) clauses.push(`${escapeTerm(folded)}*`);
    if (letters >= MIN_FUZZY_LENGTH) clauses.push(`${escapeTerm(folded)}~1`);
  }
  return `(${clauses.join(' OR ')})`;
}

/** The Lucene query for these words (every word must match), or null when there is no word to search. */
export function luceneQuery(terms: readonly string[]): string | null {
  if (terms.length === 0) return null;
  return terms.map(termClause).join(' AND ');
}
