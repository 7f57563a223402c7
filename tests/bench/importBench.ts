/**
 * `npm run bench` (part): bulk import. The benchmark graph (tests/bench/benchGraph.ts) imported by
 * claimgraph's importer — validation, batches, the change log — against a tuned hand-written script that
 * writes the same nodes, properties and relationships with `UNWIND … MERGE` in large batches and nothing
 * else (once with each node's times of record, as claimgraph writes them, and once without), in
 * interleaved rounds on one Neo4j. Then the importer's peak memory for the graph and for one twice as
 * large, each in a process of its own: memory must follow the batch, not the bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../src/neo4j/migrations.js';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { importRecords } from '../../src/bundle/importBundle.js';
import { recordFileSource } from '../../src/bundle/importSources.js';
import { writeBenchGraph } from './benchGraph.js';
import { benchNeo4j, median, wipe } from './benchNeo4j.js';
import { tunedImport } from './tunedImport.js';

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);

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

    const importers = [
      { name: 'claimgraph', times: [] as number[], run: () => importRecords(db, model, recordFileSource(file, 'ndjson'), { who: 'bench' }) },
      { name: 'tuned UNWIND', times: [] as number[], run: () => tunedImport(db, model, file) },
      { name: 'tuned UNWIND without times of record', times: [] as number[], run: () => tunedImport(db, model, file, { timesOfRecord: false }) },
    ];
    // Neo4j's JIT warms up first, through both importers, so neither pays for it: each imports the graph
    // once, unmeasured (imports of a smaller graph left both still getting faster round after round).
    for (const { run } of importers.slice(0, 2)) {
      await wipe(db);
      await migrate(db);
      await run();
    }
    console.error('  warmed up');

    for (let round = 0; round < ROUNDS; round++) {
      console.error(`  round ${round + 1}`);
      // Which importer goes first turns by round.
      for (let i = 0; i < importers.length; i++) {
        const { name, times, run } = importers[(round + i) % importers.length];
        await wipe(db);
        await migrate(db);
        const t = process.hrtime.bigint();
        await run();
        times.push(Number(process.hrtime.bigint() - t) / 1e9);
        console.error(`    ${name} ${times.at(-1)!.toFixed(1)} s`);
      }
    }
    const [o, f, b] = importers.map((importer) => median(importer.times));

    const double = path.join(dir, 'double.ndjson');
    writeBenchGraph(double, STATEMENTS * 2, 7);
    await wipe(db);
    const baseMiB = importerPeakMiB(file, neo.target);
    await wipe(db);
    const doubleMiB = importerPeakMiB(double, neo.target);

    console.log(`\nbulk import of ${records} records (${graph.nodes} nodes, ${graph.edges} relationships); median of ${ROUNDS} interleaved rounds`);
    console.log('importer | s | records/s | claimgraph ÷ it (throughput)');
    console.log('---|---|---|---');
    console.log(`claimgraph | ${o.toFixed(1)} | ${Math.round(records / o)} | 1.00`);
    console.log(`tuned UNWIND (times of record too, as claimgraph writes them) | ${f.toFixed(1)} | ${Math.round(records / f)} | ${(f / o).toFixed(2)}`);
    console.log(`tuned UNWIND without times of record | ${b.toFixed(1)} | ${Math.round(records / b)} | ${(b / o).toFixed(2)}`);
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
