import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, model, resetToSample, startTestServer, type Harness, type TestServer } from '../harness.js';
import { sample } from '../sample.js';
import { exportCsv, exportString, tempDir, wipe } from '../exchange.js';
import { expectedClosure, inducedEdges } from '../expectedClosure.js';
import { migrate } from '../../src/neo4j/migrations.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { BundleValidationError } from '../../src/bundle/bundleSchema.js';
import type { Selection } from '../../src/export/selection.js';
import type { Principal } from '../../src/auth/principal.js';
import { A, AMBER_EDITOR, CLEAR_READER, GREEN_READER, markingFixture, P, RED_ADMIN, resetToMarkingFixture, S, sees, SRC } from '../markingFixture.js';

/**
 * Self-contained exports: a selection's export carries its closure (the speakers, subjects and sources of its
 * statements, the sources' publishers, authors and geolocations, and the PART_OF ancestors), so the file
 * imported alone into an empty database answers the research questions about that selection as the full
 * graph does. Expectations come from the sample or fixture file and the rule as documented
 * (tests/expectedClosure.ts), never from the exporter.
 */

let h: Harness;
let server: TestServer;
let base: string;
beforeAll(async () => {
  h = await createHarness();
  server = await startTestServer(h, { role: 'reader', clearance: 'RED' });
  base = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

type Bundle = { nodes: Array<{ label: string; id: string }>; edges: Array<{ type: string; from: string; to: string; properties: Record<string, unknown> }> };
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (ids: Iterable<string>) => [...ids].sort(cmp);

/** The statements a `within` selection picks from the sample file, and every node they touch (the selection before its closure). */
function sampleWithin(root: string, from?: string, to?: string): Set<string> {
  const inside = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of sample.edges)
      if (e.type === 'PART_OF' && inside.has(e.to) && !inside.has(e.from)) {
        inside.add(e.from);
        grew = true;
      }
  }
  const statements = sample.nodes.filter(
    (n) =>
      n.label === 'Statement' &&
      (!to || n.properties.statedAt.start <= to) &&
      (!from || n.properties.statedAt.end >= from) &&
      sample.edges.some((e) => e.type === 'ABOUT' && e.from === n.id && inside.has(e.to)),
  );
  const ids = new Set(statements.map((s) => s.id));
  for (const e of sample.edges) {
    if (statements.some((s) => s.id === e.from)) ids.add(e.to);
    if (statements.some((s) => s.id === e.to)) ids.add(e.from);
  }
  return ids;
}

async function getExport(query: string): Promise<string> {
  const response = await fetch(`${base}/export?${query}`, { headers: server.headers });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /export?${query}: ${response.status} ${text}`);
  return text;
}

/** Empties the database (API keys stay), migrates it, and imports the file alone. */
async function importAlone(text: string, name = 'export.json') {
  const file = path.join(tempDir('claimgraph-closure-'), name);
  writeFileSync(file, text);
  await wipe(h.db);
  await migrate(h.db);
  return importRecords(h.db, model, await openImportSource(file, model));
}

const PROVENANCE = `query ($id: ID!) { provenance(id: $id) {
  statement { id text }
  speaker { id name side }
  reports { quote charStart charEnd source { id title publisher { id name } author { id name } geolocatedAt { edges { node { id name parent { id } } } } } chains { length sources { id } } }
  chains { length sources { id } }
  origins { publisher { id name } sources { id } }
  independentOrigins sourceCount truncated
} }`;

const TIMELINE = `query ($id: ID!, $from: Date, $to: Date, $after: String) { timeline(id: $id, from: $from, to: $to, first: 100, after: $after) {
  totalCount
  pageInfo { hasNextPage endCursor }
  edges { node { id text speaker { id name side } onBehalfOf { ... on Actor { id } ... on Unit { id } } } statedAt { start end precision raw } precision side links }
} }`;

/** The research answers about a selection: provenance of each of its statements, the timeline of each place within its root. */
async function researchAnswers(statements: string[], places: string[], window: { from?: string; to?: string }) {
  const provenance: Record<string, unknown> = {};
  for (const id of statements) provenance[id] = (await h.data(PROVENANCE, { id })).provenance;
  const timelines: Record<string, unknown> = {};
  for (const id of places) timelines[id] = (await h.data(TIMELINE, { id, ...window })).timeline;
  return { provenance, timelines };
}

/** A place and every place PART_OF it, from the sample file. */
function placesWithin(root: string): string[] {
  const inside = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of sample.edges)
      if (e.type === 'PART_OF' && inside.has(e.to) && !inside.has(e.from)) {
        inside.add(e.from);
        grew = true;
      }
  }
  return sorted(inside);
}

describe('an export of a selection is self-contained', () => {
  const cases: Array<{ name: string; query: string; root: string; window: { from?: string; to?: string } }> = [
    { name: 'every statement within Kharkiv province', query: 'within=place:kharkiv-province', root: 'place:kharkiv-province', window: {} },
    {
      name: 'the issue example: within Kharkiv province, Nov–Dec 2024',
      query: 'within=place:kharkiv-province&from=2024-11-01&to=2024-12-31',
      root: 'place:kharkiv-province',
      window: { from: '2024-11-01', to: '2024-12-31' },
    },
    { name: 'within Kupyansk, 10–14 Dec 2024', query: 'within=place:kupyansk&from=2024-12-10&to=2024-12-14', root: 'place:kupyansk', window: { from: '2024-12-10', to: '2024-12-14' } },
  ];

  for (const c of cases) {
    it(`${c.name}: the closure as the rule says; imported alone it answers provenance and timelines as the full graph`, async () => {
      await resetToSample(h.db);
      const core = sampleWithin(c.root, c.window.from, c.window.to);
      const expected = expectedClosure(sample, core);
      const bundle = JSON.parse(await getExport(`format=json&${c.query}`)) as Bundle;
      expect(sorted(bundle.nodes.map((n) => n.id))).toEqual(sorted(expected));
      expect(inducedEdges(bundle, new Set(expected))).toEqual(inducedEdges(sample, expected));
      expect(expected.size).toBeGreaterThan(core.size);

      // What the issue found missing is there: the root and its ancestors, every statement's speaker and
      // sources, every exported source's publisher and author.
      const exported = new Set(bundle.nodes.map((n) => n.id));
      for (const id of ['place:ukraine', c.root]) expect(exported, id).toContain(id);
      const statements = bundle.nodes.filter((n) => n.label === 'Statement').map((n) => n.id);
      for (const st of statements) {
        const speaker = sample.edges.find((e) => e.type === 'MADE_BY' && e.from === st)!.to;
        expect(exported, `speaker of ${st}`).toContain(speaker);
        for (const e of sample.edges.filter((e) => e.type === 'REPORTED_IN' && e.from === st)) expect(exported, `source of ${st}`).toContain(e.to);
      }
      for (const e of sample.edges.filter((e) => (e.type === 'PUBLISHED_BY' || e.type === 'AUTHORED_BY') && exported.has(e.from))) expect(exported).toContain(e.to);
      // …and no statement was added: only the selection's own statements.
      expect(sorted(statements)).toEqual(sorted([...core].filter((id) => id.startsWith('statement:'))));

      const places = placesWithin(c.root);
      const before = await researchAnswers(statements, places, c.window);
      try {
        const report = await importAlone(JSON.stringify(bundle));
        expect(report.nodesCreated).toBe(bundle.nodes.length);
        expect(report.edgesCreated).toBe(bundle.edges.length);
        const after = await researchAnswers(statements, places, c.window);
        expect(after).toEqual(before);
        expect(Object.values(before.timelines).some((t: any) => t.totalCount > 0)).toBe(true);
      } finally {
        await resetToSample(h.db);
      }
    });
  }

  it('without its closure (closure=none), a seed\'s neighbourhood cannot be imported alone: its statements lack speakers', async () => {
    await resetToSample(h.db);
    const text = await getExport('format=json&seed=place:kupyansk&depth=1&closure=none');
    const bundle = JSON.parse(text) as Bundle;
    const statements = bundle.nodes.filter((n) => n.label === 'Statement').map((n) => n.id);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.some((st) => !bundle.edges.some((e) => e.type === 'MADE_BY' && e.from === st))).toBe(true);
    try {
      const refused = await importAlone(text).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(BundleValidationError);
      expect(String((refused as Error).message)).toMatch(/speaker/);
      const left = await h.db.read('MATCH (n) WHERE NOT n:ApiKey RETURN count(n) AS n');
      expect(Number(left.records[0].get('n'))).toBe(0);
      // With its closure (the default), the same selection imports alone.
      await resetToSample(h.db);
      const closed = await getExport('format=json&seed=place:kupyansk&depth=1');
      const report = await importAlone(closed);
      expect(report.nodesCreated).toBe((JSON.parse(closed) as Bundle).nodes.length);
    } finally {
      await resetToSample(h.db);
    }
  });

  it('without its closure, a filter imports but answers provenance differently: the publishers are missing', async () => {
    await resetToSample(h.db);
    const text = await getExport('format=json&within=place:kharkiv-province&from=2024-11-01&to=2024-12-31&closure=none');
    const bundle = JSON.parse(text) as Bundle;
    expect(sorted(bundle.nodes.map((n) => n.id))).toEqual(sorted(sampleWithin('place:kharkiv-province', '2024-11-01', '2024-12-31')));
    const statements = bundle.nodes.filter((n) => n.label === 'Statement').map((n) => n.id);
    const before = await researchAnswers(statements, [], {});
    try {
      await importAlone(text);
      const after = await researchAnswers(statements, [], {});
      expect(after).not.toEqual(before);
    } finally {
      await resetToSample(h.db);
    }
  });

  it('one statement: its speaker, subjects, sources, their publishers and the places above, and no other statement', async () => {
    await resetToSample(h.db);
    const id = 'statement:wgf-full-control-2024-12-16';
    const expected = expectedClosure(sample, [id]);
    const bundle = JSON.parse(await getExport(`format=json&seed=${id}&depth=0`)) as Bundle;
    expect(sorted(bundle.nodes.map((n) => n.id))).toEqual(sorted(expected));
    expect(bundle.nodes.filter((n) => n.label === 'Statement').map((n) => n.id)).toEqual([id]);
    // The other statements of its sources stay out; the relay chain among its own sources comes along.
    const sources = sample.edges.filter((e) => e.type === 'REPORTED_IN' && e.from === id).map((e) => e.to);
    expect(sample.edges.some((e) => e.type === 'REPORTED_IN' && sources.includes(e.to) && e.from !== id)).toBe(true);
    expect(bundle.edges.filter((e) => e.type === 'CITES').length).toBe(sample.edges.filter((e) => e.type === 'CITES' && sources.includes(e.from) && sources.includes(e.to)).length);
    const before = (await h.data(PROVENANCE, { id })).provenance;
    try {
      await importAlone(JSON.stringify(bundle));
      expect((await h.data(PROVENANCE, { id })).provenance).toEqual(before);
    } finally {
      await resetToSample(h.db);
    }
  });

  it('a source alone brings its publisher, author and geolocation with the places above it', async () => {
    await resetToSample(h.db);
    const geolocated = sample.edges.find((e) => e.type === 'GEOLOCATED_AT')!.from;
    const bundle = JSON.parse(await getExport(`format=json&seed=${geolocated}&depth=0`)) as Bundle;
    const expected = expectedClosure(sample, [geolocated]);
    expect(sorted(bundle.nodes.map((n) => n.id))).toEqual(sorted(expected));
    expect(bundle.nodes.some((n) => n.id === 'place:ukraine')).toBe(true);
    expect(bundle.nodes.filter((n) => n.label === 'Statement')).toEqual([]);
  });
});

describe('every format carries the closure', () => {
  const selection: Selection = { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' };

  it('JSON, NDJSON, CSV, GraphML, GEXF, Cypher and Cytoscape hold the same nodes and edges: the selection with its closure', async () => {
    await resetToSample(h.db);
    const expected = sorted(expectedClosure(sample, sampleWithin('place:kharkiv-province', '2024-11-01', '2024-12-31')));
    const edgeCount = inducedEdges(sample, new Set(expected)).length;
    const nodesOf: Record<string, string[]> = {};
    const edgesOf: Record<string, number> = {};

    const json = JSON.parse(await exportString(h.db, model, 'json', selection)) as Bundle;
    nodesOf.json = json.nodes.map((n) => n.id);
    edgesOf.json = json.edges.length;

    const ndjson = (await exportString(h.db, model, 'ndjson', selection)).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    nodesOf.ndjson = ndjson.filter((r) => r.kind === 'node').map((r) => r.id);
    edgesOf.ndjson = ndjson.filter((r) => r.kind === 'edge').length;

    const graphml = await exportString(h.db, model, 'graphml', selection);
    nodesOf.graphml = [...graphml.matchAll(/<node id="([^"]+)"/g)].map((m) => m[1]);
    edgesOf.graphml = (graphml.match(/<edge id=/g) ?? []).length;

    const gexf = await exportString(h.db, model, 'gexf', selection);
    nodesOf.gexf = [...gexf.matchAll(/<node id="([^"]+)"/g)].map((m) => m[1]);
    edgesOf.gexf = (gexf.match(/<edge id=/g) ?? []).length;

    const cypher = await exportString(h.db, model, 'cypher', selection);
    nodesOf.cypher = [...cypher.matchAll(/^MERGE \(n:`\w+` \{id: '([^']+)'\}\)/gm)].map((m) => m[1]);
    edgesOf.cypher = (cypher.match(/^MATCH \(a:/gm) ?? []).length;

    const cytoscape = JSON.parse(await exportString(h.db, model, 'cytoscape', selection));
    nodesOf.cytoscape = cytoscape.elements.nodes.map((n: any) => n.data.id);
    edgesOf.cytoscape = cytoscape.elements.edges.length;

    const { files } = await exportCsv(h.db, model, selection);
    const rows = (text: string) => text.split('\n').slice(1).filter(Boolean);
    nodesOf.csv = Object.entries(files)
      .filter(([name]) => name.startsWith('nodes_'))
      .flatMap(([, text]) => rows(text).map((line) => line.slice(0, line.indexOf(','))));
    edgesOf.csv = Object.entries(files)
      .filter(([name]) => name.startsWith('relationships_'))
      .reduce((n, [, text]) => n + rows(text).length, 0);

    for (const [format, ids] of Object.entries(nodesOf)) expect(sorted(ids), format).toEqual(expected);
    for (const [format, n] of Object.entries(edgesOf)) expect(n, format).toBe(edgeCount);
    expect(Object.keys(nodesOf)).toHaveLength(7);
  });

  it('the CSV files, imported alone as a directory, answer the provenance of every statement', async () => {
    await resetToSample(h.db);
    const { dir } = await exportCsv(h.db, model, selection);
    expect(readdirSync(dir).some((f) => f === 'nodes_Actor.csv')).toBe(true);
    const statements = readFileSync(path.join(dir, 'nodes_Statement.csv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('statement:'))
      .map((l) => l.slice(0, l.indexOf(',')));
    expect(statements.length).toBeGreaterThan(3);
    const before = await researchAnswers(statements, [], {});
    try {
      await wipe(h.db);
      await migrate(h.db);
      await importRecords(h.db, model, await openImportSource(dir, model));
      expect(await researchAnswers(statements, [], {})).toEqual(before);
    } finally {
      await resetToSample(h.db);
    }
  });
});

describe('the opt-out and the labels', () => {
  beforeAll(() => resetToSample(h.db));

  it('closure none over GET, POST and GraphQL gives exactly the selection; context, the default, the closure', async () => {
    const id = 'statement:wgf-full-control-2024-12-16';
    const ids = (text: string) => sorted((JSON.parse(text) as Bundle).nodes.map((n) => n.id));
    const closed = sorted(expectedClosure(sample, [id]));
    expect(ids(await getExport(`format=json&seed=${id}&depth=0&closure=none`))).toEqual([id]);
    expect(ids(await getExport(`format=json&seed=${id}&depth=0&closure=context`))).toEqual(closed);
    expect(ids(await getExport(`format=json&selection=${encodeURIComponent(JSON.stringify({ seeds: [id], depth: 0, closure: 'none' }))}`))).toEqual([id]);
    const post = await fetch(`${base}/export`, {
      method: 'POST',
      headers: { ...server.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'json', selection: { seeds: [id], depth: 0, closure: 'none' } }),
    });
    expect(post.status).toBe(200);
    expect(ids(await post.text())).toEqual([id]);

    const QUERY = `query ($selection: SubgraphSelection) { exportSubgraph(selection: $selection, format: JSON) { nodeCount text } }`;
    const none = (await h.data(QUERY, { selection: { seeds: [id], depth: 0, closure: 'NONE' } })).exportSubgraph;
    expect(none.nodeCount).toBe(1);
    expect(ids(none.text)).toEqual([id]);
    const byDefault = (await h.data(QUERY, { selection: { seeds: [id], depth: 0 } })).exportSubgraph;
    expect(byDefault.nodeCount).toBe(closed.length);
    expect(ids(byDefault.text)).toEqual(closed);
  });

  it('a closure that is neither context nor none is 400 BAD_USER_INPUT naming it', async () => {
    const res = await fetch(`${base}/export?format=json&seed=place:kupyansk&closure=all`, { headers: server.headers });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'closure' });
    expect(body.errors[0].message).toMatch(/context, none/);
    const gql = await h.run(`{ exportSubgraph(selection: {seeds: ["place:kupyansk"], closure: ALL}) { text } }`);
    expect(gql.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(gql.errors?.[0].message).toMatch(/ExportClosure/);
  });

  it('labels narrow the export after the closure: only nodes with those labels, of the selection and its closure', async () => {
    const id = 'statement:wgf-full-control-2024-12-16';
    const bundle = JSON.parse(await getExport(`format=json&seed=${id}&depth=0&label=Place,Actor`)) as Bundle;
    const byLabel = new Map(sample.nodes.map((n) => [n.id, n.label]));
    const expected = sorted([...expectedClosure(sample, [id])].filter((n) => byLabel.get(n) === 'Place' || byLabel.get(n) === 'Actor'));
    expect(expected.length).toBeGreaterThan(2);
    expect(sorted(bundle.nodes.map((n) => n.id))).toEqual(expected);
    expect(inducedEdges(bundle, new Set(expected))).toEqual(inducedEdges(sample, new Set(expected)));
  });
});

describe('markings: the closure never reaches what the principal may not see', () => {
  beforeAll(() => resetToMarkingFixture(h.db));
  afterAll(() => resetToSample(h.db));

  const principals: Principal[] = [CLEAR_READER, GREEN_READER, AMBER_EDITOR, RED_ADMIN];
  const fixtureIds = new Set(markingFixture.nodes.map((n) => n.id));

  /** The fixture's statements about Northtown or a place within it that `clearance` sees, and every visible node they touch. */
  function fixtureWithin(seen: (id: string) => boolean): Set<string> {
    const statements = Object.values(S).filter(seen);
    const ids = new Set<string>(statements);
    for (const e of markingFixture.edges) {
      if (statements.includes(e.from as never) && seen(e.to)) ids.add(e.to);
      if (statements.includes(e.to as never) && seen(e.from)) ids.add(e.from);
    }
    return ids;
  }

  for (const principal of principals) {
    const c = principal.clearance;
    const seen = (id: string) => sees(c, id);

    it(`${principal.name} (${c}): a statement's closure holds only the sources and publishers it may see`, async () => {
      for (const seed of [S.clearClaim, S.clearQuote]) {
        const bundle = JSON.parse(await exportString(h.db, model, 'json', { seeds: [seed], depth: 0 }, principal)) as Bundle;
        const expected = expectedClosure(markingFixture, [seed], seen);
        expect(sorted(bundle.nodes.map((n) => n.id)), seed).toEqual(sorted(expected));
        for (const n of bundle.nodes) expect(seen(n.id), n.id).toBe(true);
        for (const e of bundle.edges) expect(seen(e.from) && seen(e.to), `${e.type} ${e.from} ${e.to}`).toBe(true);
      }
      // The wire publishes only the RED relay, the partner only the AMBER report: through them alone.
      const claim = JSON.parse(await exportString(h.db, model, 'json', { seeds: [S.clearClaim], depth: 0 }, principal)) as Bundle;
      expect(claim.nodes.some((n) => n.id === A.wire)).toBe(seen(SRC.redRelay));
      const quote = JSON.parse(await exportString(h.db, model, 'json', { seeds: [S.clearQuote], depth: 0 }, principal)) as Bundle;
      expect(quote.nodes.some((n) => n.id === A.partner)).toBe(seen(SRC.amberPartner));
    });

    it(`${principal.name} (${c}): a place filter and a seed's neighbourhood, with their closure, hold nothing hidden`, async () => {
      const within = JSON.parse(await exportString(h.db, model, 'ndjson', { within: P.northtown }, principal).then((t) => `[${t.trim().split('\n').join(',')}]`)) as any[];
      const nodes = within.filter((r) => r.kind === 'node').map((r) => r.id as string);
      expect(sorted(nodes)).toEqual(sorted(expectedClosure(markingFixture, fixtureWithin(seen), seen)));
      for (const id of nodes) expect(fixtureIds.has(id) && seen(id), id).toBe(true);

      const around = JSON.parse(await exportString(h.db, model, 'json', { seeds: [A.bravo], depth: 1 }, principal)) as Bundle;
      const core = new Set([A.bravo, ...markingFixture.edges.filter((e) => e.to === A.bravo && seen(e.from)).map((e) => e.from)]);
      expect(sorted(around.nodes.map((n) => n.id))).toEqual(sorted(expectedClosure(markingFixture, core, seen)));
      for (const n of around.nodes) expect(seen(n.id), n.id).toBe(true);
    });
  }

  it('over HTTP, a CLEAR key exports a statement with its visible context and nothing marked above CLEAR', async () => {
    const clear = await startTestServer(h, { role: 'reader', clearance: 'CLEAR' });
    try {
      const res = await fetch(`${clear.url.replace(/\/graphql$/, '')}/export?format=json&seed=${S.clearClaim}&depth=0`, { headers: clear.headers });
      expect(res.status).toBe(200);
      const bundle = (await res.json()) as Bundle;
      const ids = sorted(bundle.nodes.map((n) => n.id));
      expect(ids).toEqual(sorted(expectedClosure(markingFixture, [S.clearClaim], (id) => sees('CLEAR', id))));
      expect(ids).toContain(A.daily);
      expect(ids).toContain(A.ministry);
      expect(ids).not.toContain(SRC.redRelay);
      expect(ids).not.toContain(A.wire);
    } finally {
      await clear.stop();
    }
  });
});
