import { describe, expect, it } from 'vitest';
import { apostropheVariants, foldLatin, luceneQuery, MAX_QUERY_LENGTH, searchTerms } from '../../src/domain/search/luceneQuery.js';
import { caught } from './caught.js';

describe('searchTerms', () => {
  it('cuts words as the index does, lowercased, without stop words or repeats', () => {
    expect(searchTerms('Western Group of Forces')).toEqual(['western', 'group', 'forces']);
    expect(searchTerms('KUPIANSK kupiansk')).toEqual(['kupiansk']);
    expect(searchTerms('6th CAA, 2-й корпус')).toEqual(['6th', 'caa', '2', 'й', 'корпус']);
  });

  it('unifies apostrophe variants and trims quotes around words', () => {
    for (const spelling of ["Куп'янськ", 'Куп’янськ', 'Купʼянськ', 'Куп‘янськ', 'Куп`янськ']) {
      expect(searchTerms(spelling)).toEqual(["куп'янськ"]);
    }
    expect(searchTerms("'Kupyansk'")).toEqual(['kupyansk']);
  });

  it('treats search syntax as text: operators are words, symbols are nothing', () => {
    expect(searchTerms('Kupyansk OR Zelensky')).toEqual(['kupyansk', 'zelensky']);
    expect(searchTerms('Kupyansk AND NOT Kharkiv')).toEqual(['kupyansk', 'kharkiv']);
    expect(searchTerms('name:foo')).toEqual(['name:foo']);
    expect(searchTerms('*')).toEqual([]);
    expect(searchTerms('" ( ) [ ] { } ~ ^ \\ / + - && || !')).toEqual([]);
  });

  it('refuses empty, whitespace-only, too long and too wordy queries, naming `query`', () => {
    for (const query of ['', '   ', '\n\t', 'x'.repeat(MAX_QUERY_LENGTH + 1), Array.from({ length: 33 }, (_, i) => `w${i}`).join(' ')]) {
      const error = caught(() => searchTerms(query));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'query' });
    }
    expect(searchTerms('x'.repeat(MAX_QUERY_LENGTH))).toHaveLength(1);
  });
});

describe('foldLatin', () => {
  it('folds diacritics off Latin letters as ASCII folding does, and leaves Cyrillic alone', () => {
    expect(foldLatin('kupiánsk')).toBe('kupiansk');
    expect(foldLatin('łódź straße øresund')).toBe('lodz strasse oresund');
    expect(foldLatin('nguyễn tiến')).toBe('nguyen tien');
    expect(foldLatin('купʼянськ й ї')).toBe('купʼянськ й ї');
  });
});

describe('luceneQuery', () => {
  it('requires every word; each as a whole word, a prefix from 3 letters, one edit away from 5', () => {
    expect(luceneQuery(['kupian'])).toBe('("kupian"^4 OR kupian* OR kupian~1)');
    expect(luceneQuery(['6th', 'caa'])).toBe('("6th"^4 OR 6th*) AND ("caa"^4 OR caa*)');
    expect(luceneQuery(['й'])).toBe('("й"^4)');
  });

  it('looks a word with an apostrophe up with \', with ʼ and without', () => {
    expect(apostropheVariants("куп'янськ")).toEqual(["куп'янськ", 'купʼянськ', 'купянськ']);
    expect(luceneQuery(["куп'янськ"])).toContain('купянськ*');
  });

  it('escapes every query-syntax character, in and out of quotes', () => {
    expect(luceneQuery(['name:foo'])).toBe('("name:foo"^4 OR name\\:foo* OR name\\:foo~1)');
    expect(luceneQuery(['a\\b"c'])).toBe('("a\\\\b\\"c"^4 OR a\\\\b\\"c* OR a\\\\b\\"c~1)');
  });

  it('is null when nothing is left to search', () => {
    expect(luceneQuery([])).toBeNull();
  });
});
