/**
 * `npm run bench`: how the cost of a page grows with its depth into a list, for claimgraph's keyset
 * cursors against offset paging (SKIP/LIMIT, as peers that page by offset do), in one run on one database.
 * Prints a table of median milliseconds per page and the ratio offset/keyset at each depth.
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
import { encodeCursor } from '../../src/planner/cursor.js';
import { localOperator } from '../../src/auth/principal.js';

const SIZE = Number(process.env.BENCH_SIZE ?? 100_000);
const DEPTHS = [0, SIZE / 10, SIZE / 2, SIZE - 100].map(Math.floor);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PAGE = 20;

const pad = (i: number) => String(i).padStart(7, '0');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<void>): Promise<number[]> {
  await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return samples;
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
  try {
    console.error(`bench: loading ${SIZE} statements about one place…`);
    await db.write('MATCH (n) DETACH DELETE n');
    await migrate(db);
    await db.write(`CREATE (:Place {id: 'place:bench', name: 'Bench', kind: 'CITY', aliases: []})`);
    for (let from = 0; from < SIZE; from += 20_000) {
      await db.write(
        `MATCH (p:Place {id: 'place:bench'})
         UNWIND range($from, $to - 1) AS i
         CREATE (s:Statement {id: 'statement:bench-' + right('000000' + toString(i), 7), text: 'claim ' + i, kind: 'OTHER',
                  statedAtStart: date('2024-12-01'), statedAtEnd: date('2024-12-01'), statedAtPrecision: 'DAY'})
         CREATE (s)-[:ABOUT {role: 'LOCATION'}]->(p)`,
        { from: neo4j.int(from), to: neo4j.int(Math.min(SIZE, from + 20_000)) },
      );
    }

    const log = pino({ level: 'silent' });
    const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
    const apollo = createApolloServer({ db, log, config, development: false, schema: buildSchema() });
    await apollo.start();
    const graphql = async (query: string, variables: Record<string, unknown>) => {
      const res = await apollo.executeOperation({ query, variables }, { contextValue: { db, log, config, principal: localOperator('bench') } });
      if (res.body.kind !== 'single' || res.body.singleResult.errors) throw new Error(JSON.stringify(res.body));
    };

    const rows: string[][] = [];
    for (const depth of DEPTHS) {
      // The cursor of the item just before `depth`, as a client holding it would send it.
      const after = depth === 0 ? null : encodeCursor([`statement:bench-${pad(depth - 1)}`]);
      const nestedAfter = depth === 0 ? null : encodeCursor([`statement:bench-${pad(depth - 1)}`, 'LOCATION']);
      const keysetRoot = await time(() =>
        graphql('query($a: String) { statements(first: 20, after: $a) { edges { node { id text } } } }', { a: after }),
      );
      const keysetNested = await time(() =>
        graphql('query($a: String) { place(id: "place:bench") { statements(first: 20, after: $a) { edges { role node { id text } } } } }', { a: nestedAfter }),
      );
      const offsetRoot = await time(() =>
        db.read('MATCH (s:Statement) WITH s ORDER BY s.id SKIP $skip LIMIT $limit RETURN collect(s {.id, .text}) AS page', { skip: neo4j.int(depth), limit: neo4j.int(PAGE) }).then(() => undefined),
      );
      const offsetNested = await time(() =>
        db
          .read(
            `MATCH (:Place {id: 'place:bench'})<-[r:ABOUT]-(s:Statement) WITH r, s ORDER BY s.id, r.role SKIP $skip LIMIT $limit
             RETURN collect({role: r.role, node: s {.id, .text}}) AS page`,
            { skip: neo4j.int(depth), limit: neo4j.int(PAGE) },
          )
          .then(() => undefined),
      );
      const [kr, kn, or, on] = [keysetRoot, keysetNested, offsetRoot, offsetNested].map(median);
      rows.push([String(depth), kr.toFixed(2), or.toFixed(2), (or / kr).toFixed(2), kn.toFixed(2), on.toFixed(2), (on / kn).toFixed(2)]);
    }
    await apollo.stop();

    console.log(`\npage of ${PAGE} at depth d in ${SIZE} statements; median of ${RUNS} runs, ms (lower is better)`);
    console.log('claimgraph = full GraphQL request with a keyset cursor; offset = bare Cypher SKIP/LIMIT (no GraphQL at all)\n');
    const header = ['depth', 'list: claimgraph', 'list: offset', 'offset/ours', 'nested: claimgraph', 'nested: offset', 'offset/ours'];
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
