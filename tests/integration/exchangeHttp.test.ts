import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import express from 'express';
import { mountExchangeRoutes } from '../../src/http/exchangeRoutes.js';
import { authenticationMiddleware } from '../../src/auth/authenticationMiddleware.js';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { createHarness, model, resetToSample, silentLog, startTestServer, testConfig, type Harness, type TestServer } from '../harness.js';
import { exportCsv, exportString, graphCounts, tempDir, wipe } from '../exchange.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { changesAbout, countChanges } from '../changeLogEntries.js';

/**
 * POST /import and GET|POST /export over real HTTP: every format streamed chunked with its content type,
 * the same bytes as the library writes, imports by content type with errors that say where, and the
 * GraphQL field that returns small subgraphs inline.
 */

let h: Harness;
let server: TestServer;
let base: string;
beforeAll(async () => {
  h = await createHarness();
  // Exports are made anonymously (a reader), imports with the editor key the server was started for.
  server = await startTestServer(h, { role: 'editor' });
  base = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.stop();
  await h.close();
});

/** A raw GET, to see the transfer encoding fetch hides. */
function rawGet(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The files of a ZIP archive, read back by yauzl (which checks every CRC and size, and reads ZIP64). */
async function unzip(zip: Buffer): Promise<Record<string, string>> {
  const archive = await yauzl.fromBufferPromise(zip);
  const files: Record<string, string> = {};
  for await (const entry of archive.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await archive.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files[entry.fileName] = Buffer.concat(chunks).toString('utf8');
  }
  return files;
}

const TYPES: Record<string, RegExp> = {
  json: /^application\/json/,
  ndjson: /^application\/x-ndjson/,
  graphml: /^application\/graphml\+xml/,
  gexf: /^application\/gexf\+xml/,
  cypher: /^text\/plain/,
  cytoscape: /^application\/json/,
};

describe('GET /export', () => {
  beforeAll(() => resetToSample(h.db));

  for (const format of Object.keys(TYPES) as Array<'json' | 'ndjson' | 'graphml' | 'gexf' | 'cypher' | 'cytoscape'>) {
    it(`${format}: chunked, typed, an attachment, the library's bytes`, async () => {
      const res = await rawGet(`${base}/export?format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers['content-type']).toMatch(TYPES[format]);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="claimgraph-export\.[a-z.]+"$/);
      expect(res.body.toString('utf8')).toBe(await exportString(h.db, model, format));
    });
  }

  it('csv: a ZIP of the neo4j-admin files, each as the CLI writes it', async () => {
    const res = await rawGet(`${base}/export?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const files = await unzip(res.body);
    expect(files).toEqual((await exportCsv(h.db, model)).files);
  });

  it('csv: the ZIP round-trips: its files, imported into an empty database, give back the same graph', async () => {
    const before = await exportString(h.db, model, 'json');
    const counts = await graphCounts(h.db);
    const res = await rawGet(`${base}/export?format=csv`);
    expect(res.status).toBe(200);
    const dir = path.join(tempDir('claimgraph-zip-'), 'csv');
    mkdirSync(dir);
    for (const [name, text] of Object.entries(await unzip(res.body))) writeFileSync(path.join(dir, name), text);
    try {
      await wipe(h.db);
      const report = await importRecords(h.db, model, await openImportSource(dir, model));
      expect(report.nodesCreated).toBeGreaterThan(50);
      expect(await exportString(h.db, model, 'json')).toBe(before);
    } finally {
      await resetToSample(h.db);
    }
    expect(await graphCounts(h.db)).toEqual(counts);
  });

  it('csv with part=: one file', async () => {
    const res = await rawGet(`${base}/export?format=csv&part=nodes_Place.csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body.toString('utf8')).toBe((await exportCsv(h.db, model)).files['nodes_Place.csv']);
  });

  it('a selection from query parameters (seeds, depth, label) and from a POST body give the library export', async () => {
    const selection = { seeds: ['place:kupyansk'], depth: 1, labels: ['Place', 'Statement'] as Array<'Place' | 'Statement'> };
    const expected = await exportString(h.db, model, 'ndjson', selection);
    const got = await fetch(`${base}/export?format=ndjson&seed=place:kupyansk&depth=1&label=place,statement`);
    expect(await got.text()).toBe(expected);
    const posted = await fetch(`${base}/export`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format: 'ndjson', selection }) });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toBe(expected);
    expect(expected.split('\n').length).toBeGreaterThan(3);
  });

  it('the filter selection of the issue: Kharkiv province, Nov–Dec 2024', async () => {
    const selection = { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' };
    const expected = await exportString(h.db, model, 'json', selection);
    const res = await fetch(`${base}/export?within=place:kharkiv-province&from=2024-11-01&to=2024-12-31`);
    expect(await res.text()).toBe(expected);
    expect(JSON.parse(expected).nodes.length).toBeGreaterThan(5);
  });

  it('bad selections and formats are 400 BAD_USER_INPUT naming the argument; unknown seeds 404', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['format=xml', 400, 'BAD_USER_INPUT', 'format'],
      ['seed=place:kupyansk&depth=11', 400, 'BAD_USER_INPUT', 'depth'],
      ['depth=2', 400, 'BAD_USER_INPUT', 'depth'],
      ['from=2024-02-30', 400, 'BAD_USER_INPUT', 'from'],
      ['colour=red', 400, 'BAD_USER_INPUT', 'colour'],
      ['format=csv&part=nodes_Weapon.csv', 400, 'BAD_USER_INPUT', 'part'],
      ['seed=place:atlantis', 404, 'NOT_FOUND', 'seeds.0'],
    ];
    for (const [query, status, code, argument] of cases) {
      const res = await fetch(`${base}/export?${query}`);
      expect(res.status, query).toBe(status);
      expect(res.headers.get('content-disposition'), query).toBeNull();
      const body: any = await res.json();
      expect(body.errors[0].extensions, query).toMatchObject({ code, argument });
    }
  });

  it('a client that hangs up mid-export does not break the server', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/export?format=ndjson`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (String(e).includes('socket hang up') ? resolve() : reject(e)));
    });
    const again = await fetch(`${base}/export?format=json&seed=place:kupyansk&depth=0`);
    expect(again.status).toBe(200);
    // The place with its closure: the places above it.
    expect(JSON.parse(await again.text()).nodes.map((n: any) => n.id)).toEqual(['place:kharkiv-province', 'place:kupyansk', 'place:ukraine']);
  });
});

describe('POST /import', () => {
  beforeEach(() => resetToSample(h.db));

  const post = (body: string | Buffer, type: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${base}/import${query}`, { method: 'POST', headers: { ...server.headers, 'content-type': type, ...headers }, body });

  for (const [format, type] of [
    ['json', 'application/json'],
    ['ndjson', 'application/x-ndjson'],
  ] as const) {
    it(`${format} (${type}) into an empty database: the same export after`, async () => {
      const first = await exportString(h.db, model, format);
      await wipe(h.db);
      const res = await post(first, type, '?batchSize=25');
      expect(res.status).toBe(200);
      const report: any = await res.json();
      expect(report.nodesCreated).toBe(JSON.parse(await exportString(h.db, model, 'json')).nodes.length);
      expect(report.batches).toBeGreaterThan(1);
      expect(await exportString(h.db, model, format)).toBe(first);
    });
  }

  const csvOrder = (files: Record<string, string>) => Object.keys(files).sort((a, b) => Number(a.startsWith('rel')) - Number(b.startsWith('rel')) || (a < b ? -1 : 1));

  it('csv (text/csv), one file per request: nodes files, then relationships files, onto stored statements', async () => {
    const { files } = await exportCsv(h.db, model);
    const first = await exportString(h.db, model, 'json');
    // Everything but the statements and their relationships goes into an empty database file by file...
    const statementFiles = new Set(['nodes_Statement.csv', ...['MADE_BY', 'ON_BEHALF_OF', 'ABOUT', 'REPORTED_IN', 'CONTRADICTS', 'SUPPORTS', 'DISPUTES'].map((t) => `relationships_${t}.csv`)]);
    await wipe(h.db);
    for (const name of csvOrder(files).filter((n) => !statementFiles.has(n))) expect((await post(files[name], 'text/csv')).status, name).toBe(200);
    // ...the statements come with their speakers and sources (a file of new statements alone is refused, below)...
    const stored = JSON.parse(await exportString(h.db, model, 'json'));
    expect(stored.nodes.some((n: { label: string }) => n.label === 'Statement')).toBe(false);
    const whole = JSON.parse(first);
    const withEdges = { ...whole, nodes: whole.nodes.filter((n: { label: string }) => n.label === 'Statement'), edges: whole.edges.filter((e: { type: string }) => e.type === 'MADE_BY' || e.type === 'REPORTED_IN') };
    expect((await post(JSON.stringify(withEdges), 'application/json')).status).toBe(200);
    // ...then every CSV file again, one per request, onto what is stored: the same graph as before.
    for (const name of csvOrder(files)) expect((await post(files[name], 'text/csv')).status, name).toBe(200);
    expect(await exportString(h.db, model, 'json')).toBe(first);
  });

  it('csv: a file of new statements alone is refused (a statement comes with its speaker and source), naming each', async () => {
    const { files } = await exportCsv(h.db, model);
    await wipe(h.db);
    for (const name of csvOrder(files).filter((n) => n.startsWith('nodes_') && n !== 'nodes_Statement.csv')) expect((await post(files[name], 'text/csv')).status, name).toBe(200);
    const before = await graphCounts(h.db);
    for (const query of ['', '?dryRun=true']) {
      const res = await post(files['nodes_Statement.csv'], 'text/csv', query);
      expect(res.status).toBe(400);
      const { errors } = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      const statementRows = files['nodes_Statement.csv'].split('\n').filter((l) => l.startsWith('statement:')).length;
      expect(errors.filter((e) => /has no speaker \(MADE_BY\)/.test(e.message))).toHaveLength(statementRows);
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', file: 'body.csv', line: 2, path: 'id:ID' });
    }
    expect(await graphCounts(h.db)).toEqual(before);
  });

  it('re-importing the same bundle changes nothing and logs nothing', async () => {
    const bundle = await exportString(h.db, model, 'json');
    const changes = () => countChanges(h.db);
    const before = { counts: await graphCounts(h.db), changes: await changes() };
    const res = await post(bundle, 'application/json');
    expect(await res.json()).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });
    expect({ counts: await graphCounts(h.db), changes: await changes() }).toEqual(before);
  });

  it('a changed node is logged as an UPDATE by the importing key, via import; X-Claimgraph-User changes nothing', async () => {
    const bundle = JSON.parse(await exportString(h.db, model, 'json', { seeds: ['place:kupyansk'], depth: 0, closure: 'none' }));
    expect(bundle.nodes.map((n: { id: string }) => n.id)).toEqual(['place:kupyansk']);
    bundle.nodes[0].properties.description = 'Edited by a bulk import.';
    const res = await post(JSON.stringify(bundle), 'application/json', '', { 'x-claimgraph-user': 'data-team' });
    expect(await res.json()).toMatchObject({ nodesUpdated: 1 });
    const entry = (await changesAbout(h.db, 'place:kupyansk')).filter((c) => c.entityId === 'place:kupyansk' && !c.edgeType).at(-1)!;
    expect(entry).toMatchObject({ op: 'UPDATE', who: server.principal, via: 'import' });
    expect(JSON.parse(entry.changes)).toContainEqual(expect.objectContaining({ property: 'description', after: 'Edited by a bulk import.' }));
  });

  it('a bad bundle is 400 with every problem located, and nothing is written', async () => {
    const bundle = await exportString(h.db, model, 'ndjson');
    const lines = bundle.split('\n');
    lines[3] = lines[3].replace('"properties":{', '"properties":{"colour":"red",');
    const before = await graphCounts(h.db);
    const res = await post(lines.join('\n'), 'application/x-ndjson');
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', file: 'body', line: 4, path: 'properties' } });
    expect(body.errors[0].message).toMatch(/^body:4: properties: .*colour/);
    expect(await graphCounts(h.db)).toEqual(before);
  });

  it('truncated JSON is 400 with a line', async () => {
    const bundle = await exportString(h.db, model, 'json');
    const res = await post(bundle.slice(0, 2000), 'application/json');
    expect(res.status).toBe(400);
    const body: any = await res.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', file: 'body', line: expect.any(Number) });
  });

  it('an unsupported Content-Type is 415; dryRun validates without writing', async () => {
    expect((await post('x', 'text/plain')).status).toBe(415);
    const bundle = JSON.parse(await exportString(h.db, model, 'json'));
    await wipe(h.db);
    const res = await post(JSON.stringify(bundle), 'application/json', '?dryRun=true');
    expect(await res.json()).toMatchObject({ dryRun: true, nodes: bundle.nodes.length, nodesCreated: 0 });
    expect(await graphCounts(h.db)).toEqual({});
  });

  it('a body over the size limit is 413, and nothing is written', async () => {
    const app = express();
    app.use(authenticationMiddleware(await createAuthenticator({ db: h.db, config: testConfig, log: silentLog })));
    mountExchangeRoutes(app, { db: h.db, model, log: silentLog, maxImportBytes: 1000 });
    const small = http.createServer(app);
    await new Promise<void>((resolve) => small.listen(0, '127.0.0.1', resolve));
    try {
      const port = (small.address() as { port: number }).port;
      const before = await graphCounts(h.db);
      const bundle = await exportString(h.db, model, 'json');
      // chunked (no Content-Length): the limit is enforced while the body streams in
      const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/import', method: 'POST', headers: { ...server.headers, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        for (let i = 0; i < bundle.length; i += 500) req.write(bundle.slice(i, i + 500));
        req.end();
      });
      expect(streamed.status).toBe(413);
      expect(JSON.parse(streamed.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await graphCounts(h.db)).toEqual(before);
    } finally {
      small.close();
    }
  });
});

describe('Query.exportSubgraph', () => {
  beforeAll(() => resetToSample(h.db));
  const QUERY = `query ($selection: SubgraphSelection, $format: ExportFormat!, $maxNodes: Int!) {
    exportSubgraph(selection: $selection, format: $format, maxNodes: $maxNodes) { format contentType nodeCount edgeCount text }
  }`;

  for (const format of ['JSON', 'NDJSON', 'GRAPHML', 'GEXF', 'CYPHER', 'CYTOSCAPE'] as const) {
    it(`${format}: the same text as GET /export`, async () => {
      const selection = { seeds: ['place:kupyansk'], depth: 1, labels: ['PLACE', 'STATEMENT', 'SOURCE'] };
      const { exportSubgraph } = await h.data(QUERY, { selection, format, maxNodes: 1000 });
      const expected = await exportString(h.db, model, format.toLowerCase() as never, { seeds: ['place:kupyansk'], depth: 1, labels: ['Place', 'Statement', 'Source'] });
      expect(exportSubgraph.text).toBe(expected);
      expect(exportSubgraph.format).toBe(format);
      expect(exportSubgraph.contentType).toMatch(TYPES[format.toLowerCase()]);
      const json = JSON.parse(await exportString(h.db, model, 'json', { seeds: ['place:kupyansk'], depth: 1, labels: ['Place', 'Statement', 'Source'] }));
      expect([exportSubgraph.nodeCount, exportSubgraph.edgeCount]).toEqual([json.nodes.length, json.edges.length]);
    });
  }

  it('dates filter like the list queries', async () => {
    const { exportSubgraph } = await h.data(QUERY, { selection: { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' }, format: 'NDJSON', maxNodes: 1000 });
    expect(exportSubgraph.text).toBe(await exportString(h.db, model, 'ndjson', { within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' }));
  });

  it('over maxNodes: BAD_USER_INPUT on maxNodes; unknown seed: NOT_FOUND; bad depth: BAD_USER_INPUT', async () => {
    const tooBig = await h.run(QUERY, { selection: null, format: 'JSON', maxNodes: 5 });
    expect(tooBig.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'maxNodes' });
    expect(tooBig.errors?.[0].message).toMatch(/more than 5 nodes/);
    const cap = await h.run(QUERY, { selection: null, format: 'JSON', maxNodes: 100_000 });
    expect(cap.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'maxNodes' });
    const missing = await h.run(QUERY, { selection: { seeds: ['place:atlantis'] }, format: 'JSON', maxNodes: 10 });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'selection.seeds.0' });
    const deep = await h.run(QUERY, { selection: { seeds: ['place:kupyansk'], depth: 50 }, format: 'JSON', maxNodes: 10 });
    expect(deep.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'selection.depth' });
  });
});
