import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectTestDatabase, model, resetToSample, TEST_ADMIN } from '../harness.js';
import { sample, type SampleEdge } from '../sample.js';
import type { Database } from '../../src/neo4j/database.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { collectSubgraph } from '../../src/export/exportSubgraph.js';
import { exportCsv, exportString, graphCounts, tempDir, wipe } from '../exchange.js';
import { expectedClosure } from '../expectedClosure.js';

/**
 * Export of the Kupyansk sample in every format, checked against the sample file itself (never against
 * the exporter), and the round trip: export → import into an empty database → export, byte for byte.
 */

let db: Database;
beforeAll(async () => {
  db = connectTestDatabase();
  await resetToSample(db);
});
afterAll(() => db.close());

const KEYED: Record<string, string> = { ABOUT: 'role', MEMBER_OF: 'role' };
const edgeKey = (e: SampleEdge) => `${e.type}|${e.from}|${e.to}|${KEYED[e.type] ? e.properties[KEYED[e.type]] : ''}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function importFile(file: string) {
  return importRecords(db, model, await openImportSource(file, model));
}

describe('the JSON export of the whole sample', () => {
  let exported: { format: string; version: number; nodes: any[]; edges: any[] };
  beforeAll(async () => {
    await resetToSample(db);
    exported = JSON.parse(await exportString(db, model, 'json'));
  });

  it('is a bundle with every node of the sample, properties as the sample gives them', () => {
    expect(exported.format).toBe('claimgraph-bundle');
    expect(exported.version).toBe(1);
    expect(exported.nodes).toHaveLength(sample.nodes.length);
    const byId = new Map(exported.nodes.map((n) => [n.id, n]));
    for (const node of sample.nodes) {
      const out = byId.get(node.id);
      expect(out, node.id).toBeDefined();
      expect(out.label).toBe(node.label);
      expect(out.properties, node.id).toEqual(node.properties);
    }
  });

  it('has every edge of the sample with its properties', () => {
    expect(exported.edges).toHaveLength(sample.edges.length);
    const byKey = new Map(exported.edges.map((e) => [edgeKey(e), e]));
    for (const edge of sample.edges) expect(byKey.get(edgeKey(edge))?.properties, edgeKey(edge)).toEqual(edge.properties);
  });

  it('orders nodes by label then id, and edges by type, from, to and key', () => {
    const nodeOrder = exported.nodes.map((n) => `${n.label} ${n.id}`);
    expect(nodeOrder).toEqual([...nodeOrder].sort(cmp));
    const edgeOrder = exported.edges.map((e) => [e.type, e.from, e.to, KEYED[e.type] ? e.properties[KEYED[e.type]] : ''].join('\u0000'));
    expect(edgeOrder).toEqual([...edgeOrder].sort(cmp));
  });

  it('leaves out the times of record', () => {
    for (const n of exported.nodes) expect(Object.keys(n.properties)).not.toEqual(expect.arrayContaining(['createdAt']));
    expect(JSON.stringify(exported)).not.toMatch(/createdAt|updatedAt/);
  });
});

describe('round trip: export, import into an empty database, export again', () => {
  beforeEach(() => resetToSample(db));

  for (const format of ['json', 'ndjson'] as const) {
    it(`${format}: byte-identical`, async () => {
      const first = await exportString(db, model, format);
      const file = path.join(tempDir(), `export.${format}`);
      writeFileSync(file, first);
      await wipe(db);
      expect(await graphCounts(db)).toEqual({});
      const report = await importFile(file);
      expect(report.nodesCreated).toBe(sample.nodes.length);
      expect(report.edgesCreated).toBe(sample.edges.length);
      const second = await exportString(db, model, format);
      expect(second.length).toBe(first.length);
      expect(second === first).toBe(true);
    });
  }

  it('csv: byte-identical, one file per label and per relationship type', async () => {
    const first = await exportCsv(db, model);
    expect(Object.keys(first.files)).toEqual(
      [...[...model.nodes.keys()].map((l) => `nodes_${l}.csv`), ...[...model.edges.keys()].map((t) => `relationships_${t}.csv`)].sort(cmp),
    );
    expect(first.files['nodes_Place.csv'].split('\n')[0]).toBe(
      'id:ID,:LABEL,kind,name,aliases:string[],location:point,locationPrecisionM:int,areaKm2:double,description',
    );
    expect(first.files['relationships_REPORTED_IN.csv'].split('\n')[0]).toBe(':START_ID,:END_ID,:TYPE,quote,charStart:int,charEnd:int');
    expect(first.files['nodes_Statement.csv'].split('\n')[0]).toContain('statedAtStart:date,statedAtEnd:date,statedAtPrecision,statedAtRaw,statedAtRelativeTo:date');
    await wipe(db);
    const report = await importFile(first.dir);
    expect(report.nodesCreated).toBe(sample.nodes.length);
    expect(report.edgesCreated).toBe(sample.edges.length);
    const second = await exportCsv(db, model);
    expect(second.files).toEqual(first.files);
  });

  it('cypher: loading the statements into an empty database gives back the same graph', async () => {
    const json = await exportString(db, model, 'json');
    const cypher = await exportString(db, model, 'cypher');
    const statements = cypher.split('\n').filter((l) => l.trim());
    expect(statements.every((s) => s.endsWith(';'))).toBe(true);
    expect(cypher).not.toMatch(/\$\w/); // parameter-free
    await wipe(db);
    for (const statement of statements) await db.write(statement.slice(0, -1));
    expect(await exportString(db, model, 'json')).toBe(json);
    // idempotent: loading it again changes nothing
    const counts = await graphCounts(db);
    for (const statement of statements) await db.write(statement.slice(0, -1));
    expect(await graphCounts(db)).toEqual(counts);
    expect(await exportString(db, model, 'json')).toBe(json);
  });

  it('importing the same export again changes nothing', async () => {
    const file = path.join(tempDir(), 'again.ndjson');
    writeFileSync(file, await exportString(db, model, 'ndjson'));
    const before = await db.read('MATCH (n) RETURN n.id AS id, n.updatedAt AS u ORDER BY id');
    const report = await importFile(file);
    expect(report).toMatchObject({ nodesCreated: 0, nodesUpdated: 0, edgesCreated: 0, edgesUpdated: 0 });
    const after = await db.read('MATCH (n) RETURN n.id AS id, n.updatedAt AS u ORDER BY id');
    expect(after.records.map((r) => String(r.get('u')))).toEqual(before.records.map((r) => String(r.get('u'))));
  });
});

describe('a time of record inside the model (a retracted statement)', () => {
  beforeEach(() => resetToSample(db));

  for (const format of ['json', 'csv'] as const) {
    it(`${format}: retractedAt comes back as a DateTime, and the export is byte-identical`, async () => {
      await db.write(
        "MATCH (s:Statement {id: 'statement:wgf-full-control-2024-12-16'}) SET s.retractedAt = datetime('2024-12-20T10:00:00.123Z'), s.retractionReason = 'superseded'",
      );
      const first = format === 'json' ? await exportString(db, model, 'json') : JSON.stringify((await exportCsv(db, model)).files);
      if (format === 'json') expect(first).toContain('"retractedAt":"2024-12-20T10:00:00.123Z"');
      const dir = tempDir();
      let target = path.join(dir, 'export.json');
      if (format === 'json') writeFileSync(target, first);
      else target = (await exportCsv(db, model, {}, dir)).dir;
      await wipe(db);
      await importFile(target);
      const again = format === 'json' ? await exportString(db, model, 'json') : JSON.stringify((await exportCsv(db, model)).files);
      expect(again).toBe(first);
      const stored = await db.read("MATCH (s:Statement {id: 'statement:wgf-full-control-2024-12-16'}) RETURN valueType(s.retractedAt) AS t");
      expect(stored.records[0].get('t')).toMatch(/^ZONED DATETIME/);
    });
  }
});

describe('the other formats', () => {
  beforeAll(() => resetToSample(db));

  it('cytoscape: elements with data, every edge between exported nodes', async () => {
    const doc = JSON.parse(await exportString(db, model, 'cytoscape'));
    const nodes = doc.elements.nodes.map((n: any) => n.data);
    const edges = doc.elements.edges.map((e: any) => e.data);
    expect(nodes).toHaveLength(sample.nodes.length);
    expect(edges).toHaveLength(sample.edges.length);
    const kupyansk = nodes.find((n: any) => n.id === 'place:kupyansk');
    expect(kupyansk.type).toBe('Place');
    expect(kupyansk.label).toBe('Kupyansk');
    expect(kupyansk.name).toBe(sample.nodes.find((n) => n.id === 'place:kupyansk')!.properties.name);
    const ids = new Set(nodes.map((n: any) => n.id));
    for (const e of edges) {
      expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
      expect(typeof e.type).toBe('string');
    }
    expect(new Set(edges.map((e: any) => e.id)).size).toBe(edges.length);
  });

  it('graphml: keys declared with types, one <node> per node, partial dates flattened', async () => {
    const xml = await exportString(db, model, 'graphml');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect((xml.match(/<node id=/g) ?? []).length).toBe(sample.nodes.length);
    expect((xml.match(/<edge id=/g) ?? []).length).toBe(sample.edges.length);
    expect(xml).toContain('<key id="n_statedAtStart" for="node" attr.name="statedAtStart" attr.type="string"/>');
    expect(xml).toContain('attr.name="locationLatitude" attr.type="double"');
    expect(xml).toContain('attr.name="charStart" attr.type="long"');
    const statement = sample.nodes.find((n) => n.id === 'statement:wgf-full-control-2024-12-16')!;
    const block = xml.slice(xml.indexOf('<node id="statement:wgf-full-control-2024-12-16">'));
    expect(block.slice(0, block.indexOf('</node>'))).toContain(`<data key="n_statedAtStart">${statement.properties.statedAt.start}</data>`);
    // every data key used is declared
    const declared = new Set([...xml.matchAll(/<key id="([^"]+)"/g)].map((m) => m[1]));
    for (const m of xml.matchAll(/<data key="([^"]+)"/g)) expect(declared.has(m[1])).toBe(true);
  });
});

/** Expected subgraphs, computed from the sample file alone. */
function expectedKHop(seeds: string[], depth: number) {
  const seen = new Set(seeds);
  let frontier = [...seeds];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const e of sample.edges)
      for (const [a, b] of [
        [e.from, e.to],
        [e.to, e.from],
      ])
        if (frontier.includes(a) && !seen.has(b)) {
          seen.add(b);
          next.push(b);
        }
    frontier = next;
  }
  return induced(seen);
}

function induced(ids: Set<string>) {
  return {
    nodes: [...ids].sort(cmp),
    edges: sample.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map(edgeKey).sort(cmp),
  };
}

function expectedFilter(root: string, from: string, to: string) {
  const within = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of sample.edges)
      if (e.type === 'PART_OF' && within.has(e.to) && e.from.startsWith('place:') && !within.has(e.from)) {
        within.add(e.from);
        grew = true;
      }
  }
  const statements = sample.nodes.filter(
    (n) =>
      n.label === 'Statement' &&
      n.properties.statedAt.start <= to &&
      n.properties.statedAt.end >= from &&
      sample.edges.some((e) => e.type === 'ABOUT' && e.from === n.id && within.has(e.to)),
  );
  const ids = new Set(statements.map((s) => s.id));
  for (const e of sample.edges) {
    if (ids.has(e.from) && statements.some((s) => s.id === e.from)) ids.add(e.to);
    if (statements.some((s) => s.id === e.to)) ids.add(e.from);
  }
  return { statements: statements.map((s) => s.id), ...induced(ids) };
}

async function selected(selection: object) {
  const { nodes, edges } = await collectSubgraph(db, model, selection, TEST_ADMIN);
  return { nodes: nodes.map((n) => n.id).sort(cmp), edges: edges.map(edgeKey).sort(cmp) };
}

/** The expected export of a selection whose own nodes are `core`: with the closure rule, unless it is off. */
const closed = (core: { nodes: string[] }) => induced(expectedClosure(sample, core.nodes));

describe('selections', () => {
  beforeAll(() => resetToSample(db));

  it('seeds and depth: k hops over any relationship, both ways, with the edges among them (closure none)', async () => {
    for (const depth of [0, 1, 2]) {
      const expected = expectedKHop(['place:kupyansk'], depth);
      expect(await selected({ seeds: ['place:kupyansk'], depth, closure: 'none' }), `depth ${depth}`).toEqual(expected);
    }
    const two = expectedKHop(['actor:volodymyr-zelensky', 'unit:2nd-national-guard-corps'], 1);
    expect(await selected({ seeds: ['actor:volodymyr-zelensky', 'unit:2nd-national-guard-corps'], depth: 1, closure: 'none' })).toEqual(two);
  });

  it('seeds and depth, by default with their closure: k hops, then speakers, sources, publishers and ancestors', async () => {
    for (const depth of [0, 1, 2]) {
      const core = expectedKHop(['place:kupyansk'], depth);
      const expected = closed(core);
      if (depth > 0) expect(expected.nodes.length, `depth ${depth}: the closure adds something`).toBeGreaterThan(core.nodes.length);
      expect(await selected({ seeds: ['place:kupyansk'], depth }), `depth ${depth}`).toEqual(expected);
    }
    const two = closed(expectedKHop(['actor:volodymyr-zelensky', 'unit:2nd-national-guard-corps'], 1));
    expect(await selected({ seeds: ['actor:volodymyr-zelensky', 'unit:2nd-national-guard-corps'], depth: 1 })).toEqual(two);
  });

  it('a filter: statements about places within Kharkiv province overlapping 10–14 Dec 2024, and what they touch', async () => {
    const expected = expectedFilter('place:kharkiv-province', '2024-12-10', '2024-12-14');
    expect(expected.statements.length).toBeGreaterThan(1);
    expect(expected.statements.length).toBeLessThan(sample.nodes.filter((n) => n.label === 'Statement').length - 3);
    const got = await selected({ within: 'place:kharkiv-province', from: '2024-12-10', to: '2024-12-14', closure: 'none' });
    expect(got).toEqual({ nodes: expected.nodes, edges: expected.edges });
    expect(await selected({ within: 'place:kharkiv-province', from: '2024-12-10', to: '2024-12-14' })).toEqual(closed(expected));
  });

  it('the issue example: everything about places within Kharkiv province in Nov–Dec 2024', async () => {
    const expected = expectedFilter('place:kharkiv-province', '2024-11-01', '2024-12-31');
    const got = await selected({ within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31', closure: 'none' });
    expect(got).toEqual({ nodes: expected.nodes, edges: expected.edges });
    const withClosure = await selected({ within: 'place:kharkiv-province', from: '2024-11-01', to: '2024-12-31' });
    expect(withClosure).toEqual(closed(expected));
    // What the issue found missing: the province itself and what contains it, and the sources' publishers.
    for (const id of ['place:kharkiv-province', 'place:ukraine']) expect(withClosure.nodes).toContain(id);
    const sources = new Set(withClosure.nodes.filter((id) => id.startsWith('source:')));
    const publishers = sample.edges.filter((e) => e.type === 'PUBLISHED_BY' && sources.has(e.from)).map((e) => e.to);
    expect(publishers.length).toBeGreaterThan(0);
    for (const id of publishers) expect(withClosure.nodes).toContain(id);
  });

  it('labels narrow any selection', async () => {
    const got = await selected({ labels: ['Place', 'Unit'] });
    const ids = new Set(sample.nodes.filter((n) => n.label === 'Place' || n.label === 'Unit').map((n) => n.id));
    expect(got).toEqual(induced(ids));
  });

  it('unknown seeds are NOT_FOUND, malformed selections BAD_USER_INPUT', async () => {
    await expect(collectSubgraph(db, model, { seeds: ['place:atlantis'] }, TEST_ADMIN)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(collectSubgraph(db, model, { seeds: ['Kupyansk'] }, TEST_ADMIN)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(collectSubgraph(db, model, { seeds: ['place:kupyansk'], from: '2024-01-01' }, TEST_ADMIN)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(collectSubgraph(db, model, { labels: ['Planet'] } as never, TEST_ADMIN)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('collectSubgraph refuses a subgraph larger than maxNodes', async () => {
    await expect(collectSubgraph(db, model, {}, TEST_ADMIN, { maxNodes: 10 })).rejects.toMatchObject({ issues: [{ path: 'maxNodes' }] });
  });
});
