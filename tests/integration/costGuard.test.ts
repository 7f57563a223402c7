import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_ADMIN, type Harness } from '../harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('cost guards', () => {
  it('refuses a query whose pages multiply past the limit, before the database is touched', async () => {
    let queries = 0;
    const off = h.db.onQuery(() => queries++);
    try {
      const result = await h.run(`{
        places(first: 100) { edges { node {
          statements(first: 100) { edges { node {
            sources(first: 100) { edges { node { title } } }
          } } }
        } } }
      }`);
      expect(result.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
      expect(result.errors?.[0].extensions).toMatchObject({ limit: 'cost', max: 50_000 });
      expect(result.errors?.[0].extensions?.actual).toBeGreaterThan(1_000_000);
    } finally {
      off();
    }
    expect(queries).toBe(0);
  });

  it('counts page sizes given in variables', async () => {
    const result = await h.run(
      `query($n: Int) { places(first: $n) { edges { node { statements(first: $n) { edges { node { sources(first: $n) { totalCount } } } } } } } }`,
      { n: 100 },
    );
    expect(result.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('lets the same shape through with small pages', async () => {
    const data = await h.data(`{
      places(first: 5) { edges { node { statements(first: 5) { edges { node { sources(first: 5) { totalCount } } } } } } }
    }`);
    expect(data.places.edges).toHaveLength(5);
  });

  it('measures an operation again for other variables, though the same text passed before', async () => {
    const query = `query($n: Int) { places(first: $n) { edges { node { statements(first: $n) { edges { node { sources(first: $n) { totalCount } } } } } } } }`;
    expect((await h.run(query, { n: 5 })).errors).toBeUndefined();
    expect((await h.run(query, { n: 100 })).errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await h.run(query, { n: 5 })).errors).toBeUndefined();
    expect((await h.run(query, { n: 100 })).errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('checks roles again for another principal, though the same operation passed for an editor', async () => {
    // A delete of a node that does not exist: the guard lets an editor through (and nothing is deleted),
    // and must refuse a reader before any resolver, however often the editor asked first.
    const query = `mutation($id: ID!) { deletePlace(input: {id: $id}) { deletedId } }`;
    const variables = { id: 'place:nowhere-at-all' };
    const editor = { ...TEST_ADMIN, name: 'key:test-editor', role: 'editor' as const };
    const reader = { ...TEST_ADMIN, name: 'key:test-reader', role: 'reader' as const };
    for (let i = 0; i < 2; i++) {
      const allowed = await h.run(query, variables, editor);
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data).toEqual({ deletePlace: { deletedId: null } });
      expect((await h.run(query, variables, reader)).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'editor' });
    }
  });

  it('refuses a query deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 20; i++) selection = `parent { ${selection} }`;
    const result = await h.run(`{ place(id: "place:kupyansk") { parent { parent { ${selection} } } } }`);
    expect(result.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0].extensions).toMatchObject({ limit: 'depth', max: 16, actual: 24 });
  });
});
