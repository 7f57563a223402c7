import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQueries, createHarness, type Harness } from '../harness.js';
import { STOP_WORDS } from '../../src/domain/search/luceneQuery.js';

/**
 * Query.search over the real full-text index: every spelling of a place finds it, search syntax in the text
 * neither breaks nor widens a search, results page by keyset, and bad input never reaches the database.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const counting = <T>(run: () => Promise<T>) => countQueries(h.db, run);

const HITS = `query($q: String!, $labels: [NodeLabel!], $first: Int, $after: String) {
  search(query: $q, labels: $labels, first: $first, after: $after) {
    totalCount
    edges { cursor score node { __typename id ... on Place { name kind } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function hits(q: string, extra: Record<string, unknown> = {}) {
  const data = await h.data(HITS, { q, first: 100, ...extra });
  return data.search as {
    totalCount: number;
    edges: Array<{ cursor: string; score: number; node: { __typename: string; id: string; name?: string; kind?: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}
const ids = async (q: string) => (await hits(q)).edges.map((e) => e.node.id);

describe('every spelling', () => {
  it.each(['Kupiansk', 'Kupyansk', 'KUPIANSK', 'kupiansk', 'Kupiánsk', "Куп'янськ", 'Куп’янськ', 'Купʼянськ', 'Купянск', "Kupyans'k", 'Kupjansk', 'Kupian'])(
    '%s finds Kupyansk first',
    async (spelling) => {
      const result = await hits(spelling);
      expect(result.edges[0].node).toEqual({ __typename: 'Place', id: 'place:kupyansk', name: 'Kupyansk', kind: 'CITY' });
    },
  );

  it.each(['Kharkiv', 'Kharkov', 'kharkiv', 'Харків', 'Харьков'])('%s finds both the city and the province, typed', async (spelling) => {
    const places = (await hits(spelling)).edges.map((e) => e.node).filter((n) => n.__typename === 'Place');
    expect(places).toEqual(
      expect.arrayContaining([
        { __typename: 'Place', id: 'place:kharkiv', name: 'Kharkiv', kind: 'CITY' },
        { __typename: 'Place', id: 'place:kharkiv-province', name: 'Kharkiv province', kind: 'PROVINCE' },
      ]),
    );
  });

  it('searches statement text and source titles, best first', async () => {
    const result = await hits('full control');
    expect(result.edges[0].node.id).toBe('statement:wgf-full-control-2024-12-16');
    const scores = result.edges.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await ids('Location of Kupyansk city')).toContain('source:ryv-map-kupyansk');
  });

  it('indexes every element of the aliases lists', async () => {
    const index = await h.db.read(`SHOW FULLTEXT INDEXES YIELD name, properties WHERE name = 'claimgraph_text' RETURN properties`);
    expect(index.records[0].get('properties')).toContain('aliases');
    // Each of these spellings is only an alias, not a name.
    expect(await ids('Zelenskyy')).toContain('actor:volodymyr-zelensky');
    expect(await ids('Yuvileina')).toContain('place:yubileiny-street-kupyansk');
    expect(await ids('Kupians’k')).toContain('place:kupyansk');
    expect(await ids('Charkiw')).toEqual(['place:kharkiv']);
  });

  it('ignores the stop words the index ignores', async () => {
    const analyzers = await h.db.read(
      `CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer, stopwords WHERE analyzer = 'standard-folding' RETURN stopwords`,
    );
    expect(new Set(analyzers.records[0].get('stopwords') as string[])).toEqual(STOP_WORDS);
    expect(await ids('the Western Group of Forces')).toEqual(await ids('Western Group Forces'));
  });
});

describe('labels', () => {
  it('narrows the hits to some node types', async () => {
    const statements = await hits('Kupyansk', { labels: ['STATEMENT'] });
    expect(statements.edges.length).toBeGreaterThan(5);
    expect(new Set(statements.edges.map((e) => e.node.__typename))).toEqual(new Set(['Statement']));
    const placesAndSources = await hits('Kupyansk', { labels: ['PLACE', 'SOURCE'] });
    expect(new Set(placesAndSources.edges.map((e) => e.node.__typename))).toEqual(new Set(['Place', 'Source']));
    const all = await hits('Kupyansk');
    expect(all.totalCount).toBeGreaterThan(placesAndSources.totalCount);
  });
});

describe('search syntax is text', () => {
  it.each(['*', '?', '"', '(', ')', '[', '{', '~', '^', '\\', '/', '&&', '||', '!', '-', '+', '"*"', '*:*', ':', 'OR', 'AND NOT'])(
    '%s finds nothing and raises nothing',
    async (query) => {
      const { result, queries } = await counting(() => h.run(HITS, { q: query, first: 100 }));
      expect(result.errors).toBeUndefined();
      expect(result.data.search.edges).toEqual([]);
      expect(result.data.search.totalCount).toBe(0);
      expect(queries).toEqual([]);
    },
  );

  it.each([
    ['Kupyansk OR Zelensky', ['Kupyansk', 'Zelensky']],
    ['Kupyansk || Zelensky', ['Kupyansk', 'Zelensky']],
    ['Kupyansk AND NOT Kharkiv', ['Kupyansk', 'Kharkiv']],
    ['Kupyansk -Kharkiv', ['Kupyansk', 'Kharkiv']],
    ['Kupyansk OR *', ['Kupyansk']],
    ['"Kupyansk', ['Kupyansk']],
    ['Kupyansk"', ['Kupyansk']],
    ['(Kupyansk', ['Kupyansk']],
    ['Kupyansk]', ['Kupyansk']],
    ['{Kupyansk TO Zelensky}', ['Kupyansk', 'Zelensky']],
    ['Kupyansk~10', ['Kupyansk', '10']],
    ['Kupyansk^100', ['Kupyansk', '100']],
    ['text:Kupyansk', ['text:Kupyansk']],
  ])('%s never finds more than its words do', async (query, words) => {
    const { result } = await counting(() => h.run(HITS, { q: query, first: 100 }));
    expect(result.errors).toBeUndefined();
    const found: string[] = result.data.search.edges.map((e: { node: { id: string } }) => e.node.id);
    for (const word of words) {
      const alone = await ids(word);
      for (const id of found) expect(alone).toContain(id);
    }
  });

  it('treats name:x as one word, not a field query', async () => {
    const { result } = await counting(() => h.run(HITS, { q: 'name:Kupyansk', first: 100 }));
    expect(result.errors).toBeUndefined();
    expect(result.data.search.edges).toEqual([]);
    expect((await h.run(HITS, { q: 'name:x', first: 100 })).errors).toBeUndefined();
  });
});

describe('paging', () => {
  it('pages through every hit by keyset, in the order of one big page, without repeats', async () => {
    const all = await hits('Kupyansk');
    expect(all.totalCount).toBe(all.edges.length);
    const paged: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await hits('Kupyansk', { first: 7, after });
      pages++;
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      paged.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all.edges.map((e) => e.node.id));
    expect(pages).toBe(Math.ceil(all.edges.length / 7));
  });

  it('projects nested fields of every hit in the same single query', async () => {
    const { result, queries } = await counting(() =>
      h.data(`{
        search(query: "Kupyansk", labels: [PLACE], first: 3) {
          edges { node { id ... on Place { parent { name } statements(first: 2) { edges { role node { speaker { name } } } } } } }
        }
      }`),
    );
    expect(queries).toHaveLength(1);
    const kupyansk = result.search.edges.find((e: any) => e.node.id === 'place:kupyansk');
    expect(kupyansk.node.parent).toEqual({ name: 'Kharkiv province' });
    expect(kupyansk.node.statements.edges).toHaveLength(2);
  });

  it('keeps aliases of the hit node apart', async () => {
    const data = await h.data(`{ search(query: "Kharkov", labels: [PLACE], first: 1) { edges { a: node { id } b: node { ... on Place { id: name } } } } }`);
    expect(data.search.edges[0]).toEqual({ a: { id: 'place:kharkiv' }, b: { id: 'Kharkiv' } });
  });
});

describe('bad input, decided before the database is touched', () => {
  it.each([
    ['', 'query'],
    ['   ', 'query'],
    ['x'.repeat(501), 'query'],
    [Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '), 'query'],
  ])('query %#', async (q, argument) => {
    const { result, queries } = await counting(() => h.run(HITS, { q }));
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(queries).toEqual([]);
  });

  it('first, after and labels', async () => {
    for (const [variables, argument] of [
      [{ q: 'Kupyansk', first: 101 }, 'first'],
      [{ q: 'Kupyansk', first: -1 }, 'first'],
      [{ q: 'Kupyansk', after: 'not-a-cursor' }, 'after'],
      [{ q: 'Kupyansk', after: Buffer.from(JSON.stringify(['k1', 'x', 1])).toString('base64url') }, 'after'],
      [{ q: 'Kupyansk', labels: [] }, 'labels'],
    ] as const) {
      const { result, queries } = await counting(() => h.run(HITS, variables));
      expect(result.errors?.[0].extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(queries).toEqual([]);
    }
  });
});
