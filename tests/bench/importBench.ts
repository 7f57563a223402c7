/**
 * `npm run bench` (part): bulk import. The benchmark graph (tests/bench/benchGraph.ts) imported by
 * claimgraph's importer — validation, batches, the change log — against a tuned hand-written script that
 * writes the same nodes, properties and relationships with `UNWIND … MERGE` in large batches and nothing
 * else, in interleaved rounds on one Neo4j. Then the importer's peak memory for the graph and for one
 * twice as large, each in a process of its own: memory must follow the batch, not the bundle.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Database } from '../../src/neo4j/database.js';
import { migrate } from '../../src/neo4j/migrations.js';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf, type GraphModel } from '../../src/model/graphModel.js';
import { importRecords, storedValues } from '../../src/bundle/importBundle.js';
import { recordFileSource } from '../../src/bundle/importSources.js';
import { LABELS, type Label } from '../../src/ids.js';
import { writeBenchGraph } from './benchGraph.js';
import { benchNeo4j, median, wipe } from './benchNeo4j.js';

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 2);
const BATCH = 10_000;

const labelOfId = (id: string) => LABELS.find((l) => id.startsWith(`${l.toLowerCase()}:`)) as Label;
const q = (name: string) => `\`${name}\``;

/** The floor: what a data engineer would write by hand to load the same file as fast as Neo4j allows. */
async function tunedImport(db: Database, model: GraphModel, file: string): Promise<void> {
  const nodes = new Map<string, Array<{ id: string; props: Record<string, unknown> }>>();
  const edges = new Map<string, Array<{ from: string; to: string; props: Record<string, unknown> }>>();
  const flushNodes = async (label: string) => {
    const rows = nodes.get(label) ?? [];
    nodes.set(label, []);
    if (rows.length) await db.write(`UNWIND $rows AS row MERGE (n:${q(label)} {id: row.id}) SET n += row.props`, { rows }, { deadline: 'importBatch' });
  };
  const flushEdges = async (key: string) => {
    const rows = edges.get(key) ?? [];
    edges.set(key, []);
    if (!rows.length) return;
    const [type, from, to] = key.split('|');
    const edgeKey = model.edges.get(type)?.key;
    const merge = edgeKey ? `MERGE (a)-[r:${q(type)} {${q(edgeKey)}: row.props.${q(edgeKey)}}]->(b)` : `MERGE (a)-[r:${q(type)}]->(b)`;
    await db.write(
      `UNWIND $rows AS row MATCH (a:${q(from)} {id: row.from}) MATCH (b:${q(to)} {id: row.to}) ${merge} SET r += row.props`,
      { rows },
      { deadline: 'importBatch' },
    );
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const r = JSON.parse(line);
    if (r.kind === 'node') {
      const specs = model.nodes.get(r.label)!.properties;
      const props = Object.fromEntries(Object.entries(storedValues(specs, r.properties)).filter(([, v]) => v !== null));
      const list = nodes.get(r.label) ?? [];
      list.push({ id: r.id, props });
      nodes.set(r.label, list);
      if (list.length >= BATCH) await flushNodes(r.label);
    } else if (r.kind === 'edge') {
      for (const label of nodes.keys()) await flushNodes(label);
      const specs = model.edges.get(r.type)!.properties;
      const props = Object.fromEntries(Object.entries(storedValues(specs, r.properties)).filter(([, v]) => v !== null));
      const key = `${r.type}|${labelOfId(r.from)}|${labelOfId(r.to)}`;
      const list = edges.get(key) ?? [];
      list.push({ from: r.from, to: r.to, props });
      edges.set(key, list);
      if (list.length >= BATCH) await flushEdges(key);
    }
  }
  for (const label of nodes.keys()) await flushNodes(label);
  for (const key of edges.keys()) await flushEdges(key);
}

/** Peak resident memory of claimgraph's importer on `file`, in a process of its own. */
function importerPeakMiB(file: string, target: { uri: string; user: string; password: string }): number {
  const child = spawnSync('npx', ['tsx', fileURLToPath(new URL('./importChild.ts', import.meta.url)), file], {
    env: { ...process.env, NEO4J_URI: target.uri, NEO4J_USER: target.user, NEO4J_PASSWORD: target.password },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const match = /peakMiB=(\d+)/.exec(child.stdout);
  if (child.status !== 0 || !match) throw new Error(`the import child failed: ${child.stderr.slice(-2000)}`);
  return Number(match[1]);
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimgraph-import-bench-'));
  const neo = await benchNeo4j();
  const db = neo.db;
  const model = graphModelOf(buildSchema());
  try {
    const file = path.join(dir, 'graph.ndjson');
    const graph = writeBenchGraph(file, STATEMENTS);
    const records = graph.nodes + graph.edges;
    console.error(`import bench: ${graph.nodes} nodes and ${graph.edges} relationships (${STATEMENTS} statements)`);

    const ours: number[] = [];
    const floor: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await wipe(db);
      await migrate(db);
      let t = process.hrtime.bigint();
      await importRecords(db, model, recordFileSource(file, 'ndjson'), { who: 'bench' });
      ours.push(Number(process.hrtime.bigint() - t) / 1e9);
      console.error(`  round ${round + 1}: claimgraph ${ours.at(-1)!.toFixed(1)} s`);
      await wipe(db);
      await migrate(db);
      t = process.hrtime.bigint();
      await tunedImport(db, model, file);
      floor.push(Number(process.hrtime.bigint() - t) / 1e9);
      console.error(`  round ${round + 1}: tuned UNWIND ${floor.at(-1)!.toFixed(1)} s`);
    }
    const [o, f] = [median(ours), median(floor)];

    const double = path.join(dir, 'double.ndjson');
    writeBenchGraph(double, STATEMENTS * 2, 7);
    await wipe(db);
    const baseMiB = importerPeakMiB(file, neo.target);
    await wipe(db);
    const doubleMiB = importerPeakMiB(double, neo.target);

    console.log(`\nbulk import of ${records} records (${graph.nodes} nodes, ${graph.edges} relationships); median of ${ROUNDS} interleaved rounds`);
    console.log('claimgraph s | tuned UNWIND s | claimgraph records/s | tuned records/s | claimgraph ÷ tuned (throughput)');
    console.log('---|---|---|---|---');
    console.log(`${o.toFixed(1)} | ${f.toFixed(1)} | ${Math.round(records / o)} | ${Math.round(records / f)} | ${(f / o).toFixed(2)}`);
    console.log(`\nimporter peak memory: ${baseMiB} MiB for the graph, ${doubleMiB} MiB for one twice as large (${(doubleMiB / baseMiB).toFixed(2)}×)`);
  } finally {
    await neo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
