import { describe, expect, it } from 'vitest';
import {
  luceneSyntaxQuery,
  MAX_SYNTAX_CLAUSES,
  MAX_SYNTAX_DEPTH,
  parseLuceneSyntax,
} from '../../src/domain/search/luceneSyntax.js';
import { MAX_QUERY_LENGTH } from '../../src/domain/search/luceneQuery.js';
import { caught } from './caught.js';

describe('luceneSyntaxQuery: the supported subset, printed explicitly', () => {
  it.each([
    // words and phrases
    ['kupyansk', 'kupyansk'],
    ['Kupyansk', 'kupyansk'],
    ['"northern districts"', '"northern districts"'],
    ['"Northern  Districts"~2', '"northern  districts"~2'],
    // words side by side must all match; NOT binds tightest, then AND, then OR
    ['kupyansk kharkiv', '(+kupyansk +kharkiv)'],
    ['kupyansk AND kharkiv', '(+kupyansk +kharkiv)'],
    ['kupyansk && kharkiv', '(+kupyansk +kharkiv)'],
    ['kupyansk OR kharkiv', '(kupyansk OR kharkiv)'],
    ['kupyansk || kharkiv', '(kupyansk OR kharkiv)'],
    ['a OR b c', '(a OR (+b +c))'],
    ['a OR b AND NOT c', '(a OR (+b -c))'],
    ['(a OR b) c', '(+(a OR b) +c)'],
    ['+a -b', '(+a -b)'],
    ['a !b', '(+a -b)'],
    ['a AND NOT (b OR c)', '(+a -(b OR c))'],
    // fields, any case, before words, phrases and groups; whitespace after the colon is fine
    ['name:kupyansk AND NOT cemetery', '(+name:kupyansk -cemetery)'],
    ['NAME:kupyansk', 'name:kupyansk'],
    ['aliases:kupiansk', 'aliases:kupiansk'],
    ['text:"full control"', 'text:"full control"'],
    ['title: kupyansk', 'title:kupyansk'],
    ['name:(kupyansk OR kharkiv) -cemetery', '(+(name:kupyansk OR name:kharkiv) -cemetery)'],
    // wildcards and fuzzy words are folded as the index folds words
    ['kharkiv*', 'kharkiv*'],
    ['KHARKÍV*', 'kharkiv*'],
    ['Kupiansk~1', 'kupiansk~1'],
    ['Kupiánsk~', 'kupiansk~2'],
    ['Łódź~2', 'lodz~2'],
    ['Купʼян*', "(куп'ян* OR купʼян* OR купян*)"],
    ["Куп'янськ", "(куп'янськ OR купʼянськ OR купянськ)"],
    // boosts
    ['zelensky^3 OR kupyansk', '(zelensky^3 OR kupyansk)'],
    ['kupiansk~1^2', 'kupiansk~1^2'],
    ['kupiansk^2~1', 'kupiansk~1^2'],
    ['(a OR b)^2 "x y"~3^1.5', '(+(a OR b)^2 +"x y"~3^1.5)'],
    ['(a^2)^3', '(+a^2)^3'],
    // escapes: a literal character, never syntax; lowercase keeps \AND from printing as an operator
    ['\\AND kupyansk', '(+and +kupyansk)'],
    ['km\\/h', 'km\\/h'],
    ['6th-caa', '6th\\-caa'],
    ['"say \\"no\\""', '"say \\"no\\""'],
    ['\\*sk', '\\*sk'],
    ['TO', 'to'],
  ])('%s → %s', (query, lucene) => {
    expect(luceneSyntaxQuery(query)).toBe(lucene);
  });

  it('parses into a tree of words, phrases and groups', () => {
    expect(parseLuceneSyntax('name:kupyansk AND NOT "city cemetery"~1')).toEqual({
      kind: 'and',
      items: [
        { node: { kind: 'term', text: 'kupyansk', field: 'name', wildcard: false }, negated: false },
        { node: { kind: 'phrase', text: 'city cemetery', slop: 1 }, negated: true },
      ],
    });
  });

  it('accepts the limits themselves', () => {
    const words = Array.from({ length: MAX_SYNTAX_CLAUSES }, (_, i) => `w${i}`).join(' ');
    expect(() => luceneSyntaxQuery(words)).not.toThrow();
    const nested = `${'('.repeat(MAX_SYNTAX_DEPTH)}a${')'.repeat(MAX_SYNTAX_DEPTH)}`;
    expect(luceneSyntaxQuery(nested)).toBe('a');
    expect(luceneSyntaxQuery('"a b"~10')).toBe('"a b"~10');
    expect(luceneSyntaxQuery('a^100')).toBe('a^100');
    expect(luceneSyntaxQuery('ku*')).toBe('ku*');
  });
});

describe('parseLuceneSyntax: malformed syntax is BAD_USER_INPUT naming `query`, with what and where', () => {
  it.each([
    // quotes and parentheses
    ['"northern districts', 0, 'no closing quote'],
    ['kupyansk "', 9, 'no closing quote'],
    ['(kupyansk OR kharkiv', 0, 'never closed'],
    ['kupyansk)', 8, 'never opened'],
    ['(a))', 3, 'never opened'],
    ['a ()', 2, 'the group is empty'],
    ['""', 0, 'the phrase is empty'],
    // dangling and doubled operators
    ['kupyansk AND', 9, '"AND" must be followed by a word, phrase or group, not by the end of the query'],
    ['AND kupyansk', 0, '"AND" has nothing before it'],
    ['OR OR', 0, '"OR" has nothing before it'],
    ['a OR OR b', 2, '"OR" must be followed by a word, phrase or group, not by "OR" at offset 5'],
    ['(OR a)', 1, '"OR" has nothing before it'],
    ['a (b OR) c', 5, 'not by ")" at offset 7'],
    ['a AND NOT', 6, '"NOT" must be followed'],
    ['a AND NOT NOT b', 6, '"NOT" must be followed'],
    ['a -', 2, '"-" must be followed'],
    ['a +-b', 2, '"+" must be followed'],
    // exclusions with nothing to exclude from
    ['NOT cemetery', 0, 'needs something to exclude from'],
    ['-cemetery', 0, 'needs something to exclude from'],
    ['kupyansk OR NOT cemetery', 12, 'needs something to exclude from'],
    ['a (NOT b)', 3, 'needs something to exclude from'],
    // fields
    ['foo:bar', 0, 'unknown field "foo"; the fields are name, aliases, text, title'],
    ['kupyansk id:x', 9, 'unknown field "id"'],
    ['name:', 0, 'field name: must be followed by a word, phrase or group'],
    ['name:-x', 0, 'field name: must be followed'],
    [':kupyansk', 0, '":" must directly follow a field name'],
    ['name :kupyansk', 5, '":" must directly follow a field name'],
    ['name:(title:x)', 6, 'inside a group already restricted to name:'],
    // wildcards
    ['*sk', 0, 'leading wildcard'],
    ['a OR *', 5, 'leading wildcard'],
    ['k*', 1, 'at least 2 characters before *'],
    ['ku*sk', 2, 'only supported at the end of a word'],
    ['kup?ansk', 3, '"?" wildcards are not supported'],
    ['kup*~1', 4, 'both a wildcard and fuzzy'],
    // fuzzy, slop and boosts
    ['kupiansk~3', 8, '~, ~1 or ~2 edits'],
    ['kupiansk~0.5', 8, '~, ~1 or ~2 edits'],
    ['"a b"~1.5', 5, 'whole number of slop'],
    ['"a b"~11', 5, 'slop is at most 10'],
    ['(a b)~1', 5, 'not to the group at offset 0'],
    ['kupiansk ~1', 9, '"~" must directly follow a word or phrase'],
    ['~1', 0, '"~" must directly follow'],
    ['a~1~2', 3, '"~" is given twice'],
    ['a^', 1, '"^" must be followed by a positive number'],
    ['a^-1', 1, '"^" must be followed by a positive number'],
    ['a^0', 1, 'above 0 and at most 100'],
    ['a^101', 1, 'above 0 and at most 100'],
    ['a^2^3', 3, '"^" is given twice'],
    // ranges and regular expressions are refused, never passed on
    ['[a TO b]', 0, 'range queries'],
    ['date:{2024 TO 2025}', 0, 'unknown field "date"'],
    ['name:{a TO b}', 5, 'range queries'],
    ['/kup.*/', 0, 'regular expressions'],
    ['km/h', 2, 'regular expressions'],
    // escapes
    ['kupyansk\\', 8, 'a backslash must escape a character'],
    // limits
    [`${'('.repeat(MAX_SYNTAX_DEPTH + 1)}a${')'.repeat(MAX_SYNTAX_DEPTH + 1)}`, MAX_SYNTAX_DEPTH, `nested deeper than ${MAX_SYNTAX_DEPTH}`],
    [Array.from({ length: MAX_SYNTAX_CLAUSES + 1 }, (_, i) => `w${i}`).join(' '), 118, `more than ${MAX_SYNTAX_CLAUSES} words and phrases`],
  ])('%s: offset %d, %s', (query, offset, what) => {
    const error = caught(() => parseLuceneSyntax(query));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(error.message).toMatch(new RegExp(`^query \\(LUCENE syntax\\) at offset ${offset}: `));
    expect(error.message).toContain(what);
  });

  it('refuses empty, whitespace-only and too long queries as PLAIN does', () => {
    for (const query of ['', '  \n', 'x'.repeat(MAX_QUERY_LENGTH + 1)]) {
      expect(caught(() => parseLuceneSyntax(query)).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    }
    expect(() => parseLuceneSyntax('x'.repeat(MAX_QUERY_LENGTH))).not.toThrow();
  });

  it('names another argument when asked', () => {
    expect(caught(() => parseLuceneSyntax('a AND', 'q')).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'q' });
  });
});
