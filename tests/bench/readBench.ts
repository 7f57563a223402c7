/**
 * `npm run bench` (part): reads. The benchmark graph (benchGraph.ts, 100 000 statements by default) in one
 * Neo4j; claimgraph over HTTP (its own process, compiled, as `npm start` runs it: dist/main.js) against hand-written Cypher behind an
 * equally thin HTTP server (floorServer.ts, its own process). Answers are checked equal first; then each
 * workload of the benchmark table is driven by 8 concurrent keep-alive connections for a few seconds per server,
 * in three interleaved rounds, and the median throughputs and their ratio are printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import neo4j from 'neo4j-driver';
import { migrate } from '../../src/neo4j/migrations.js';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { encodeCursor } from '../../src/planner/cursor.js';
import { luceneQuery, searchTerms } from '../../src/domain/search/luceneQuery.js';
import { writeBenchGraph } from './benchGraph.js';
import { benchNeo4j, median, wipe } from './benchNeo4j.js';
import { tunedImport } from './tunedImport.js';
import { createApiKey } from '../../src/auth/apiKeys.js';
import { FLOOR_QUERIES, WORKLOADS, type WorkloadInputs } from './readWorkloads.js';
import { createApolloServer } from '../../src/server.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/neo4j/database.js';
import type { Principal } from '../../src/auth/principal.js';
import { pino } from 'pino';
import { profileHits } from '../profileHits.js';
import { refreshPlannerStatistics } from '../../src/neo4j/plannerStatistics.js';

const STATEMENTS = Number(process.env.BENCH_STATEMENTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const CONNECTIONS = 8;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts a compiled script (`args[0]`, JavaScript) under plain node and waits for a line matching `ready`;
 * returns the process and the match. Both servers run compiled, as `npm start` runs claimgraph.
 */
function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = ready.exec(seen);
      if (match) {
        // Ready: what it prints from now on is read and dropped.
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ child, match });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before it was ready: ${seen.slice(-2000)}`)));
  });
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers 200 (the server is up and has Neo4j), or the process exits. */
async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`the server exited before it was ready (${url})`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready after two minutes`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(url: string, body: string, authorization?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(authorization ? { authorization } : {}) };
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode} ${text.slice(0, 500)}`));
        else resolve(text);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU time (user and system) a process has used so far, in milliseconds; NaN when it cannot be read. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 1/100 s
  } catch {
    return NaN;
  }
}

interface Measured {
  /** Requests per second. */
  rps: number;
  /** CPU milliseconds per request of the server measured, and of Neo4j meanwhile. */
  serverCpu: number;
  neo4jCpu: number;
}

/**
 * Requests per second that CONNECTIONS loops reach for SECONDS, request i built by `body(i)`, with the CPU
 * time per request of the server and of Neo4j: on a machine where they share the CPUs, that is where a
 * difference in throughput comes from.
 */
async function throughput(url: string, body: (i: number) => string, pids: { server?: number; neo4j?: number }, authorization?: string): Promise<Measured> {
  const end = Date.now() + SECONDS * 1000;
  let next = 0;
  let done = 0;
  const [server0, neo0] = [cpuMs(pids.server), cpuMs(pids.neo4j)];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        await post(url, body(next++), authorization);
        done++;
      }
    }),
  );
  const rps = done / (Number(process.hrtime.bigint() - started) / 1e9);
  return { rps, serverCpu: (cpuMs(pids.server) - server0) / done, neo4jCpu: (cpuMs(pids.neo4j) - neo0) / done };
}

/**
 * Each workload's database hits on both sides: claimgraph's Cypher is captured from an in-process server
 * (the same schema and planner as the one measured over HTTP) and PROFILEd beside the floor's.
 */
async function workloadHits(db: Database, inputs: WorkloadInputs, workloads: typeof WORKLOADS): Promise<Map<string, { ours: number; floor: number; queries: number }>> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'production' });
  const apollo = createApolloServer({ db, log: pino({ level: 'silent' }), config, development: false, schema: buildSchema() });
  await apollo.start();
  const reader: Principal = { kind: 'key', name: 'key:bench', role: 'reader', clearance: 'RED' };
  const out = new Map<string, { ours: number; floor: number; queries: number }>();
  try {
    for (const w of workloads) {
      const vars = w.vars(inputs, 0);
      const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
      const off = db.onQuery((cypher, params) => sent.push({ cypher, params: params ?? {} }));
      try {
        await apollo.executeOperation({ query: w.graphql, variables: vars.graphql }, { contextValue: { db: db.forRequest(), log: pino({ level: 'silent' }), config, principal: reader } });
      } finally {
        off();
      }
      let ours = 0;
      for (const q of sent) ours += await profileHits(db, q.cypher, q.params);
      const floorParams = Object.fromEntries(Object.entries(vars.floor).map(([k, v]) => [k, typeof v === 'number' && Number.isInteger(v) ? neo4j.int(v) : v]));
      out.set(w.name, { ours, floor: await profileHits(db, FLOOR_QUERIES[w.name], floorParams), queries: sent.length });
    }
  } finally {
    await apollo.stop();
  }
  return out;
}

async function main() {
  for (const built of ['dist/main.js', 'dist-bench/floorServer.js']) {
    if (!existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: \`npm run bench\` compiles both servers first`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'claimgraph-read-bench-'));
  const neo = await benchNeo4j();
  const db = neo.db;
  const processes: ChildProcess[] = [];
  try {
    const file = path.join(dir, 'graph.ndjson');
    const graph = writeBenchGraph(file, STATEMENTS);
    console.error(`read bench: loading ${graph.nodes} nodes and ${graph.edges} relationships (${STATEMENTS} statements)…`);
    await wipe(db);
    await migrate(db);
    await tunedImport(db, graphModelOf(buildSchema()), file);
    await db.write('CALL db.awaitIndexes(600)', {}, { deadline: 'migration' });
    await refreshPlannerStatistics(db);
    console.error('read bench: loaded; statistics refreshed');

    // Inputs: ids, and the rows deep pages start after (found once, by SKIP, here only).
    const ordered = 'ORDER BY t.statedAtStart DESC, t.statedAtEnd DESC, t.id DESC';
    const deepRoot = (
      await db.read(`MATCH (t:Statement) RETURN toString(t.statedAtStart) AS a, toString(t.statedAtEnd) AS b, t.id AS id ${ordered} SKIP $skip LIMIT 1`, {
        skip: neo4j.int(Math.min(49_999, STATEMENTS - 30)),
      }, { deadline: 'migration' })
    ).records[0].toObject() as { a: string; b: string; id: string };
    const deepDense = (
      await db.read(
        `MATCH (t:Statement) WHERE EXISTS { (t)-[:ABOUT]->(:Place {id: $place}) } RETURN toString(t.statedAtStart) AS a, toString(t.statedAtEnd) AS b, t.id AS id ${ordered} SKIP $skip LIMIT 1`,
        { place: graph.densePlace, skip: neo4j.int(Math.min(4_999, Math.floor(STATEMENTS / 9) - 30)) },
        { deadline: 'migration' },
      )
    ).records[0].toObject() as { a: string; b: string; id: string };
    const ordering = 'statedAtStart.DESC,statedAtEnd.DESC';
    const statements = Array.from({ length: 100 }, (_, i) => `statement:st-${String(Math.floor((i * STATEMENTS) / 100)).padStart(7, '0')}`);
    const searchText = 'depot bridge';
    const inputs: WorkloadInputs = {
      statements,
      typicalPlace: graph.typicalPlace,
      densePlace: graph.densePlace,
      deepRoot: { ...deepRoot, cursor: encodeCursor([deepRoot.a, deepRoot.b, deepRoot.id], ordering) },
      deepDense: { ...deepDense, cursor: encodeCursor([deepDense.a, deepDense.b, deepDense.id], ordering) },
      searchText,
      searchLucene: luceneQuery(searchTerms(searchText))!,
    };

    // claimgraph in production mode wants a key: a reader's, cleared for everything (the graph has no markings).
    const { key } = await createApiKey(db, { name: 'bench', role: 'reader', clearance: 'RED' });
    const authorization = `Bearer ${key}`;
    const env = { NEO4J_URI: neo.target.uri, NEO4J_USER: neo.target.user, NEO4J_PASSWORD: neo.target.password };
    // As it runs in production (its request log included), on a port chosen here; ready when /health says so.
    const port = await freePort();
    // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to both servers' node, to see where its time goes.
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const claimgraphProcess = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
      cwd: ROOT,
      env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), CLAIMGRAPH_SEED: 'never', NODE_ENV: 'production' },
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    processes.push(claimgraphProcess);
    await untilHealthy(`http://127.0.0.1:${port}/health`, claimgraphProcess);
    const claimgraph = { match: ['', `http://127.0.0.1:${port}/graphql`] };
    const floor = await startProcess([...nodeArgs, 'dist-bench/floorServer.js'], env, /listening (\d+)/);
    processes.push(floor.child);
    const graphqlUrl = claimgraph.match[1];
    const floorUrl = `http://127.0.0.1:${floor.match[1]}`;

    // BENCH_ONLY=rootFirst,search runs only those workloads (to profile one).
    const only = process.env.BENCH_ONLY?.split(',');
    const requests = WORKLOADS.filter((w) => !only || only.includes(w.name)).map((w) => ({
      w,
      ours: (i: number) => JSON.stringify({ query: w.graphql, variables: w.vars(inputs, i).graphql }),
      floor: (i: number) => JSON.stringify(w.vars(inputs, i).floor),
    }));

    // The same answers first, or the comparison means nothing.
    for (const { w, ours, floor: theirs } of requests) {
      for (const i of [0, 1]) {
        const a = JSON.parse(await post(graphqlUrl, ours(i), authorization));
        const b = JSON.parse(await post(`${floorUrl}/${w.name}`, theirs(i)));
        if (a.errors || !isDeepStrictEqual(a.data, b.data)) {
          console.error(`${w.name}: the answers differ\nclaimgraph: ${JSON.stringify(a).slice(0, 3000)}\nfloor: ${JSON.stringify(b).slice(0, 3000)}`);
          process.exitCode = 1;
          return;
        }
      }
    }
    console.error('answers equal on every workload; measuring…');
    const hits = await workloadHits(db, inputs, requests.map((r) => r.w));

    const ours = new Map<string, Measured[]>();
    const theirs = new Map<string, Measured[]>();
    const neo4jPid = neo.pid();
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of requests) {
        // Interleaved, and which side goes first alternates by round.
        const pair = [
          async () =>
            ours.set(r.w.name, [...(ours.get(r.w.name) ?? []), await throughput(graphqlUrl, r.ours, { server: claimgraphProcess.pid, neo4j: neo4jPid }, authorization)]),
          async () =>
            theirs.set(r.w.name, [...(theirs.get(r.w.name) ?? []), await throughput(`${floorUrl}/${r.w.name}`, r.floor, { server: floor.child.pid, neo4j: neo4jPid })]),
        ];
        if (round % 2) pair.reverse();
        for (const run of pair) await run();
      }
      console.error(`  round ${round + 1} of ${ROUNDS} done`);
    }

    console.log(`\nreads: ${STATEMENTS} statements (${graph.nodes} nodes, ${graph.edges} relationships), ${CONNECTIONS} connections, ${SECONDS} s per measurement, median of ${ROUNDS} interleaved rounds; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString().slice(0, 10)}`);
    console.log('| workload | claimgraph req/s | floor req/s | claimgraph ÷ floor | db hits: claimgraph / floor | CPU ms per request, server: claimgraph / floor | Neo4j: claimgraph / floor |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    const ms = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));
    for (const { w } of requests) {
      const [a, b] = [ours.get(w.name)!, theirs.get(w.name)!];
      const [o, f] = [median(a.map((m) => m.rps)), median(b.map((m) => m.rps))];
      const hit = hits.get(w.name)!;
      const queries = hit.queries === 1 ? '' : ` (${hit.queries} queries)`;
      const cpu = (xs: Measured[], k: 'serverCpu' | 'neo4jCpu') => ms(median(xs.map((m) => m[k])));
      console.log(
        `| ${w.title} | ${o.toFixed(0)} | ${f.toFixed(0)} | ${(o / f).toFixed(2)} | ${hit.ours} / ${hit.floor}${queries} | ${cpu(a, 'serverCpu')} / ${cpu(b, 'serverCpu')} | ${cpu(a, 'neo4jCpu')} / ${cpu(b, 'neo4jCpu')} |`,
      );
    }
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    agent.destroy();
    await neo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
