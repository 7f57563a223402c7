import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQueries, createHarness, schema, model, type Harness } from '../harness.js';
import { researchVocabulary } from '../../src/domain/graph/graphEnums.js';

/**
 * Query.neighbourhood and Query.shortestPath over the real Neo4j: what they reach, how their filters and
 * caps work, that their edges can be drawn, and that each costs one query, checked against plain Cypher.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const counting = <T>(run: () => Promise<T>) => countQueries(h.db, run);

interface Edge {
  type: string;
  from: string;
  to: string;
  properties: Record<string, unknown>;
}
interface Subgraph {
  nodes: Array<{ __typename: string; id: string; name?: string }>;
  edges: Edge[];
  truncated: boolean;
}

const NEIGHBOURHOOD = `query($id: ID!, $depth: Int, $types: [RelationshipType!], $labels: [NodeLabel!], $limit: Int) {
  neighbourhood(id: $id, depth: $depth, relationshipTypes: $types, labels: $labels, limit: $limit) {
    truncated
    nodes { __typename id ... on Place { name } ... on Actor { name } }
    edges { type from to properties }
  }
}`;

const PATH = `query($from: ID!, $to: ID!, $maxDepth: Int, $types: [RelationshipType!]) {
  shortestPath(from: $from, to: $to, maxDepth: $maxDepth, relationshipTypes: $types) {
    truncated
    nodes { __typename id }
    edges { type from to properties }
  }
}`;

async function neighbourhood(variables: Record<string, unknown>): Promise<Subgraph | null> {
  return (await h.data(NEIGHBOURHOOD, variables)).neighbourhood;
}

async function cypherIds(cypher: string, params: Record<string, unknown> = {}): Promise<string[]> {
  const result = await h.db.read(cypher, params);
  return result.records.map((r) => r.get('id') as string).sort();
}

function expectDrawable(graph: Subgraph) {
  const ids = new Set(graph.nodes.map((n) => n.id));
  expect(ids.size).toBe(graph.nodes.length);
  for (const edge of graph.edges) {
    expect(ids.has(edge.from), `${edge.from} is a node`).toBe(true);
    expect(ids.has(edge.to), `${edge.to} is a node`).toBe(true);
  }
}

describe('neighbourhood', () => {
  it('of Kupyansk at depth 1: its statements, parent, parts and footage, and every edge between them', async () => {
    const graph = (await neighbourhood({ id: 'place:kupyansk' }))!;
    expect(graph.truncated).toBe(false);
    expect(graph.nodes[0]).toEqual({ __typename: 'Place', id: 'place:kupyansk', name: 'Kupyansk' });
    const ids = graph.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['place:kharkiv-province', 'statement:wgf-full-control-2024-12-16', 'place:kupyansk-city-cemetery', 'source:zelensky-video-2024-12-12']));
    expect([...ids].sort()).toEqual(await cypherIds(`MATCH (:Place {id: 'place:kupyansk'})--(m) RETURN DISTINCT m.id AS id UNION RETURN 'place:kupyansk' AS id`));
    const aboutStatements = await cypherIds(`MATCH (s:Statement)-[:ABOUT]->(:Place {id: 'place:kupyansk'}) RETURN DISTINCT s.id AS id`);
    for (const id of aboutStatements) expect(ids).toContain(id);

    expectDrawable(graph);
    expect(graph.edges).toContainEqual({ type: 'PART_OF', from: 'place:kupyansk', to: 'place:kharkiv-province', properties: {} });
    expect(graph.edges).toContainEqual({ type: 'ABOUT', from: 'statement:wgf-full-control-2024-12-16', to: 'place:kupyansk', properties: { role: 'LOCATION' } });
    // Induced edges: relationships between two neighbours are drawn too (cemetery PART_OF Kupyansk, and statements about both).
    const expected = await h.db.read(
      `MATCH (k:Place {id: 'place:kupyansk'})
       WITH [k] + COLLECT { MATCH (k)--(m) RETURN DISTINCT m } AS ns
       MATCH (a)-[r]->(b) WHERE a IN ns AND b IN ns RETURN count(r) AS n`,
    );
    expect(graph.edges).toHaveLength(expected.records[0].get('n').toNumber());
  });

  it('follows only the relationship types asked for', async () => {
    const graph = (await neighbourhood({ id: 'place:kupyansk', types: ['PART_OF'] }))!;
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(
      ['place:kharkiv-province', 'place:kupyansk', 'place:kupyansk-city-cemetery', 'place:kupyansk-northern-districts', 'place:kupyansk-southwest-entrance', 'place:yubileiny-street-kupyansk'].sort(),
    );
    expect(new Set(graph.edges.map((e) => e.type))).toEqual(new Set(['PART_OF']));
    expect(graph.edges).toHaveLength(5);
  });

  it('reaches only nodes of the labels asked for, and passes only through them', async () => {
    const graph = (await neighbourhood({ id: 'place:kupyansk', depth: 2, labels: ['PLACE'] }))!;
    expect(new Set(graph.nodes.map((n) => n.__typename))).toEqual(new Set(['Place']));
    const ids = graph.nodes.map((n) => n.id);
    // Through the province: the province's other parts and its country; never through a statement.
    expect(ids).toEqual(expect.arrayContaining(['place:kharkiv-province', 'place:kharkiv', 'place:ukraine']));
    expect([...ids].sort()).toEqual(
      await cypherIds(`MATCH p = (:Place {id: 'place:kupyansk'})-[*0..2]-(m) WHERE all(x IN nodes(p) WHERE x:Place) RETURN DISTINCT m.id AS id`),
    );
    expectDrawable(graph);
  });

  it('starts from a node of any label and goes deeper with depth', async () => {
    const one = (await neighbourhood({ id: 'actor:leonid-sharov', depth: 1 }))!;
    const two = (await neighbourhood({ id: 'actor:leonid-sharov', depth: 2 }))!;
    const three = (await neighbourhood({ id: 'actor:leonid-sharov', depth: 3, limit: 1000 }))!;
    expect(one.nodes[0]).toEqual({ __typename: 'Actor', id: 'actor:leonid-sharov', name: 'Leonid Sharov' });
    const ids = (g: Subgraph) => g.nodes.map((n) => n.id).sort();
    for (const id of ids(one)) expect(ids(two)).toContain(id);
    for (const id of ids(two)) expect(ids(three)).toContain(id);
    expect(ids(two).length).toBeGreaterThan(ids(one).length);
    expect(ids(three)).toEqual(await cypherIds(`MATCH (:Actor {id: 'actor:leonid-sharov'})-[*0..3]-(m) RETURN DISTINCT m.id AS id`));
  });

  it('stops at the limit, says so, and draws only edges between the nodes it kept', async () => {
    const graph = (await neighbourhood({ id: 'place:kupyansk', depth: 2, limit: 5 }))!;
    expect(graph.nodes).toHaveLength(5);
    expect(graph.nodes[0].id).toBe('place:kupyansk');
    expect(graph.truncated).toBe(true);
    expectDrawable(graph);
    const exact = (await neighbourhood({ id: 'place:kupyansk', types: ['PART_OF'], limit: 6 }))!;
    expect(exact.nodes).toHaveLength(6);
    expect(exact.truncated).toBe(false);
  });

  it('is null for an unknown id; any node fields, nested, in one query', async () => {
    expect(await neighbourhood({ id: 'place:atlantis' })).toBeNull();
    const { result, queries } = await counting(() =>
      h.data(`{
        neighbourhood(id: "statement:wgf-full-control-2024-12-16") {
          nodes {
            id
            ... on Statement { speaker { name ... on Actor { memberships { edges { node { ... on Actor { name } ... on Unit { name } } } } } } }
            ... on Place { location { latitude longitude } parent { name } }
            ... on Source { title publisher { name } }
          }
          edges { type from to }
        }
      }`),
    );
    expect(queries).toHaveLength(1);
    const kupyansk = result.neighbourhood.nodes.find((n: any) => n.id === 'place:kupyansk');
    expect(kupyansk.parent).toEqual({ name: 'Kharkiv province' });
    expect(kupyansk.location.latitude).toBeCloseTo(49.71, 1);
    expect(result.neighbourhood.nodes[0].speaker.name).toBe('Leonid Sharov');
  });
});

describe('shortestPath', () => {
  it('joins Zelensky and Sharov by a chain of edges whose endpoints connect, in path order', async () => {
    const path: Subgraph = (await h.data(PATH, { from: 'actor:volodymyr-zelensky', to: 'actor:leonid-sharov' })).shortestPath;
    expect(path.nodes[0].id).toBe('actor:volodymyr-zelensky');
    expect(path.nodes[path.nodes.length - 1].id).toBe('actor:leonid-sharov');
    expect(path.edges).toHaveLength(path.nodes.length - 1);
    path.edges.forEach((edge, i) => {
      expect([edge.from, edge.to].sort()).toEqual([path.nodes[i].id, path.nodes[i + 1].id].sort());
    });
    const shortest = await h.db.read(
      `MATCH (a:Actor {id: 'actor:volodymyr-zelensky'}), (b:Actor {id: 'actor:leonid-sharov'})
       MATCH p = shortestPath((a)-[*..10]-(b)) RETURN length(p) AS n`,
    );
    expect(path.edges).toHaveLength(shortest.records[0].get('n').toNumber());
    expect(path.truncated).toBe(false);
  });

  it('follows only the relationship types asked for, and is null when that leaves no path', async () => {
    const viaHierarchy: Subgraph = (
      await h.data(PATH, { from: 'actor:leonid-sharov', to: 'actor:russia', types: ['MEMBER_OF', 'BELONGS_TO', 'PART_OF'] })
    ).shortestPath;
    expect(viaHierarchy.nodes.map((n) => n.id)).toEqual(['actor:leonid-sharov', 'actor:wgf-press-service', 'unit:western-group-of-forces', 'actor:russia']);
    expect(viaHierarchy.edges.map((e) => e.type)).toEqual(['MEMBER_OF', 'MEMBER_OF', 'BELONGS_TO']);
    expect((await h.data(PATH, { from: 'actor:volodymyr-zelensky', to: 'actor:leonid-sharov', types: ['PART_OF'] })).shortestPath).toBeNull();
    expect((await h.data(PATH, { from: 'actor:volodymyr-zelensky', to: 'actor:leonid-sharov', maxDepth: 1 })).shortestPath).toBeNull();
  });

  it('from a node to itself is the node; unknown ends are null', async () => {
    const self: Subgraph = (await h.data(PATH, { from: 'place:kupyansk', to: 'place:kupyansk' })).shortestPath;
    expect(self).toEqual({ truncated: false, nodes: [{ __typename: 'Place', id: 'place:kupyansk' }], edges: [] });
    expect((await h.data(PATH, { from: 'place:kupyansk', to: 'place:atlantis' })).shortestPath).toBeNull();
  });
});

describe('bad input, decided before the database is touched', () => {
  it.each([
    [NEIGHBOURHOOD, { id: 'place:kupyansk', depth: 4 }, 'depth'],
    [NEIGHBOURHOOD, { id: 'place:kupyansk', depth: 0 }, 'depth'],
    [NEIGHBOURHOOD, { id: 'place:kupyansk', limit: 1001 }, 'limit'],
    [NEIGHBOURHOOD, { id: 'place:kupyansk', limit: 0 }, 'limit'],
    [NEIGHBOURHOOD, { id: 'place:kupyansk', types: [] }, 'relationshipTypes'],
    [NEIGHBOURHOOD, { id: 'place:kupyansk', labels: [] }, 'labels'],
    [NEIGHBOURHOOD, { id: 'Kupyansk' }, 'id'],
    [PATH, { from: 'place:kupyansk', to: 'actor:afp', maxDepth: 11 }, 'maxDepth'],
    [PATH, { from: 'place:kupyansk', to: 'actor:afp', maxDepth: 0 }, 'maxDepth'],
    [PATH, { from: 'place:kupyansk', to: 'actor:afp', types: [] }, 'relationshipTypes'],
    [PATH, { from: 'kupyansk', to: 'actor:afp' }, 'from'],
    [PATH, { from: 'place:kupyansk', to: 'afp' }, 'to'],
  ])('%#: %j names %s', async (query, variables, argument) => {
    const { result, queries } = await counting(() => h.run(query, variables));
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(queries).toEqual([]);
  });

  it('refuses relationship types and labels outside the enums (GraphQL validation)', async () => {
    const { result, queries } = await counting(() => h.run(`{ neighbourhood(id: "place:kupyansk", relationshipTypes: [KNOWS]) { truncated } }`));
    expect(result.errors?.length).toBe(1);
    expect(queries).toEqual([]);
  });
});

describe('the enums and the graph model', () => {
  it('agree', () => {
    const vocabulary = researchVocabulary(schema);
    expect([...vocabulary.relTypeOf.values()].sort()).toEqual([...model.edges.keys()].sort());
    expect([...vocabulary.labelOf.values()].sort()).toEqual([...model.nodes.keys()].sort());
  });
});
