import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countQueries, createHarness, type Harness } from '../harness.js';
import { luceneSyntaxQuery, MAX_SYNTAX_CLAUSES } from '../../src/domain/search/luceneSyntax.js';
import { Database } from '../../src/neo4j/database.js';

/**
 * Query.search(syntax: LUCENE) over the real full-text index: the supported subset finds what it says on the
 * Kupyansk sample, folds case and diacritics as PLAIN does, pages and filters by label as PLAIN does, and
 * malformed syntax is BAD_USER_INPUT naming `query` without a single query reaching the database.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const counting = <T>(run: () => Promise<T>) => countQueries(h.db, run);

const HITS = `query($q: String!, $syntax: SearchSyntax, $labels: [NodeLabel!], $first: Int, $after: String) {
  search(query: $q, syntax: $syntax, labels: $labels, first: $first, after: $after) {
    totalCount
    edges { cursor node { __typename id } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

interface Hits {
  totalCount: number;
  edges: Array<{ cursor: string; node: { __typename: string; id: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

async function lucene(q: string, extra: Record<string, unknown> = {}): Promise<Hits> {
  const data = await h.data(HITS, { q, syntax: 'LUCENE', first: 100, ...extra });
  return data.search as Hits;
}
const ids = async (q: string, syntax = 'LUCENE') => (await h.data(HITS, { q, syntax, first: 100 })).search.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
const sorted = (xs: string[]) => [...xs].sort();

describe('LUCENE syntax finds what it says', () => {
  it('name:kupyansk AND NOT cemetery: a field, and an exclusion', async () => {
    const named = await ids('name:kupyansk');
    expect(named).toEqual(expect.arrayContaining(['place:kupyansk', 'place:kupyansk-city-cemetery', 'unit:ua-cemetery-assault-groups']));
    // Only names: statements that mention Kupyansk in their text are not hits.
    expect(named.some((id) => id.startsWith('statement:'))).toBe(false);
    expect(sorted(await ids('name:kupyansk AND NOT cemetery'))).toEqual(
      sorted([
        'place:kupyansk',
        'place:kupyansk-northern-districts',
        'place:kupyansk-southwest-entrance',
        'place:yubileiny-street-kupyansk',
        'actor:two-ukrainian-soldiers',
      ]),
    );
    expect(sorted(await ids('name:kupyansk -cemetery'))).toEqual(sorted(await ids('name:kupyansk AND NOT cemetery')));
    // In PLAIN the same text is words, and name:kupyansk is one of them.
    expect(await ids('name:kupyansk AND NOT cemetery', 'PLAIN')).toEqual([]);
  });

  it('"northern districts": the words side by side, in order', async () => {
    expect(sorted(await ids('"northern districts"'))).toEqual(
      sorted(['place:kupyansk-northern-districts', 'statement:ngc2-recaptured-northern-districts-2024-w50']),
    );
    expect(await ids('"districts northern"')).toEqual([]);
    expect(sorted(await ids('"districts northern"~2'))).toEqual(sorted(await ids('"northern districts"')));
  });

  it('kharkiv*: a trailing wildcard, case and diacritics folded', async () => {
    const found = await ids('kharkiv*');
    expect(found).toEqual(expect.arrayContaining(['place:kharkiv', 'place:kharkiv-province']));
    expect(await ids('KHARKÍV*')).toEqual(found);
  });

  it('Kupiansk~1: a fuzzy word, folded like PLAIN', async () => {
    const found = await ids('Kupiansk~1');
    expect(found[0]).toBe('place:kupyansk');
    expect(await ids('Kupiánsk~1')).toEqual(found);
    // Kupiansk is only an alias of the city and its parts; one edit away it is also Kupyansk, in every name.
    expect(await ids('Kupiansk')).not.toContain('place:yubileiny-street-kupyansk');
    expect(found).toContain('place:yubileiny-street-kupyansk');
    expect((await ids('Kharkov~')).slice(0, 2).sort()).toEqual(['place:kharkiv', 'place:kharkiv-province']);
  });

  it('apostrophe spellings alike, as in PLAIN', async () => {
    for (const spelling of ["Куп'янськ", 'Куп’янськ', 'Купʼянськ']) expect(await ids(spelling)).toContain('place:kupyansk');
    expect(await ids('Купʼян*')).toContain('place:kupyansk');
  });

  it('OR widens, words side by side must all match, groups and boosts', async () => {
    const zelensky = await ids('zelensky');
    const kupyansk = await ids('kupyansk');
    const either = await ids('zelensky OR kupyansk');
    expect(sorted(either)).toEqual(sorted([...new Set([...zelensky, ...kupyansk])]));
    const both = await ids('zelensky kupyansk');
    expect(both.length).toBeGreaterThan(0);
    for (const id of both) expect(zelensky.filter((z) => kupyansk.includes(z))).toContain(id);
    expect(sorted(await ids('zelensky AND kupyansk'))).toEqual(sorted(both));
    expect((await ids('zelensky^5 OR kupyansk'))[0]).toBe('actor:volodymyr-zelensky');
    expect(sorted(await ids('name:(kupyansk OR kharkiv) AND NOT cemetery'))).toEqual(
      sorted([...new Set([...(await ids('name:kupyansk -cemetery')), ...(await ids('name:kharkiv -cemetery'))])]),
    );
  });

  it('restricts to each indexed property', async () => {
    expect(new Set((await lucene('title:kupyansk')).edges.map((e) => e.node.__typename))).toEqual(new Set(['Source']));
    expect(new Set((await lucene('text:"full control"')).edges.map((e) => e.node.id))).toEqual(new Set(['statement:wgf-full-control-2024-12-16']));
    expect(await ids('aliases:Zelenskyy')).toEqual(['actor:volodymyr-zelensky']);
    expect(await ids('name:Zelenskyy')).toEqual([]);
  });

  it('a query of stop words finds nothing and raises nothing', async () => {
    expect(await ids('the')).toEqual([]);
    expect(sorted(await ids('kupyansk AND the'))).toEqual(sorted(await ids('kupyansk')));
  });
});

describe('same labels, paging and caps as PLAIN', () => {
  it('PLAIN stays the default', async () => {
    const q = 'Kupyansk';
    const implicit = (await h.data(HITS, { q, first: 100 })).search;
    expect((await h.data(HITS, { q, syntax: 'PLAIN', first: 100 })).search).toEqual(implicit);
    const { result } = await counting(() => h.data(`{ search(query: "name:kupyansk", first: 5) { totalCount } }`));
    expect(result.search.totalCount).toBe(0);
  });

  it('labels narrow the hits', async () => {
    const places = await lucene('kup*', { labels: ['PLACE'] });
    expect(places.edges.length).toBeGreaterThan(0);
    expect(new Set(places.edges.map((e) => e.node.__typename))).toEqual(new Set(['Place']));
    expect((await lucene('kup*')).totalCount).toBeGreaterThan(places.totalCount);
  });

  it('pages by keyset through every hit, in the order of one big page', async () => {
    const all = await lucene('kup* OR kharkiv*');
    expect(all.totalCount).toBe(all.edges.length);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await lucene('kup* OR kharkiv*', { first: 4, after });
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      paged.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all.edges.map((e) => e.node.id));
  });

  it('one query to the database for a search', async () => {
    const { queries } = await counting(() => lucene('name:kupyansk AND NOT cemetery'));
    expect(queries).toHaveLength(1);
  });

  it('first and after are checked as in PLAIN', async () => {
    for (const [variables, argument] of [
      [{ first: 101 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ labels: [] }, 'labels'],
    ] as const) {
      const { result, queries } = await counting(() => h.run(HITS, { q: 'kupyansk', syntax: 'LUCENE', ...variables }));
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(queries).toEqual([]);
    }
  });
});

describe('malformed syntax: BAD_USER_INPUT naming query, before the database is touched', () => {
  it.each([
    ['"northern districts', 0],
    ['(kupyansk OR kharkiv', 0],
    ['kupyansk)', 8],
    ['kupyansk AND', 9],
    ['kupyansk OR OR kharkiv', 9],
    ['AND kupyansk', 0],
    ['NOT cemetery', 0],
    ['kupyansk OR -cemetery', 12],
    ['id:place\\:kupyansk', 0],
    ['*ansk', 0],
    ['kup?ansk', 3],
    ['[a TO z]', 0],
    ['name:{a TO z}', 5],
    ['/kup.*/', 0],
    ['kupiansk~3', 8],
    ['kupyansk^-2', 8],
    ['((((((((((kupyansk))))))))))', 8],
    [Array.from({ length: MAX_SYNTAX_CLAUSES + 1 }, () => 'kupyansk').join(' OR '), 384],
  ])('%s (offset %d)', async (q, offset) => {
    const { result, queries } = await counting(() => h.run(HITS, { q, syntax: 'LUCENE' }));
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
    expect(result.errors?.[0].message).toMatch(new RegExp(`^query \\(LUCENE syntax\\) at offset ${offset}: `));
    expect(result.errors?.[0].path).toEqual(['search']);
    expect(result.data).toBeNull();
    expect(queries).toEqual([]);
  });

  it('empty and too long queries too', async () => {
    for (const q of ['', '   ', 'x'.repeat(501)]) {
      const { result, queries } = await counting(() => h.run(HITS, { q, syntax: 'LUCENE' }));
      expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
      expect(queries).toEqual([]);
    }
  });

  it('the same text in PLAIN is words, and fine', async () => {
    for (const q of ['kupyansk AND', '"northern districts', '*ansk', '[a TO z]']) {
      const { result } = await counting(() => h.run(HITS, { q }));
      expect(result.errors).toBeUndefined();
    }
  });

  it('whatever Neo4j still refuses at run time is BAD_USER_INPUT too, never an internal error', async () => {
    // Stand in for a query the parser lets through but Lucene refuses: the real index gets a broken query.
    const q = 'name:kupyansk AND NOT cemetery';
    const printed = luceneSyntaxQuery(q);
    // (on the prototype: the operation reads through its own request's view of h.db)
    const read = Database.prototype.read;
    const spy = vi.spyOn(Database.prototype, 'read').mockImplementation(function (this: Database, cypher, params = {}, options) {
      const broken = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === printed ? `${v} AND` : v]));
      return read.call(this, cypher, broken, options);
    });
    try {
      const result = await h.run(HITS, { q, syntax: 'LUCENE' });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'query' });
      expect(result.errors?.[0].message).toMatch(/^query \(LUCENE syntax\) could not be searched/);
    } finally {
      spy.mockRestore();
    }
  });
});
