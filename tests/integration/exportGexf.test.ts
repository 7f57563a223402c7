import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { importBundle } from '../../src/bundle/importBundle.js';
import type { Selection } from '../../src/export/selection.js';
import { createHarness, model, startTestServer, type Harness, type TestServer } from '../harness.js';
import { exportString, tempDir } from '../exchange.js';

/**
 * GEXF 1.3 for Gephi, read back with a real XML parser: one <node> per exported node with its display
 * name as `label` and every property as a typed attribute (its type among them), one <edge> per
 * exported relationship with its type, and the same nodes and edges as the JSON, GraphML and Cytoscape
 * exports of the same selection. Offered wherever the other formats are: GET|POST /export, the
 * exportSubgraph field, and `claimgraph export` (by --format or an .gexf file name).
 */

type Attvalue = { '@for': string; '@value': string };
interface GexfNode {
  '@id': string;
  '@label': string;
  attvalues?: { attvalue: Attvalue[] };
}
interface GexfEdge {
  '@id': string;
  '@source': string;
  '@target': string;
  '@label': string;
  '@kind': string;
  attvalues?: { attvalue: Attvalue[] };
}
interface Declared {
  '@id': string;
  '@title': string;
  '@type': string;
}

const ARRAYS = new Set(['node', 'edge', 'attvalue', 'attribute', 'attributes', 'data', 'key']);
// Values are never trimmed or converted, and character references (&#10;) are decoded, as Gephi's parser does.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

/** Attribute values as written: a conforming parser turns a literal tab or line break in one into a space. */
const ATTRIBUTE_VALUES = /\s[a-z]+="([^"]*)"/g;

function parseGexf(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  for (const [, value] of xml.matchAll(ATTRIBUTE_VALUES)) expect(value).not.toMatch(/[\t\n\r]/);
  const doc = parser.parse(xml);
  const graph = doc.gexf.graph;
  const declared = (cls: string) =>
    new Map<string, Declared>(((graph.attributes as Array<{ '@class': string; attribute?: Declared[] }>).find((a) => a['@class'] === cls)?.attribute ?? []).map((a) => [a['@id'], a]));
  const nodeAttrs = declared('node');
  const edgeAttrs = declared('edge');
  /** Attribute values by title, checking each `for` is declared. */
  const valuesOf = (element: { attvalues?: { attvalue: Attvalue[] } }, attrs: Map<string, Declared>) =>
    Object.fromEntries(
      (element.attvalues?.attvalue ?? []).map((v) => {
        const attr = attrs.get(v['@for']);
        expect(attr, `attvalue for ${v['@for']}`).toBeDefined();
        return [attr!['@title'], v['@value']];
      }),
    );
  const nodes: GexfNode[] = graph.nodes?.node ?? [];
  const edges: GexfEdge[] = graph.edges?.edge ?? [];
  return { doc, graph, nodeAttrs, edgeAttrs, nodes, edges, nodeValues: (n: GexfNode) => valuesOf(n, nodeAttrs), edgeValues: (e: GexfEdge) => valuesOf(e, edgeAttrs) };
}

/** A bundle-form property as GEXF flattens it: title → the string an attvalue holds. */
function flattened(props: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    if (Array.isArray(value)) out[name] = JSON.stringify(value);
    else if (value && typeof value === 'object' && 'precision' in value) {
      for (const part of ['start', 'end', 'precision', 'raw', 'relativeTo']) if (value[part] !== undefined) out[`${name}${part[0].toUpperCase()}${part.slice(1)}`] = String(value[part]);
    } else if (value && typeof value === 'object' && 'latitude' in value) {
      out[`${name}Latitude`] = String(value.latitude);
      out[`${name}Longitude`] = String(value.longitude);
    } else out[name] = String(value);
  }
  return out;
}

let h: Harness;
let server: TestServer;
let base: string;

const AWKWARD = {
  format: 'claimgraph-bundle',
  version: 1,
  nodes: [
    {
      label: 'Actor',
      id: 'actor:gexf-awkward',
      properties: { kind: 'PERSON', name: 'Anna "Kupa" <K&K>', aliases: ['a|b', 'c, d', '"quoted"'], description: 'line one\nline\ttwo\r\nend  with  spaces ' },
    },
  ],
  edges: [],
};

beforeAll(async () => {
  h = await createHarness();
  await importBundle(h.db, model, AWKWARD);
  server = await startTestServer(h, { role: 'reader', clearance: 'RED' });
  base = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

const SELECTIONS: Array<[string, Selection]> = [
  ['the whole graph', {}],
  ['seeds and a depth', { seeds: ['place:kupyansk'], depth: 1 }],
  ['a place and dates', { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' }],
  ['labels only', { labels: ['Place', 'Unit'] }],
  ['nothing at all', { seeds: ['actor:gexf-awkward'], depth: 0, labels: ['Place'] }],
];

describe('GEXF export', () => {
  it('declares GEXF 1.3 in its namespace, a directed static graph with string ids', async () => {
    const { doc, graph } = parseGexf(await exportString(h.db, model, 'gexf'));
    expect(doc.gexf['@version']).toBe('1.3');
    expect(doc.gexf['@xmlns']).toBe('http://gexf.net/1.3');
    expect(graph['@defaultedgetype']).toBe('directed');
    expect(graph['@mode']).toBe('static');
    expect(graph['@idtype']).toBe('string');
    expect(doc.gexf.meta.creator).toBe('claimgraph');
  });

  for (const [what, selection] of SELECTIONS) {
    it(`${what}: the nodes and edges of the JSON, GraphML and Cytoscape exports, no more, no fewer`, async () => {
      const gexf = parseGexf(await exportString(h.db, model, 'gexf', selection));
      const json = JSON.parse(await exportString(h.db, model, 'json', selection));
      const cytoscape = JSON.parse(await exportString(h.db, model, 'cytoscape', selection));
      const graphml = parser.parse(await exportString(h.db, model, 'graphml', selection)).graphml.graph;

      expect(gexf.nodes).toHaveLength(json.nodes.length);
      expect(gexf.edges).toHaveLength(json.edges.length);
      expect(gexf.nodes).toHaveLength(cytoscape.elements.nodes.length);
      expect(gexf.edges).toHaveLength(cytoscape.elements.edges.length);
      expect(gexf.nodes).toHaveLength(graphml.node?.length ?? 0);
      expect(gexf.edges).toHaveLength(graphml.edge?.length ?? 0);
      expect(gexf.nodes.map((n) => n['@id'])).toEqual(json.nodes.map((n: { id: string }) => n.id));
      expect(gexf.edges.map((e) => e['@id'])).toEqual(graphml.edge?.map((e: { '@id': string }) => e['@id']) ?? []);
      expect(gexf.edges.map((e) => e['@id'])).toEqual(cytoscape.elements.edges.map((e: { data: { id: string } }) => e.data.id));
      expect(new Set(gexf.edges.map((e) => e['@id'])).size).toBe(gexf.edges.length);

      // the same display name as Cytoscape (and so GraphML and the API: see displayName.test.ts)
      const labels = new Map(cytoscape.elements.nodes.map((n: { data: { id: string; label: string } }) => [n.data.id, n.data.label]));
      for (const n of gexf.nodes) expect(n['@label'], n['@id']).toBe(labels.get(n['@id']));
    });
  }

  it('gives each node its type and every property as a typed attribute, each edge its type, kind and properties', async () => {
    const gexf = parseGexf(await exportString(h.db, model, 'gexf'));
    const json = JSON.parse(await exportString(h.db, model, 'json'));
    const nodesById = new Map(gexf.nodes.map((n) => [n['@id'], n]));
    for (const node of json.nodes) {
      const values = gexf.nodeValues(nodesById.get(node.id)!);
      expect(values, node.id).toEqual({ type: node.label, ...flattened(node.properties) });
    }
    expect(gexf.edges.length).toBeGreaterThan(100);
    gexf.edges.forEach((edge, i) => {
      const original = json.edges[i];
      expect([edge['@source'], edge['@target'], edge['@label']]).toEqual([original.from, original.to, original.type]);
      expect(gexf.edgeValues(edge), edge['@id']).toEqual({ type: original.type, ...flattened(original.properties) });
    });

    // typed as Gephi should read them
    const types = new Map([...gexf.nodeAttrs.values()].map((a) => [a['@title'], a['@type']]));
    expect(types.get('type')).toBe('string');
    expect(types.get('locationLatitude')).toBe('double');
    expect(types.get('locationPrecisionM')).toBe('long');
    expect(types.get('credibility')).toBe('long');
    expect(types.get('statedAtStart')).toBe('string');
    expect([...gexf.edgeAttrs.values()].find((a) => a['@title'] === 'charStart')?.['@type']).toBe('long');
    // titles unique within each class
    for (const attrs of [gexf.nodeAttrs, gexf.edgeAttrs]) expect(new Set([...attrs.values()].map((a) => a['@title'])).size).toBe(attrs.size);
  });

  it('keeps parallel edges apart in Gephi: the same two nodes never share an edge kind', async () => {
    const gexf = parseGexf(await exportString(h.db, model, 'gexf'));
    const seen = new Map<string, string>();
    for (const e of gexf.edges) {
      const key = `${e['@source']} ${e['@target']} ${e['@kind']}`;
      expect(seen.has(key), `${seen.get(key)} and ${e['@id']}`).toBe(false);
      seen.set(key, e['@id']);
    }
    // the sample's statement about Kupyansk both as OBJECT and as LOCATION: two edges, two kinds
    const kupyansk = gexf.edges.filter((e) => e['@source'] === 'statement:wgf-full-control-2024-12-16' && e['@target'] === 'place:kupyansk');
    expect(kupyansk.map((e) => e['@kind']).sort()).toEqual(['ABOUT:LOCATION', 'ABOUT:OBJECT']);
    expect(kupyansk.map((e) => e['@label'])).toEqual(['ABOUT', 'ABOUT']);
    expect(gexf.edges.find((e) => e['@id'].startsWith('MADE_BY|'))?.['@kind']).toBe('MADE_BY');
  });

  it('keeps markup, quotes, tabs, line breaks and spaces in values exactly (an attribute value would fold them)', async () => {
    const gexf = parseGexf(await exportString(h.db, model, 'gexf', { seeds: ['actor:gexf-awkward'], depth: 0 }));
    expect(gexf.nodes).toHaveLength(1);
    const [node] = gexf.nodes;
    expect(node['@label']).toBe('Anna "Kupa" <K&K>');
    const values = gexf.nodeValues(node);
    expect(values.description).toBe('line one\nline\ttwo\r\nend  with  spaces ');
    expect(JSON.parse(values.aliases)).toEqual(['a|b', 'c, d', '"quoted"']);
  });
});

describe('GEXF wherever the other formats are offered', () => {
  const selection = { seeds: ['place:kupyansk'], depth: 1 };

  it('GET and POST /export?format=gexf: typed, an attachment named .gexf, the library’s bytes', async () => {
    const expected = await exportString(h.db, model, 'gexf', selection);
    const got = await fetch(`${base}/export?format=gexf&seed=place:kupyansk&depth=1`, { headers: server.headers });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/gexf+xml; charset=utf-8');
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="claimgraph-export.gexf"');
    expect(await got.text()).toBe(expected);
    const posted = await fetch(`${base}/export`, { method: 'POST', headers: { ...server.headers, 'content-type': 'application/json' }, body: JSON.stringify({ format: 'GEXF', selection }) });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe(expected);
  });

  it('the exportSubgraph field, format GEXF', async () => {
    const data = await h.data(
      `query ($selection: SubgraphSelection) { exportSubgraph(selection: $selection, format: GEXF) { format contentType nodeCount edgeCount text } }`,
      { selection },
    );
    const json = JSON.parse(await exportString(h.db, model, 'json', selection));
    expect(data.exportSubgraph).toEqual({
      format: 'GEXF',
      contentType: 'application/gexf+xml; charset=utf-8',
      nodeCount: json.nodes.length,
      edgeCount: json.edges.length,
      text: await exportString(h.db, model, 'gexf', selection),
    });
  });

  it('an unknown format names the formats, gexf among them', async () => {
    const res = await fetch(`${base}/export?format=gexf2`, { headers: server.headers });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'format' });
    expect(body.errors[0].message).toContain('gexf');
  });

  it('`claimgraph export`: --format gexf to stdout, and a .gexf file name chooses it', async () => {
    const target = inject('neo4j');
    const env = { ...process.env, NEO4J_URI: target.uri, NEO4J_USER: target.user, NEO4J_PASSWORD: target.password, NEO4J_DATABASE: target.database, LOG_LEVEL: 'warn' };
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/export.ts', ...args], { cwd: path.resolve(import.meta.dirname, '../..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    const expected = await exportString(h.db, model, 'gexf', selection);
    const toStdout = await run(['--format', 'gexf', '--seed', 'place:kupyansk', '--depth', '1', '--quiet']);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdout).toBe(expected);
    const file = path.join(tempDir('claimgraph-gexf-'), 'kupyansk.gexf');
    const toFile = await run(['--out', file, '--seed', 'place:kupyansk', '--depth', '1', '--quiet']);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(expected);
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/--format F +json \| ndjson \| graphml \| gexf \| csv/);
  }, 180_000);
});
