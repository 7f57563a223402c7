import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, type Label } from '../../src/ids.js';
import { createHarness, type Harness } from '../harness.js';
import {
  byId,
  expectedProperties,
  ISO_DATE_TIME,
  propertiesSelection,
  ROOT_FIELDS,
  sampleNode,
  onTheWire,
  sampleNodesOf,
} from '../sample.js';

/** Each node type through its own root fields, `node`, `nodes` and its list, compared with the bundle. */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** One sample node per type, chosen to have the interesting properties filled in. */
const FIXTURES: Record<Label, string> = {
  Actor: 'actor:leonid-sharov',
  Unit: 'unit:6th-combined-arms-army',
  // location with precision, areaKm2, aliases in three scripts
  Place: 'place:kupyansk',
  // statedAt "last week", WEEK, relative to 2024-12-16
  Statement: 'statement:ngc2-recaptured-northern-districts-2024-w50',
  // publishedAt relative to 2024-12-16, language
  Source: 'source:ngc2-announcement-2024-w50',
};

const recordFields = 'id __typename createdAt updatedAt';

describe.each(LABELS.map((l) => [l] as const))('%s', (label) => {
  const { byId: byIdField, list } = ROOT_FIELDS[label];
  const fixture = sampleNode(FIXTURES[label]);
  const selection = `${recordFields} ${propertiesSelection(label)}`;

  it(`${byIdField}(id:) returns every property of ${fixture.id} as in the bundle`, async () => {
    const data = onTheWire(await h.data(`query ($id: ID!) { ${byIdField}(id: $id) { ${selection} } }`, { id: fixture.id }));
    const { id, __typename, createdAt, updatedAt, ...properties } = data[byIdField];
    expect(id).toBe(fixture.id);
    expect(__typename).toBe(label);
    expect(properties).toEqual(expectedProperties(fixture));
    expect(createdAt).toMatch(ISO_DATE_TIME);
    expect(updatedAt).toMatch(ISO_DATE_TIME);
    expect(Date.parse(updatedAt)).toBeGreaterThanOrEqual(Date.parse(createdAt));
  });

  it(`${byIdField}(id:) returns every ${label} of the sample as in the bundle`, async () => {
    const nodes = sampleNodesOf(label);
    expect(nodes.length).toBeGreaterThan(0);
    await Promise.all(
      nodes.map(async (node) => {
        const data = onTheWire(await h.data(`query ($id: ID!) { ${byIdField}(id: $id) { ${selection} } }`, { id: node.id }));
        const { id, __typename, createdAt, updatedAt, ...properties } = data[byIdField];
        expect(id).toBe(node.id);
        expect(properties, node.id).toEqual(expectedProperties(node));
        expect(createdAt).toMatch(ISO_DATE_TIME);
        expect(updatedAt).toMatch(ISO_DATE_TIME);
      }),
    );
  });

  it('node(id:) returns the same, with the right __typename', async () => {
    const query = `query ($id: ID!) {
      typed: ${byIdField}(id: $id) { ${selection} }
      node(id: $id) { __typename id createdAt updatedAt ... on ${label} { ${propertiesSelection(label)} } }
    }`;
    const data = onTheWire(await h.data(query, { id: fixture.id }));
    expect(data.node.__typename).toBe(label);
    expect(data.node).toEqual(data.typed);
    const { id, __typename, createdAt, updatedAt, ...properties } = data.node;
    expect(properties).toEqual(expectedProperties(fixture));
  });

  it('nodes(ids:) keeps the order asked and gives null for unknown ids', async () => {
    const [first, second] = sampleNodesOf(label).map((n) => n.id).sort(byId).reverse();
    const unknown = `${label.toLowerCase()}:no-such-thing`;
    const ids = [first, unknown, 'place:kupyansk', second, first];
    const data = await h.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on ${label} { ${propertiesSelection(label)} } } }`, {
      ids,
    });
    expect(data.nodes.map((n: any) => n?.id ?? null)).toEqual([first, null, 'place:kupyansk', second, first]);
    expect(data.nodes[0].__typename).toBe(label);
    expect(data.nodes[2].__typename).toBe('Place');
    const { __typename, id, ...properties } = data.nodes[3];
    expect(properties).toEqual(expectedProperties(sampleNode(second)));
  });

  it(`${list} pages through every ${label} with first: 3, in id order, each exactly once`, async () => {
    const expectedIds = sampleNodesOf(label).map((n) => n.id).sort(byId);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      expect(page, 'pages walked').toBeLessThan(expectedIds.length + 2);
      const data: any = await h.data(
        `query ($after: String) { ${list}(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id __typename } } } }`,
        { after },
      );
      const conn = data[list];
      expect(conn.totalCount).toBe(expectedIds.length);
      expect(conn.edges.length).toBeLessThanOrEqual(3);
      for (const edge of conn.edges) expect(edge.node.__typename).toBe(label);
      seen.push(...conn.edges.map((e: any) => e.node.id));
      if (conn.edges.length) expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1).cursor);
      if (!conn.pageInfo.hasNextPage) break;
      expect(conn.edges).toHaveLength(3);
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(expectedIds);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
