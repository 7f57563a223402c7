import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../harness.js';

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

  it('refuses a query deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 20; i++) selection = `parent { ${selection} }`;
    const result = await h.run(`{ place(id: "place:kupyansk") { parent { parent { ${selection} } } } }`);
    expect(result.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0].extensions).toMatchObject({ limit: 'depth', max: 16, actual: 24 });
  });
});
