/**
 * `npm run bench` (part): what the request guards cost. The same ordinary nested query, over HTTP, against
 * two servers on one database — one with the guards (src/guards/), one without — in interleaved rounds, so
 * a noisy machine slows both alike. Prints median milliseconds per request and the ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { startOwnNeo4j, type OwnNeo4j } from '../../src/neo4j/ownNeo4j.js';
import { Database } from '../../src/neo4j/database.js';
import { migrate } from '../../src/neo4j/migrations.js';
import { buildSchema } from '../../src/schema.js';
import { graphModelOf } from '../../src/model/graphModel.js';
import { loadSample } from '../../src/sample/loadSample.js';
import { startServer } from '../../src/server.js';
import { loadConfig } from '../../src/config.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 200);

/** A page a frontend fetches: a place, its statements, their speakers and sources, with a fragment and variables. */
const ORDINARY = JSON.stringify({
  query: `query Place($id: ID!, $n: Int) {
    place(id: $id) {
      ...PlaceHeader
      statements(first: $n, orderBy: [{field: STATED_AT, direction: DESC}]) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { role node { id text kind statedAt { start end precision } speaker { id name side } sources(first: 3) { edges { quote node { id title publisher { name } } } } } }
      }
    }
  }
  fragment PlaceHeader on Place { id name kind aliases parent { id name } }`,
  variables: { id: 'place:kupyansk', n: 20 },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function round(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ORDINARY });
    const body = (await response.json()) as { errors?: unknown };
    if (response.status !== 200 || body.errors) throw new Error(`the ordinary query failed: ${JSON.stringify(body)}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / PER_ROUND;
}

async function main() {
  let own: OwnNeo4j | null = null;
  let dataDir: string | null = null;
  let target;
  if (process.env.NEO4J_URI) {
    target = { uri: process.env.NEO4J_URI, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '', database: process.env.NEO4J_DATABASE ?? 'neo4j' };
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'claimgraph-bench-'));
    own = await startOwnNeo4j({ dataDir, port: 0, password: randomBytes(12).toString('hex') });
    target = { uri: own.uri, user: own.user, password: own.password, database: 'neo4j' };
  }
  const db = Database.connect(target);
  const schema = buildSchema();
  const log = pino({ level: 'silent' });
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const servers = [];
  try {
    await db.write('MATCH (n) DETACH DELETE n');
    await migrate(db);
    await loadSample(db, graphModelOf(schema));
    const base = { db, log, config, development: false, schema, host: '127.0.0.1', port: 0 };
    const guarded = await startServer({ ...base, guards: true });
    const bare = await startServer({ ...base, guards: false });
    servers.push(guarded, bare);
    await round(guarded.url); // warm-up: JIT, plan cache, Apollo's document cache
    await round(bare.url);
    const withGuards: number[] = [];
    const without: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      withGuards.push(await round(guarded.url));
      without.push(await round(bare.url));
    }
    const [g, b] = [median(withGuards), median(without)];
    console.log(`\nrequest guards on an ordinary nested query (a place, 20 statements, speakers, 3 sources each, publishers)`);
    console.log(`${ROUNDS} interleaved rounds of ${PER_ROUND} sequential requests over HTTP; median ms per request (lower is better)\n`);
    console.log('with guards | without | with / without');
    console.log('---|---|---');
    console.log(`${g.toFixed(2)} | ${b.toFixed(2)} | ${(g / b).toFixed(3)}`);
  } finally {
    for (const server of servers) await server.stop();
    await db.close();
    await own?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
