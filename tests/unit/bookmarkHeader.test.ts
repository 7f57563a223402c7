import { describe, expect, it } from 'vitest';
import { BOOKMARK_HEADER, MAX_BOOKMARK_LENGTH, MAX_BOOKMARKS, parseBookmarkHeader } from '../../src/http/bookmarkHeader.js';
import { loadConfig } from '../../src/config.js';

// Bookmarks as Neo4j 5 hands them out (one per transaction), and the legacy form of Neo4j 4.
const FB = 'FB:kcwQa66/JV1ARXGW2A2wHU0xWliQ';
const FB2 = 'FB:kcwQ5H9rRZbOR8K6N/nlS0yivleQ';
const LEGACY = 'neo4j:bookmark:v1:tx42';

describe('parseBookmarkHeader', () => {
  it('reads no bookmarks from an absent or blank header', () => {
    expect(parseBookmarkHeader(undefined)).toEqual({ bookmarks: [] });
    expect(parseBookmarkHeader('')).toEqual({ bookmarks: [] });
    expect(parseBookmarkHeader('  \t ')).toEqual({ bookmarks: [] });
  });

  it('reads one bookmark, or several separated by commas (as HTTP joins repeated lines), trimmed and without repeats', () => {
    expect(parseBookmarkHeader(FB)).toEqual({ bookmarks: [FB] });
    expect(parseBookmarkHeader(` ${FB} `)).toEqual({ bookmarks: [FB] });
    expect(parseBookmarkHeader(`${FB}, ${FB2},${LEGACY}`)).toEqual({ bookmarks: [FB, FB2, LEGACY] });
    expect(parseBookmarkHeader(`${FB}, ${FB}`)).toEqual({ bookmarks: [FB] });
    // base64url as well as base64
    expect(parseBookmarkHeader('FB:abc-_=')).toEqual({ bookmarks: ['FB:abc-_='] });
  });

  it('takes exactly MAX_BOOKMARKS bookmarks of exactly MAX_BOOKMARK_LENGTH characters', () => {
    const longest = `FB:${'A'.repeat(MAX_BOOKMARK_LENGTH - 3)}`;
    const many = Array.from({ length: MAX_BOOKMARKS }, (_, i) => `${longest.slice(0, -4)}${String(i).padStart(4, '0')}`);
    expect(parseBookmarkHeader(many.join(','))).toEqual({ bookmarks: many });
  });

  const refused: Record<string, string> = {
    'an empty item': `${FB},,${FB2}`,
    'a leading comma': `,${FB}`,
    'a trailing comma': `${FB},`,
    'a space inside a bookmark': 'FB:kcwQ abc',
    'quotes': `"${FB}"`,
    'a JSON list': `["${FB}"]`,
    'markup': 'FB:<script>',
    'a semicolon': `${FB};${FB2}`,
    'a non-ASCII letter': 'FB:kcwQé',
    'a NUL': 'FB:kcwQ\u0000',
    'one character too many': `FB:${'A'.repeat(MAX_BOOKMARK_LENGTH - 2)}`,
    'one bookmark too many': Array.from({ length: MAX_BOOKMARKS + 1 }, (_, i) => `FB:b${i}`).join(','),
  };
  for (const [what, value] of Object.entries(refused)) {
    it(`refuses ${what}, naming the header`, () => {
      const parsed = parseBookmarkHeader(value);
      expect(parsed).toEqual({ error: expect.stringContaining(BOOKMARK_HEADER) });
    });
  }

  it('says how many bookmarks are accepted when there are too many', () => {
    const parsed = parseBookmarkHeader(Array.from({ length: 100 }, (_, i) => `FB:b${i}`).join(','));
    expect(parsed).toEqual({ error: expect.stringContaining(`at most ${MAX_BOOKMARKS}`) });
  });

  it('accepts as many bookmarks as a response can carry: one per transaction a request runs at once', () => {
    // A response holds at most CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST bookmarks; its largest allowed
    // value must fit in a header a request may send back.
    const base = { NODE_ENV: 'test' };
    expect(loadConfig({ ...base, CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST: String(MAX_BOOKMARKS) }).CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST).toBe(MAX_BOOKMARKS);
    expect(() => loadConfig({ ...base, CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST: String(MAX_BOOKMARKS + 1) })).toThrow(/CLAIMGRAPH_MAX_CONCURRENT_QUERIES_PER_REQUEST/);
  });
});
