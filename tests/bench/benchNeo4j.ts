import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startOwnNeo4j, type OwnNeo4j } from '../../src/neo4j/ownNeo4j.js';
import { Database, type Neo4jTarget } from '../../src/neo4j/database.js';

/**
 * The Neo4j a benchmark runs on: the one NEO4J_URI names (which the benchmark wipes), or a throwaway one of
 * claimgraph's own with room for a graph of a few hundred thousand records.
 */
export async function benchNeo4j(): Promise<{ db: Database; target: Neo4jTarget; pid(): number | undefined; close(): Promise<void> }> {
  let own: OwnNeo4j | null = null;
  let dataDir: string | null = null;
  let target: Neo4jTarget;
  if (process.env.NEO4J_URI) {
    target = {
      uri: process.env.NEO4J_URI,
      user: process.env.NEO4J_USER ?? process.env.NEO4J_USERNAME ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? '',
      database: process.env.NEO4J_DATABASE ?? 'neo4j',
    };
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'claimgraph-bench-'));
    own = await startOwnNeo4j({ dataDir, port: 0, password: randomBytes(12).toString('hex'), heap: process.env.BENCH_NEO4J_HEAP ?? '2g', pageCache: '1g' });
    target = { uri: own.uri, user: own.user, password: own.password, database: 'neo4j' };
  }
  const db = Database.connect(target);
  return {
    db,
    target,
    /** The process id of the Neo4j started here (none for one NEO4J_URI names). */
    pid: () => own?.pid,
    async close() {
      await db.close();
      await own?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Empties the database in transactions of their own (a graph of this size does not fit in one). */
export async function wipe(db: Database): Promise<void> {
  await db.autoCommit('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS', {}, { deadline: 'migration' });
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
