/**
 * `npm run bench` (second part): what the marking filter costs on paged and nested reads. The same GraphQL
 * requests run as a RED principal (no predicate is written at all) and as an AMBER one (the predicate in
 * every MATCH that reaches a statement), on one database in one run, where a quarter of the statements are
 * marked RED. Prints median milliseconds per request and the database hits of one PROFILE of each query.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import neo4j from 'neo4j-driver';
import { pino } from 'pino';
import { startOwnNeo4j, type OwnNeo4j } from '../../src/neo4j/ownNeo4j.js';
import { Database } from '../../src/neo4j/database.js';
import { migrate } from '../../src/neo4j/migrations.js';
import { buildSchema } from '../../src/schema.js';
import { createApolloServer } from '../../src/server.js';
import { loadConfig } from '../../src/config.js';
import type { Principal } from '../../src/auth/principal.js';

const SIZE = Number(process.env.BENCH_SIZE ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const RED: Principal = { kind: 'key', name: 'key:bench-red', role: 'admin', clearance: 'RED' };
const AMBER: Principal = { kind: 'key', name: 'key:bench-amber', role: 'reader', clearance: 'AMBER' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Database hits of a PROFILE, summed over the plan. */
function dbHits(plan: { dbHits?: number | { toNumber(): number }; children?: unknown[] } | null): number {
  if (!plan) return 0;
  const own = typeof plan.dbHits === 'number' ? plan.dbHits : (plan.dbHits?.toNumber() ?? 0);
  return own + (plan.children ?? []).reduce<number>((sum, c) => sum + dbHits(c as typeof plan), 0);
}

const READS: Array<[string, string]> = [
  ['list, first page', `{ statements(first: 20) { edges { node { id text } } } }`],
  ['list, first page + totalCount', `{ statements(first: 20) { totalCount edges { node { id text } } } }`],
  ['list, filtered', `{ statements(first: 20, where: { text: { startsWith: "claim 1" } }) { totalCount edges { node { id } } } }`],
  ['nested, first page', `{ place(id: "place:bench") { statements(first: 20) { totalCount edges { role node { id text } } } } }`],
  ['nested in a list', `{ places(first: 5) { edges { node { statements(first: 20) { totalCount edges { node { id sources { totalCount } } } } } } } }`],
];

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
  try {
    console.error(`bench: loading ${SIZE} statements about one place, one in four marked RED…`);
    await db.write('MATCH (n) WHERE NOT n:ApiKey DETACH DELETE n');
    await migrate(db);
    await db.write(`CREATE (:Place {id: 'place:bench', name: 'Bench', kind: 'CITY', aliases: []})`);
    await db.write(`CREATE (:Source {id: 'source:bench', title: 'Bench', kind: 'ARTICLE'})`);
    for (let from = 0; from < SIZE; from += 20_000) {
      await db.write(
        `MATCH (p:Place {id: 'place:bench'}), (src:Source {id: 'source:bench'})
         UNWIND range($from, $to - 1) AS i
         CREATE (s:Statement {id: 'statement:bench-' + right('000000' + toString(i), 7), text: 'claim ' + i, kind: 'OTHER',
                  statedAtStart: date('2024-12-01'), statedAtEnd: date('2024-12-01'), statedAtPrecision: 'DAY'})
         SET s.marking = CASE WHEN i % 4 = 3 THEN 'RED' ELSE null END
         CREATE (s)-[:ABOUT {role: 'LOCATION'}]->(p)
         CREATE (s)-[:REPORTED_IN]->(src)`,
        { from: neo4j.int(from), to: neo4j.int(Math.min(SIZE, from + 20_000)) },
      );
    }

    const log = pino({ level: 'silent' });
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    const apollo = createApolloServer({ db, log, config, development: false, schema: buildSchema() });
    await apollo.start();
    const graphql = async (query: string, principal: Principal) => {
      const res = await apollo.executeOperation({ query }, { contextValue: { db, log, config, principal } });
      if (res.body.kind !== 'single' || res.body.singleResult.errors) throw new Error(JSON.stringify(res.body));
    };
    /** The Cypher a request sends, PROFILEd once: its database hits. */
    const hitsOf = async (query: string, principal: Principal) => {
      const sent: Array<{ cypher: string; params: Record<string, unknown> }> = [];
      const off = db.onQuery((cypher, params) => sent.push({ cypher, params }));
      try {
        await graphql(query, principal);
      } finally {
        off();
      }
      let hits = 0;
      for (const q of sent) hits += dbHits((await db.read(`PROFILE ${q.cypher}`, q.params)).summary.profile as never);
      return hits;
    };
    const time = async (query: string, principal: Principal) => {
      await graphql(query, principal); // warm-up (and the plan cache)
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = process.hrtime.bigint();
        await graphql(query, principal);
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return median(samples);
    };

    const rows: string[][] = [];
    for (const [name, query] of READS) {
      const [redMs, amberMs] = [await time(query, RED), await time(query, AMBER)];
      const [redHits, amberHits] = [await hitsOf(query, RED), await hitsOf(query, AMBER)];
      rows.push([name, redMs.toFixed(2), amberMs.toFixed(2), (amberMs / redMs).toFixed(2), String(redHits), String(amberHits)]);
    }
    await apollo.stop();

    console.log(`\nmarking filter on ${SIZE} statements (a quarter RED); median of ${RUNS} runs, ms, and db hits of one PROFILE (lower is better)`);
    console.log('RED = no predicate written; AMBER = the predicate in every MATCH that reaches a statement\n');
    const header = ['read', 'RED ms', 'AMBER ms', 'AMBER/RED', 'RED db hits', 'AMBER db hits'];
    console.log(header.join(' | '));
    console.log(header.map(() => '---').join(' | '));
    for (const row of rows) console.log(row.join(' | '));
  } finally {
    await db.close();
    await own?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
