import { inject } from 'vitest';
import { pino } from 'pino';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { Database, databaseSettings } from '../src/neo4j/database.js';
import { migrate } from '../src/neo4j/migrations.js';
import { buildSchema } from '../src/schema.js';
import { graphModelOf } from '../src/model/graphModel.js';
import { loadSample } from '../src/sample/loadSample.js';
import { createApolloServer, startServer, type RunningServer } from '../src/server.js';
import type { Context } from '../src/context.js';
import type { Principal } from '../src/auth/principal.js';
import { loadConfig } from '../src/config.js';

/** The shared test harness: one driver, one schema and one Apollo Server per test file, over the real Neo4j. */
export const silentLog = pino({ level: process.env.TEST_LOG ?? 'silent' });
export const schema = buildSchema();
export const model = graphModelOf(schema);
/** Configuration as a test run sees it (defaults plus the environment). */
export const testConfig = loadConfig({ ...process.env, NODE_ENV: 'test' });

/** Who tests run as unless they say otherwise: an admin who sees everything. */
export const TEST_ADMIN: Principal = { kind: 'key', name: 'key:test-admin', role: 'admin', clearance: 'RED' };

export interface Harness {
  db: Database;
  apollo: ApolloServer<Context>;
  /** Runs an operation through Apollo (executeOperation), as `principal` (default TEST_ADMIN), and returns data and errors. */
  run<T = any>(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<{ data?: T; errors?: readonly GraphQLFormattedError[] }>;
  /** Runs an operation that must succeed and returns its data. */
  data<T = any>(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<T>;
  close(): Promise<void>;
}

export function connectTestDatabase(): Database {
  return Database.connect(inject('neo4j'), databaseSettings(testConfig));
}

/** Empties the database and loads the Kupyansk sample: every test file starts from the same state. */
export async function resetToSample(db: Database): Promise<void> {
  await db.write('MATCH (n) DETACH DELETE n');
  await migrate(db);
  await loadSample(db, model);
}

export async function createHarness(options: { reset?: boolean } = { reset: true }): Promise<Harness> {
  const db = connectTestDatabase();
  if (options.reset !== false) await resetToSample(db);
  const apollo = createApolloServer({ db, log: silentLog, config: testConfig, development: false, schema });
  await apollo.start();
  const run = async (query: string, variables?: Record<string, unknown>, principal: Principal = TEST_ADMIN) => {
    // A view per operation, as the server makes one per request.
    const response = await apollo.executeOperation({ query, variables }, { contextValue: { db: db.forRequest(), log: silentLog, config: testConfig, principal } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as { data?: any; errors?: readonly GraphQLFormattedError[] };
  };
  return {
    db,
    apollo,
    run,
    async data(query, variables, principal) {
      const result = await run(query, variables, principal);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
    async close() {
      await apollo.stop();
      await db.close();
    },
  };
}

/** Runs `run` and returns its result with the Cypher queries it sent: proves round trips, or none at all. */
export async function countQueries<T>(db: Database, run: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const queries: string[] = [];
  const off = db.onQuery((cypher) => queries.push(cypher));
  try {
    return { result: await run(), queries };
  } finally {
    off();
  }
}

/** The whole API (Express, /graphql, /health, /import, /export) over the harness's database, on a free port. */
export function startTestServer(h: Harness): Promise<RunningServer> {
  return startServer({ db: h.db, log: silentLog, config: testConfig, development: false, schema, host: '127.0.0.1', port: 0 });
}
