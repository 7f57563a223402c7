import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startOwnNeo4j, type OwnNeo4j } from '../src/neo4j/ownNeo4j.js';
import type { Neo4jTarget } from '../src/neo4j/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4j: Neo4jTarget;
  }
}

/**
 * One real Neo4j for the whole run: the user's (NEO4J_URI, which the tests will wipe) or our own on a
 * throwaway store that is deleted afterwards.
 */
export default async function setup(project: TestProject) {
  if (process.env.NEO4J_URI) {
    project.provide('neo4j', {
      uri: process.env.NEO4J_URI,
      user: process.env.NEO4J_USER ?? process.env.NEO4J_USERNAME ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? '',
      database: process.env.NEO4J_DATABASE ?? 'neo4j',
    });
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'claimgraph-test-'));
  const own: OwnNeo4j = await startOwnNeo4j({ dataDir, port: 0, password: randomBytes(12).toString('hex'), heap: '1g' });
  project.provide('neo4j', { uri: own.uri, user: own.user, password: own.password, database: 'neo4j' });
  return async () => {
    await own.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
