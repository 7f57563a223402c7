import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { connectTestDatabase, model, resetToSample, TEST_ADMIN } from '../harness.js';
import { migrate } from '../../src/neo4j/migrations.js';
import type { Database } from '../../src/neo4j/database.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { openImportSource } from '../../src/bundle/importSources.js';
import { exportToPath } from '../../src/export/exportSubgraph.js';
import { resolveSelection } from '../../src/export/streamSubgraph.js';
import { generateCanonicalNdjson } from '../generateGraph.js';
import { graphCounts, tempDir, wipe } from '../exchange.js';

/**
 * The round trip at scale, for every importable format, on a generated graph of 100,000 nodes and about
 * 330,000 edges (change log and all): the graph is generated as its own NDJSON export, imported into the
 * empty database and exported again (NDJSON round trip); then its JSON and CSV exports are each imported
 * into the emptied database and exported again. Every second export must be byte-identical to the first
 * (compared by SHA-256), and the graph counts must match.
 */

const NODES = 100_000;
let db: Database;
const dir = tempDir('claimgraph-large-');

beforeAll(async () => {
  db = connectTestDatabase();
  await wipe(db);
  // the constraints and indexes the importer's MERGEs rely on (this file may run first, on a fresh store)
  await migrate(db);
});
afterAll(async () => {
  // leave the database as other test files expect to find it
  await wipe(db);
  await resetToSample(db);
  await db.close();
});

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type Importable = 'json' | 'ndjson' | 'csv';

/** Exports the whole graph in one importable format; returns its path and a hash per file. */
async function exportOne(format: Importable, tag: string): Promise<{ target: string; hashes: Record<string, string> }> {
  const selection = await resolveSelection(db, {}, TEST_ADMIN);
  const target = path.join(dir, format === 'csv' ? `${tag}-csv` : `${tag}.${format}`);
  await exportToPath(db, model, selection, format, target);
  if (format !== 'csv') return { target, hashes: { [format]: await sha256(target) } };
  const hashes: Record<string, string> = {};
  for (const f of readdirSync(target).sort()) hashes[`csv/${f}`] = await sha256(path.join(target, f));
  return { target, hashes };
}

async function importPath(target: string) {
  return importRecords(db, model, await openImportSource(target, model), { batchSize: 10_000 });
}

const log = (message: string) => process.stderr.write(`[100k round trip] ${message}\n`);

it(
  'export → wipe → import → export is byte-identical for JSON, NDJSON and CSV on a 100,000-node graph',
  async () => {
    const started = Date.now();
    const lap = (what: string) => log(`${what} at ${((Date.now() - started) / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

    // The generated graph is written as its own NDJSON export would be, so importing it into the empty
    // database is the NDJSON round trip's import.
    const generatedFile = path.join(dir, 'generated.ndjson');
    const generated = generateCanonicalNdjson(generatedFile, model, NODES);
    expect(generated.nodes).toBe(NODES);
    const generatedHash = await sha256(generatedFile);
    lap(`generated ${generated.nodes} nodes, ${generated.edges} edges`);

    const first = await importPath(generatedFile);
    expect(first).toMatchObject({ nodesCreated: generated.nodes, edgesCreated: generated.edges, nodesUpdated: 0, edgesUpdated: 0 });
    const counts = await graphCounts(db);
    expect([...model.nodes.keys()].reduce((n, label) => n + (counts[label] ?? 0), 0)).toBe(NODES);
    lap('imported the generated graph (NDJSON)');

    const reference = {} as Record<Importable, { target: string; hashes: Record<string, string> }>;
    for (const format of ['ndjson', 'json', 'csv'] as const) reference[format] = await exportOne(format, 'first');
    expect(reference.ndjson.hashes.ndjson, 'the NDJSON export of the imported NDJSON').toBe(generatedHash);
    lap('round trip through ndjson; exported json and csv');

    // The other importable formats: wipe, import the export, export it again in the same format.
    for (const format of ['json', 'csv'] as const) {
      await wipe(db);
      const report = await importPath(reference[format].target);
      expect(report, format).toMatchObject({ nodesCreated: generated.nodes, edgesCreated: generated.edges });
      expect(await graphCounts(db), format).toEqual(counts);
      const again = await exportOne(format, `after-${format}`);
      expect(again.hashes, `the ${format} export after importing the ${format} export`).toEqual(reference[format].hashes);
      lap(`round trip through ${format}`);
    }
    log(`peak RSS of this test process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  },
  1_200_000,
);
