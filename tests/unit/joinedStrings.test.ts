import { describe, expect, it } from 'vitest';
import { joinedParams, joinStrings, SEPARATOR } from '../../src/neo4j/joinedStrings.js';

describe('joinStrings', () => {
  it('joins with U+0000 so that splitting gives the list back, empty strings included', () => {
    for (const list of [['a'], [''], ['', ''], ['x', '', 'y', ''], ['place:kupyansk', '[{"property":"name","before":null,"after":"Купʼянськ"}]']]) {
      expect(joinStrings(list).split(SEPARATOR)).toEqual(list);
    }
  });

  it('refuses a value holding the separator, and an empty list (it would read back as [""])', () => {
    expect(() => joinStrings(['a', `b${SEPARATOR}c`])).toThrow(/separator/);
    expect(() => joinStrings([])).toThrow(/empty/);
  });

  it('joinedParams joins each list under its name and adds the separator', () => {
    expect(joinedParams({ froms: ['a', 'b'], tos: ['c', ''] })).toEqual({ froms: `a${SEPARATOR}b`, tos: `c${SEPARATOR}`, separator: SEPARATOR });
  });
});
