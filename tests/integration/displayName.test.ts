import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { importBundle } from '../../src/bundle/importBundle.js';
import { createHarness, model, type Harness } from '../harness.js';
import { exportString } from '../exchange.js';
import { sample } from '../sample.js';

/**
 * One display name per node: the API's `displayName` (on every node type and on the Node interface, from
 * any position: by id, lists, nested relations, search hits, subgraphs, mutation payloads) is the `label`
 * of GraphML and of Cytoscape, whose nodes keep their type apart (`labels`, `data.type`). Checked over the
 * whole sample and over nodes made to be awkward: long texts with line breaks, markup characters, flags,
 * and a node written around claimgraph without its name.
 */

const AWKWARD = {
  format: 'claimgraph-bundle',
  version: 1,
  nodes: [
    {
      label: 'Statement',
      id: 'statement:display-long',
      properties: {
        text: 'The Western Group of Forces\nreports that its units have taken full control of the city of Kupyansk on the Oskil river.',
        kind: 'CONTROL',
        statedAt: { start: '2024-12-16', end: '2024-12-16', precision: 'DAY' },
      },
    },
    { label: 'Source', id: 'source:display-markup', properties: { kind: 'ARTICLE', title: 'Q&A: "<Kupyansk>" & the\r\nOskil' } },
    { label: 'Actor', id: 'actor:display-flags', properties: { kind: 'GROUP', name: `${'🇺🇦'.repeat(85)}`, aliases: [] } },
    { label: 'Unit', id: 'unit:display-short', properties: { name: '  14th  Mechanised  ', aliases: [], echelon: 'BRIGADE' } },
  ],
  edges: [
    { type: 'ABOUT', from: 'statement:display-long', to: 'place:kupyansk', properties: { role: 'LOCATION' } },
    { type: 'MADE_BY', from: 'statement:display-long', to: 'actor:display-flags', properties: {} },
    { type: 'REPORTED_IN', from: 'statement:display-long', to: 'source:display-markup', properties: {} },
  ],
};

/** What each awkward node must show, written out by hand. */
const EXPECTED: Record<string, string> = {
  'statement:display-long': 'The Western Group of Forces reports that its units have taken full control of…',
  'source:display-markup': 'Q&A: "<Kupyansk>" & the Oskil',
  'actor:display-flags': `${'🇺🇦'.repeat(79)}…`,
  'unit:display-short': '14th Mechanised',
  'actor:display-nameless': 'actor:display-nameless',
  'place:kupyansk': 'Kupyansk',
  'source:report-kupyansk': 'Kupyansk report by Nguyen Tien (untitled): Russia claims full control of…',
  'statement:wgf-full-control-2024-12-16': "Russia's 6th Combined Arms Army has full control of Kupyansk.",
};

let h: Harness;
/** Display names by id, as the API gives them for every node in the database. */
let api: Map<string, string>;
let allIds: string[];

beforeAll(async () => {
  h = await createHarness();
  await importBundle(h.db, model, AWKWARD);
  // Written around claimgraph (by another tool on the same Neo4j): no name at all.
  await h.db.write("CREATE (:Actor {id: 'actor:display-nameless', kind: 'OTHER', aliases: []})");
  const ids = await h.db.read('MATCH (n:Actor|Unit|Place|Statement|Source) RETURN n.id AS id ORDER BY id');
  allIds = ids.records.map((r) => r.get('id') as string);
  api = new Map();
  for (let i = 0; i < allIds.length; i += 100) {
    const data = await h.data<{ nodes: Array<{ id: string; displayName: string }> }>('query($ids: [ID!]!) { nodes(ids: $ids) { id displayName } }', {
      ids: allIds.slice(i, i + 100),
    });
    for (const n of data.nodes) api.set(n.id, n.displayName);
  }
});
afterAll(() => h?.close());

describe('displayName in the API', () => {
  it('is given for every node, as written out by hand for the awkward ones and the sample’s', () => {
    expect(api.size).toBe(sample.nodes.length + AWKWARD.nodes.length + 1);
    for (const [id, name] of Object.entries(EXPECTED)) expect(api.get(id), id).toBe(name);
  });

  it('is one line of at most 80 characters for every node', () => {
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    for (const [id, name] of api) {
      expect(name, id).not.toMatch(/[\r\n\t]|^\s|\s$/);
      expect([...segmenter.segment(name)].length, id).toBeLessThanOrEqual(80);
      expect(name.length, id).toBeGreaterThan(0);
    }
  });

  it('is the same from every position a node can stand in: typed lists, nested relations, search, subgraphs', async () => {
    const data = await h.data(`{
      places(first: 100) { edges { node { id displayName parent { id displayName } } } }
      statements(first: 100) { edges { node { id shown: displayName speaker { id displayName } about(first: 50) { edges { node { ... on Node { id displayName } } } } } } }
      sources(first: 100) { edges { node { id displayName publisher { id displayName } } } }
      units(first: 100) { edges { node { id displayName } } }
      actors(first: 100) { edges { node { id displayName } } }
      search(query: "Kupyansk", first: 50) { edges { node { id displayName } } }
      neighbourhood(id: "place:kupyansk", depth: 2) { nodes { id displayName } }
    }`);
    const seen: Array<{ id: string; name: string }> = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (!value || typeof value !== 'object') return;
      const o = value as Record<string, unknown>;
      if (typeof o.id === 'string' && (typeof o.displayName === 'string' || typeof o.shown === 'string')) {
        seen.push({ id: o.id, name: (o.displayName ?? o.shown) as string });
      }
      Object.values(o).forEach(walk);
    };
    walk(data);
    expect(seen.length).toBeGreaterThan(sample.nodes.length);
    for (const { id, name } of seen) expect(name, id).toBe(api.get(id));
    expect(data.search.edges.length).toBeGreaterThan(0);
    expect(data.neighbourhood.nodes.map((n: { id: string }) => n.id)).toContain('statement:display-long');
  });

  it('follows the text as it changes, and a mutation’s payload shows it', async () => {
    const data = await h.data(`mutation {
      updateStatement(input: { id: "statement:display-long", set: { text: "Kupyansk\\n\\n  taken." } }) { statement { displayName } }
    }`);
    expect(data.updateStatement.statement.displayName).toBe('Kupyansk taken.');
    const graphml = await exportString(h.db, model, 'graphml', { seeds: ['statement:display-long'], depth: 0 });
    expect(graphmlNodes(graphml).get('statement:display-long')?.label).toBe('Kupyansk taken.');
    api.set('statement:display-long', 'Kupyansk taken.');
  });
});

/** GraphML nodes by id: their `labels` and `label` data, read with an XML parser. */
function graphmlNodes(xml: string): Map<string, Record<string, string>> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false, isArray: (name) => ['node', 'edge', 'data', 'key'].includes(name) });
  const doc = parser.parse(xml);
  const out = new Map<string, Record<string, string>>();
  for (const node of doc.graphml.graph.node as Array<{ '@id': string; data: Array<{ '@key': string; '#text': string }> }>) {
    out.set(node['@id'], Object.fromEntries(node.data.map((d) => [d['@key'], String(d['#text'])])));
  }
  return out;
}

describe('the exports show the same name, their type kept apart', () => {
  it('GraphML: `label` is the display name and `labels` the type, for every node', async () => {
    const nodes = graphmlNodes(await exportString(h.db, model, 'graphml'));
    const bundle = JSON.parse(await exportString(h.db, model, 'json'));
    expect(nodes.size).toBe(api.size);
    for (const n of bundle.nodes) {
      expect(nodes.get(n.id)?.label, n.id).toBe(api.get(n.id));
      expect(nodes.get(n.id)?.labels, n.id).toBe(n.label);
    }
  });

  it('Cytoscape: `data.label` is the display name and `data.type` the type; edges are labelled by their type', async () => {
    const doc = JSON.parse(await exportString(h.db, model, 'cytoscape'));
    const bundle = JSON.parse(await exportString(h.db, model, 'json'));
    const types = new Map<string, string>(bundle.nodes.map((n: { id: string; label: string }) => [n.id, n.label]));
    expect(doc.elements.nodes).toHaveLength(api.size);
    for (const { data } of doc.elements.nodes) {
      expect(data.label, data.id).toBe(api.get(data.id));
      expect(data.type, data.id).toBe(types.get(data.id));
    }
    // the properties are still there beside them
    const kupyansk = doc.elements.nodes.find((n: { data: { id: string } }) => n.data.id === 'place:kupyansk').data;
    expect(kupyansk).toMatchObject({ label: 'Kupyansk', type: 'Place', name: 'Kupyansk', kind: 'CITY' });
    for (const { data } of doc.elements.edges) {
      expect(data.label).toBe(data.type);
      expect(model.edges.has(data.type)).toBe(true);
    }
  });
});
