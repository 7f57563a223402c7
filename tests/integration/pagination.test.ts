import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';
import { sample } from '../sample.js';

/**
 * Nested connection paging on Place.statements (ABOUT): sorted by statement id, one edge per statement, so a
 * statement that is about Kupyansk in two roles is one edge listing both, never split across pages.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const PAGE = `query ($first: Int!, $after: String) {
  place(id: "place:kupyansk") {
    statements(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor role roles node { id } }
    }
  }
}`;

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ cursor: string; role: string; roles: string[]; node: { id: string } }>;
}

async function page(first: number, after: string | null = null): Promise<Page> {
  const data = await h.data(PAGE, { first, after });
  return data.place.statements;
}

const items = (p: Page) => p.edges.map((e) => ({ id: e.node.id, roles: e.roles }));
const ROLE_ORDER = ['SUBJECT', 'OBJECT', 'LOCATION'];

let all: Page;
beforeAll(async () => {
  all = await page(100);
});

describe('Place.statements, page by page', () => {
  it('the single page of 100 holds every statement about Kupyansk from the sample, once, with all its roles', () => {
    const edges = sample.edges.filter((e) => e.type === 'ABOUT' && e.to === 'place:kupyansk');
    const expected = [...new Set(edges.map((e) => e.from as string))].sort().map((id) => ({
      id,
      roles: edges
        .filter((e) => e.from === id)
        .map((e) => e.properties.role as string)
        .sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b)),
    }));
    expect(expected.length).toBeGreaterThan(5);
    // The sample has statements about Kupyansk in two roles: counting edges would give more.
    expect(expected.length).toBeLessThan(edges.length);
    expect(all.totalCount).toBe(expected.length);
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.pageInfo.hasPreviousPage).toBe(false);
    expect(items(all)).toEqual(expected);
    for (const e of all.edges) expect(e.role).toBe(e.roles[0]);
  });

  it('walking with first: 2 gives the same ids and roles in the same order as first: 100', async () => {
    const walked: Page['edges'] = [];
    let after: string | null = null;
    for (let i = 0; ; i++) {
      expect(i, 'pages walked').toBeLessThanOrEqual(all.edges.length);
      const p = await page(2, after);
      expect(p.totalCount).toBe(all.totalCount);
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(p.edges.length).toBeLessThanOrEqual(2);
      if (p.edges.length) {
        expect(p.pageInfo.startCursor).toBe(p.edges[0].cursor);
        expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)!.cursor);
      }
      walked.push(...p.edges);
      if (!p.pageInfo.hasNextPage) break;
      expect(p.edges).toHaveLength(2);
      after = p.pageInfo.endCursor;
    }
    expect(walked.map((e) => ({ id: e.node.id, roles: e.roles }))).toEqual(items(all));
    // Keyset cursors are stable: the same edge has the same cursor however it was reached.
    expect(walked.map((e) => e.cursor)).toEqual(all.edges.map((e) => e.cursor));
  });

  it('the order is by statement id, each statement once', () => {
    const keys = items(all);
    for (let i = 1; i < keys.length; i++) expect(keys[i - 1].id < keys[i].id, `${keys[i - 1].id} before ${keys[i].id}`).toBe(true);
    // The sample has statements about Kupyansk in two roles: they are one edge each, listing both.
    expect(keys.some((k) => k.roles.length > 1)).toBe(true);
  });

  it('cursors are opaque, distinct strings', () => {
    const cursors = all.edges.map((e) => e.cursor);
    for (const c of cursors) {
      expect(typeof c).toBe('string');
      expect(c.length).toBeGreaterThan(0);
      expect(c).not.toContain('statement:');
    }
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it('a page taken directly after the cursor of item k holds the items after k', async () => {
    for (let k = 0; k < all.edges.length; k++) {
      const p = await page(2, all.edges[k].cursor);
      expect(items(p), `after item ${k}`).toEqual(items(all).slice(k + 1, k + 3));
      expect(p.pageInfo.hasPreviousPage).toBe(true);
      expect(p.pageInfo.hasNextPage).toBe(k + 3 < all.edges.length);
    }
  });

  it('first: 0 returns no edges, and hasNextPage true when there are any', async () => {
    const p = await page(0);
    expect(p.edges).toEqual([]);
    expect(p.pageInfo.hasNextPage).toBe(true);
    expect(p.totalCount).toBe(all.totalCount);
  });
});

describe('a cursor whose values do not fit its list is BAD_USER_INPUT naming after', () => {
  /** A real cursor with its values rewritten as JSON text (JSON.stringify cannot write 1e400). */
  const rewrite = (cursor: string, edit: (values: string[]) => string[]) => {
    const [tag, ...values] = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]).map((v) => JSON.stringify(v));
    return Buffer.from(`[${[tag, ...edit(values)].join(',')}]`, 'utf8').toString('base64url');
  };
  const refused = async (query: string, after: string) => {
    const result = await h.run(query, { after });
    expect(result.data?.statements ?? result.data?.place ?? null).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(result.errors?.[0].message).toMatch(/not a cursor of this list/);
  };
  const BY_CREDIBILITY = `query ($after: String) { statements(first: 2, after: $after, orderBy: [{field: CREDIBILITY}]) { edges { cursor node { id } } } }`;
  const BY_STATED_AT = `query ($after: String) { statements(first: 2, after: $after, orderBy: [{field: STATED_AT}]) { edges { cursor node { id } } } }`;

  it('a number key holding 1e400 (what JSON reads as Infinity), or a string', async () => {
    const { statements } = await h.data(BY_CREDIBILITY, { after: null });
    const cursor = statements.edges[0].cursor as string;
    expect((await h.run(BY_CREDIBILITY, { after: cursor })).errors).toBeUndefined();
    await refused(BY_CREDIBILITY, rewrite(cursor, ([, id]) => ['1e400', id]));
    await refused(BY_CREDIBILITY, rewrite(cursor, ([, id]) => ['-1e400', id]));
    await refused(BY_CREDIBILITY, rewrite(cursor, ([, id]) => ['"3"', id]));
  });

  it('a date key that is not a calendar date, an id key that is a number', async () => {
    const { statements } = await h.data(BY_STATED_AT, { after: null });
    const cursor = statements.edges[0].cursor as string;
    await refused(BY_STATED_AT, rewrite(cursor, ([, end, id]) => ['"2024-02-30"', end, id]));
    await refused(BY_STATED_AT, rewrite(cursor, ([start, end]) => [start, end, '1e400']));
    await refused(PAGE.replace('$first: Int!, ', '').replace('first: $first, ', 'first: 2, '), rewrite(all.edges[0].cursor, () => ['42']));
  });
});
